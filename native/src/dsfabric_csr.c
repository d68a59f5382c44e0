/*
 * Sparse (CSR) x dense products into a dense block: C += op(A) · op(B) with A in compressed sparse rows,
 * B and C row-major float64 (src/core/kernels/sparse/matmul.ts runs the same loops in JavaScript when the
 * addon is missing or DSFABRIC_BACKEND=js).
 *
 * Each stored entry (r, i, v) of A adds v times a row of B into a row of C, so the work is vectorised
 * along those rows: without a transpose, row r of C is held in 8 vector registers (32 columns with AVX2,
 * 64 with AVX-512) at a time,
 * while row r's entries are added into it (one load of each B row segment, no load or store of C per
 * entry); with A transposed, each entry is an axpy of row r of B into row i of C. A transposed B is first
 * copied into row-major order (one pass over B), so both cases read B by rows.
 *
 * Every value of C receives its terms in the same order as in the JavaScript loops, with a multiply and
 * then an add (no FMA: the addon is built with -ffp-contract=off), so both backends give the same bits.
 * The instruction set is chosen per call (AVX-512, AVX2, else the compiler's default).
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsfabric_csr.h"

#define MAX_ARGS 13
#define MAX_SAFE 9007199254740991.0 /* 2^53 - 1 */

typedef struct {
  int64_t rows; /* of A as stored */
  const int32_t *indptr, *indices;
  const double *data;
  const double *b; /* row-major, op(B) rows of n values (already transposed when B was) */
  double *c;       /* row-major, n columns */
  int64_t n;
} csr_job;

/* The scalar remainder of row r: columns [j0, n) of C get row r's entries, in order. */
static inline void nn_columns(const csr_job *job, int32_t k0, int32_t k1, double *c, int64_t j0) {
  const int64_t n = job->n;
  for (int32_t k = k0; k < k1; k++) {
    const double v = job->data[k];
    const double *b = job->b + (int64_t)job->indices[k] * n;
    for (int64_t j = j0; j < n; j++) c[j] += v * b[j];
  }
}

/* C[r, :] += Σ_k data[k] · B[indices[k], :] for every stored row r, portable. */
static void nn_default(const csr_job *job) {
  for (int64_t r = 0; r < job->rows; r++) {
    const int32_t k0 = job->indptr[r], k1 = job->indptr[r + 1];
    if (k0 < k1) nn_columns(job, k0, k1, job->c + r * job->n, 0);
  }
}

/* C[indices[k], :] += data[k] · B[r, :] for every stored entry (row r of A is row r of op(A)ᵀ). */
#define DSF_CSR_TN(NAME, ATTR)                                                                              \
  ATTR static void NAME(const csr_job *job) {                                                               \
    const int64_t n = job->n;                                                                               \
    for (int64_t r = 0; r < job->rows; r++) {                                                               \
      const double *restrict b = job->b + r * n;                                                            \
      for (int32_t k = job->indptr[r]; k < job->indptr[r + 1]; k++) {                                       \
        const double v = job->data[k];                                                                      \
        double *restrict c = job->c + (int64_t)job->indices[k] * n;                                         \
        for (int64_t j = 0; j < n; j++) c[j] += v * b[j];                                                   \
      }                                                                                                     \
    }                                                                                                       \
  }
DSF_CSR_TN(tn_default, )

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DSF_CSR_X86 1
DSF_CSR_TN(tn_avx2, __attribute__((target("avx2"))))
DSF_CSR_TN(tn_avx512, __attribute__((target("avx512f"))))

/*
 * The no-transpose kernel for one instruction set: VEC values a register, a tile of 8 registers (8 * VEC
 * columns of the C row) held while the row's entries are added, then single registers, then scalars.
 */
