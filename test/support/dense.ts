/**
 * Independent dense references: plain nested-array computations that the distributed results are compared
 * with. Deliberately naive: no blocks, no kernels of ours.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Block, DsArray } from "../../src/index.ts";

export type Dense = number[][];

export function denseMap(a: Dense, f: (v: number, i: number, j: number) => number): Dense {
  return a.map((row, i) => row.map((v, j) => f(v, i, j)));
}

export function denseTranspose(a: Dense): Dense {
  if (a.length === 0) return [];
  return a[0].map((_, j) => a.map((row) => row[j]));
}

export function denseMatmul(a: Dense, b: Dense): Dense {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

/** NumPy broadcasting read: element (i, j) of an operand that may be a row, column or 1x1. */
export function bcast(a: Dense | number, i: number, j: number): number {
  if (typeof a === "number") return a;
  return a[a.length === 1 ? 0 : i][a[0].length === 1 ? 0 : j];
}

function close(x: number, y: number, tol: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}

/**
 * Collects `actual` (which checks every block's real shape against the grid) and compares it with the dense
 * reference, NaN equal to NaN, within a relative tolerance.
 */
export async function assertDsEqual(actual: DsArray<Block>, expected: Dense, tol = 1e-12): Promise<void> {
  const rows = expected.length;
  const cols = rows === 0 ? actual.shape[1] : expected[0].length;
  assert.deepEqual(actual.shape, [rows, cols], "shape");
  const sumRows = actual.grid.rowChunks.reduce((a, b) => a + b, 0);
  const sumCols = actual.grid.colChunks.reduce((a, b) => a + b, 0);
  assert.deepEqual([sumRows, sumCols], [rows, cols], "grid chunks must cover the shape");
  const m = await actual.collect();
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const got = m.get(i, j);
      if (!close(got, expected[i][j], tol)) {
        assert.fail(`element (${i}, ${j}): got ${got}, expected ${expected[i][j]}`);
      }
    }
  }
}

/** A random shape (1..maxDim each, 1xN and Nx1 included) with a random block size that fits it. */
export const shapeAndBlocks = (maxDim = 9) =>
  fc.tuple(fc.integer({ min: 1, max: maxDim }), fc.integer({ min: 1, max: maxDim })).chain(([n, m]) =>
    fc.record({
      shape: fc.constant([n, m] as [number, number]),
      blockSize: fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: m })),
    }),
  );

/** Dense values with a few special ones (0, negatives, NaN and infinities only when `special`). */
export function denseValues(n: number, m: number, special = false) {
  const value = special
    ? fc.oneof(
        { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        },
      )
    : fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });
  return fc.array(fc.array(value, { minLength: m, maxLength: m }), { minLength: n, maxLength: n });
}

/**
 * `a` with about a third of its entries (chosen by position and `seed`) set to zero: input for the sparse
 * runs of the property tests, so that implicit zeros are everywhere. -0 becomes 0: a sparse array does not
 * store zeros, so the sign of a zero is not kept (as in scipy).
 */
export function withZeros(a: Dense, seed: number): Dense {
  return denseMap(a, (v, i, j) => (((i * 31 + j * 17 + seed) >>> 0) % 3 === 0 || v === 0 ? 0 : v));
}

/** `x` as a sparse array when `sparse`, else as it is: the property tests run on both kinds. */
export function ofKind(x: DsArray, sparse: boolean): DsArray<Block> {
  return sparse ? x.toSparse() : x;
}
