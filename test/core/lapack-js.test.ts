import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { LinalgError, ShapeError } from "../../src/core/errors.ts";
import { cholesky, qr, solve, solveSpd, svd, symEig } from "../../src/core/linalg/js/lapack/index.ts";

// Matrices come from a seeded generator rather than fc.array so that runs stay fast at 40x40 while
// fast-check still shrinks the shape and reports a reproducible seed.
function random(rows: number, cols: number, seed: number): Matrix {
  let st = seed >>> 0 || 1;
  const m = Matrix.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) {
    st = (st + 0x6d2b79f5) >>> 0; // mulberry32
    let t = Math.imul(st ^ (st >>> 15), st | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    m.data[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return m;
}
const mul = (a: Matrix, b: Matrix): Matrix => {
  const c = Matrix.zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++)
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += a.get(i, k) * b.get(k, j);
  return c;
};
const tr = (a: Matrix): Matrix => {
  const t = Matrix.zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.set(j, i, a.get(i, j));
  return t;
};
const scaleCols = (a: Matrix, d: ArrayLike<number>): Matrix => {
  const c = Matrix.zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) c.set(i, j, a.get(i, j) * d[j]);
  return c;
};
const plusDiag = (a: Matrix, x: number): Matrix => {
  const c = new Matrix(a.rows, a.cols, Float64Array.from(a.data));
  for (let i = 0; i < Math.min(a.rows, a.cols); i++) c.set(i, i, c.get(i, i) + x);
  return c;
};
const eye = (n: number): Matrix => plusDiag(Matrix.zeros(n, n), 1);
const m2 = (...v: number[]): Matrix => new Matrix(2, 2, Float64Array.from(v));
const maxAbs = (a: Matrix): number => a.data.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);

/** max |a - b| must be within tol·(1 + scale); the message shows the actual deviation. */
function close(a: Matrix, b: Matrix, tol: number, what: string, scale = maxAbs(b)): void {
  assert.equal(`${a.rows}x${a.cols}`, `${b.rows}x${b.cols}`, `${what}: shape`);
  let err = 0;
  for (let i = 0; i < a.data.length; i++) err = Math.max(err, Math.abs(a.data[i] - b.data[i]));
  assert.ok(err <= tol * (1 + scale), `${what}: max deviation ${err}`);
}
const orthonormalCols = (q: Matrix, what: string): void => close(mul(tr(q), q), eye(q.cols), 1e-12, what);
const dims = fc.integer({ min: 1, max: 40 });
const seed = fc.integer();
const untouched = (a: Matrix): (() => void) => {
  const copy = Float64Array.from(a.data);
  return () => assert.deepEqual(a.data, copy, "input was modified");
};

void test("cholesky: L lower with positive diagonal and L Lᵀ = A for random SPD A", () => {
  fc.assert(
    fc.property(dims, seed, (n, sd) => {
      const b = random(n, n, sd);
      const a = plusDiag(mul(b, tr(b)), n);
      const check = untouched(a);
      const l = cholesky(a);
      for (let i = 0; i < n; i++) {
        assert.ok(l.get(i, i) > 0);
        for (let j = i + 1; j < n; j++) assert.equal(l.get(i, j), 0);
      }
      close(mul(l, tr(l)), a, 1e-13, "L Lᵀ");
      check();
    }),
  );
});

void test("solve and solveSpd: A X = B for random well-conditioned A and 1..5 right-hand sides", () => {
  fc.assert(
    fc.property(dims, fc.integer({ min: 1, max: 5 }), seed, (n, k, sd) => {
      const a = plusDiag(random(n, n, sd), n);
      const b = random(n, k, sd + 1);
      const checkA = untouched(a);
      const checkB = untouched(b);
      close(mul(a, solve(a, b)), b, 1e-12, "A x");
      const spd = plusDiag(mul(a, tr(a)), 1);
      close(mul(spd, solveSpd(spd, b)), b, 1e-12, "A_spd x", maxAbs(spd));
      checkA();
      checkB();
    }),
  );
});

void test("qr: Q orthonormal, R upper triangular, Q R = A for tall, wide and square A", () => {
  fc.assert(
    fc.property(dims, dims, seed, (m, n, sd) => {
      const a = random(m, n, sd);
      const check = untouched(a);
      const { q, r } = qr(a);
      const k = Math.min(m, n);
      assert.deepEqual([q.rows, q.cols, r.rows, r.cols], [m, k, k, n]);
      orthonormalCols(q, "QᵀQ");
      for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) assert.equal(r.get(i, j), 0);
      close(mul(q, r), a, 1e-13, "Q R");
      check();
    }),
  );
});

