/**
 * Benchmark cases: what each one computes, on which sizes, and how many bytes it must move at least (its
 * memory-bandwidth floor). The same specs go to bench/peers.py, which runs the NumPy and dask.array versions.
 */
import type { BenchArray, BenchDs } from "./dsapi.ts";

export type CaseKind = "elementwise" | "sum" | "transpose" | "rechunk" | "matmul";

/** One case, serialisable to JSON for the Python side. */
export interface CaseSpec {
  readonly name: string;
  readonly kind: CaseKind;
  readonly description: string;
  /** Shape of the result's operands: [n, m] (for matmul: A is n x inner, B is inner x m). */
  readonly shape: [number, number];
  readonly block: [number, number];
  readonly seed: number;
  /** sum: 0, 1, or null for the whole array. */
  readonly axis?: 0 | 1 | null;
  /** rechunk: the new block size. */
  readonly rechunkTo?: [number, number];
  /** matmul: inner dimension. */
  readonly inner?: number;
  /** Bytes that must be read + written at least; null when the floor is compute (matmul). */
  readonly floorBytes: number | null;
  /** Floating-point operations (matmul only), for GFLOP/s. */
  readonly flops?: number;
}

export interface CaseOptions {
  /** Side of the square arrays of the streaming cases (default 8192). */
  readonly size: number;
  /** Side of the square matmul operands (default 4096). */
  readonly matmulSize: number;
  readonly block: [number, number];
  /** Block size the rechunk case converts to (default [block rows / 2, block cols * 2]). */
  readonly rechunkTo: [number, number];
}

export const CASE_NAMES = [
  "elementwise",
  "sum-axis0",
  "sum-axis1",
  "sum-all",
  "transpose",
  "rechunk",
  "matmul",
] as const;

const F64 = 8;

function fmtShape(s: readonly number[]): string {
  return s.join("x");
}

export function buildCases(o: CaseOptions): CaseSpec[] {
  const n = o.size;
  const elems = n * n;
  const shape: [number, number] = [n, n];
  const base = { shape, block: o.block, seed: 42 };
  const k = o.matmulSize;
  const sums = ([0, 1, null] as const).map((axis): CaseSpec => ({
    ...base,
    name: axis === null ? "sum-all" : `sum-axis${axis}`,
    kind: "sum",
    axis,
    description: `x.sum(${axis ?? ""}) on ${fmtShape(shape)}: reads x once`,
    floorBytes: F64 * elems,
  }));
  return [
    {
      ...base,
      name: "elementwise",
      kind: "elementwise",
      description: `sqrt((x + y) * 2) on ${fmtShape(shape)}: reads x and y, writes the result`,
      floorBytes: 3 * F64 * elems,
    },
    ...sums,
    {
      ...base,
      name: "transpose",
      kind: "transpose",
      description: `materialised x.T of ${fmtShape(shape)}: reads and writes every element`,
      floorBytes: 2 * F64 * elems,
    },
    {
      ...base,
      name: "rechunk",
      kind: "rechunk",
      rechunkTo: o.rechunkTo,
      description: `rechunk ${fmtShape(shape)} from ${fmtShape(o.block)} to ${fmtShape(o.rechunkTo)} blocks: reads and writes every element`,
      floorBytes: 2 * F64 * elems,
    },
    {
      ...base,
      name: "matmul",
      kind: "matmul",
      shape: [k, k],
      inner: k,
      description: `x.matmul(y), ${fmtShape([k, k])} by ${fmtShape([k, k])}: 2n^3 flops, floor is the BLAS peak`,
      floorBytes: null,
      flops: 2 * k * k * k,
    },
  ];
}

/** The inputs of one case, generated before the clock starts, and the timed operation on them. */
export interface DsfabricCase {
  readonly inputs: BenchArray[];
  /** Submits the operation. A number result (whole-array sum) has already been awaited. */
  run(): Promise<BenchArray | number>;
}

function need(x: BenchArray, methods: readonly string[]): void {
  const rec = x as unknown as Record<string, unknown>;
  const missing = methods.filter((m) => !(m in rec) || (m !== "T" && typeof rec[m] !== "function"));
  if (missing.length > 0) throw new Error(`DsArray lacks ${missing.map((m) => `.${m}`).join(", ")}`);
}

/** Builds the dsfabric side of a case; throws if the library lacks a method the case needs. */
export function dsfabricCase(ds: BenchDs, c: CaseSpec): DsfabricCase {
  const rand = (shape: [number, number], seed: number): BenchArray =>
    ds.random(shape, { blockSize: c.block, seed });
  const [n, m] = c.shape;
  switch (c.kind) {
    case "elementwise": {
      const x = rand([n, m], c.seed);
      const y = rand([n, m], c.seed + 1);
      need(x, ["add", "mul", "sqrt"]);
      return { inputs: [x, y], run: () => Promise.resolve(x.add(y).mul(2).sqrt()) };
    }
    case "sum": {
      const x = rand([n, m], c.seed);
      need(x, ["sum"]);
      const axis = c.axis ?? null;
      return { inputs: [x], run: () => (axis === null ? x.sum() : Promise.resolve(x.sum(axis))) };
    }
    case "transpose": {
      const x = rand([n, m], c.seed);
      need(x, ["T"]);
      return { inputs: [x], run: () => Promise.resolve(x.T) };
    }
    case "rechunk": {
      const x = rand([n, m], c.seed);
      need(x, ["rechunk"]);
      const to = c.rechunkTo ?? c.block;
      return { inputs: [x], run: () => Promise.resolve(x.rechunk(to)) };
    }
    case "matmul": {
      const inner = c.inner ?? n;
      const a = rand([n, inner], c.seed);
      const b = rand([inner, m], c.seed + 1);
      need(a, ["matmul"]);
      return { inputs: [a, b], run: () => Promise.resolve(a.matmul(b)) };
    }
  }
}
