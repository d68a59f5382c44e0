/*
 * The VM's operations, as scalar inline functions with JavaScript's semantics (src/core/kernels/elementwise/
 * compile.ts is the reference), and the per-tile loops built from them. The scalar function is the single
 * definition of an op: a loop over a tile and a broadcast (scalar) operand both call it, so they cannot
 * disagree. Only included by dsfabric_vm.c, where these are inlined into each multiversioned clone.
 */
#ifndef DSFABRIC_VM_OPS_H
#define DSFABRIC_VM_OPS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define DSF_INLINE static inline __attribute__((always_inline))

/* Tile loops read and write the same index only (a register is never both an operand and the destination,
 * and OUT may alias an input only exactly), so there is no loop-carried dependence; ivdep lets GCC vectorise
 * without runtime alias checks. */
#define DSF_IVDEP _Pragma("GCC ivdep")

DSF_INLINE double f_neg(double x) { return -x; }
DSF_INLINE double f_abs(double x) { return fabs(x); }
DSF_INLINE double f_sqrt(double x) { return sqrt(x); } /* a vsqrtpd with -fno-math-errno */
DSF_INLINE double f_exp(double x) { return exp(x); }
DSF_INLINE double f_log(double x) { return log(x); }
/* Math.sign: NaN stays NaN and -0 stays -0 (the last branch returns x itself). */
DSF_INLINE double f_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }

DSF_INLINE double f_add(double a, double b) { return a + b; }
DSF_INLINE double f_sub(double a, double b) { return a - b; }
DSF_INLINE double f_mul(double a, double b) { return a * b; }
DSF_INLINE double f_div(double a, double b) { return a / b; }
/* Math.pow differs from C's pow where C chooses 1: pow(1, NaN) and pow(+-1, +-Infinity) are NaN in JS. */
DSF_INLINE double f_pow(double a, double b) {
  if (isnan(b) || (isinf(b) && fabs(a) == 1.0)) return NAN;
  return pow(a, b);
}

