/**
 * Argument checks of `evaluateProgram` and `evaluateProgramSum`, run whichever backend evaluates. Lengths
 * must be exact: a block of the wrong size is a bug upstream that a lenient check would hide.
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { checkCount } from "../argChecks.ts";
import type { ReduceAxis, SumMap } from "../reduce/attrs.ts";
import type { ElementwiseProgram, InputLayout } from "./program.ts";

function layoutLength(layout: InputLayout, rows: number, cols: number): [number, string] {
  switch (layout) {
    case "full":
      return [rows * cols, "rows * cols"];
    case "row":
      return [cols, "cols"];
    case "col":
      return [rows, "rows"];
    case "scalar":
      return [1, "1"];
  }
}

/**
 * Checks rows, cols and every input's length against its layout.
 *
 * @example
 * ```ts
 * checkProgramInputs("evaluateProgram", { expr: { kind: "input", index: 0 }, layouts: ["row"], functions: [] },
 *   [new Float64Array(3)], 2, 4);
 * // throws ShapeError: evaluateProgram: inputs[0] has 3 values but layout "row" needs cols = 4 (rows=2, cols=4)
 * ```
 */
export function checkProgramInputs(
  fn: string,
  program: ElementwiseProgram,
  inputs: readonly Float64Array[],
  rows: number,
  cols: number,
): void {
  checkCount(fn, "rows", rows);
  checkCount(fn, "cols", cols);
  const { layouts } = program;
  if (inputs.length !== layouts.length) {
    throw new ShapeError(
      `${fn}: the program has ${layouts.length} inputs (layouts [${layouts.join(", ")}]) but ${inputs.length} were given`,
    );
  }
  layouts.forEach((layout, k) => {
    const input = inputs[k];
    if (!(input instanceof Float64Array))
      throw new ArgumentError(`${fn}: inputs[${k}] must be a Float64Array`);
    const [want, what] = layoutLength(layout, rows, cols);
    if (input.length !== want) {
      throw new ShapeError(
        `${fn}: inputs[${k}] has ${input.length} values but layout "${layout}" needs ${what} = ${want} (rows=${rows}, cols=${cols})`,
      );
    }
  });
}

/**
 * Checks an output block of rows x cols values.
 *
 * @example
 * ```ts
 * checkOutput("evaluateProgram", new Float64Array(5), 2, 3); // throws ShapeError (5 values, needs 6)
 * ```
 */
export function checkOutput(fn: string, out: Float64Array, rows: number, cols: number): void {
  if (!(out instanceof Float64Array)) throw new ArgumentError(`${fn}: out must be a Float64Array`);
  if (out.length !== rows * cols) {
    throw new ShapeError(
      `${fn}: out has ${out.length} values but a ${rows}x${cols} block needs ${rows * cols}`,
    );
  }
}

/**
 * Checks a sum's axis and map, and that totals has one value per lane (cols, rows or 1).
 *
 * @example
 * ```ts
 * checkSumArgs("evaluateProgramSum", 1, "value", new Float64Array(3), 2, 3);
 * // throws ShapeError: evaluateProgramSum: totals has 3 values but axis 1 of a 2x3 block has 2 lanes
 * ```
 */
export function checkSumArgs(
  fn: string,
  axis: ReduceAxis,
  map: SumMap,
  totals: Float64Array,
  rows: number,
  cols: number,
): void {
  if (axis !== 0 && axis !== 1 && axis !== "all") {
    throw new ArgumentError(`${fn}: axis must be 0, 1 or "all", got ${JSON.stringify(axis)}`);
  }
  if (map !== "value" && map !== "square" && map !== "nonzero") {
    throw new ArgumentError(`${fn}: map must be "value", "square" or "nonzero", got ${JSON.stringify(map)}`);
  }
  if (!(totals instanceof Float64Array)) throw new ArgumentError(`${fn}: totals must be a Float64Array`);
  const lanes = axis === 0 ? cols : axis === 1 ? rows : 1;
  if (totals.length !== lanes) {
    throw new ShapeError(
      `${fn}: totals has ${totals.length} values but axis ${String(axis)} of a ${rows}x${cols} block has ${lanes} lanes`,
    );
  }
}
