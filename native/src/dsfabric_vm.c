/*
 * The elementwise VM (numexpr-style): a program runs tile by tile, DSF_TILE values at a time, one loop per
 * instruction over the tile, so that temporaries stay in L1 while inputs are read once and the output is
 * written once. See dsfabric_vm.h for the bytecode and dsfabric_vm_sum.c for the reductions.
 *
 * Tiles follow the shape of the block:
 *  - FLAT: no row/col inputs (and no sum along an axis), so the block is one run of rows*cols values;
 *  - ROWS (cols >= DSF_WIDE): each row is cut into tiles; a col input is a scalar for the tile and a row
 *    input a pointer into its data;
 *  - PACKED (narrow rows): a tile is whole rows; row inputs are repeated into a buffer once, col inputs
 *    expanded per tile. Narrow rows would otherwise give tiles of a handful of values.
 */
#include "dsfabric_vm_tiles.h"

#include <stdlib.h>

const char *dsf_vm_check(const int32_t *code, size_t code_len, size_t n_consts) {
  if (code_len < DSF_VM_HEADER) return "bytecode is shorter than its header";
  if (code[0] != DSF_VM_VERSION) return "bytecode version does not match the addon (rebuild it)";
  int32_t n_in = code[1], n_k = code[2], n_reg = code[3], n_ins = code[4], res = code[5];
  if (n_in < 0 || n_k < 0 || n_reg < 0 || n_ins < 0) return "bytecode header has a negative count";
  if ((size_t)n_k != n_consts) return "bytecode constant count does not match the constants array";
  if (n_reg > 4096 || n_in > 65536 || n_k > 65536) return "bytecode has too many registers, inputs or constants";
  if (code_len != DSF_VM_HEADER + (size_t)n_in + (size_t)n_ins * DSF_VM_INSTR_WIDTH)
    return "bytecode length does not match its header";
  for (int32_t k = 0; k < n_in; k++)
    if (code[DSF_VM_HEADER + k] < DSF_LAYOUT_FULL || code[DSF_VM_HEADER + k] > DSF_LAYOUT_SCALAR)
      return "bytecode has an unknown input layout";
  const int32_t reg0 = n_in + n_k, out = reg0 + n_reg;
  char *written = calloc((size_t)n_reg + 1, 1);
  if (written == NULL) return "out of memory checking bytecode";
  const char *err = NULL;
  const int32_t *ins = code + DSF_VM_HEADER + n_in;
  for (int32_t k = 0; k < n_ins && err == NULL; k++, ins += DSF_VM_INSTR_WIDTH) {
    int32_t op = ins[0], dst = ins[1];
    int arity = op >= DSF_OP_NEG && op <= DSF_OP_SIGN ? 1 : op >= DSF_OP_ADD && op <= DSF_OP_GE ? 2
              : op == DSF_OP_WHERE ? 3 : 0;
    if (arity == 0) err = "bytecode has an unknown opcode";
    else if (dst < reg0 || dst > out) err = "bytecode writes outside the registers";
    else if (dst == out && k != n_ins - 1) err = "bytecode writes OUT before its last instruction";
    for (int q = 0; q < arity && err == NULL; q++) {
      int32_t s = ins[2 + q];
      if (s < 0 || s >= out) err = "bytecode reads a slot out of range";
      else if (s >= reg0 && !written[s - reg0]) err = "bytecode reads a register before writing it";
      else if (s == dst) err = "bytecode reads its destination register";
    }
    if (err == NULL) written[dst - reg0] = 1;
  }
  if (err == NULL && (res < 0 || res > out || (res >= reg0 && !written[res - reg0])))
    err = "bytecode result slot is out of range or never written";
  free(written);
  return err;
}

int dsf_plan_init(dsf_plan *pl, const dsf_vm_job *job, int need_rows) {
  const int32_t *code = job->code;
  pl->job = job;
  pl->n_in = code[1];
  pl->n_k = code[2];
  pl->n_reg = code[3];
  pl->n_ins = code[4];
  pl->result = code[5];
  pl->layouts = code + DSF_VM_HEADER;
  pl->ins = code + DSF_VM_HEADER + pl->n_in;
  pl->reg0 = pl->n_in + pl->n_k;
  pl->out = pl->reg0 + pl->n_reg;
  int bcast = 0;
  for (int k = 0; k < pl->n_in; k++) bcast |= pl->layouts[k] == DSF_LAYOUT_ROW || pl->layouts[k] == DSF_LAYOUT_COL;
  pl->mode = !bcast && !need_rows ? DSF_FLAT : job->cols >= DSF_WIDE ? DSF_ROWS : DSF_PACKED;
  pl->rows_per_tile = job->cols > 0 && job->cols < DSF_WIDE ? (int)(DSF_TILE / job->cols) : 1;
  /* Registers, the spare tiles (a sum's OUT), and for PACKED one tile per input (used by row/col ones). */
  size_t tiles = (size_t)pl->n_reg + DSF_SPARES + (pl->mode == DSF_PACKED ? (size_t)pl->n_in : 0);
  size_t slots = (size_t)pl->out + 1;
  size_t bytes = tiles * DSF_TILE * sizeof(double) + slots * sizeof(dsf_val);
  bytes = (bytes + 63) & ~(size_t)63; /* aligned_alloc wants a multiple of the alignment */
  pl->mem = aligned_alloc(64, bytes);
  if (pl->mem == NULL) return -1;
  pl->regs = pl->mem;
  pl->spare = pl->regs + (size_t)pl->n_reg * DSF_TILE;
  pl->bufs = pl->spare + (size_t)DSF_SPARES * DSF_TILE;
  pl->slots = (dsf_val *)(pl->regs + tiles * DSF_TILE);
  for (int k = 0; k < pl->n_k; k++) pl->slots[pl->n_in + k] = (dsf_val){NULL, job->consts[k]};
  for (int k = 0; k < pl->n_in; k++) {
    const double *in = job->inputs[k];
    if (pl->layouts[k] == DSF_LAYOUT_SCALAR) pl->slots[k] = (dsf_val){NULL, in[0]};
    if (pl->mode == DSF_PACKED && pl->layouts[k] == DSF_LAYOUT_ROW) {
      /* Every PACKED tile starts at a row boundary, so one repeated copy of the row serves them all. */
      double *rep = pl->bufs + (size_t)k * DSF_TILE;
      for (int r = 0; r < pl->rows_per_tile; r++) memcpy(rep + r * job->cols, in, sizeof(double) * job->cols);
    }
  }
  return 0;
}

DSF_CLONES static void dsf_eval_tiles(dsf_plan *pl, double *out) {
  dsf_tile t;
  for (int more = dsf_first_tile(pl, &t); more; more = dsf_next_tile(pl, &t)) {
    double *o = out + t.k0;
    dsf_val r = dsf_run_tile(pl, &t, o);
    if (r.p == NULL) {
      for (int i = 0; i < t.n; i++) o[i] = r.s;
    } else if (r.p != o) {
      memcpy(o, r.p, sizeof(double) * (size_t)t.n);
    }
  }
}

int dsf_vm_eval(const dsf_vm_job *job, double *out) {
  if (job->rows == 0 || job->cols == 0) return 0;
  dsf_plan pl;
  if (dsf_plan_init(&pl, job, 0) != 0) return -1;
  dsf_eval_tiles(&pl, out);
  free(pl.mem);
  return 0;
}