DSF_INLINE uint64_t bits_of(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
DSF_INLINE double of_bits(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}
/*
 * Math.min/Math.max: NaN when either is NaN (fmin would return the other operand), and -0 < +0. When a == b
 * the two differ only in the sign of a zero, so OR-ing the bits picks -0 (min) and AND-ing picks +0 (max).
 * Written as selects so that GCC turns them into vector compares and blends.
 */
DSF_INLINE double f_min(double a, double b) {
  double r = a < b ? a : b;
  r = a == b ? of_bits(bits_of(a) | bits_of(b)) : r;
  return __builtin_isunordered(a, b) ? a + b : r;
}
DSF_INLINE double f_max(double a, double b) {
  double r = a > b ? a : b;
  r = a == b ? of_bits(bits_of(a) & bits_of(b)) : r;
  return __builtin_isunordered(a, b) ? a + b : r;
}
/* Comparisons give 1/0; every comparison with NaN is false except ne (as === and !== in JS). */
DSF_INLINE double f_eq(double a, double b) { return a == b ? 1.0 : 0.0; }
DSF_INLINE double f_ne(double a, double b) { return a != b ? 1.0 : 0.0; }
DSF_INLINE double f_lt(double a, double b) { return a < b ? 1.0 : 0.0; }
DSF_INLINE double f_le(double a, double b) { return a <= b ? 1.0 : 0.0; }
DSF_INLINE double f_gt(double a, double b) { return a > b ? 1.0 : 0.0; }
DSF_INLINE double f_ge(double a, double b) { return a >= b ? 1.0 : 0.0; }

/* where(c, a, b) = c !== 0 ? a : b; a NaN condition is "true" since NaN !== 0. */
DSF_INLINE double f_where(double c, double a, double b) { return c != 0 ? a : b; }

/* A slot's value for the current tile: a vector of n values (p != NULL) or one broadcast scalar s. */
typedef struct {
  const double *p;
  double s;
} dsf_val;

/* d = F(a) over the tile, or a scalar result when a is scalar. */
#define DSF_UNARY(F)                                     \
  do {                                                   \
    if (a.p == NULL) {                                   \
      dst->p = NULL;                                     \
      dst->s = F(a.s);                                   \
    } else {                                             \
      const double *pa = a.p;                            \
      DSF_IVDEP for (int i = 0; i < n; i++) d[i] = F(pa[i]); \
      dst->p = d;                                        \
    }                                                    \
  } while (0)

/* d = F(a, b) with either operand a vector or a broadcast scalar. */
#define DSF_BINARY(F)                                                   \
  do {                                                                  \
    const double *pa = a.p, *pb = b.p;                                  \
    if (pa != NULL && pb != NULL) {                                     \
      DSF_IVDEP for (int i = 0; i < n; i++) d[i] = F(pa[i], pb[i]);     \
    } else if (pa != NULL) {                                            \
      const double y = b.s;                                             \
      DSF_IVDEP for (int i = 0; i < n; i++) d[i] = F(pa[i], y);         \
    } else if (pb != NULL) {                                            \
      const double x = a.s;                                             \
      DSF_IVDEP for (int i = 0; i < n; i++) d[i] = F(x, pb[i]);         \
    } else {                                                            \
      dst->p = NULL;                                                    \
      dst->s = F(a.s, b.s);                                             \
      break;                                                            \
    }                                                                   \
    dst->p = d;                                                         \
  } while (0)

/* One value of a where() operand at index i: pointer or scalar. */
#define DSF_AT(v, i) ((v).p != NULL ? (v).p[i] : (v).s)

/* d = where(c, a, b); a scalar condition picks one operand for the whole tile. */
DSF_INLINE void dsf_where(dsf_val *dst, double *d, dsf_val c, dsf_val a, dsf_val b, int n) {
  if (c.p == NULL) {
    dsf_val pick = c.s != 0 ? a : b;
    if (pick.p == NULL) {
      *dst = pick;
      return;
    }
    memcpy(d, pick.p, sizeof(double) * (size_t)n);
  } else if (a.p != NULL && b.p != NULL) {
    DSF_IVDEP for (int i = 0; i < n; i++) d[i] = f_where(c.p[i], a.p[i], b.p[i]);
  } else if (a.p != NULL) {
    DSF_IVDEP for (int i = 0; i < n; i++) d[i] = f_where(c.p[i], a.p[i], b.s);
  } else if (b.p != NULL) {
    DSF_IVDEP for (int i = 0; i < n; i++) d[i] = f_where(c.p[i], a.s, b.p[i]);
  } else {
    DSF_IVDEP for (int i = 0; i < n; i++) d[i] = f_where(c.p[i], a.s, b.s);
  }
  dst->p = d;
}

/* Runs one instruction over a tile of n values; d is the destination's tile buffer. */
DSF_INLINE void dsf_step(int op, dsf_val *dst, double *d, dsf_val a, dsf_val b, dsf_val c, int n) {
  switch (op) {
    case DSF_OP_NEG: DSF_UNARY(f_neg); break;
    case DSF_OP_ABS: DSF_UNARY(f_abs); break;
    case DSF_OP_SQRT: DSF_UNARY(f_sqrt); break;
    case DSF_OP_EXP: DSF_UNARY(f_exp); break;
    case DSF_OP_LOG: DSF_UNARY(f_log); break;
    case DSF_OP_SIGN: DSF_UNARY(f_sign); break;
    case DSF_OP_ADD: DSF_BINARY(f_add); break;
    case DSF_OP_SUB: DSF_BINARY(f_sub); break;
    case DSF_OP_MUL: DSF_BINARY(f_mul); break;
    case DSF_OP_DIV: DSF_BINARY(f_div); break;
    case DSF_OP_POW: DSF_BINARY(f_pow); break;
    case DSF_OP_MIN: DSF_BINARY(f_min); break;
    case DSF_OP_MAX: DSF_BINARY(f_max); break;
    case DSF_OP_EQ: DSF_BINARY(f_eq); break;
    case DSF_OP_NE: DSF_BINARY(f_ne); break;
    case DSF_OP_LT: DSF_BINARY(f_lt); break;
    case DSF_OP_LE: DSF_BINARY(f_le); break;
    case DSF_OP_GT: DSF_BINARY(f_gt); break;
    case DSF_OP_GE: DSF_BINARY(f_ge); break;
    case DSF_OP_WHERE: dsf_where(dst, d, a, b, c, n); break;
    default: break; /* unreachable: dsf_vm_check rejected it */
  }
}

#endif
