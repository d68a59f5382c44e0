/**
 * Random elementwise programs and inputs for the VM tests: expression trees over every op, constants and
 * input values that include NaN, -0, +-Infinity and negatives, every input layout, and block shapes that hit
 * each tiling mode of the native VM (narrow rows packed into tiles, wide rows cut into tiles, rows longer
 * than one tile, and sizes that are no multiple of the 512-value tile).
 */
import fc from "fast-check";
import type {
  BinaryOp,
  ElementwiseExpr,
  ElementwiseProgram,
  InputLayout,
  UnaryOp,
} from "../../src/core/kernels/elementwise/program.ts";

export const exactUnary: UnaryOp[] = ["neg", "abs", "sqrt", "sign"];
export const exactBinary: BinaryOp[] = ["add", "sub", "mul", "div", "minimum", "maximum"];
export const comparisons: BinaryOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];
/** exp, log and pow come from libm natively and from V8 in JavaScript: equal only to the last place. */
export const libmUnary: UnaryOp[] = ["exp", "log"];

const specials = [Number.NaN, 0, -0, Infinity, -Infinity, 1, -1, 2, -2, 0.5, 3, -8, 1 / 3, 1e-300, 1e300];

export const constantArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...specials),
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.integer({ min: -4, max: 4 }),
);

export const layoutArb: fc.Arbitrary<InputLayout> = fc.constantFrom("full", "row", "col", "scalar");

/** Trees over `nInputs` inputs; `withLibm` adds exp, log and pow (not bit-exact, see libmUnary). */
export function exprArb(nInputs: number, maxDepth: number, withLibm = false): fc.Arbitrary<ElementwiseExpr> {
  const binaryOps = [...exactBinary, ...comparisons, ...(withLibm ? (["pow"] as BinaryOp[]) : [])];
  const unaryOps = [...exactUnary, ...(withLibm ? libmUnary : [])];
  const { node } = fc.letrec<{ node: ElementwiseExpr }>((tie) => ({
    node: fc.oneof(
      { maxDepth, depthSize: "small", withCrossShrink: true },
      fc.oneof(
        fc.nat(nInputs - 1).map((index): ElementwiseExpr => ({ kind: "input", index })),
        constantArb.map((value): ElementwiseExpr => ({ kind: "number", value })),
      ),
      fc
        .tuple(fc.constantFrom(...unaryOps), tie("node"))
        .map(([op, arg]): ElementwiseExpr => ({ kind: "unary", op, arg })),
      fc
        .tuple(fc.constantFrom(...binaryOps), tie("node"), tie("node"))
        .map(([op, left, right]): ElementwiseExpr => ({ kind: "binary", op, left, right })),
      fc
        .tuple(tie("node"), tie("node"), tie("node"))
        .map(([cond, then, otherwise]): ElementwiseExpr => ({ kind: "where", cond, then, otherwise })),
    ),
  }));
  return node;
}

/** [rows, cols]: narrow (packed tiles), wide (cut rows), and rows longer than a 512-value tile. */
export const shapeArb: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 12 })),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 100, max: 140 })),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 500, max: 1100 })),
  fc.tuple(fc.constantFrom(1, 2, 3, 600), fc.constantFrom(1, 127, 128, 129, 512, 513)),
);

/** One random program: inputs with random layouts, a tree over them. */
export function programArb(maxDepth = 5, withLibm = false): fc.Arbitrary<ElementwiseProgram> {
  return fc.array(layoutArb, { minLength: 1, maxLength: 4 }).chain((layouts) =>
    exprArb(layouts.length, maxDepth, withLibm).map((expr): ElementwiseProgram => ({
      expr,
      layouts,
      functions: [],
    })),
  );
}

/** Seeded values (mulberry32): about one in five special, the rest spread over signs and magnitudes. */
export function fillValues(out: Float64Array, seed: number): Float64Array {
  let st = seed >>> 0 || 1;
  const next = () => {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = Math.imul(st ^ (st >>> 15), st | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let k = 0; k < out.length; k++) {
    const u = next();
    if (u < 0.2) out[k] = specials[Math.floor(next() * specials.length)];
    else if (u < 0.3)
      out[k] = Math.round((next() - 0.5) * 8); // small integers: ties for eq, min, max
    else out[k] = (next() - 0.5) * 10 ** Math.floor(next() * 8 - 3);
  }
  return out;
}

/**
 * Input blocks for a program (each a subarray of a SharedArrayBuffer at a non-zero offset, poisoned with
 * NaN around it, so a kernel reading outside shows up).
 */
export function makeInputs(
  layouts: readonly InputLayout[],
  rows: number,
  cols: number,
  seed: number,
): Float64Array[] {
  return layouts.map((layout, k) => {
    const n = layout === "full" ? rows * cols : layout === "row" ? cols : layout === "col" ? rows : 1;
    return fillValues(sharedView(n, 3 + k), seed * 31 + k);
  });
}

/** n values at `offset` inside a NaN-filled SharedArrayBuffer with room on both sides. */
export function sharedView(n: number, offset: number): Float64Array {
  const all = new Float64Array(new SharedArrayBuffer((n + offset + 5) * 8)).fill(Number.NaN);
  return all.subarray(offset, offset + n);
}

/** First index where the arrays differ by Object.is (bit-level for everything but NaN payloads), or -1. */
export function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return a.length === b.length ? -1 : a.length;
}

/** Equal (zeros with their sign), or both finite and at most one unit in the last place apart. */
export function withinOneUlp(a: number, b: number): boolean {
  if (Object.is(a, b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b) || (a === 0 && b === 0)) return false;
  const diff = Math.abs(a - b);
  return diff <= Number.EPSILON * Math.max(Math.abs(a), Math.abs(b)) || diff <= Number.MIN_VALUE;
}

/** A number as text, with -0 written as such (template strings print it as 0). */
export function show(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}
