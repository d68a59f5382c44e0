// The native elementwise VM against the JavaScript loop of compile.ts (the reference): bit for bit for every
// op except exp, log and pow, which come from libm natively and from V8 in JavaScript and may differ in the
// last place (checked to one ulp). The JavaScript half runs everywhere; the native half is skipped only when
// the addon is not built (the skip message says why).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileProgram } from "../../src/core/kernels/elementwise/compile.ts";
import { evaluateProgram } from "../../src/core/kernels/elementwise/evaluate.ts";
import type { StreamBackend } from "../../src/core/kernels/elementwise/evaluate.ts";
import type { ElementwiseExpr, ElementwiseProgram } from "../../src/core/kernels/elementwise/program.ts";
import { backends, nativeSkip as skip } from "../support/streamBackends.ts";
import {
  exprArb,
  firstDifference,
  libmUnary,
  makeInputs,
  programArb,
  shapeArb,
  sharedView,
  show,
  withinOneUlp,
} from "../support/elementwisePrograms.ts";

/** The reference: compile.ts's loop into a fresh array. */
function reference(program: ElementwiseProgram, inputs: Float64Array[], rows: number, cols: number) {
  const out = new Float64Array(rows * cols);
  compileProgram(program)(inputs, out, rows, cols);
  return out;
}

function evaluate(
  program: ElementwiseProgram,
  inputs: Float64Array[],
  rows: number,
  cols: number,
  backend: StreamBackend,
): Float64Array {
  const out = sharedView(rows * cols, 2);
  const all = new Float64Array(out.buffer);
  evaluateProgram(program, inputs, out, rows, cols, backend);
  assert.ok(Number.isNaN(all[1]) && Number.isNaN(all[rows * cols + 2]), "nothing written outside out");
  return out;
}

const runs = { numRuns: 300, seed: Number(process.env.DSF_SEED ?? 20240611) };

for (const backend of backends) {
  test(`${backend}: random programs over every layout equal the JavaScript loop bit for bit`, () => {
    fc.assert(
      fc.property(programArb(), shapeArb, fc.nat(), (program, [rows, cols], seed) => {
        const inputs = makeInputs(program.layouts, rows, cols, seed);
        const want = reference(program, inputs, rows, cols);
        const got = evaluate(program, inputs, rows, cols, backend);
        const k = firstDifference(got, want);
        assert.equal(k, -1, `element ${k}: got ${show(got[k])}, JS gives ${show(want[k])}`);
      }),
      runs,
    );
  });
}

test("native: exp, log and pow at the root are within one ulp of V8's", { skip }, () => {
  const exact = (n: number) => exprArb(n, 3);
  const rootArb = fc
    .array(fc.constantFrom("full", "row", "col", "scalar" as const), { minLength: 1, maxLength: 3 })
    .chain((layouts) =>
      fc
        .oneof(
          fc
            .tuple(fc.constantFrom(...libmUnary), exact(layouts.length))
            .map(([op, arg]): ElementwiseExpr => ({ kind: "unary", op, arg })),
          fc
            .tuple(exact(layouts.length), exact(layouts.length))
            .map(([left, right]): ElementwiseExpr => ({ kind: "binary", op: "pow", left, right })),
        )
        .map((expr): ElementwiseProgram => ({ expr, layouts, functions: [] })),
    );
  fc.assert(
    fc.property(rootArb, shapeArb, fc.nat(), (program, [rows, cols], seed) => {
      const inputs = makeInputs(program.layouts, rows, cols, seed);
      const want = reference(program, inputs, rows, cols);
      const got = evaluate(program, inputs, rows, cols, "native");
      for (let k = 0; k < want.length; k++) {
        assert.ok(
          withinOneUlp(got[k], want[k]),
          `element ${k}: got ${show(got[k])}, JS gives ${show(want[k])}`,
        );
      }
    }),
    runs,
  );
});

