/*
 * dsfabric_blas: a small N-API addon over OpenBLAS (cblas) and LAPACKE, row-major, float64.
 *
 * Every matrix argument is a Float64Array (it may be a subarray of a SharedArrayBuffer: N-API hands us the
 * data pointer already adjusted by byteOffset) plus its dimensions and leading dimension. Arguments are
 * validated here (types, integer ranges, array lengths) so that a bad call throws a JS TypeError/RangeError
 * instead of corrupting memory. LAPACK routines return LAPACK's `info` (0 = success) so that the TypeScript
 * side can raise a LinalgError with a precise message.
 *
 * Context-aware (NAPI_MODULE_INIT): the addon keeps no per-thread state, so it can be loaded in the main
 * thread and in any number of worker_threads. (The OpenBLAS thread count and LAPACKE's NaN-check flag are
 * process-wide; every load sets the flag to the same value.)
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <cblas.h>
#include <lapacke.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsfabric_csr.h"
#include "dsfabric_kmeans.h"
#include "dsfabric_stream.h"

#define MAX_ARGS 16

/* Returns NULL from the current callback when an N-API call fails (an exception is then pending). */
#define NAPI_CALL(env, call)                                                  \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      bool pending_ = false;                                                  \
      napi_is_exception_pending((env), &pending_);                            \
      if (!pending_) napi_throw_error((env), NULL, "dsfabric_blas: N-API call failed: " #call); \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

#define CHECK(expr) \
  do {              \
    if (!(expr)) return NULL; \
  } while (0)

static void throw_type(napi_env env, const char *fn, const char *name, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "dsfabric_blas.%s: argument '%s' must be %s", fn, name, what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
}

static void throw_range(napi_env env, const char *fn, const char *detail) {
  char msg[320];
  snprintf(msg, sizeof msg, "dsfabric_blas.%s: %s", fn, detail);
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
}

/* Reads exactly `expected` arguments into argv; throws a TypeError when fewer were passed. */
static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *fn) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < expected) {
    char msg[160];
    snprintf(msg, sizeof msg, "dsfabric_blas.%s: expected %zu arguments, got %zu", fn, expected, argc);
    napi_throw_type_error(env, "ERR_MISSING_ARGS", msg);
    return false;
  }
  return true;
}

static bool arg_bool(napi_env env, napi_value v, const char *fn, const char *name, bool *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_boolean) {
    throw_type(env, fn, name, "a boolean");
    return false;
  }
  return napi_get_value_bool(env, v, out) == napi_ok;
}

static bool arg_double(napi_env env, napi_value v, const char *fn, const char *name, double *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) {
    throw_type(env, fn, name, "a number");
    return false;
  }
  return napi_get_value_double(env, v, out) == napi_ok;
}

/* A non-negative integer that fits a 32-bit lapack_int; `min` is 0 for dimensions, 1 for leading dims. */
static bool arg_int(napi_env env, napi_value v, const char *fn, const char *name, int min, int *out) {
  double d;
  if (!arg_double(env, v, fn, name, &d)) return false;
  if (!(d >= (double)min && d <= (double)INT32_MAX && floor(d) == d)) {
    char what[64];
    snprintf(what, sizeof what, "an integer in [%d, 2^31)", min);
    throw_type(env, fn, name, what);
    return false;
  }
  *out = (int)d;
  return true;
}

static bool arg_f64(napi_env env, napi_value v, const char *fn, const char *name, double **data, size_t *len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    throw_type(env, fn, name, "a Float64Array");
    return false;
  }
  napi_typedarray_type type;
  void *ptr = NULL;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, NULL, NULL) != napi_ok) return false;
  if (type != napi_float64_array) {
    throw_type(env, fn, name, "a Float64Array");
    return false;
  }
  *data = (double *)ptr; /* already offset by byteOffset */
  return true;
}

