import { Matrix } from "../../core/matrix.ts";
import { engine } from "../../runtime/runtime.ts";
import { DsArray } from "../dsArray.ts";
import { checkTravels, contextLiteral, functionSource, withContext } from "./userFunctions.ts";

/**
 * `fn` applied to every block of `x`, one task per block; the result has `x`'s shape and grid.
 *
 * `fn` receives the block as a `Matrix` (`rows`, `cols`, row-major `data`, `get`, `set`). It is a private
 * copy: `fn` may write into it and return it. It must return a block of the same shape: a `Matrix`, or any
 * `{ rows, cols, data }` with `rows * cols` row-major values; another shape fails the task with a
 * `TaskFailedError` naming `mapBlocks`. `fn` travels as source text to the workers, like `map`: it must be
 * pure and use nothing from its enclosing scope, except `Matrix`, which is in scope there; values it needs
 * come in `context`, its second argument (`x.mapBlocks((b, c) => ..., { k })`).
 *
 * The result depends on the blocking whenever `fn` mixes elements of a block (e.g. subtracting the block's
 * mean). NaN values reach `fn` as they are; an empty array gives `fn` an empty block.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2], [3, 4]], { blockSize: [1, 2] });
 * const y = x.mapBlocks((b) => {
 *   for (let k = 0; k < b.data.length; k++) b.data[k] *= 10;
 *   return b;
 * });
 * await y.toArray(); // [[10, 20], [30, 40]]
 * ```
 * @see src/array/ops/mapBlocks.ts
 */
export function mapBlocks<C>(x: DsArray, fn: (block: Matrix, context: C) => Matrix, context?: C): DsArray {
  let source = functionSource("mapBlocks", fn);
  if (context !== undefined) source = withContext(source, contextLiteral("mapBlocks", context));
  checkTravels("mapBlocks", source, (f) => f(Matrix.zeros(1, 1)), "x.mapBlocks((b, c) => ..., { k })");
  const refs = x.blocks().map((row, i) =>
    row.map(
      (ref, j) =>
        engine().submit({
          op: "mapBlocks",
          kernel: "structure.mapBlocks",
          attrs: { source },
          inputs: [ref],
          outputs: [[ref.rows, ref.cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromBlocks(x.grid, refs);
}