void test("symEig: A V = V diag(w), V orthonormal, w ascending for random symmetric A", () => {
  fc.assert(
    fc.property(dims, seed, (n, sd) => {
      const b = random(n, n, sd);
      const a = mul(b, tr(b));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.set(i, j, a.get(i, j) - n / 4);
      const check = untouched(a);
      const { values, vectors } = symEig(a);
      for (let i = 1; i < n; i++) assert.ok(values[i - 1] <= values[i], `values not ascending at ${i}`);
      orthonormalCols(vectors, "VᵀV");
      close(mul(a, vectors), scaleCols(vectors, values), 1e-12, "A V", maxAbs(a));
      check();
    }),
  );
});

void test("symEig: recovers the known spectrum of Q D Qᵀ, including repeated eigenvalues", () => {
  fc.assert(
    fc.property(dims, seed, fc.boolean(), (n, sd, repeated) => {
      const q = qr(random(n, n, sd)).q;
      const d = Array.from({ length: n }, (_, i) => (repeated ? Math.floor(i / 3) : (i * 7) % n) - n / 2);
      const { values } = symEig(mul(scaleCols(q, d), tr(q)));
      const want = d.slice().sort((x, y) => x - y);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i] - want[i]) <= 1e-11 * n, `value ${i}`);
    }),
  );
});

/** Every SVD invariant: shapes, s descending and >= 0, U and Vᵀ orthonormal, U diag(s) Vᵀ = A. */
function checkSvd(a: Matrix): Float64Array {
  const check = untouched(a);
  const { u, s, vt } = svd(a);
  const k = Math.min(a.rows, a.cols);
  assert.deepEqual([u.rows, u.cols, s.length, vt.rows, vt.cols], [a.rows, k, k, k, a.cols]);
  for (let i = 0; i < k; i++) assert.ok(s[i] >= 0 && (i === 0 || s[i] <= s[i - 1]), `s[${i}] = ${s[i]}`);
  orthonormalCols(u, "UᵀU");
  orthonormalCols(tr(vt), "Vᵀ V");
  close(mul(scaleCols(u, s), vt), a, 1e-12, "U S Vᵀ");
  check();
  return s;
}

void test("svd: invariants hold and s matches sqrt(eig(AᵀA)) from symEig for random tall and wide A", () => {
  fc.assert(
    fc.property(dims, dims, seed, (m, n, sd) => {
      const a = random(m, n, sd);
      const s = checkSvd(a);
      // Independent path: the eigenvalues of the smaller Gram matrix are the squared singular values.
      const gram = m >= n ? mul(tr(a), a) : mul(a, tr(a));
      const w = symEig(gram).values.reverse();
      for (let i = 0; i < s.length; i++) {
        assert.ok(Math.abs(s[i] - Math.sqrt(Math.max(w[i], 0))) <= 1e-7 * (1 + s[0]), `s[${i}]`);
      }
    }),
  );
});

void test("svd: exact singular values of U0 diag(σ) V0ᵀ and rank-deficient products", () => {
  fc.assert(
    fc.property(dims, dims, fc.integer({ min: 0, max: 40 }), seed, (m, n, rank, sd) => {
      const k = Math.min(m, n);
      const sigma = Array.from({ length: k }, (_, i) => 1 + ((i * 5) % k));
      const a = mul(scaleCols(qr(random(m, k, sd)).q, sigma), tr(qr(random(n, k, sd + 1)).q));
      const s = checkSvd(a);
      const want = sigma.sort((x, y) => y - x);
      for (let i = 0; i < k; i++) assert.ok(Math.abs(s[i] - want[i]) <= 1e-12 * k, `σ ${i}`);

      const r = Math.min(rank, k);
      const low = mul(random(m, r, sd + 2), random(r, n, sd + 3));
      const sl = checkSvd(low);
      for (let i = r; i < k; i++)
        assert.ok(sl[i] <= 1e-12 * (1 + sl[0]), `s[${i}] = ${sl[i]} beyond rank ${r}`);
      if (r > 0) assert.ok(sl[r - 1] > 1e-8 * sl[0], `rank ${r} lost`);
    }),
  );
});

