import { LinalgError } from "../../../errors.ts";
import { Matrix } from "../../../matrix.ts";
import { EPS, requireFinite, requireSquare } from "./util.ts";

/**
 * Eigen-decomposition of a symmetric matrix, `A = V diag(values) Vᵀ`: Householder reduction to
 * tridiagonal form followed by the implicit QL algorithm (EISPACK `tred2` + `tql2`, as in JAMA). Only the
 * lower triangle of `a` is read; symmetry is not checked. `values` are ascending and the columns of
 * `vectors` are the matching orthonormal eigenvectors (signs are arbitrary). `a` is not modified.
 *
 * Empty input: 0x0 gives empty `values` and a 0x0 `vectors`. NaN/Infinity anywhere in `a` (upper triangle
 * included): `LinalgError`.
 *
 * @throws ShapeError if `a` is not square.
 * @throws LinalgError if `a` is not finite or QL fails to converge (30·n iterations, as LAPACK `dsteqr`).
 *
 * @example
 * ```ts
 * const { values, vectors } = symEig(Matrix.fromArray([[2, 1], [1, 2]]));
 * values; // Float64Array [1, 3] (up to rounding)
 * vectors.get(0, 1) * vectors.get(1, 1) > 0; // true: (1, 1)/√2 up to sign
 * ```
 */
export function symEig(a: Matrix): { values: Float64Array; vectors: Matrix } {
  requireSquare("symEig", a);
  requireFinite("symEig", a);
  const n = a.rows;
  const vectors = Matrix.zeros(n, n);
  const values = new Float64Array(n);
  if (n === 0) return { values, vectors };
  const V = vectors.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = a.data[i * n + j];
      V[i * n + j] = x;
      V[j * n + i] = x;
    }
  }
  const e = new Float64Array(n);
  tred2(V, values, e, n);
  tql2(V, values, e, n);
  return { values, vectors };
}

/**
 * Householder tridiagonalisation of the symmetric matrix in V (overwritten by the accumulated orthogonal
 * transformation). On return d is the diagonal and e[1..n-1] the subdiagonal.
 */
function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    // Scaling the row by its 1-norm keeps h = |row|² from overflowing or underflowing.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }

  // Accumulate the reflectors into V.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL with Wilkinson-like shifts on the tridiagonal (d, e), rotating the columns of V along.
 * Finishes by sorting eigenvalues ascending together with their columns.
 */
function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const maxIter = 30 * n;
  let iterations = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Split off a block as soon as an off-diagonal is negligible against the largest diagonal seen so far.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      do {
        if (++iterations > maxIter) {
          throw new LinalgError(`symEig: QL iteration did not converge after ${maxIter} iterations`);
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;

        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = k * n;
            h = V[row + i + 1];
            V[row + i + 1] = s * V[row + i] + c * h;
            V[row + i] = c * V[row + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }

  // Selection sort: O(n²) comparisons but only n column swaps, negligible next to the O(n³) above.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      for (let j = 0; j < n; j++) {
        const t = V[j * n + i];
        V[j * n + i] = V[j * n + k];
        V[j * n + k] = t;
      }
    }
  }
}
