/**
 * Entry points of fused elementwise programs: evaluate a program over a block, or sum its values per lane
 * without storing them. The native VM (native/src/dsfabric_vm.c: SIMD loops over L1 tiles) runs when the
 * addon has it and `DSFABRIC_BACKEND` is not `js`; otherwise, and for programs that call user functions,
 * the JavaScript loops of compile.ts run. Both give the same values bit for bit, except exp, log and pow,
 * which come from the C library natively and from V8 in JavaScript (they may differ in the last place).
 */
import { ArgumentError } from "../../errors.ts";
import { sharesMemory } from "../argChecks.ts";
import { pickStreamKernels } from "../streamBackend.ts";
import type { StreamBackend } from "../streamBackend.ts";
import type { ReduceAxis, SumMap } from "../reduce/attrs.ts";
import { programBytecode } from "./bytecode.ts";
import { compileProgram, compileProgramSum } from "./compile.ts";
import { checkOutput, checkProgramInputs, checkSumArgs } from "./evaluateChecks.ts";
import type { ElementwiseProgram } from "./program.ts";

export type { StreamBackend } from "../streamBackend.ts";

const mapIndex = { value: 0, square: 1, nonzero: 2 } as const;

/**
 * Writes every element of `out` (rows x cols, row-major) with the program's value. Inputs follow
 * `program.layouts`: "full" rows*cols values, "row" cols, "col" rows, "scalar" 1. `out` may be one of the
 * "full" inputs (in place); any other overlap of `out` with an input runs the sequential JavaScript loop.
 * NaN propagates as in JavaScript (`Math.min(NaN, 1)` is NaN); an empty block writes nothing. `backend`
 * forces one implementation (tests and benchmarks); `"native"` throws when the addon lacks the VM.
 *
 * @example
 * ```ts
 * const x = { kind: "input", index: 0 } as const;
 * const y = { kind: "input", index: 1 } as const;
 * const sum = { kind: "binary", op: "add", left: x, right: y } as const;
 * const program: ElementwiseProgram = { expr: { kind: "unary", op: "sqrt", arg: sum }, layouts: ["full", "row"], functions: [] };
 * const out = new Float64Array(4);
 * evaluateProgram(program, [new Float64Array([1, 2, 3, 4]), new Float64Array([3, 7])], out, 2, 2);
 * // out = [2, 3, 2.449489742783178, 3.3166247903554]
 * ```
 * @see native/src/dsfabric_vm.c, ./compile.ts
 */
export function evaluateProgram(
  program: ElementwiseProgram,
  inputs: readonly Float64Array[],
  out: Float64Array,
  rows: number,
  cols: number,
  backend: StreamBackend = "auto",
): void {
  const fn = "evaluateProgram";
  checkProgramInputs(fn, program, inputs, rows, cols);
  checkOutput(fn, out, rows, cols);
  const native = pickStreamKernels(fn, backend);
  const bytecode = native === undefined ? undefined : programBytecode(program);
  if (native !== undefined && bytecode !== undefined && !overlapsPartly(program, inputs, out)) {
    native.evalProgram(bytecode.code, bytecode.consts, inputs, rows, cols, out);
  } else {
    compileProgram(program)(inputs, out, rows, cols);
  }
}

/** An overlap the tile-by-tile VM would not reproduce: anything but out being exactly a "full" input. */
function overlapsPartly(
  program: ElementwiseProgram,
  inputs: readonly Float64Array[],
  out: Float64Array,
): boolean {
  return inputs.some(
    (input, k) =>
      sharesMemory(input, out) && !(program.layouts[k] === "full" && input.byteOffset === out.byteOffset),
  );
}

/**
 * Sums map(v) of the program's values v without storing them: `axis` 0 gives totals[j] for each column j
 * (cols values), 1 gives totals[i] for each row (rows values), "all" gives totals[0]. `map` is "value" (v),
 * "square" (v * v) or "nonzero" (1 when v !== 0, NaN included). Empty lanes sum to 0; a NaN value makes its
 * lane NaN. The native VM sums each 512-value tile in 32 accumulators and adds the tile sums with Neumaier's
 * compensation (axis 0 adds four rows at a time into the totals, in pairs); JavaScript uses 4 accumulators
 * per row. The orders differ, so the backends agree to rounding, not bit for bit. `backend` is as for
 * `evaluateProgram`.
 *
 * @example
 * ```ts
 * const x: ElementwiseProgram = { expr: { kind: "input", index: 0 }, layouts: ["full"], functions: [] };
 * const totals = new Float64Array(1);
 * evaluateProgramSum(x, [new Float64Array([1, 2, 3, 4])], 2, 2, "all", "square", totals); // totals = [30]
 * ```
 * @see native/src/dsfabric_vm_sum.c, ./compile.ts
 */
export function evaluateProgramSum(
  program: ElementwiseProgram,
  inputs: readonly Float64Array[],
  rows: number,
  cols: number,
  axis: ReduceAxis,
  map: SumMap,
  totals: Float64Array,
  backend: StreamBackend = "auto",
): void {
  const fn = "evaluateProgramSum";
  checkProgramInputs(fn, program, inputs, rows, cols);
  checkSumArgs(fn, axis, map, totals, rows, cols);
  if (inputs.some((input) => sharesMemory(input, totals))) {
    throw new ArgumentError(`${fn}: totals shares memory with an input; pass a separate array`);
  }
  const native = pickStreamKernels(fn, backend);
  const bytecode = native === undefined ? undefined : programBytecode(program);
  if (native !== undefined && bytecode !== undefined) {
    const nativeAxis = axis === "all" ? 2 : axis;
    native.evalProgramSum(
      bytecode.code,
      bytecode.consts,
      inputs,
      rows,
      cols,
      nativeAxis,
      mapIndex[map],
      totals,
    );
  } else {
    compileProgramSum(program, axis, map)(inputs, rows, cols, totals);
  }
}