void test("svd and symEig: larger tall, wide and square inputs (fast-check favours small shapes)", () => {
  for (const { m, n } of [
    { m: 150, n: 90 },
    { m: 90, n: 150 },
    { m: 120, n: 120 },
  ]) {
    const a = random(m, n, m * n);
    checkSvd(a);
    const sym = plusDiag(mul(tr(a), a), -1);
    const { values, vectors } = symEig(sym);
    orthonormalCols(vectors, "VᵀV");
    close(mul(sym, vectors), scaleCols(vectors, values), 1e-12, "A V", maxAbs(sym));
  }
});

void test("edge cases: 1x1, zero, empty and NaN input", () => {
  const one = Matrix.fromArray([[-3]]);
  assert.deepEqual(svd(one).s, Float64Array.of(3));
  assert.deepEqual(symEig(one).values, Float64Array.of(-3));
  assert.deepEqual(qr(one).r.toArray(), [[-3]]);
  assert.deepEqual(cholesky(Matrix.fromArray([[4]])).toArray(), [[2]]);
  // Only the lower triangle is read, as documented (LAPACK uplo = 'L').
  const lowerOnly = m2(4, 99, 2, 5);
  assert.deepEqual(Array.from(cholesky(lowerOnly).data), [2, 0, 1, 2]);
  assert.deepEqual(symEig(lowerOnly).values, symEig(m2(4, 2, 2, 5)).values);
  assert.deepEqual(solve(one, Matrix.fromArray([[6, 3]])).toArray(), [[-2, -1]]);
  assert.deepEqual(checkSvd(Matrix.zeros(4, 3)), new Float64Array(3));
  assert.deepEqual(checkSvd(Matrix.zeros(2, 5)), new Float64Array(2));
  const e = svd(Matrix.zeros(3, 0));
  assert.deepEqual([e.u.rows, e.u.cols, e.s.length, e.vt.rows, e.vt.cols], [3, 0, 0, 0, 0]);
  assert.deepEqual(qr(Matrix.zeros(0, 2)).r.rows, 0);
  assert.equal(cholesky(Matrix.zeros(0, 0)).rows, 0);
  assert.equal(symEig(Matrix.zeros(0, 0)).values.length, 0);
  assert.deepEqual(solve(Matrix.zeros(0, 0), Matrix.zeros(0, 2)).cols, 2);
  const nan = m2(1, 2, 3, NaN);
  for (const f of [cholesky, qr, symEig, svd, (x: Matrix) => solve(x, eye(2))]) {
    assert.throws(
      () => f(nan),
      (err: unknown) => err instanceof LinalgError && /NaN at \(1, 1\)/.test(err.message),
    );
  }
});

void test("errors: non-positive-definite, singular and mismatched shapes", () => {
  const indefinite = m2(1, 2, 2, 1);
  const notPd = (err: unknown): boolean =>
    err instanceof LinalgError && /not positive definite.*pivot 1/.test(err.message);
  assert.throws(() => cholesky(indefinite), notPd);
  assert.throws(() => solveSpd(indefinite, eye(2)), notPd);
  const singular = (err: unknown): boolean =>
    err instanceof LinalgError && /solve: matrix is singular/.test(err.message);
  assert.throws(() => solve(m2(1, 2, 2, 4), eye(2)), singular);
  // Rank 3 of 6 with rounding noise: no exactly zero pivot, still singular to working precision.
  assert.throws(() => solve(mul(random(6, 3, 1), random(3, 6, 2)), eye(6)), singular);

  const shape = (msg: string) => (err: unknown) => err instanceof ShapeError && err.message === msg;
  assert.throws(
    () => solve(eye(3), Matrix.zeros(4, 2)),
    shape("solve: a is 3x3 but b has 4 rows (b is 4x2)"),
  );
  assert.throws(
    () => solveSpd(eye(3), Matrix.zeros(2, 1)),
    shape("solveSpd: a is 3x3 but b has 2 rows (b is 2x1)"),
  );
  const wide = Matrix.zeros(3, 4);
  assert.throws(() => solve(wide, Matrix.zeros(3, 1)), shape("solve: a must be square but is 3x4"));
  assert.throws(() => solveSpd(wide, Matrix.zeros(3, 1)), shape("solveSpd: a must be square but is 3x4"));
  assert.throws(() => cholesky(wide), shape("cholesky: a must be square but is 3x4"));
  assert.throws(() => symEig(wide), shape("symEig: a must be square but is 3x4"));
});
