// LAPACK-level routines of both linear-algebra backends, checked by their defining properties.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { LinalgError, ShapeError } from "../../src/core/errors.ts";
import type { LinalgBackend } from "../../src/core/linalg/backend.ts";
import { jsLinalg, nativeLinalg } from "../../src/core/linalg/selectBackend.ts";
import { nativeLoadFailure } from "../../src/core/linalg/nativeAddon.ts";

const native = nativeLinalg();
if (native === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native OpenBLAS addon must be built here: ${nativeLoadFailure()}`);
}
const backends: LinalgBackend[] = native === undefined ? [jsLinalg()] : [jsLinalg(), native];

/** Seeded values in [-1, 1) (mulberry32); `offset` > 0 makes the data a subarray of a SharedArrayBuffer. */
function random(rows: number, cols: number, seed: number, offset = 0): Matrix {
  const data = new Float64Array(new SharedArrayBuffer((rows * cols + offset) * 8), offset * 8, rows * cols);
  let st = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = Math.imul(st ^ (st >>> 15), st | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return new Matrix(rows, cols, data);
}

/** Naive reference product: independent of both backends. */
function mul(a: Matrix, b: Matrix): Matrix {
  const c = Matrix.zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++)
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += a.get(i, k) * b.get(k, j);
  return c;
}

function tr(a: Matrix): Matrix {
  const t = Matrix.zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.set(j, i, a.get(i, j));
  return t;
}

function eye(n: number): Matrix {
  const m = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) m.set(i, i, 1);
  return m;
}

/** A x diag(d): scales column j by d[j]. */
function scaleCols(a: Matrix, d: Float64Array): Matrix {
  const out = Matrix.zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.set(i, j, a.get(i, j) * d[j]);
  return out;
}

function assertNear(actual: Matrix, expected: Matrix, tol: number, what: string): void {
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols], `${what}: shape`);
  for (let i = 0; i < expected.data.length; i++) {
    if (!(Math.abs(actual.data[i] - expected.data[i]) <= tol)) {
      assert.fail(`${what}: element ${i} is ${actual.data[i]}, expected ${expected.data[i]}`);
    }
  }
}

/** Symmetric positive definite and well conditioned: G G^T + n I. */
function spd(n: number, seed: number): Matrix {
  const g = random(n, n, seed);
  const a = mul(g, tr(g));
  for (let i = 0; i < n; i++) a.set(i, i, a.get(i, i) + n);
  return a;
}

/** General and well conditioned: random plus a dominant diagonal. */
function wellConditioned(n: number, seed: number): Matrix {
  const a = random(n, n, seed, 1);
  for (let i = 0; i < n; i++) a.set(i, i, a.get(i, i) + 2 * n);
  return a;
}

const size = fc.integer({ min: 1, max: 24 });
const runs = { numRuns: 40 };

for (const be of backends) {
  test(`${be.name}: cholesky gives lower L with L L^T = A`, () => {
    fc.assert(
      fc.property(size, fc.integer(), (n, seed) => {
        const a = spd(n, seed);
        const l = be.cholesky(a);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l.get(i, j), 0);
        assertNear(mul(l, tr(l)), a, 1e-10 * n, "L L^T");
      }),
      runs,
    );
    assert.throws(
      () =>
        be.cholesky(
          Matrix.fromArray([
            [1, 2],
            [2, 1],
          ]),
        ),
      LinalgError,
    );
    assert.throws(() => be.cholesky(Matrix.zeros(2, 3)), ShapeError);
    assert.throws(() => be.cholesky(Matrix.fromArray([[Number.NaN]])), LinalgError);
  });

  test(`${be.name}: solve and solveSpd satisfy A X = B`, () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 4 }), fc.integer(), (n, k, seed) => {
        const b = random(n, k, seed + 1, 2);
        const a = wellConditioned(n, seed);
        assertNear(mul(a, be.solve(a, b)), b, 1e-10, "A solve(A, B)");
        const s = spd(n, seed);
        assertNear(mul(s, be.solveSpd(s, b)), b, 1e-10, "A solveSpd(A, B)");
      }),
      runs,
    );
    const singular = Matrix.fromArray([
      [1, 2],
      [2, 4],
    ]);
    assert.throws(() => be.solve(singular, Matrix.fromArray([[1], [1]])), LinalgError);
    assert.throws(() => be.solve(Matrix.zeros(3, 3), Matrix.zeros(3, 1)), LinalgError);
    assert.throws(() => be.solve(eye(2), Matrix.zeros(3, 1)), ShapeError);
    assert.throws(() => be.solveSpd(Matrix.fromArray([[-1]]), Matrix.fromArray([[1]])), LinalgError);
    assert.throws(() => be.solveSpd(eye(2), Matrix.zeros(1, 2)), ShapeError);
  });

  test(`${be.name}: qr has orthonormal Q, upper-triangular R and Q R = A`, () => {
    fc.assert(
      fc.property(size, size, fc.integer(), (m, n, seed) => {
        const a = random(m, n, seed, 3);
        const k = Math.min(m, n);
        const { q, r } = be.qr(a);
        assert.deepEqual([q.rows, q.cols, r.rows, r.cols], [m, k, k, n]);
        for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) assert.equal(r.get(i, j), 0);
        assertNear(mul(tr(q), q), eye(k), 1e-12 * m, "Q^T Q");
        assertNear(mul(q, r), a, 1e-12 * m, "Q R");
      }),
      runs,
    );
  });

  test(`${be.name}: symEig has ascending values, orthonormal V and A V = V diag(w)`, () => {
    fc.assert(
      fc.property(size, fc.integer(), (n, seed) => {
        const g = random(n, n, seed);
        const a = mul(g, tr(g)); // symmetric
        const { values, vectors } = be.symEig(a);
        for (let i = 1; i < n; i++) assert.ok(values[i - 1] <= values[i], "ascending");
        assertNear(mul(tr(vectors), vectors), eye(n), 1e-10 * n, "V^T V");
        assertNear(mul(a, vectors), scaleCols(vectors, values), 1e-10 * n, "A V");
      }),
      runs,
    );
    assert.throws(() => be.symEig(Matrix.zeros(2, 3)), ShapeError);
  });

  test(`${be.name}: svd has descending s >= 0, orthonormal U, V and U diag(s) V^T = A`, () => {
    fc.assert(
      fc.property(size, size, fc.integer(), (m, n, seed) => {
        const a = random(m, n, seed, 1);
        const k = Math.min(m, n);
        const { u, s, vt } = be.svd(a);
        assert.deepEqual([u.rows, u.cols, s.length, vt.rows, vt.cols], [m, k, k, k, n]);
        for (let i = 0; i < k; i++) assert.ok(s[i] >= 0 && (i === 0 || s[i - 1] >= s[i]), "descending");
        assertNear(mul(tr(u), u), eye(k), 1e-10, "U^T U");
        assertNear(mul(vt, tr(vt)), eye(k), 1e-10, "V^T V");
        assertNear(mul(scaleCols(u, s), vt), a, 1e-10 * k, "U diag(s) V^T");
      }),
      runs,
    );
    assert.throws(() => be.svd(Matrix.fromArray([[1, Number.POSITIVE_INFINITY]])), LinalgError);
  });

  test(`${be.name}: empty inputs give empty results`, () => {
    assert.deepEqual([be.qr(Matrix.zeros(3, 0)).q.rows, be.qr(Matrix.zeros(3, 0)).q.cols], [3, 0]);
    assert.equal(be.svd(Matrix.zeros(0, 4)).vt.cols, 4);
    assert.equal(be.symEig(Matrix.zeros(0, 0)).values.length, 0);
    assert.deepEqual([be.solve(Matrix.zeros(0, 0), Matrix.zeros(0, 2)).cols], [2]);
  });
}

test("js and openblas agree on singular values and eigenvalues", { skip: native === undefined }, () => {
  const a = random(30, 20, 11);
  const s1 = jsLinalg().svd(a).s;
  const s2 = native?.svd(a).s ?? new Float64Array(0);
  for (let i = 0; i < s1.length; i++) assert.ok(Math.abs(s1[i] - s2[i]) <= 1e-12 * s1[0]);
  const sym = mul(tr(a), a);
  const w1 = jsLinalg().symEig(sym).values;
  const w2 = native?.symEig(sym).values ?? new Float64Array(0);
  for (let i = 0; i < w1.length; i++) assert.ok(Math.abs(w1[i] - w2[i]) <= 1e-11 * w1[w1.length - 1]);
});
