// BLAS-level kernels (gemm, gemv, syrk) of both linear-algebra backends against naive triple loops.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Matrix } from "../../src/core/matrix.ts";
import { ArgumentError, ShapeError } from "../../src/core/errors.ts";
import type { LinalgBackend } from "../../src/core/linalg/backend.ts";
import { chooseBlasThreads } from "../../src/core/linalg/blasThreads.ts";
import { backendInfo, jsLinalg, linalg, nativeLinalg } from "../../src/core/linalg/selectBackend.ts";
import { nativeLoadFailure } from "../../src/core/linalg/nativeAddon.ts";

const native = nativeLinalg();
if (native === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native OpenBLAS addon must be built here: ${nativeLoadFailure()}`);
}
const backends: LinalgBackend[] = native === undefined ? [jsLinalg()] : [jsLinalg(), native];

/** Seeded uniform values in [-1, 1) (mulberry32), so that fast-check only has to draw shapes and a seed. */
function fill(out: Float64Array, seed: number): Float64Array {
  let st = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = Math.imul(st ^ (st >>> 15), st | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** A random matrix; with `offset` > 0 its data is a subarray (non-zero byteOffset) of a SharedArrayBuffer. */
function randomMatrix(rows: number, cols: number, seed: number, offset = 0): Matrix {
  const buf = new SharedArrayBuffer((rows * cols + offset + 3) * 8);
  const data = new Float64Array(buf, offset * 8, rows * cols);
  new Float64Array(buf).fill(Number.NaN); // poison around the view: a kernel reading outside it shows NaN
  return new Matrix(rows, cols, fill(data, seed));
}

/** op(X)(i, j) of a row-major matrix. */
function at(x: Matrix, trans: boolean, i: number, j: number): number {
  return trans ? x.data[j * x.cols + i] : x.data[i * x.cols + j];
}

function refGemm(
  a: Matrix,
  b: Matrix,
  ta: boolean,
  tb: boolean,
  alpha: number,
  beta: number,
  c?: Matrix,
): number[] {
  const m = ta ? a.cols : a.rows;
  const k = ta ? a.rows : a.cols;
  const n = tb ? b.rows : b.cols;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(a, ta, i, p) * at(b, tb, p, j);
      out.push(alpha * s + (c === undefined || beta === 0 ? 0 : beta * c.data[i * n + j]));
    }
  }
  return out;
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol * Math.max(1, Math.abs(expected[i])))) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const dims = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }));

for (const be of backends) {
  test(`${be.name}: gemm matches a naive triple loop (shapes, transposes, alpha/beta, subarrays)`, () => {
    fc.assert(
      fc.property(
        fc.record({
          m: dims,
          n: dims,
          k: dims,
          ta: fc.boolean(),
          tb: fc.boolean(),
          alpha: fc.constantFrom(1, -0.5, 2.25),
          beta: fc.constantFrom(0, 1, -1.5),
          withC: fc.boolean(),
          offset: fc.integer({ min: 0, max: 3 }),
          seed: fc.integer(),
        }),
        ({ m, n, k, ta, tb, alpha, beta, withC, offset, seed }) => {
          const a = ta ? randomMatrix(k, m, seed, offset) : randomMatrix(m, k, seed, offset);
          const b = tb ? randomMatrix(n, k, seed + 1, offset) : randomMatrix(k, n, seed + 1);
          const c = withC ? randomMatrix(m, n, seed + 2, offset) : undefined;
          const expected = refGemm(a, b, ta, tb, alpha, beta, c);
          const out = be.gemm(a, b, { transA: ta, transB: tb, alpha, beta, c });
          if (c !== undefined) assert.equal(out, c, "gemm returns the given c");
          assert.deepEqual([out.rows, out.cols], [m, n]);
          assertClose(out.data, expected, 1e-12 * (k + 1), `gemm ${m}x${k}x${n} ta=${ta} tb=${tb}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  test(`${be.name}: gemm across several cache blocks (k > 256, n > 1024, ragged edges)`, () => {
    for (const [ta, tb] of [
      [false, false],
      [true, true],
    ] as const) {
      const [m, n, k] = [67, 1029, 261];
      const a = ta ? randomMatrix(k, m, 1) : randomMatrix(m, k, 1);
      const b = tb ? randomMatrix(n, k, 2, 1) : randomMatrix(k, n, 2, 1);
      const out = be.gemm(a, b, { transA: ta, transB: tb });
      assertClose(out.data, refGemm(a, b, ta, tb, 1, 0), 1e-12 * k, `gemm ${m}x${k}x${n} ta=${ta} tb=${tb}`);
    }
  });

  test(`${be.name}: gemm edge cases (empty dimensions, beta = 0 ignores NaN in c, 1x1)`, () => {
    assert.deepEqual(be.gemm(Matrix.zeros(0, 3), Matrix.zeros(3, 2)).toArray(), []);
    const c = Matrix.fromArray([[5, 6]]);
    be.gemm(Matrix.zeros(1, 0), Matrix.zeros(0, 2), { c, beta: 2 });
    assert.deepEqual(c.toArray(), [[10, 12]], "k = 0 leaves beta * C");
    const nan = Matrix.fromArray([[Number.NaN]]);
    be.gemm(Matrix.fromArray([[2]]), Matrix.fromArray([[3]]), { c: nan, beta: 0 });
    assert.deepEqual(nan.toArray(), [[6]]);
    assert.deepEqual(be.gemm(Matrix.fromArray([[2]]), Matrix.fromArray([[3]]), { alpha: -1 }).toArray(), [
      [-6],
    ]);
  });

  test(`${be.name}: gemm shape errors name both shapes`, () => {
    const a = Matrix.zeros(2, 3);
    assert.throws(
      () => be.gemm(a, Matrix.zeros(4, 5)),
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message ===
          "gemm: op(a) has 3 columns but op(b) has 4 rows (a 2x3, b 4x5, transA=false, transB=false)",
    );
    assert.throws(() => be.gemm(a, Matrix.zeros(2, 5), { transA: false }), ShapeError);
    assert.throws(
      () => be.gemm(a, Matrix.zeros(3, 5), { c: Matrix.zeros(2, 4) }),
      /c is 2x4 but op\(a\) op\(b\) is 2x5/,
    );
    const shared = Matrix.zeros(3, 3);
    assert.throws(() => be.gemm(shared, shared, { c: shared }), ArgumentError);
  });

  test(`${be.name}: gemv matches a naive loop`, () => {
    fc.assert(
      fc.property(dims, dims, fc.boolean(), fc.boolean(), fc.integer(), (m, n, trans, withY, seed) => {
        const a = randomMatrix(m, n, seed, 1);
        const x = fill(new Float64Array(trans ? m : n), seed + 1);
        const y = withY ? fill(new Float64Array(trans ? n : m), seed + 2) : undefined;
        const before = y === undefined ? undefined : Array.from(y);
        const out = be.gemv(a, x, { trans, alpha: 1.5, beta: 0.5, y });
        const expected: number[] = [];
        for (let i = 0; i < (trans ? n : m); i++) {
          let s = 0;
          for (let p = 0; p < x.length; p++) s += at(a, trans, i, p) * x[p];
          expected.push(1.5 * s + (before === undefined ? 0 : 0.5 * before[i]));
        }
        assertClose(out, expected, 1e-12 * (x.length + 1), `gemv ${m}x${n} trans=${trans}`);
      }),
      { numRuns: 100 },
    );
    assert.throws(
      () => be.gemv(Matrix.zeros(2, 3), new Float64Array(2)),
      /gemv: x has 2 values but op\(a\) has 3/,
    );
  });

  test(`${be.name}: syrk is the exactly symmetric A A^T / A^T A`, () => {
    fc.assert(
      fc.property(dims, dims, fc.boolean(), fc.integer(), (r, c, trans, seed) => {
        const a = randomMatrix(r, c, seed, 2);
        const out = be.syrk(a, { trans, alpha: -2 });
        const n = trans ? c : r;
        assert.deepEqual([out.rows, out.cols], [n, n]);
        assertClose(out.data, refGemm(a, a, trans, !trans, -2, 0), 1e-12 * (r + c), "syrk");
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(out.get(i, j), out.get(j, i));
      }),
      { numRuns: 80 },
    );
    const big = randomMatrix(300, 9, 7); // more than one 256-wide output tile
    assertClose(be.syrk(big).data, refGemm(big, big, false, true, 1, 0), 1e-12 * 10, "syrk 300x9");
  });

  test(`${be.name}: syrk accumulates into a given symmetric c (beta)`, () => {
    fc.assert(
      fc.property(dims, dims, fc.boolean(), fc.integer(), (r, c, trans, seed) => {
        const a = randomMatrix(r, c, seed, 2);
        const n = trans ? c : r;
        const s = randomMatrix(n, 3, seed + 1, 1);
        const before = be.syrk(s); // a symmetric n x n start
        const start = Float64Array.from(before.data);
        const out = be.syrk(a, { trans, alpha: 1.5, beta: 0.5, c: before });
        assert.equal(out, before);
        const want = refGemm(a, a, trans, !trans, 1.5, 0).map((v, i) => v + 0.5 * start[i]);
        assertClose(out.data, want, 1e-12 * (r + c + 3), "syrk with beta");
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(out.get(i, j), out.get(j, i));
      }),
      { numRuns: 60 },
    );
    assert.throws(
      () => be.syrk(Matrix.zeros(4, 3), { trans: true, c: Matrix.zeros(4, 4) }),
      /syrk: c is 4x4 but the product is 3x3/,
    );
  });

  test(`${be.name}: setBlasThreads validates its argument`, () => {
    assert.throws(() => be.setBlasThreads(0), ArgumentError);
    assert.throws(() => be.setBlasThreads(1.5), ArgumentError);
    const before = be.blasThreads();
    be.setBlasThreads(1);
    assert.equal(be.blasThreads(), 1);
    be.setBlasThreads(before);
  });
}

test("chooseBlasThreads: one BLAS thread per worker when workers fill the cores", () => {
  assert.equal(chooseBlasThreads(8, 8), 1);
  assert.equal(chooseBlasThreads(8, 2), 4);
  assert.equal(chooseBlasThreads(8, 3), 2);
  assert.equal(chooseBlasThreads(2, 16), 1);
  assert.throws(() => chooseBlasThreads(0, 1), ArgumentError);
});

test("linalg(): native unless DSFABRIC_BACKEND=js; backendInfo says which and why", () => {
  const saved = process.env.DSFABRIC_BACKEND;
  try {
    process.env.DSFABRIC_BACKEND = "js";
    assert.equal(linalg().name, "js");
    assert.equal(backendInfo().reason, "DSFABRIC_BACKEND=js");
    delete process.env.DSFABRIC_BACKEND;
    const info = backendInfo();
    assert.equal(info.name, native === undefined ? "js" : "openblas");
    assert.equal(info.coretype, process.env.OPENBLAS_CORETYPE);
    if (native !== undefined) assert.match(info.config ?? "", /OpenBLAS/);
  } finally {
    if (saved === undefined) delete process.env.DSFABRIC_BACKEND;
    else process.env.DSFABRIC_BACKEND = saved;
  }
});