/* A row-major rows x cols matrix with leading dimension ld must fit in len values. */
static bool check_mat(napi_env env, const char *fn, const char *name, size_t len, int rows, int cols, int ld) {
  char msg[256];
  int min_ld = cols > 1 ? cols : 1;
  if (ld < min_ld) {
    snprintf(msg, sizeof msg, "leading dimension of '%s' is %d but must be >= %d", name, ld, min_ld);
    throw_range(env, fn, msg);
    return false;
  }
  if (rows > 0 && cols > 0) {
    size_t need = (size_t)(rows - 1) * (size_t)ld + (size_t)cols;
    if (len < need) {
      snprintf(msg, sizeof msg, "'%s' has %zu values but a %dx%d matrix with ld=%d needs %zu", name, len, rows,
               cols, ld, need);
      throw_range(env, fn, msg);
      return false;
    }
  }
  return true;
}

static bool check_vec(napi_env env, const char *fn, const char *name, size_t len, size_t need) {
  if (len < need) {
    char msg[160];
    snprintf(msg, sizeof msg, "'%s' has %zu values but needs %zu", name, len, need);
    throw_range(env, fn, msg);
    return false;
  }
  return true;
}

static napi_value ret_int(napi_env env, int v) {
  napi_value out;
  NAPI_CALL(env, napi_create_int32(env, v, &out));
  return out;
}

static napi_value ret_undefined(napi_env env) {
  napi_value out;
  NAPI_CALL(env, napi_get_undefined(env, &out));
  return out;
}

/* C[rows x cols] *= beta (beta == 0 overwrites, as BLAS does: NaNs in C are not propagated). */
static void scale_mat(double *c, int rows, int cols, int ldc, double beta) {
  for (int i = 0; i < rows; i++) {
    double *row = c + (size_t)i * (size_t)ldc;
    for (int j = 0; j < cols; j++) row[j] = beta == 0.0 ? 0.0 : beta * row[j];
  }
}

/* gemm(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc): C = alpha op(A) op(B) + beta C. */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  static const char *fn = "gemm";
  napi_value a[MAX_ARGS];
  bool ta, tb;
  int m, n, k, lda, ldb, ldc;
  double alpha, beta, *A, *B, *C;
  size_t la, lb, lc;
  CHECK(get_args(env, info, 13, a, fn));
  CHECK(arg_bool(env, a[0], fn, "transA", &ta) && arg_bool(env, a[1], fn, "transB", &tb));
  CHECK(arg_int(env, a[2], fn, "m", 0, &m) && arg_int(env, a[3], fn, "n", 0, &n) &&
        arg_int(env, a[4], fn, "k", 0, &k));
  CHECK(arg_double(env, a[5], fn, "alpha", &alpha) && arg_f64(env, a[6], fn, "A", &A, &la) &&
        arg_int(env, a[7], fn, "lda", 1, &lda));
  CHECK(arg_f64(env, a[8], fn, "B", &B, &lb) && arg_int(env, a[9], fn, "ldb", 1, &ldb));
  CHECK(arg_double(env, a[10], fn, "beta", &beta) && arg_f64(env, a[11], fn, "C", &C, &lc) &&
        arg_int(env, a[12], fn, "ldc", 1, &ldc));
  CHECK(check_mat(env, fn, "A", la, ta ? k : m, ta ? m : k, lda));
  CHECK(check_mat(env, fn, "B", lb, tb ? n : k, tb ? k : n, ldb));
  CHECK(check_mat(env, fn, "C", lc, m, n, ldc));
  if (m == 0 || n == 0) return ret_undefined(env);
  if (k == 0) {
    scale_mat(C, m, n, ldc, beta);
    return ret_undefined(env);
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, A, lda,
              B, ldb, beta, C, ldc);
  return ret_undefined(env);
}

