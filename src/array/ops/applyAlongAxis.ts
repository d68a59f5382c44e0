import { ArgumentError } from "../../core/errors.ts";
import { reviveFunction } from "../../core/kernels/structure/userFunction.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, offsetsOf } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { functionSource } from "./userFunctions.ts";
import { describeValue } from "../../core/options.ts";

const op = "ds.applyAlongAxis";

/**
 * How many values `fn` returns, learnt by calling it once on the calling thread with a vector of ones of the
 * axis length (dask's `apply_along_axis` probes the same way). The function is revived from its source
 * first, exactly as the workers will see it, so a function that uses its enclosing scope fails here.
 */
function probeLength(source: string, lineLength: number): number {
  const fn = reviveFunction(source) as (v: Float64Array) => unknown;
  let result: unknown;
  try {
    result = fn(new Float64Array(lineLength).fill(1));
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const hint =
      cause instanceof ReferenceError
        ? " (fn travels as source text: it cannot use variables of its enclosing scope)"
        : "";
    throw new ArgumentError(
      `${op}: fn threw when probed with a vector of ${lineLength} ones (used to learn its output length): ${why}${hint}`,
      { cause },
    );
  }
  if (typeof result === "number") return 1;
  const values = result as ArrayLike<unknown> | null;
  if (values !== null && typeof values === "object" && typeof values.length === "number")
    return values.length;
  throw new ArgumentError(
    `${op}: fn must return a number or an array of numbers but returned ${typeof result}`,
  );
}

/**
 * `fn` applied to every column (axis 0) or every row (axis 1) of `x`, as NumPy's `apply_along_axis`, with
 * 2-D results: a function returning a number gives a 1 x m row (axis 0) or an n x 1 column (axis 1); one
 * returning k numbers gives k x m (axis 0: column j of the result is fn(column j)) or n x k (axis 1).
 *
 * `fn` receives a `Float64Array` (a scratch buffer: it may modify it) and must return a number or an array
 * (or typed array) of numbers, the same length for every line. It travels as source text to the workers,
 * like `map`: it must be pure and use nothing from its enclosing scope. To learn the output length at once,
 * `fn` is called once on the calling thread with a vector of ones; a function that throws there (or uses
 * its enclosing scope) throws `ArgumentError`, and a line whose result has another length fails the task.
 *
 * Tasks: a line needs all of its values, and `fn` is arbitrary (no partial results to combine), so there is
 * one task per strip of blocks: per column of blocks for axis 0 (the result keeps x's column chunks) and per
 * row of blocks for axis 1 (it keeps x's row chunks). Each task reads its whole strip.
 *
 * NaN values reach `fn` as they are. An empty axis gives `fn` empty vectors; no lines give an empty result.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2], [3, 4], [5, 6]], { blockSize: [2, 1] });
 * await ds.applyAlongAxis((v) => v[0] + v[v.length - 1], 0, x).toArray(); // [[6, 8]]
 * await ds.applyAlongAxis((v) => [v[1], v[0]], 1, x).toArray();          // [[2, 1], [4, 3], [6, 5]]
 * ```
 * @see src/array/ops/applyAlongAxis.ts
 */
export function applyAlongAxis(
  fn: (v: Float64Array) => number | ArrayLike<number>,
  axis: 0 | 1,
  x: DsArray,
): DsArray {
  const source = functionSource(op, fn);
  if (axis !== 0 && axis !== 1)
    throw new ArgumentError(`${op}: axis must be 0 or 1 but was ${describeValue(axis)}`);
  if (!(x instanceof DsArray)) throw new ArgumentError(`${op}: x must be a DsArray but was ${typeof x}`);
  const length = probeLength(source, x.shape[axis]);
  const src = x.blocks();
  const { rowChunks, colChunks } = x.grid;
  const submit = (inputs: (typeof src)[number], shape: [number, number], strip: number, lineOffset: number) =>
    engine().submit({
      op,
      kernel: "structure.applyAlongAxis",
      attrs: { source, axis, length, lineOffset },
      inputs,
      outputs: [shape],
      blockIndex: axis === 0 ? [0, strip] : [strip, 0],
    })[0];
  if (axis === 0) {
    const offsets = offsetsOf(colChunks);
    const refs = [
      colChunks.map((cols, j) =>
        submit(
          src.map((row) => row[j]),
          [length, cols],
          j,
          offsets[j],
        ),
      ),
    ];
    return DsArray.fromBlocks(gridOfChunks([length], colChunks), refs);
  }
  const offsets = offsetsOf(rowChunks);
  const refs = rowChunks.map((rows, i) => [submit(src[i], [rows, length], i, offsets[i])]);
  return DsArray.fromBlocks(gridOfChunks(rowChunks, [length]), refs);
}
