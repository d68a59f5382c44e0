/*
 * dsfabric_vm: the streaming kernels of the addon, in plain C with no N-API in sight (dsfabric_stream.c is
 * the glue that validates JavaScript arguments and calls these).
 *
 * The elementwise VM runs bytecode produced by src/core/kernels/elementwise/bytecode.ts; the two files must
 * agree on every number below. Layout of the Int32Array `code`:
 *
 *   [0] DSF_VM_VERSION  [1] nInputs  [2] nConsts  [3] nRegs  [4] nInstr  [5] resultSlot
 *   [6 .. 6+nInputs)    layout of each input (DSF_LAYOUT_*)
 *   then nInstr instructions of DSF_VM_INSTR_WIDTH ints: op, dst, a, b, c
 *
 * Operands are slots: inputs [0, nInputs), constants [nInputs, nInputs+nConsts), registers after them, and
 * one last slot, OUT, that stands for the output tile. An instruction writes a register or OUT (only the
 * last one may write OUT); unused operand fields are 0.
 */
#ifndef DSFABRIC_VM_H
#define DSFABRIC_VM_H

#include <stddef.h>
#include <stdint.h>

#define DSF_VM_VERSION 1
#define DSF_VM_HEADER 6
#define DSF_VM_INSTR_WIDTH 5

enum dsf_layout { DSF_LAYOUT_FULL = 0, DSF_LAYOUT_ROW = 1, DSF_LAYOUT_COL = 2, DSF_LAYOUT_SCALAR = 3 };

enum dsf_op {
  DSF_OP_NEG = 1, DSF_OP_ABS, DSF_OP_SQRT, DSF_OP_EXP, DSF_OP_LOG, DSF_OP_SIGN,
  DSF_OP_ADD = 16, DSF_OP_SUB, DSF_OP_MUL, DSF_OP_DIV, DSF_OP_POW, DSF_OP_MIN, DSF_OP_MAX,
  DSF_OP_EQ, DSF_OP_NE, DSF_OP_LT, DSF_OP_LE, DSF_OP_GT, DSF_OP_GE,
  DSF_OP_WHERE = 32
};

enum dsf_sum_axis { DSF_AXIS_0 = 0, DSF_AXIS_1 = 1, DSF_AXIS_ALL = 2 };
enum dsf_sum_map { DSF_MAP_VALUE = 0, DSF_MAP_SQUARE = 1, DSF_MAP_NONZERO = 2 };

/* A decoded, validated program plus the data it runs on. */
typedef struct {
  const int32_t *code;
  const double *consts;
  const double *const *inputs; /* nInputs pointers, lengths already checked against the layouts */
  int64_t rows, cols;
} dsf_vm_job;

/*
 * Checks that `code` is well formed for `n_consts` constants: header, layouts, opcodes, slot ranges, every
 * register read after it is written, OUT written only by the last instruction. Returns NULL when it is, else
 * a static message saying what is wrong (the caller throws it).
 */
const char *dsf_vm_check(const int32_t *code, size_t code_len, size_t n_consts);

/* Writes every element of out (rows x cols, row-major). Returns 0, or -1 when scratch memory ran out. */
int dsf_vm_eval(const dsf_vm_job *job, double *out);

/* Sums map(value) per lane of `axis` into totals (cols, rows or 1 values). Returns 0 or -1 (no memory). */
int dsf_vm_sum(const dsf_vm_job *job, int axis, int map, double *totals);

/* memmove of a rows x cols rectangle between strided row-major views; extents checked by the caller. */
void dsf_copy_rect(const double *src, int64_t src_stride, double *dst, int64_t dst_stride, int64_t rows,
                   int64_t cols);

/* dst[j*dst_stride + i] = src[i*src_stride + j] for a rows x cols source; the views must not overlap. */
void dsf_transpose_rect(const double *src, int64_t src_stride, double *dst, int64_t dst_stride, int64_t rows,
                        int64_t cols);

#endif