#define DSF_CSR_NN(NAME, TARGET, VEC, T, LOAD, STORE, SET1, MUL, ADD)                                       \
  __attribute__((target(TARGET))) static void NAME(const csr_job *job) {                                    \
    const int64_t n = job->n;                                                                               \
    const int64_t tile = 8 * (VEC), tiled = n - n % tile, vectored = n - n % (VEC);                         \
    for (int64_t r = 0; r < job->rows; r++) {                                                               \
      const int32_t k0 = job->indptr[r], k1 = job->indptr[r + 1];                                           \
      if (k0 == k1) continue;                                                                               \
      double *c = job->c + r * n;                                                                           \
      for (int64_t j0 = 0; j0 < tiled; j0 += tile) {                                                        \
        T a0 = LOAD(c + j0), a1 = LOAD(c + j0 + (VEC)), a2 = LOAD(c + j0 + 2 * (VEC)),                       \
          a3 = LOAD(c + j0 + 3 * (VEC)), a4 = LOAD(c + j0 + 4 * (VEC)), a5 = LOAD(c + j0 + 5 * (VEC)),       \
          a6 = LOAD(c + j0 + 6 * (VEC)), a7 = LOAD(c + j0 + 7 * (VEC));                                      \
        for (int32_t k = k0; k < k1; k++) {                                                                 \
          const T v = SET1(job->data[k]);                                                                   \
          const double *b = job->b + (int64_t)job->indices[k] * n + j0;                                     \
          a0 = ADD(a0, MUL(v, LOAD(b)));                                                                    \
          a1 = ADD(a1, MUL(v, LOAD(b + (VEC))));                                                            \
          a2 = ADD(a2, MUL(v, LOAD(b + 2 * (VEC))));                                                        \
          a3 = ADD(a3, MUL(v, LOAD(b + 3 * (VEC))));                                                        \
          a4 = ADD(a4, MUL(v, LOAD(b + 4 * (VEC))));                                                        \
          a5 = ADD(a5, MUL(v, LOAD(b + 5 * (VEC))));                                                        \
          a6 = ADD(a6, MUL(v, LOAD(b + 6 * (VEC))));                                                        \
          a7 = ADD(a7, MUL(v, LOAD(b + 7 * (VEC))));                                                        \
        }                                                                                                   \
        STORE(c + j0, a0);                                                                                  \
        STORE(c + j0 + (VEC), a1);                                                                          \
        STORE(c + j0 + 2 * (VEC), a2);                                                                      \
        STORE(c + j0 + 3 * (VEC), a3);                                                                      \
        STORE(c + j0 + 4 * (VEC), a4);                                                                      \
        STORE(c + j0 + 5 * (VEC), a5);                                                                      \
        STORE(c + j0 + 6 * (VEC), a6);                                                                      \
        STORE(c + j0 + 7 * (VEC), a7);                                                                      \
      }                                                                                                     \
      for (int64_t j0 = tiled; j0 < vectored; j0 += (VEC)) {                                                \
        T a0 = LOAD(c + j0);                                                                                \
        for (int32_t k = k0; k < k1; k++)                                                                   \
          a0 = ADD(a0, MUL(SET1(job->data[k]), LOAD(job->b + (int64_t)job->indices[k] * n + j0)));          \
        STORE(c + j0, a0);                                                                                  \
      }                                                                                                     \
      if (vectored < n) nn_columns(job, k0, k1, c, vectored);                                               \
    }                                                                                                       \
  }
DSF_CSR_NN(nn_avx2, "avx2", 4, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_set1_pd, _mm256_mul_pd,
           _mm256_add_pd)
DSF_CSR_NN(nn_avx512, "avx512f", 8, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd,
           _mm512_mul_pd, _mm512_add_pd)
#endif

static void run(const csr_job *job, bool trans_a) {
#ifdef DSF_CSR_X86
  if (__builtin_cpu_supports("avx512f")) {
    if (trans_a) tn_avx512(job);
    else nn_avx512(job);
    return;
  }
  if (__builtin_cpu_supports("avx2")) {
    if (trans_a) tn_avx2(job);
    else nn_avx2(job);
    return;
  }
#endif
  if (trans_a) tn_default(job);
  else nn_default(job);
}

/* ---- N-API binding ---- */

static bool fail(napi_env env, bool type, const char *detail) {
  char msg[320];
  snprintf(msg, sizeof msg, "dsfabric_csr.csrMatmulAccumulate: %s", detail);
  if (type) napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  else napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return false;
}

static bool arg_index(napi_env env, napi_value v, const char *name, int64_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok ||
      !(d >= 0 && d <= MAX_SAFE && (double)(int64_t)d == d)) {
    char msg[96];
    snprintf(msg, sizeof msg, "argument '%s' must be a non-negative integer", name);
    return fail(env, true, msg);
  }
  *out = (int64_t)d;
  return true;
}

static bool arg_bool(napi_env env, napi_value v, const char *name, bool *out) {
  if (napi_get_value_bool(env, v, out) == napi_ok) return true;
  char msg[96];
  snprintf(msg, sizeof msg, "argument '%s' must be a boolean", name);
  return fail(env, true, msg);
}

static bool arg_typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name, void **data,
                      int64_t *len) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t n;
  char msg[96];
  snprintf(msg, sizeof msg, "argument '%s' must be %s", name,
           want == napi_float64_array ? "a Float64Array" : "an Int32Array");
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return fail(env, true, msg);
  if (napi_get_typedarray_info(env, v, &type, &n, data, NULL, NULL) != napi_ok) return false;
  if (type != want) return fail(env, true, msg);
  *len = (int64_t)n; /* data already includes byteOffset */
  return true;
}

