/**
 * The io functions' block-size options (datasets, loaders); the generic checks (readOptions, intOption, ...)
 * are src/core/options.ts.
 */
import type { RawOptions } from "../core/options.ts";
import { normalizeBlockSize, type Shape } from "../array/blockGrid.ts";
import { checkDenseBytes } from "../runtime/limits.ts";

/** Values of about this many doubles (4 MiB) per block when the caller gives no `blockSize`. */
const DEFAULT_BLOCK_VALUES = 2 ** 19;

/**
 * The `blockSize` option of an `rows` x `cols` sample matrix; by default whole rows, about 4 MiB per block.
 *
 * @example
 * ```ts
 * blockSizeOption("makeBlobs", {}, 100, 2); // [100, 2]
 * blockSizeOption("mnist", {}, 8000, 784); // [668, 784]
 * ```
 */
export function blockSizeOption(op: string, options: RawOptions, rows: number, cols: number): Shape {
  const shape: Shape = [rows, cols];
  const size: Shape =
    options.blockSize === undefined
      ? [Math.max(1, Math.min(rows, Math.floor(DEFAULT_BLOCK_VALUES / Math.max(1, cols)))), cols]
      : normalizeBlockSize(op, shape, options.blockSize);
  checkDenseBytes(op, shape, size);
  return size;
}

/**
 * A loader's `blockSize`: two positive integers, each clipped to the array's size (the caller cannot know a
 * file's row count in advance); by default whole rows, about 4 MiB per block.
 *
 * @example
 * ```ts
 * loaderBlockSize("ds.loadTxt", [1000, 50], [300, 20]); // [300, 20]
 * loaderBlockSize("ds.loadTxt", undefined, [300, 20]); // [300, 20]
 * ```
 */
export function loaderBlockSize(op: string, blockSize: unknown, shape: Shape): Shape {
  if (blockSize === undefined) {
    const rows = Math.floor(DEFAULT_BLOCK_VALUES / Math.max(1, shape[1]));
    return [Math.max(1, Math.min(shape[0], rows)), Math.max(1, shape[1])];
  }
  const [rows, cols] = normalizeBlockSize(op, [0, 0], blockSize);
  return [Math.max(1, Math.min(rows, shape[0])), Math.max(1, Math.min(cols, shape[1]))];
}
