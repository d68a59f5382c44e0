/**
 * Builds the `{ x, y }` DsArrays of a synthetic dataset block by block, on the main thread: one row strip of
 * samples at a time is filled by the generator's per-row function, then cut into the column blocks of `x`.
 * Because the generators draw from counter-based streams (see `counterRandom.ts`), a row's values do not
 * depend on the strip it falls in, so the block size never changes the data.
 */
import { Matrix } from "../../core/matrix.ts";
import { offsetsOf, regularGrid, type Shape } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { BlockRef } from "../../runtime/blockRef.ts";

/**
 * Fills sample `row` (its `nFeatures` values start at `out[offset]`) and returns its target (class label or
 * regression value).
 */
export type RowGenerator = (row: number, out: Float64Array, offset: number) => number;

/** A dataset's samples and targets: `x` is n x nFeatures, `y` is n x 1. */
export interface Samples {
  x: DsArray;
  y: DsArray;
}

/**
 * Generates `nSamples` rows of `nFeatures` values with `generate`, in blocks of `blockSize` (`y` gets
 * blocks of `[blockSize[0], 1]`).
 *
 * @example
 * ```ts
 * const { x, y } = generateSamples(4, 2, [2, 2], (i, out, at) => {
 *   out[at] = i;
 *   out[at + 1] = 10 * i;
 *   return i % 2;
 * });
 * await x.toArray(); // [[0, 0], [1, 10], [2, 20], [3, 30]]
 * ```
 */
export function generateSamples(
  nSamples: number,
  nFeatures: number,
  blockSize: Shape,
  generate: RowGenerator,
): Samples {
  const xGrid = regularGrid([nSamples, nFeatures], blockSize);
  const yGrid = regularGrid([nSamples, 1], [blockSize[0], 1]);
  const rowOffsets = offsetsOf(xGrid.rowChunks);
  const colOffsets = offsetsOf(xGrid.colChunks);
  const xRefs: BlockRef[][] = [];
  const yRefs: BlockRef[][] = [];
  xGrid.rowChunks.forEach((rows, i) => {
    const strip = Matrix.zeros(rows, nFeatures);
    const targets = Matrix.zeros(rows, 1);
    for (let r = 0; r < rows; r++) targets.data[r] = generate(rowOffsets[i] + r, strip.data, r * nFeatures);
    yRefs.push([BlockRef.of(targets)]);
    xRefs.push(xGrid.colChunks.map((cols, j) => BlockRef.of(columnsOf(strip, colOffsets[j], cols))));
  });
  return { x: DsArray.fromBlocks(xGrid, xRefs), y: DsArray.fromBlocks(yGrid, yRefs) };
}

/** Columns [start, start + cols) of `m` (m itself when that is all of it). */
function columnsOf(m: Matrix, start: number, cols: number): Matrix {
  if (start === 0 && cols === m.cols) return m;
  const out = Matrix.zeros(m.rows, cols);
  for (let r = 0; r < m.rows; r++) {
    out.data.set(m.data.subarray(r * m.cols + start, r * m.cols + start + cols), r * cols);
  }
  return out;
}