/* gemv(trans, m, n, alpha, A, lda, x, beta, y): y = alpha op(A) x + beta y, A stored m x n. */
static napi_value js_gemv(napi_env env, napi_callback_info info) {
  static const char *fn = "gemv";
  napi_value a[MAX_ARGS];
  bool tr;
  int m, n, lda;
  double alpha, beta, *A, *x, *y;
  size_t la, lx, ly;
  CHECK(get_args(env, info, 9, a, fn));
  CHECK(arg_bool(env, a[0], fn, "trans", &tr) && arg_int(env, a[1], fn, "m", 0, &m) &&
        arg_int(env, a[2], fn, "n", 0, &n));
  CHECK(arg_double(env, a[3], fn, "alpha", &alpha) && arg_f64(env, a[4], fn, "A", &A, &la) &&
        arg_int(env, a[5], fn, "lda", 1, &lda));
  CHECK(arg_f64(env, a[6], fn, "x", &x, &lx) && arg_double(env, a[7], fn, "beta", &beta) &&
        arg_f64(env, a[8], fn, "y", &y, &ly));
  int xlen = tr ? m : n, ylen = tr ? n : m;
  CHECK(check_mat(env, fn, "A", la, m, n, lda));
  CHECK(check_vec(env, fn, "x", lx, (size_t)xlen) && check_vec(env, fn, "y", ly, (size_t)ylen));
  if (ylen == 0) return ret_undefined(env);
  if (xlen == 0) {
    scale_mat(y, 1, ylen, ylen, beta);
    return ret_undefined(env);
  }
  cblas_dgemv(CblasRowMajor, tr ? CblasTrans : CblasNoTrans, m, n, alpha, A, lda, x, 1, beta, y, 1);
  return ret_undefined(env);
}

/*
 * syrk(trans, n, k, alpha, A, lda, beta, C, ldc): C = alpha A A^T + beta C (A n x k) or, with trans,
 * C = alpha A^T A + beta C (A k x n). The full symmetric C is written (upper computed, lower mirrored).
 */
static napi_value js_syrk(napi_env env, napi_callback_info info) {
  static const char *fn = "syrk";
  napi_value a[MAX_ARGS];
  bool tr;
  int n, k, lda, ldc;
  double alpha, beta, *A, *C;
  size_t la, lc;
  CHECK(get_args(env, info, 9, a, fn));
  CHECK(arg_bool(env, a[0], fn, "trans", &tr) && arg_int(env, a[1], fn, "n", 0, &n) &&
        arg_int(env, a[2], fn, "k", 0, &k));
  CHECK(arg_double(env, a[3], fn, "alpha", &alpha) && arg_f64(env, a[4], fn, "A", &A, &la) &&
        arg_int(env, a[5], fn, "lda", 1, &lda));
  CHECK(arg_double(env, a[6], fn, "beta", &beta) && arg_f64(env, a[7], fn, "C", &C, &lc) &&
        arg_int(env, a[8], fn, "ldc", 1, &ldc));
  CHECK(check_mat(env, fn, "A", la, tr ? k : n, tr ? n : k, lda));
  CHECK(check_mat(env, fn, "C", lc, n, n, ldc));
  if (n == 0) return ret_undefined(env);
  if (k == 0) {
    scale_mat(C, n, n, ldc, beta);
    return ret_undefined(env);
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, tr ? CblasTrans : CblasNoTrans, n, k, alpha, A, lda, beta, C, ldc);
  for (int i = 1; i < n; i++)
    for (int j = 0; j < i; j++) C[(size_t)i * ldc + j] = C[(size_t)j * ldc + i];
  return ret_undefined(env);
}

/* syevd(n, A, lda, W) -> info. Reads the lower triangle; eigenvalues ascending in W, eigenvectors as A's columns. */
static napi_value js_syevd(napi_env env, napi_callback_info info) {
  static const char *fn = "syevd";
  napi_value a[MAX_ARGS];
  int n, lda;
  double *A, *W;
  size_t la, lw;
  CHECK(get_args(env, info, 4, a, fn));
  CHECK(arg_int(env, a[0], fn, "n", 0, &n) && arg_f64(env, a[1], fn, "A", &A, &la) &&
        arg_int(env, a[2], fn, "lda", 1, &lda) && arg_f64(env, a[3], fn, "W", &W, &lw));
  CHECK(check_mat(env, fn, "A", la, n, n, lda) && check_vec(env, fn, "W", lw, (size_t)n));
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, A, lda, W));
}

