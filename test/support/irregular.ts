/**
 * Arbitraries for blocked arrays on regular and irregular grids (arbitrary chunk lengths per axis, built
 * with rechunkTo), shared by the structure and linear-algebra tests.
 */
import fc from "fast-check";
import { ds, type DsArray } from "../../src/index.ts";
import { rechunkTo } from "../../src/array/rechunk.ts";
import { denseValues, type Dense } from "./dense.ts";

/** Positive chunk lengths that sum to `n` (n >= 1). */
export function chunksArb(n: number): fc.Arbitrary<number[]> {
  if (n <= 1) return fc.constant([n]);
  return fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), n];
    return points.slice(1).map((p, k) => p - points[k]);
  });
}

/** A blocking of an n x m array: a regular block size (1x1, not dividing, single block...) or arbitrary chunks. */
export type Blocking =
  | { kind: "regular"; blockSize: [number, number] }
  | { kind: "irregular"; rowChunks: number[]; colChunks: number[] };

export function blockingArb(n: number, m: number): fc.Arbitrary<Blocking> {
  return fc.oneof(
    fc.record({
      kind: fc.constant("regular" as const),
      blockSize: fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: m })),
    }),
    fc.record({ kind: fc.constant("irregular" as const), rowChunks: chunksArb(n), colChunks: chunksArb(m) }),
  );
}

/** Dense values of n x m with a random blocking. */
export function blockedArb(
  n: number,
  m: number,
  special = false,
): fc.Arbitrary<{ values: Dense; blocking: Blocking }> {
  return fc.record({ values: denseValues(n, m, special), blocking: blockingArb(n, m) });
}

/** The DsArray of `values` on `blocking` (irregular grids go through rechunkTo from one block). */
export function build(values: Dense, blocking: Blocking): DsArray {
  if (blocking.kind === "regular") return ds.array(values, { blockSize: blocking.blockSize });
  const whole = ds.array(values, { blockSize: [values.length, values[0].length] });
  return rechunkTo(whole, blocking.rowChunks, blocking.colChunks);
}

/** A random shape of 1..maxDim rows and columns (1xN and Nx1 included). */
export const dimsArb = (maxDim = 8) =>
  fc.tuple(fc.integer({ min: 1, max: maxDim }), fc.integer({ min: 1, max: maxDim }));
