/**
 * 2-D strided copy and transpose between row-major views of Float64Arrays (a view is an array, the offset of
 * its first value and the stride between its lines). Native when the addon has them (memmove per row; a
 * transpose in 8x8 register tiles, cache-blocked), else JavaScript. Arguments are checked here, for both
 * backends, before any native code runs.
 */
import { ArgumentError, IndexError } from "../../errors.ts";
import { checkCount, rangesOverlap } from "../argChecks.ts";
import { pickStreamKernels } from "../streamBackend.ts";
import type { StreamBackend } from "../streamBackend.ts";

const TILE = 32;

/** Throws unless `lines` lines of `length` values, `stride` apart from `offset`, fit in `array`. */
function checkView(
  fn: string,
  name: string,
  array: Float64Array,
  offset: number,
  stride: number,
  lines: number,
  length: number,
): void {
  if (!(array instanceof Float64Array)) throw new ArgumentError(`${fn}: ${name} must be a Float64Array`);
  checkCount(fn, `${name}Offset`, offset);
  checkCount(fn, `${name}Stride`, stride);
  if (lines === 0 || length === 0) return;
  if (lines > 1 && stride < length) {
    throw new ArgumentError(
      `${fn}: ${name}Stride=${stride} is shorter than a line of ${length} values (lines would overlap)`,
    );
  }
  const end = offset + (lines - 1) * stride + length;
  if (end > array.length) {
    throw new IndexError(
      `${fn}: ${lines} lines of ${length} values at ${name}Offset=${offset}, ${name}Stride=${stride} end at ${end} but ${name} has ${array.length} values`,
    );
  }
}

function checkRect(
  fn: string,
  src: Float64Array,
  srcOffset: number,
  srcStride: number,
  dst: Float64Array,
  dstOffset: number,
  dstStride: number,
  rows: number,
  cols: number,
  transpose: boolean,
): void {
  checkCount(fn, "rows", rows);
  checkCount(fn, "cols", cols);
  checkView(fn, "src", src, srcOffset, srcStride, rows, cols);
  checkView(fn, "dst", dst, dstOffset, dstStride, transpose ? cols : rows, transpose ? rows : cols);
}

/**
 * Copies a rows x cols rectangle: dst[dstOffset + i*dstStride + j] = src[srcOffset + i*srcStride + j].
 * Rows are copied in order, each as by `TypedArray.set` (so overlapping views copy like memmove per row,
 * or as one memmove when both views are contiguous). An empty rectangle copies nothing. `backend` forces
 * one implementation (tests and benchmarks); `"native"` throws when the addon lacks it.
 *
 * @example
 * ```ts
 * const src = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2 x 3
 * const dst = new Float64Array(4);
 * copyRect(src, 1, 3, dst, 0, 2, 2, 2); // the right 2 x 2 block: dst = [2, 3, 5, 6]
 * ```
 * @see native/src/dsfabric_copy.c
 */
export function copyRect(
  src: Float64Array,
  srcOffset: number,
  srcStride: number,
  dst: Float64Array,
  dstOffset: number,
  dstStride: number,
  rows: number,
  cols: number,
  backend: StreamBackend = "auto",
): void {
  checkRect("copyRect", src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols, false);
  if (rows === 0 || cols === 0) return;
  const kernels = pickStreamKernels("copyRect", backend);
  if (kernels !== undefined) {
    kernels.copyRect(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols);
  } else if (rows === 1 || (srcStride === cols && dstStride === cols)) {
    dst.set(src.subarray(srcOffset, srcOffset + rows * cols), dstOffset);
  } else {
    for (let i = 0; i < rows; i++) {
      const s = srcOffset + i * srcStride;
      dst.set(src.subarray(s, s + cols), dstOffset + i * dstStride);
    }
  }
}

/**
 * Transposes a rows x cols rectangle: dst[dstOffset + j*dstStride + i] = src[srcOffset + i*srcStride + j],
 * so dst receives cols lines of rows values. The two rectangles' spans must not share memory (an in-place
 * transpose is not supported: it throws). An empty rectangle writes nothing. `backend` is as for
 * `copyRect`.
 *
 * @example
 * ```ts
 * const src = Float64Array.from([1, 2, 3, 4, 5, 6]); // 2 x 3
 * const dst = new Float64Array(6);
 * transposeRect(src, 0, 3, dst, 0, 2, 2, 3); // dst = [1, 4, 2, 5, 3, 6] (3 x 2)
 * ```
 * @see native/src/dsfabric_copy.c
 */
export function transposeRect(
  src: Float64Array,
  srcOffset: number,
  srcStride: number,
  dst: Float64Array,
  dstOffset: number,
  dstStride: number,
  rows: number,
  cols: number,
  backend: StreamBackend = "auto",
): void {
  checkRect("transposeRect", src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols, true);
  if (rows === 0 || cols === 0) return;
  const srcEnd = srcOffset + (rows - 1) * srcStride + cols;
  if (rangesOverlap(src, srcOffset, srcEnd, dst, dstOffset, dstOffset + (cols - 1) * dstStride + rows)) {
    throw new ArgumentError(
      "transposeRect: the src and dst rectangles share memory; transpose into a separate array",
    );
  }
  const kernels = pickStreamKernels("transposeRect", backend);
  if (kernels !== undefined) {
    kernels.transposeRect(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, cols);
    return;
  }
  // Tiles of 32 x 32 keep both the reads and the writes within cache lines (as transpose.ts does).
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const s = srcOffset + i * srcStride;
        for (let j = j0; j < j1; j++) dst[dstOffset + j * dstStride + i] = src[s + j];
      }
    }
  }
}