/* gesdd(m, n, A, lda, S, U, ldu, VT, ldvt) -> info. Thin SVD (jobz='S'); A is destroyed. */
static napi_value js_gesdd(napi_env env, napi_callback_info info) {
  static const char *fn = "gesdd";
  napi_value a[MAX_ARGS];
  int m, n, lda, ldu, ldvt;
  double *A, *S, *U, *VT;
  size_t la, ls, lu, lvt;
  CHECK(get_args(env, info, 9, a, fn));
  CHECK(arg_int(env, a[0], fn, "m", 0, &m) && arg_int(env, a[1], fn, "n", 0, &n) &&
        arg_f64(env, a[2], fn, "A", &A, &la) && arg_int(env, a[3], fn, "lda", 1, &lda));
  CHECK(arg_f64(env, a[4], fn, "S", &S, &ls) && arg_f64(env, a[5], fn, "U", &U, &lu) &&
        arg_int(env, a[6], fn, "ldu", 1, &ldu));
  CHECK(arg_f64(env, a[7], fn, "VT", &VT, &lvt) && arg_int(env, a[8], fn, "ldvt", 1, &ldvt));
  int k = m < n ? m : n;
  CHECK(check_mat(env, fn, "A", la, m, n, lda) && check_vec(env, fn, "S", ls, (size_t)k));
  CHECK(check_mat(env, fn, "U", lu, m, k, ldu) && check_mat(env, fn, "VT", lvt, k, n, ldvt));
  if (k == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', m, n, A, lda, S, U, ldu, VT, ldvt));
}

/* geqrf(m, n, A, lda, tau) -> info. R in the upper triangle of A, Householder vectors below. */
static napi_value js_geqrf(napi_env env, napi_callback_info info) {
  static const char *fn = "geqrf";
  napi_value a[MAX_ARGS];
  int m, n, lda;
  double *A, *tau;
  size_t la, lt;
  CHECK(get_args(env, info, 5, a, fn));
  CHECK(arg_int(env, a[0], fn, "m", 0, &m) && arg_int(env, a[1], fn, "n", 0, &n) &&
        arg_f64(env, a[2], fn, "A", &A, &la) && arg_int(env, a[3], fn, "lda", 1, &lda) &&
        arg_f64(env, a[4], fn, "tau", &tau, &lt));
  CHECK(check_mat(env, fn, "A", la, m, n, lda) && check_vec(env, fn, "tau", lt, (size_t)(m < n ? m : n)));
  if (m == 0 || n == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, m, n, A, lda, tau));
}

/* orgqr(m, n, k, A, lda, tau) -> info. Forms the m x n Q (m >= n >= k) from geqrf's output in place. */
static napi_value js_orgqr(napi_env env, napi_callback_info info) {
  static const char *fn = "orgqr";
  napi_value a[MAX_ARGS];
  int m, n, k, lda;
  double *A, *tau;
  size_t la, lt;
  CHECK(get_args(env, info, 6, a, fn));
  CHECK(arg_int(env, a[0], fn, "m", 0, &m) && arg_int(env, a[1], fn, "n", 0, &n) &&
        arg_int(env, a[2], fn, "k", 0, &k) && arg_f64(env, a[3], fn, "A", &A, &la) &&
        arg_int(env, a[4], fn, "lda", 1, &lda) && arg_f64(env, a[5], fn, "tau", &tau, &lt));
  if (!(m >= n && n >= k)) {
    throw_range(env, fn, "needs m >= n >= k");
    return NULL;
  }
  CHECK(check_mat(env, fn, "A", la, m, n, lda) && check_vec(env, fn, "tau", lt, (size_t)k));
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dorgqr(LAPACK_ROW_MAJOR, m, n, k, A, lda, tau));
}

/* potrf(n, A, lda) -> info. Lower Cholesky factor in the lower triangle; the upper part is untouched. */
static napi_value js_potrf(napi_env env, napi_callback_info info) {
  static const char *fn = "potrf";
  napi_value a[MAX_ARGS];
  int n, lda;
  double *A;
  size_t la;
  CHECK(get_args(env, info, 3, a, fn));
  CHECK(arg_int(env, a[0], fn, "n", 0, &n) && arg_f64(env, a[1], fn, "A", &A, &la) &&
        arg_int(env, a[2], fn, "lda", 1, &lda));
  CHECK(check_mat(env, fn, "A", la, n, n, lda));
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, A, lda));
}

