import type { Block } from "../../core/block.ts";
import { DsArray } from "../dsArray.ts";

/**
 * A copy of `x` that is independent of it: disposing `x` leaves the copy intact. Blocks are immutable (no
 * operation writes into an existing block, and `collect()` always returns a fresh matrix), so the copy
 * shares `x`'s blocks instead of duplicating them, as dask's `copy` does: it submits no task (a pending
 * elementwise chain of `x` is submitted once and shared).
 *
 * @example
 * ```ts
 * const x = ds.ones([4, 4], { blockSize: [2, 2] });
 * const y = x.copy();
 * x.dispose();
 * await y.toArray(); // [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]
 * ```
 * @see src/array/ops/copy.ts
 */
export function copy<T extends Block>(x: DsArray<T>): DsArray<T> {
  return DsArray.like(
    x,
    x.grid,
    x.blocks().map((row) => [...row]),
  );
}
