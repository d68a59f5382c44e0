/**
 * The JavaScript path of fused elementwise programs: a program becomes the source of one specialised loop
 * (`new Function`), either writing every value (`compileProgram`) or summing them per lane without storing
 * them (`compileProgramSum`). Both share the expression code below, so the two cannot disagree on an op.
 */
import type { ReduceAxis, SumMap } from "../reduce/attrs.ts";
import type { ElementwiseExpr, ElementwiseProgram, InputLayout } from "./program.ts";

/** A compiled program: reads the input blocks' data and writes every element of `out` once. */
export type CompiledProgram = (
  inputs: readonly Float64Array[],
  out: Float64Array,
  rows: number,
  cols: number,
) => void;

const unaryCode: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  abs: (a) => `Math.abs(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  // NumPy's sign(-0.0) is 0.0; Math.sign keeps -0 which compares equal, and NaN stays NaN.
  sign: (a) => `Math.sign(${a})`,
};

const binaryCode: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  // Math.min/max propagate NaN like NumPy's minimum/maximum.
  minimum: (a, b) => `Math.min(${a}, ${b})`,
  maximum: (a, b) => `Math.max(${a}, ${b})`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
};

function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (Object.is(value, -0)) return "(-0)";
  return `(${String(value)})`;
}

/** The value of input `index` at column `j` (an expression) of the current row. */
function leafCode(index: number, layout: InputLayout, j: string): string {
  switch (layout) {
    case "full":
      return `in${index}[base + ${j}]`;
    case "row":
      return `in${index}[${j}]`;
    case "col":
      return `c${index}`;
    case "scalar":
      return `s${index}`;
  }
}

function exprCode(expr: ElementwiseExpr, layouts: readonly InputLayout[], j: string): string {
  const sub = (e: ElementwiseExpr) => exprCode(e, layouts, j);
  switch (expr.kind) {
    case "input":
      return leafCode(expr.index, layouts[expr.index], j);
    case "number":
      return numberLiteral(expr.value);
    case "unary": {
      const emit = unaryCode[expr.op];
      if (emit === undefined) throw new Error(`unknown unary elementwise op "${expr.op}"`);
      return emit(sub(expr.arg));
    }
    case "binary": {
      const emit = binaryCode[expr.op];
      if (emit === undefined) throw new Error(`unknown binary elementwise op "${expr.op}"`);
      return emit(sub(expr.left), sub(expr.right));
    }
    case "where":
      return `(${sub(expr.cond)} !== 0 ? ${sub(expr.then)} : ${sub(expr.otherwise)})`;
    case "call":
      return `fn${expr.fn}(${sub(expr.arg)})`;
  }
}

/** Declarations before the loop: user functions, inputs by name, scalars read once. */
function preludeLines(program: ElementwiseProgram): string[] {
  const lines: string[] = [];
  program.functions.forEach((src, k) => lines.push(`const fn${k} = (${src});`));
  program.layouts.forEach((layout, k) => {
    lines.push(`const in${k} = inputs[${k}];`);
    if (layout === "scalar") lines.push(`const s${k} = in${k}[0];`);
  });
  return lines;
}

/** Per-row declarations at the top of the row loop: col inputs' value for row i, and the row's base. */
function rowHead(layouts: readonly InputLayout[]): string {
  const cols = layouts.map((layout, k) => (layout === "col" ? `const c${k} = in${k}[i]; ` : "")).join("");
  return `${cols}const base = i * cols;`;
}

/** The JavaScript source of a program's loop; exported so that tests can read what one pass does. */
export function programSource(program: ElementwiseProgram): string {
  return [
    ...preludeLines(program),
    "for (let i = 0; i < rows; i++) {",
    `  ${rowHead(program.layouts)}`,
    `  for (let j = 0; j < cols; j++) out[base + j] = ${exprCode(program.expr, program.layouts, "j")};`,
    "}",
  ].join("\n");
}

/** A compiled sum: writes the sum of map(value) per lane into totals (cols, rows or 1 values). */
export type CompiledProgramSum = (
  inputs: readonly Float64Array[],
  rows: number,
  cols: number,
  totals: Float64Array,
) => void;

const mapCode: Record<SumMap, (v: string) => string> = {
  value: (v) => v,
  square: (v) => `${v} * ${v}`,
  nonzero: (v) => `(${v} !== 0 ? 1 : 0)`,
};

/**
 * Source of the loop that sums map(value) along a row with four accumulators acc0..acc3 (four independent add
 * chains run about twice as fast as one, and each adds a quarter of the terms). Named acc*, since s* are
 * the scalar inputs.
 */
function rowSumLines(program: ElementwiseProgram, map: SumMap): string[] {
  const at = (j: string) => exprCode(program.expr, program.layouts, j);
  const add = (k: number, j: string) => `const v${k} = ${at(j)}; acc${k} += ${mapCode[map](`v${k}`)};`;
  return [
    "  let j = 0;",
    "  for (; j + 3 < cols; j += 4) {",
    ...[0, 1, 2, 3].map((k) => `    ${add(k, k === 0 ? "j" : `(j + ${k})`)}`),
    "  }",
    `  for (; j < cols; j++) { ${add(0, "j")} }`,
  ];
}

/** The JavaScript source of a program's sum (one pass, the values are never stored). */
export function programSumSource(program: ElementwiseProgram, axis: ReduceAxis, map: SumMap): string {
  const head = ["for (let i = 0; i < rows; i++) {", `  ${rowHead(program.layouts)}`];
  const lines = preludeLines(program);
  if (axis === 0) {
    const v = exprCode(program.expr, program.layouts, "j");
    lines.push(
      "for (let j = 0; j < cols; j++) totals[j] = 0;",
      ...head,
      `  for (let j = 0; j < cols; j++) { const v = ${v}; totals[j] += ${mapCode[map]("v")}; }`,
      "}",
    );
    return lines.join("\n");
  }
  // Accumulators live for one row, then the row's sum is added to the total: V8 keeps such short-lived
  // accumulators in registers, while accumulators live across the row loop ran 4x slower (measured).
  lines.push(...(axis === "all" ? ["let total = 0;"] : []), ...head);
  lines.push("  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;", ...rowSumLines(program, map));
  lines.push(
    axis === 1 ? "  totals[i] = acc0 + acc1 + (acc2 + acc3);" : "  total += acc0 + acc1 + (acc2 + acc3);",
  );
  lines.push("}", ...(axis === "all" ? ["totals[0] = total;"] : []));
  return lines.join("\n");
}

const cache = new Map<string, CompiledProgram>();
const sumCache = new Map<string, CompiledProgramSum>();
// Per program object as well, so that the blocks of one operation (which share their program) skip
// rebuilding the source text: 2-3 us a call. Programs are values: never mutated once built.
const byProgram = new WeakMap<ElementwiseProgram, CompiledProgram>();
const sumsByProgram = new WeakMap<ElementwiseProgram, Map<string, CompiledProgramSum>>();

/**
 * Compiles a program to one specialised loop (cached by its source), so that a chain such as
 * `sqrt((x + y) * 2)` reads each input once and writes once, at JIT-compiled speed.
 *
 * @example
 * ```ts
 * const run = compileProgram({ expr: { kind: "unary", op: "sqrt", arg: { kind: "input", index: 0 } },
 *   layouts: ["full"], functions: [] });
 * const out = new Float64Array(2);
 * run([new Float64Array([4, 9])], out, 1, 2); // out = [2, 3]
 * ```
 */
export function compileProgram(program: ElementwiseProgram): CompiledProgram {
  const known = byProgram.get(program);
  if (known !== undefined) return known;
  const source = programSource(program);
  let compiled = cache.get(source);
  if (compiled === undefined) {
    // The only text not generated here is user functions, which the user asked us to run.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated loop, see above
    compiled = new Function("inputs", "out", "rows", "cols", source) as CompiledProgram;
    cache.set(source, compiled);
  }
  byProgram.set(program, compiled);
  return compiled;
}

/**
 * Compiles the sum of a program's values along `axis` (cached by its source): one pass over the inputs that
 * never stores the values, as `compileProgram` would have written them.
 *
 * @example
 * ```ts
 * const sum = compileProgramSum({ expr: { kind: "input", index: 0 }, layouts: ["full"], functions: [] }, 0, "value");
 * const totals = new Float64Array(2);
 * sum([new Float64Array([1, 2, 3, 4])], 2, 2, totals); // totals = [4, 6]
 * ```
 */
export function compileProgramSum(
  program: ElementwiseProgram,
  axis: ReduceAxis,
  map: SumMap,
): CompiledProgramSum {
  let forProgram = sumsByProgram.get(program);
  if (forProgram === undefined) {
    forProgram = new Map();
    sumsByProgram.set(program, forProgram);
  }
  const key = `${String(axis)} ${map}`;
  const known = forProgram.get(key);
  if (known !== undefined) return known;
  const source = programSumSource(program, axis, map);
  let compiled = sumCache.get(source);
  if (compiled === undefined) {
    // As in compileProgram: generated here except for user functions.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated loop, see above
    compiled = new Function("inputs", "rows", "cols", "totals", source) as CompiledProgramSum;
    sumCache.set(source, compiled);
  }
  forProgram.set(key, compiled);
  return compiled;
}