static bool need(napi_env env, const char *name, int64_t len, int64_t want) {
  if (len >= want) return true;
  char msg[200];
  snprintf(msg, sizeof msg, "'%s' has %lld values but needs %lld", name, (long long)len, (long long)want);
  return fail(env, false, msg);
}

/* The stored structure must be one the loops can follow: indptr from 0, never decreasing, ending within the
 * arrays, and every column index within [0, cols). (Order within a row does not matter here.) */
static bool check_structure(napi_env env, int64_t rows, int64_t cols, const int32_t *indptr, int64_t nnz_room) {
  if (indptr[0] != 0) return fail(env, false, "indptr[0] must be 0");
  for (int64_t r = 0; r < rows; r++)
    if (indptr[r + 1] < indptr[r]) return fail(env, false, "indptr decreases");
  if (indptr[rows] > nnz_room) return fail(env, false, "indptr[rows] exceeds the stored entries");
  (void)cols;
  return true;
}

/* csrMatmulAccumulate(rows, cols, indptr, indices, data, transA, b, bRows, bCols, transB, c, cRows, cCols):
 * c += op(a) · op(b) with a the rows x cols CSR matrix and b a bRows x bCols row-major block. */
static napi_value js_csr_matmul(napi_env env, napi_callback_info info) {
  napi_value a[MAX_ARGS];
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok) return NULL;
  if (argc < MAX_ARGS) return (void)fail(env, true, "expected 13 arguments"), NULL;
  int64_t rows, cols, b_rows, b_cols, c_rows, c_cols, ip_len, ix_len, d_len, b_len, c_len;
  void *indptr, *indices, *data, *b, *c;
  bool trans_a, trans_b;
  if (!(arg_index(env, a[0], "rows", &rows) && arg_index(env, a[1], "cols", &cols) &&
        arg_typed(env, a[2], napi_int32_array, "indptr", &indptr, &ip_len) &&
        arg_typed(env, a[3], napi_int32_array, "indices", &indices, &ix_len) &&
        arg_typed(env, a[4], napi_float64_array, "data", &data, &d_len) && arg_bool(env, a[5], "transA", &trans_a) &&
        arg_typed(env, a[6], napi_float64_array, "b", &b, &b_len) && arg_index(env, a[7], "bRows", &b_rows) &&
        arg_index(env, a[8], "bCols", &b_cols) && arg_bool(env, a[9], "transB", &trans_b) &&
        arg_typed(env, a[10], napi_float64_array, "c", &c, &c_len) && arg_index(env, a[11], "cRows", &c_rows) &&
        arg_index(env, a[12], "cCols", &c_cols)))
    return NULL;
  const int64_t m = trans_a ? cols : rows, inner = trans_a ? rows : cols;
  const int64_t b_inner = trans_b ? b_cols : b_rows, n = trans_b ? b_rows : b_cols;
  if (inner != b_inner || c_rows != m || c_cols != n) return (void)fail(env, false, "shapes do not match"), NULL;
  if (rows > INT32_MAX || cols > INT32_MAX || (n > 0 && (m > INT64_MAX / n || inner > INT64_MAX / n)))
    return (void)fail(env, false, "dimensions too large"), NULL;
  if (!need(env, "indptr", ip_len, rows + 1) || !need(env, "b", b_len, b_rows * b_cols) ||
      !need(env, "c", c_len, m * n))
    return NULL;
  const int32_t *ip = indptr, *ix = indices;
  if (!check_structure(env, rows, cols, ip, ix_len < d_len ? ix_len : d_len)) return NULL;
  for (int32_t k = 0; k < ip[rows]; k++)
    if (ix[k] < 0 || ix[k] >= cols) return (void)fail(env, false, "a column index is outside [0, cols)"), NULL;
  napi_value undef;
  napi_get_undefined(env, &undef);
  if (m == 0 || n == 0 || ip[rows] == 0) return undef;
  double *bt = NULL;
  const double *rows_b = b;
  if (trans_b) { /* op(B) row-major: bt[i * n + j] = b[j * b_cols + i] */
    bt = malloc(sizeof(double) * (size_t)(inner * n));
    if (bt == NULL) return (void)fail(env, false, "out of memory"), NULL;
    const double *src = b;
    for (int64_t j = 0; j < n; j++)
      for (int64_t i = 0; i < inner; i++) bt[i * n + j] = src[j * b_cols + i];
    rows_b = bt;
  }
  const csr_job job = {rows, ip, ix, data, rows_b, c, n};
  run(&job, trans_a);
  free(bt);
  return undef;
}

napi_status dsf_csr_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"csrMatmulAccumulate", NULL, js_csr_matmul, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