test(
  "native: min, max, sign, where and comparisons on special values match Math; pow to one ulp",
  { skip },
  () => {
    const values = [
      Number.NaN,
      0,
      -0,
      Infinity,
      -Infinity,
      1,
      -1,
      2,
      -2,
      0.5,
      -0.5,
      3,
      -8,
      1 / 3,
      -1 / 3,
      1e-310,
    ];
    const n = values.length;
    const a = new Float64Array(n * n);
    const b = new Float64Array(n * n);
    values.forEach((x, i) => values.forEach((y, j) => ((a[i * n + j] = x), (b[i * n + j] = y))));
    const x: ElementwiseExpr = { kind: "input", index: 0 };
    const y: ElementwiseExpr = { kind: "input", index: 1 };
    const ops = ["pow", "minimum", "maximum", "eq", "ne", "lt", "le", "gt", "ge", "div", "sub"] as const;
    const exprs: ElementwiseExpr[] = [
      ...ops.map((op): ElementwiseExpr => ({ kind: "binary", op, left: x, right: y })),
      { kind: "unary", op: "sign", arg: x },
      { kind: "unary", op: "neg", arg: x },
      { kind: "where", cond: x, then: y, otherwise: { kind: "number", value: -0 } },
    ];
    for (const expr of exprs) {
      const program: ElementwiseProgram = { expr, layouts: ["full", "full"], functions: [] };
      const want = reference(program, [a, b], n, n);
      const got = evaluate(program, [a, b], n, n, "native");
      // pow's special cases (NaN, +-0, +-Infinity, 1, the JS-only NaNs of 1 ** NaN and (-1) ** Infinity) must
      // match exactly, which withinOneUlp demands of non-finite values and zeros; V8's pow is not correctly
      // rounded elsewhere (2 ** -0.5 is 0.7071067811865475 in V8, 0.7071067811865476 in glibc).
      const same = expr.kind === "binary" && expr.op === "pow" ? withinOneUlp : Object.is;
      for (let k = 0; k < want.length; k++) {
        const where = `${JSON.stringify(expr)} at (${show(a[k])}, ${show(b[k])})`;
        assert.ok(same(got[k], want[k]), `${where}: got ${show(got[k])}, JS gives ${show(want[k])}`);
      }
    }
    // The cases where C's pow gives 1 but Math.pow gives NaN, and the usual negative-base NaN.
    const pow = (p: number, q: number) => {
      const program: ElementwiseProgram = {
        expr: { kind: "binary", op: "pow", left: x, right: y },
        layouts: ["scalar", "full"],
        functions: [],
      };
      return evaluate(program, [Float64Array.of(p), Float64Array.of(q)], 1, 1, "native")[0];
    };
    for (const [p, q] of [
      [1, Number.NaN],
      [1, Infinity],
      [-1, -Infinity],
      [-8, 1 / 3],
    ]) {
      assert.ok(Number.isNaN(pow(p, q)) && Number.isNaN(Math.pow(p, q)), `pow(${p}, ${q})`);
    }
    assert.equal(pow(Number.NaN, 0), 1);
  },
);

test("a program with a user function runs the JavaScript loop on every backend", () => {
  const program: ElementwiseProgram = {
    expr: { kind: "call", fn: 0, arg: { kind: "input", index: 0 } },
    layouts: ["full"],
    functions: ["(v) => v * 10 + 1"],
  };
  for (const backend of backends) {
    assert.deepEqual(Array.from(evaluate(program, [Float64Array.from([1, 2])], 1, 2, backend)), [11, 21]);
  }
});

test("out may be the program's full input (in place); a partial overlap gives the sequential result", () => {
  const x: ElementwiseExpr = { kind: "input", index: 0 };
  const double: ElementwiseProgram = {
    expr: { kind: "binary", op: "mul", left: x, right: { kind: "number", value: 2 } },
    layouts: ["full"],
    functions: [],
  };
  for (const backend of backends) {
    const data = Float64Array.from({ length: 1500 }, (_, k) => k);
    evaluateProgram(double, [data], data, 30, 50, backend);
    assert.equal(
      firstDifference(
        data,
        Float64Array.from({ length: 1500 }, (_, k) => 2 * k),
      ),
      -1,
    );
    // A row input that is also the first row of out: row 1 must read the doubled row 0, as the JS loop does.
    const rowProgram: ElementwiseProgram = { ...double, layouts: ["row"] };
    const block = Float64Array.from({ length: 6 }, (_, k) => k + 1);
    const expected = block.slice();
    compileProgram(rowProgram)([expected.subarray(0, 3)], expected, 2, 3);
    evaluateProgram(rowProgram, [block.subarray(0, 3)], block, 2, 3, backend);
    assert.deepEqual(Array.from(block), Array.from(expected));
  }
});

test("empty blocks write nothing; bad arguments throw errors that name the function and the values", () => {
  const x: ElementwiseProgram = { expr: { kind: "input", index: 0 }, layouts: ["row"], functions: [] };
  for (const backend of backends) {
    evaluateProgram(x, [new Float64Array(0)], new Float64Array(0), 3, 0, backend);
    assert.throws(
      () => evaluateProgram(x, [new Float64Array(3)], new Float64Array(8), 2, 4, backend),
      /evaluateProgram: inputs\[0\] has 3 values but layout "row" needs cols = 4 \(rows=2, cols=4\)/,
    );
    assert.throws(
      () => evaluateProgram(x, [new Float64Array(4)], new Float64Array(7), 2, 4, backend),
      /evaluateProgram: out has 7 values but a 2x4 block needs 8/,
    );
    assert.throws(
      () => evaluateProgram(x, [], new Float64Array(8), 2, 4, backend),
      /has 1 inputs .* 0 were given/,
    );
    assert.throws(
      () => evaluateProgram(x, [new Float64Array(4)], new Float64Array(8), 2.5, 4, backend),
      /evaluateProgram: rows must be a non-negative integer, got 2.5/,
    );
  }
});
