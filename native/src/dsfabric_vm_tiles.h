/*
 * The VM's plan (decoded header, scratch memory, slot values) and its walk over the tiles of a block, shared
 * by the elementwise evaluation (dsfabric_vm.c) and the sums (dsfabric_vm_sum.c). Everything here is inline
 * so that it is compiled into each multiversioned clone with that clone's instruction set.
 */
#ifndef DSFABRIC_VM_TILES_H
#define DSFABRIC_VM_TILES_H

#include "dsfabric_vm.h"
#include "dsfabric_vm_ops.h"

/* 512 doubles = 4 KiB per tile buffer: a few registers plus the streams fit in a 32-48 KiB L1. */
#define DSF_TILE 512
/* Rows at least this wide are cut into tiles; narrower ones are packed several to a tile. */
#define DSF_WIDE 128
/* Spare tiles: a sum down columns (dsfabric_vm_sum.c) evaluates this many rows of a tile, then adds them. */
#define DSF_SPARES 4

/* Function multiversioning: one clone per instruction set, picked at load time (ifunc). x86-64 only; other
 * targets get one build for their baseline. */
#ifndef DSF_CLONES /* -DDSF_CLONES= builds one version for the compiler's target (to test each ISA) */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define DSF_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#endif
#ifndef DSF_CLONES
#define DSF_CLONES
#endif

enum dsf_mode { DSF_FLAT, DSF_ROWS, DSF_PACKED };

typedef struct {
  const dsf_vm_job *job;
  int n_in, n_k, n_reg, n_ins, result, reg0, out;
  const int32_t *layouts, *ins;
  enum dsf_mode mode;
  int rows_per_tile; /* PACKED */
  double *mem;       /* one allocation: regs, spare, bufs, then slots */
  double *regs;      /* n_reg tiles */
  double *spare;     /* DSF_SPARES tiles: a sum's OUT, or a broadcast scalar result */
  double *bufs;      /* PACKED: one tile per input (row repeated, or col expanded) */
  dsf_val *slots;
} dsf_plan;

/* A tile: n values starting at flat index k0; it covers rows [i0, i0+nrows) (ROWS/PACKED) from column j0. */
typedef struct {
  int64_t k0, i0, j0;
  int n, nrows;
} dsf_tile;

/* Decodes the header of a checked program and allocates scratch; need_rows keeps tiles inside rows (axis
 * sums). Returns 0, or -1 when out of memory. The caller frees pl->mem. */
int dsf_plan_init(dsf_plan *pl, const dsf_vm_job *job, int need_rows);

DSF_INLINE void dsf_fill_tile(const dsf_plan *pl, dsf_tile *t) {
  const int64_t rows = pl->job->rows, cols = pl->job->cols;
  switch (pl->mode) {
    case DSF_FLAT: {
      int64_t left = rows * cols - t->k0;
      t->n = left < DSF_TILE ? (int)left : DSF_TILE;
      break;
    }
    case DSF_ROWS: {
      int64_t left = cols - t->j0;
      t->n = left < DSF_TILE ? (int)left : DSF_TILE;
      t->nrows = 1;
      t->k0 = t->i0 * cols + t->j0;
      break;
    }
    case DSF_PACKED: {
      int64_t left = rows - t->i0;
      t->nrows = left < pl->rows_per_tile ? (int)left : pl->rows_per_tile;
      t->n = t->nrows * (int)cols;
      t->k0 = t->i0 * cols;
      break;
    }
  }
}

/* Starts the walk; returns 0 for an empty block. */
DSF_INLINE int dsf_first_tile(const dsf_plan *pl, dsf_tile *t) {
  *t = (dsf_tile){0, 0, 0, 0, 0};
  if (pl->job->rows == 0 || pl->job->cols == 0) return 0;
  dsf_fill_tile(pl, t);
  return 1;
}

/* Advances to the next tile; returns 0 after the last one. */
DSF_INLINE int dsf_next_tile(const dsf_plan *pl, dsf_tile *t) {
  const int64_t rows = pl->job->rows, cols = pl->job->cols;
  switch (pl->mode) {
    case DSF_FLAT:
      t->k0 += t->n;
      if (t->k0 >= rows * cols) return 0;
      break;
    case DSF_ROWS:
      t->j0 += t->n;
      if (t->j0 >= cols) {
        t->j0 = 0;
        if (++t->i0 >= rows) return 0;
      }
      break;
    case DSF_PACKED:
      t->i0 += t->nrows;
      if (t->i0 >= rows) return 0;
      break;
  }
  dsf_fill_tile(pl, t);
  return 1;
}

/* Evaluates one tile and returns its result: a vector of n values (in dst, in a register, or in an input)
 * or a scalar. Inlined into each clone, so the op loops are compiled for that clone's instruction set. */
DSF_INLINE dsf_val dsf_run_tile(dsf_plan *pl, const dsf_tile *t, double *dst) {
  const dsf_vm_job *job = pl->job;
  const int64_t cols = job->cols;
  for (int k = 0; k < pl->n_in; k++) {
    const double *in = job->inputs[k];
    dsf_val *v = &pl->slots[k];
    switch (pl->layouts[k]) {
      case DSF_LAYOUT_FULL: v->p = in + t->k0; break;
      case DSF_LAYOUT_ROW:
        v->p = pl->mode == DSF_PACKED ? pl->bufs + (size_t)k * DSF_TILE : in + t->j0;
        break;
      case DSF_LAYOUT_COL:
        if (pl->mode == DSF_ROWS) {
          *v = (dsf_val){NULL, in[t->i0]};
        } else {
          double *buf = pl->bufs + (size_t)k * DSF_TILE;
          for (int r = 0; r < t->nrows; r++) {
            const double c = in[t->i0 + r];
            for (int64_t j = 0; j < cols; j++) buf[r * cols + j] = c;
          }
          v->p = buf;
        }
        break;
      default: break; /* scalar: set once in dsf_plan_init */
    }
  }
  const int32_t *ins = pl->ins;
  for (int k = 0; k < pl->n_ins; k++, ins += DSF_VM_INSTR_WIDTH) {
    const int32_t d = ins[1];
    double *buf = d == pl->out ? dst : pl->regs + (size_t)(d - pl->reg0) * DSF_TILE;
    dsf_val none = {NULL, 0};
    int arity3 = ins[0] == DSF_OP_WHERE, unary = ins[0] < DSF_OP_ADD;
    dsf_step(ins[0], &pl->slots[d], buf, pl->slots[ins[2]], unary ? none : pl->slots[ins[3]],
             arity3 ? pl->slots[ins[4]] : none, t->n);
  }
  return pl->slots[pl->result];
}

#endif
