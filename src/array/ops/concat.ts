import type { Block } from "../../core/block.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { gridOfChunks } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import { describeValue } from "../../core/options.ts";

const axisNames = ["rows", "cols"] as const;

function checkArrays<T extends Block>(op: string, arrays: unknown): DsArray<T>[] {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new ArgumentError(
      `${op}: arrays must be a non-empty array of DsArrays but was ${describeValue(arrays)}`,
    );
  }
  arrays.forEach((a, k) => {
    if (!(a instanceof DsArray))
      throw new ArgumentError(`${op}: arrays[${k}] must be a DsArray but was ${describeValue(a)}`);
  });
  return arrays as DsArray<T>[];
}

/** Checks an axis argument: 0 or 1. */
function checkAxis(op: string, axis: unknown): 0 | 1 {
  if (axis !== 0 && axis !== 1)
    throw new ArgumentError(`${op}: axis must be 0 or 1 but was ${describeValue(axis)}`);
  return axis;
}

/**
 * The arrays joined along `axis` (0: stacked vertically, 1: side by side), as NumPy's `concatenate`. Every
 * array must have the same length along the other axis (else `ShapeError`).
 *
 * Blocking: the result keeps every input block as it is along `axis` (its chunks are the inputs' chunks one
 * after the other). Along the other axis it takes the chunks of the longest input (along `axis`); inputs
 * blocked differently there are rechunked to match (one task per rechunked block). Inputs already aligned
 * are joined with no task at all: the result's blocks are the inputs' blocks. Inputs of length 0 along
 * `axis` contribute nothing.
 *
 * @example
 * ```ts
 * const a = ds.array([[1, 2], [3, 4]], { blockSize: [1, 2] });
 * const b = ds.array([[5, 6]], { blockSize: [1, 1] });
 * await ds.concat([a, b], 0).toArray(); // [[1, 2], [3, 4], [5, 6]]
 * ```
 * @see src/array/ops/concat.ts
 */
export function concat<T extends Block>(arrays: readonly DsArray<T>[], axis: 0 | 1 = 0): DsArray<T> {
  const op = "ds.concat";
  const inputs = checkArrays<T>(op, arrays);
  const ax = checkAxis(op, axis);
  const other = 1 - ax;
  const first = inputs[0];
  inputs.forEach((a, k) => {
    if (a.shape[other] !== first.shape[other]) {
      throw new ShapeError(
        `${op}: every array must have the same number of ${axisNames[other]} to join along axis ${ax}, but arrays[0].shape=[${first.shape.join(", ")}] and arrays[${k}].shape=[${a.shape.join(", ")}]`,
      );
    }
  });
  // The other axis's chunks come from the longest input, so that the fewest elements move.
  const longest = inputs.reduce((best, a) => (a.shape[ax] > best.shape[ax] ? a : best), first);
  const target = ax === 0 ? longest.grid.colChunks : longest.grid.rowChunks;
  const aligned = inputs.map((a) =>
    ax === 0 ? rechunkTo(a, a.grid.rowChunks, target, op) : rechunkTo(a, target, a.grid.colChunks, op),
  );
  const parts = aligned.filter((a) => a.shape[ax] > 0);
  if (parts.length === 0) parts.push(aligned[0]);
  const axisChunks = parts.flatMap((a) => (ax === 0 ? a.grid.rowChunks : a.grid.colChunks));
  let refs: BlockRef[][];
  if (ax === 0) {
    refs = parts.flatMap((a) => a.blocks().map((row) => [...row]));
  } else {
    const blocks = parts.map((a) => a.blocks());
    refs = target.map((_, i) => blocks.flatMap((b) => b[i]));
  }
  const grid = ax === 0 ? gridOfChunks(axisChunks, target) : gridOfChunks(target, axisChunks);
  return DsArray.like(first, grid, refs);
}
