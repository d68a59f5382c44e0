// evaluateProgramSum on both backends against a dense reference: the program's values written out by
// evaluateProgram (same backend), then summed plainly per lane. The summation orders differ (the native VM
// uses 32 lanes per tile and compensated tile totals, JavaScript four accumulators), so lanes are compared
// within 1e-12 of the sum of |terms|, not bit for bit; NaN and infinite lanes must match exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { evaluateProgram, evaluateProgramSum } from "../../src/core/kernels/elementwise/evaluate.ts";
import type { StreamBackend } from "../../src/core/kernels/elementwise/evaluate.ts";
import type { ElementwiseProgram } from "../../src/core/kernels/elementwise/program.ts";
import type { ReduceAxis, SumMap } from "../../src/core/kernels/reduce/attrs.ts";
import { backends } from "../support/streamBackends.ts";
import { fillValues, makeInputs, programArb, shapeArb, sharedView } from "../support/elementwisePrograms.ts";

const axes: ReduceAxis[] = [0, 1, "all"];
const maps: SumMap[] = ["value", "square", "nonzero"];

const mapOf: Record<SumMap, (v: number) => number> = {
  value: (v) => v,
  square: (v) => v * v,
  nonzero: (v) => (v !== 0 ? 1 : 0),
};

/** The terms of each lane of a rows x cols block of values. */
function lanes(values: Float64Array, rows: number, cols: number, axis: ReduceAxis, map: SumMap): number[][] {
  const f = mapOf[map];
  if (axis === "all") return [Array.from(values, f)];
  if (axis === 1)
    return Array.from({ length: rows }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols), f));
  return Array.from({ length: cols }, (_, j) =>
    Array.from({ length: rows }, (_, i) => f(values[i * cols + j])),
  );
}

/** Asserts that `got` is the sum of `terms` up to rounding (see the file comment). */
function assertLaneSum(got: number, terms: number[], where: string): void {
  let sum = 0;
  let abs = 0;
  let nan = false;
  let plusInf = false;
  let minusInf = false;
  for (const t of terms) {
    if (Number.isNaN(t)) nan = true;
    else if (t === Infinity) plusInf = true;
    else if (t === -Infinity) minusInf = true;
    else {
      sum += t;
      abs += Math.abs(t);
    }
  }
  if (nan || (plusInf && minusInf)) assert.ok(Number.isNaN(got), `${where}: got ${got}, expected NaN`);
  else if (plusInf || minusInf) assert.equal(got, plusInf ? Infinity : -Infinity, where);
  // Finite terms whose magnitudes overflow: whether a partial sum overflows depends on the order.
  else if (Number.isFinite(abs)) {
    assert.ok(
      Math.abs(got - sum) <= 1e-12 * abs,
      `${where}: got ${got}, dense sum ${sum} (sum of |terms| ${abs})`,
    );
  }
}

function checkSums(
  program: ElementwiseProgram,
  inputs: Float64Array[],
  rows: number,
  cols: number,
  backend: StreamBackend,
  axis: ReduceAxis,
  map: SumMap,
): void {
  const values = new Float64Array(rows * cols);
  evaluateProgram(program, inputs, values, rows, cols, backend);
  const want = lanes(values, rows, cols, axis, map);
  const totals = sharedView(want.length, 1);
  evaluateProgramSum(program, inputs, rows, cols, axis, map, totals, backend);
  const all = new Float64Array(totals.buffer);
  assert.ok(Number.isNaN(all[0]) && Number.isNaN(all[want.length + 1]), "nothing written outside totals");
  want.forEach((terms, l) => assertLaneSum(totals[l], terms, `axis ${String(axis)} ${map} lane ${l}`));
}

const runs = { numRuns: 300, seed: Number(process.env.DSF_SEED ?? 20240612) };

for (const backend of backends) {
  test(`${backend}: sums of random programs (every op, every layout) match the dense values' sums`, () => {
    fc.assert(
      fc.property(
        programArb(4, true),
        shapeArb,
        fc.nat(),
        fc.constantFrom(...axes),
        fc.constantFrom(...maps),
        (program, [rows, cols], seed, axis, map) => {
          checkSums(program, makeInputs(program.layouts, rows, cols, seed), rows, cols, backend, axis, map);
        },
      ),
      runs,
    );
  });

  test(`${backend}: x.sum() (the bare input program) along every axis, with NaN and Infinity`, () => {
    const x: ElementwiseProgram = { expr: { kind: "input", index: 0 }, layouts: ["full"], functions: [] };
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [700, 3],
      [5, 1000],
      [33, 129],
      [2, 4096],
    ]) {
      const finite = Float64Array.from({ length: rows * cols }, (_, k) => Math.sin(k) * 10 ** (k % 7));
      const special = fillValues(new Float64Array(rows * cols), rows * 7 + cols);
      for (const data of [finite, special])
        for (const axis of axes) for (const map of maps) checkSums(x, [data], rows, cols, backend, axis, map);
    }
  });

  test(`${backend}: empty blocks sum to zero; bad sum arguments throw`, () => {
    const x: ElementwiseProgram = { expr: { kind: "input", index: 0 }, layouts: ["full"], functions: [] };
    const totals = Float64Array.of(7, 7, 7);
    evaluateProgramSum(x, [new Float64Array(0)], 0, 3, 0, "value", totals, backend);
    assert.deepEqual(Array.from(totals), [0, 0, 0]);
    const data = new Float64Array(6);
    assert.throws(
      () => evaluateProgramSum(x, [data], 2, 3, 1, "value", new Float64Array(3), backend),
      /evaluateProgramSum: totals has 3 values but axis 1 of a 2x3 block has 2 lanes/,
    );
    const badAxis = 2 as unknown as ReduceAxis;
    assert.throws(
      () => evaluateProgramSum(x, [data], 2, 3, badAxis, "value", new Float64Array(1), backend),
      /evaluateProgramSum: axis must be 0, 1 or "all", got 2/,
    );
    const badMap = "cube" as unknown as SumMap;
    assert.throws(
      () => evaluateProgramSum(x, [data], 2, 3, "all", badMap, new Float64Array(1), backend),
      /map must be "value", "square" or "nonzero", got "cube"/,
    );
    assert.throws(
      () => evaluateProgramSum(x, [data], 2, 3, "all", "value", data.subarray(5), backend),
      /totals shares memory with an input/,
    );
  });
}
