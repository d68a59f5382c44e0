// The native sparse x dense product (native/src/dsfabric_csr.c) against the JavaScript loops of
// src/core/kernels/sparse/matmul.ts, bit for bit (any NaN equal to any NaN), for random shapes, densities, transposes and values
// (NaN and infinities included), accumulating into a non-zero output. The native half is skipped only when
// the addon is not built (the skip message says why); in CI it must be there.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CsrMatrix } from "../../src/core/csrMatrix.ts";
import { Matrix } from "../../src/core/matrix.ts";
import { accumulateProduct } from "../../src/core/kernels/sparse/matmul.ts";
import { nativeSparseKernels } from "../../src/core/linalg/nativeSparse.ts";
import { nativeLoadFailure } from "../../src/core/linalg/nativeAddon.ts";
import { float64Bits } from "../support/python.ts";

const native = nativeSparseKernels();
if (native === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native sparse kernels must be built here: ${nativeLoadFailure()}`);
}
const skip =
  native === undefined
    ? `native sparse kernels not available: ${nativeLoadFailure() ?? "the addon predates them (rebuild it)"}`
    : false;

/** A small deterministic generator (xorshift32), so a case is reproduced from its seed. */
function rng(seed: number): () => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A value as the tests want them: mostly ordinary, sometimes 0, an integer, NaN or an infinity. */
function value(r: () => number): number {
  const u = r();
  if (u < 0.02) return Number.NaN;
  if (u < 0.04) return r() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (u < 0.1) return 0;
  if (u < 0.3) return Math.round(r() * 10 - 5);
  return (r() - 0.5) * 2 ** Math.round(r() * 20 - 10);
}

function denseOf(rows: number, cols: number, r: () => number): Matrix {
  const m = Matrix.zeros(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = value(r);
  return m;
}

/** A CSR matrix with about `density` of its entries stored (an explicit stored 0 now and then). */
function sparseOf(rows: number, cols: number, density: number, r: () => number): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (r() >= density) continue;
      indices.push(j);
      data.push(value(r));
    }
    indptr.push(indices.length);
  }
  return CsrMatrix.fromArrays(rows, cols, indptr, indices, data);
}

/** Each value's bits, with every NaN as "NaN" (which NaN an x86 add of two NaNs keeps depends on operand order). */
function bits(values: Float64Array): string[] {
  return float64Bits(values).map((b, k) => (Number.isNaN(values[k]) ? "NaN" : b));
}

const caseArb = fc.record({
  m: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 30, max: 90 })),
  inner: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 30, max: 90 })),
  // Widths around the vector tiles: 4 and 8 values a register, 32 and 64 a tile.
  n: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(31, 32, 33, 63, 64, 65, 71, 129)),
  density: fc.constantFrom(0, 0.01, 0.1, 0.5, 1),
  transA: fc.boolean(),
  transB: fc.boolean(),
  seed: fc.nat(),
});

test("native c += op(csr) · op(dense) equals the JavaScript loops bit for bit", { skip }, () => {
  fc.assert(
    fc.property(caseArb, ({ m, inner, n, density, transA, transB, seed }) => {
      const r = rng(seed);
      const a = transA ? sparseOf(inner, m, density, r) : sparseOf(m, inner, density, r);
      const b = transB ? denseOf(n, inner, r) : denseOf(inner, n, r);
      const c0 = denseOf(m, n, r);
      const js = Matrix.zeros(m, n);
      js.data.set(c0.data);
      const nat = Matrix.zeros(m, n);
      nat.data.set(c0.data);
      accumulateProduct(a, b, transA, transB, js, "js");
      accumulateProduct(a, b, transA, transB, nat, "native");
      assert.deepEqual(bits(nat.data), bits(js.data));
    }),
    { numRuns: 300, seed: 17 },
  );
});

test("the JavaScript loops agree with the dense product", () => {
  const r = rng(5);
  const a = sparseOf(7, 9, 0.3, r);
  const b = Matrix.zeros(9, 5);
  for (let k = 0; k < b.data.length; k++) b.data[k] = Math.round(r() * 10);
  const got = Matrix.zeros(7, 5);
  accumulateProduct(a, b, false, false, got, "js");
  const d = a.toDense();
  for (let i = 0; i < 7; i++) {
    for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let k = 0; k < 9; k++) s += d.get(i, k) * b.get(k, j);
      assert.equal(got.get(i, j), s);
    }
  }
});

test("the native product refuses bad structure instead of reading outside the arrays", { skip }, () => {
  const k = native;
  if (k === undefined) return;
  const b = new Float64Array(4);
  const c = new Float64Array(4);
  const call = (indptr: number[], indices: number[]) => () =>
    k.csrMatmulAccumulate(
      2,
      2,
      Int32Array.from(indptr),
      Int32Array.from(indices),
      new Float64Array(indices.length),
      false,
      b,
      2,
      2,
      false,
      c,
      2,
      2,
    );
  assert.throws(call([0, 1, 3], [0, 1]), RangeError); // indptr beyond the entries
  assert.throws(call([0, 2, 1], [0, 1]), RangeError); // decreasing
  assert.throws(call([0, 1, 2], [0, 7]), RangeError); // column outside [0, 2)
  assert.throws(call([0, 1, 2], [0, -1]), RangeError);
  assert.throws(() => k.csrMatmulAccumulate(2, 2, new Int32Array(3), new Int32Array(0), new Float64Array(0), false, b, 3, 2, false, c, 2, 2), RangeError); // prettier-ignore
});