/* Shared by gesv and posv: (n, nrhs, A, lda, B, ldb). */
static bool solve_args(napi_env env, napi_callback_info info, const char *fn, int *n, int *nrhs, double **A,
                       int *lda, double **B, int *ldb) {
  napi_value a[MAX_ARGS];
  size_t la, lb;
  if (!get_args(env, info, 6, a, fn)) return false;
  if (!(arg_int(env, a[0], fn, "n", 0, n) && arg_int(env, a[1], fn, "nrhs", 0, nrhs) &&
        arg_f64(env, a[2], fn, "A", A, &la) && arg_int(env, a[3], fn, "lda", 1, lda) &&
        arg_f64(env, a[4], fn, "B", B, &lb) && arg_int(env, a[5], fn, "ldb", 1, ldb)))
    return false;
  return check_mat(env, fn, "A", la, *n, *n, *lda) && check_mat(env, fn, "B", lb, *n, *nrhs, *ldb);
}

/* gesv(n, nrhs, A, lda, B, ldb) -> info. LU with partial pivoting; X overwrites B, LU overwrites A. */
static napi_value js_gesv(napi_env env, napi_callback_info info) {
  int n, nrhs, lda, ldb;
  double *A, *B;
  CHECK(solve_args(env, info, "gesv", &n, &nrhs, &A, &lda, &B, &ldb));
  if (n == 0) return ret_int(env, 0); /* nrhs == 0 still factors A, so a singular A is reported */
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  if (ipiv == NULL) return ret_int(env, LAPACK_WORK_MEMORY_ERROR);
  int r = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, nrhs, A, lda, ipiv, B, ldb);
  free(ipiv);
  return ret_int(env, r);
}

/* posv(n, nrhs, A, lda, B, ldb) -> info. Cholesky (lower) solve; X overwrites B. */
static napi_value js_posv(napi_env env, napi_callback_info info) {
  int n, nrhs, lda, ldb;
  double *A, *B;
  CHECK(solve_args(env, info, "posv", &n, &nrhs, &A, &lda, &B, &ldb));
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', n, nrhs, A, lda, B, ldb));
}

/* setThreads(n): OpenBLAS threads are process-wide (shared by every worker thread). */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value a[MAX_ARGS];
  int n;
  CHECK(get_args(env, info, 1, a, "setThreads"));
  CHECK(arg_int(env, a[0], "setThreads", "n", 1, &n));
  openblas_set_num_threads(n);
  return ret_undefined(env);
}

static napi_value js_get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  return ret_int(env, openblas_get_num_threads());
}

static napi_value ret_string(napi_env env, const char *s) {
  napi_value out;
  NAPI_CALL(env, napi_create_string_utf8(env, s == NULL ? "" : s, NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value js_config(napi_env env, napi_callback_info info) {
  (void)info;
  return ret_string(env, openblas_get_config());
}

static napi_value js_corename(napi_env env, napi_callback_info info) {
  (void)info;
  return ret_string(env, openblas_get_corename());
}

#define METHOD(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}

NAPI_MODULE_INIT() {
  /* The TypeScript side rejects non-finite matrices it factors; NaN in a right-hand side should propagate into
   * the result (as in the pure-TypeScript kernels) rather than make LAPACKE refuse the call. */
  LAPACKE_set_nancheck(0);
  napi_property_descriptor props[] = {
      METHOD("gemm", js_gemm),         METHOD("gemv", js_gemv),
      METHOD("syrk", js_syrk),         METHOD("syevd", js_syevd),
      METHOD("gesdd", js_gesdd),       METHOD("geqrf", js_geqrf),
      METHOD("orgqr", js_orgqr),       METHOD("potrf", js_potrf),
      METHOD("gesv", js_gesv),         METHOD("posv", js_posv),
      METHOD("setThreads", js_set_threads), METHOD("getThreads", js_get_threads),
      METHOD("config", js_config),     METHOD("corename", js_corename),
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  /* The streaming kernels (elementwise VM, sums, strided copy/transpose) need no BLAS; see dsfabric_stream.c. */
  NAPI_CALL(env, dsf_stream_register(env, exports));
  /* The sparse (CSR) x dense product; see dsfabric_csr.c. */
  NAPI_CALL(env, dsf_csr_register(env, exports));
  /* KMeans' fused assignment and accumulation; see dsfabric_kmeans.c. */
  NAPI_CALL(env, dsf_kmeans_register(env, exports));
  return exports;
}
