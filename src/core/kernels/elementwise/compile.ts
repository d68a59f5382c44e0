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

function leafCode(index: number, layout: InputLayout): string {
  switch (layout) {
    case "full":
      return `in${index}[base + j]`;
    case "row":
      return `in${index}[j]`;
    case "col":
      return `c${index}`;
    case "scalar":
      return `s${index}`;
  }
}

function exprCode(expr: ElementwiseExpr, layouts: readonly InputLayout[]): string {
  switch (expr.kind) {
    case "input":
      return leafCode(expr.index, layouts[expr.index]);
    case "number":
      return numberLiteral(expr.value);
    case "unary": {
      const emit = unaryCode[expr.op];
      if (emit === undefined) throw new Error(`unknown unary elementwise op "${expr.op}"`);
      return emit(exprCode(expr.arg, layouts));
    }
    case "binary": {
      const emit = binaryCode[expr.op];
      if (emit === undefined) throw new Error(`unknown binary elementwise op "${expr.op}"`);
      return emit(exprCode(expr.left, layouts), exprCode(expr.right, layouts));
    }
    case "where":
      return `(${exprCode(expr.cond, layouts)} !== 0 ? ${exprCode(expr.then, layouts)} : ${exprCode(expr.otherwise, layouts)})`;
    case "call":
      return `fn${expr.fn}(${exprCode(expr.arg, layouts)})`;
  }
}

/** The JavaScript source of a program's loop; exported so that tests can read what one pass does. */
export function programSource(program: ElementwiseProgram): string {
  const { layouts, functions } = program;
  const lines: string[] = [];
  functions.forEach((src, k) => lines.push(`const fn${k} = (${src});`));
  layouts.forEach((layout, k) => {
    lines.push(`const in${k} = inputs[${k}];`);
    if (layout === "scalar") lines.push(`const s${k} = in${k}[0];`);
  });
  const cols = layouts.map((layout, k) => (layout === "col" ? `const c${k} = in${k}[i]; ` : "")).join("");
  lines.push(
    "for (let i = 0; i < rows; i++) {",
    `  ${cols}const base = i * cols;`,
    `  for (let j = 0; j < cols; j++) out[base + j] = ${exprCode(program.expr, layouts)};`,
    "}",
  );
  return lines.join("\n");
}

const cache = new Map<string, CompiledProgram>();

/**
 * Compiles a program to one specialised loop (cached by its source), so that a chain such as
 * `sqrt((x + y) * 2)` reads each input once and writes once, at JIT-compiled speed.
 */
export function compileProgram(program: ElementwiseProgram): CompiledProgram {
  const source = programSource(program);
  let compiled = cache.get(source);
  if (compiled === undefined) {
    // The only text not generated here is user functions, which the user asked us to run.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated loop, see above
    compiled = new Function("inputs", "out", "rows", "cols", source) as CompiledProgram;
    cache.set(source, compiled);
  }
  return compiled;
}
