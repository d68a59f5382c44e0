import { ArgumentError, ShapeError } from "../core/errors.ts";
import { CsrMatrix } from "../core/csrMatrix.ts";
import { Matrix } from "../core/matrix.ts";
import { BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { denseGrid, normalizeShape, offsetsOf, type Shape } from "./blockGrid.ts";
import { DsArray } from "./dsArray.ts";
import { constantArray } from "./elementwise.ts";
import { fromCsr } from "./ops/sparse.ts";

/** Options of every creation function. */
export interface BlockOptions {
  /** `[rows, cols]` of each block; edge blocks may be smaller. */
  blockSize: readonly [number, number];
}

function checkOptions(op: string, options: unknown): BlockOptions {
  if (typeof options !== "object" || options === null || !("blockSize" in options)) {
    throw new ArgumentError(
      `${op}: options must include blockSize: [rows, cols], e.g. { blockSize: [1000, 100] }`,
    );
  }
  return options as BlockOptions;
}

/**
 * A DsArray from nested arrays or a Matrix, split into blocks of `blockSize`; from a `CsrMatrix`, a sparse
 * DsArray of CSR blocks.
 *
 * @example
 * ```ts
 * const x = ds.array([[1, 2, 3], [4, 5, 6]], { blockSize: [1, 2] });
 * x.nBlocks; // [2, 2]
 * const s = ds.array(CsrMatrix.fromDense(Matrix.fromArray([[0, 1], [2, 0]])), { blockSize: [1, 2] });
 * s.sparse; // true
 * ```
 */
export function array(data: CsrMatrix, options: BlockOptions): DsArray<CsrMatrix>;
export function array(data: readonly (readonly number[])[] | Matrix, options: BlockOptions): DsArray;
export function array(
  data: readonly (readonly number[])[] | Matrix | CsrMatrix,
  options: BlockOptions,
): DsArray | DsArray<CsrMatrix> {
  const op = "ds.array";
  const { blockSize } = checkOptions(op, options);
  if (data instanceof CsrMatrix) return fromCsr(op, data, blockSize);
  let m: Matrix;
  if (data instanceof Matrix) {
    m = data;
  } else {
    if (!Array.isArray(data)) throw new ArgumentError(`${op}: data must be number[][] or a Matrix`);
    const rows: readonly unknown[] = data;
    const width = Array.isArray(rows[0]) ? rows[0].length : 0;
    rows.forEach((row, i) => {
      if (!Array.isArray(row))
        throw new ShapeError(`${op}: row ${i} is not an array (data must be number[][])`);
      if (row.length !== width) {
        throw new ShapeError(`${op}: ragged data: row ${i} has ${row.length} values but row 0 has ${width}`);
      }
      (row as unknown[]).forEach((v, j) => {
        if (typeof v !== "number")
          throw new ArgumentError(`${op}: data[${i}][${j}] is ${typeof v}, not a number`);
      });
    });
    m = Matrix.fromArray(data);
  }
  const shape: Shape = [m.rows, m.cols];
  const grid = denseGrid(op, shape, blockSize);
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const refs = grid.rowChunks.map((rows, i) =>
    grid.colChunks.map((cols, j) => {
      const block = Matrix.zeros(rows, cols);
      for (let r = 0; r < rows; r++) {
        const from = (rowOffsets[i] + r) * m.cols + colOffsets[j];
        block.data.set(m.data.subarray(from, from + cols), r * cols);
      }
      return BlockRef.of(block);
    }),
  );
  return DsArray.fromBlocks(grid, refs);
}

/**
 * Uniform [0, 1) values. Each value depends only on the seed and its position, so the same seed gives the
 * same array whatever the block size.
 *
 * @example
 * ```ts
 * const a = ds.random([4, 4], { blockSize: [2, 2], seed: 7 });
 * const b = ds.random([4, 4], { blockSize: [3, 1], seed: 7 }); // same values as a
 * ```
 */
export function random(shape: readonly [number, number], options: BlockOptions & { seed?: number }): DsArray {
  const op = "ds.random";
  const { blockSize } = checkOptions(op, options);
  const s = normalizeShape(op, shape);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed)) throw new ArgumentError(`${op}: seed must be an integer but was ${seed}`);
  const grid = denseGrid(op, s, blockSize);
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const refs = grid.rowChunks.map((rows, i) =>
    grid.colChunks.map(
      (cols, j) =>
        engine().submit({
          op,
          kernel: "fill.random",
          attrs: { seed, rowStart: rowOffsets[i], colStart: colOffsets[j], rows, cols, totalCols: s[1] },
          inputs: [],
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromBlocks(grid, refs);
}

/** Every element `value` (fuses into the elementwise operations that use it). */
export function full(shape: readonly [number, number], value: number, options: BlockOptions): DsArray {
  return filled("ds.full", shape, value, options);
}

export function zeros(shape: readonly [number, number], options: BlockOptions): DsArray {
  return filled("ds.zeros", shape, 0, options);
}

export function ones(shape: readonly [number, number], options: BlockOptions): DsArray {
  return filled("ds.ones", shape, 1, options);
}

/** ds.full and the functions built on it, under their own names in error messages. */
function filled(op: string, shape: readonly [number, number], value: number, options: BlockOptions): DsArray {
  const { blockSize } = checkOptions(op, options);
  if (typeof value !== "number")
    throw new ArgumentError(`${op}: value must be a number but was ${typeof value}`);
  const s = normalizeShape(op, shape);
  return constantArray(denseGrid(op, s, blockSize), value, op);
}

/**
 * Ones on the diagonal `k` (0 = main, > 0 above, < 0 below) of an n x m array, zeros elsewhere.
 *
 * @example
 * ```ts
 * await ds.eye(2, 3, { blockSize: [1, 2] }).toArray(); // [[1, 0, 0], [0, 1, 0]]
 * ```
 */
export function eye(n: number, m: number = n, options: BlockOptions & { k?: number }): DsArray {
  const op = "ds.eye";
  const { blockSize } = checkOptions(op, options);
  const s = normalizeShape(op, [n, m]);
  const k = options.k ?? 0;
  if (!Number.isInteger(k)) throw new ArgumentError(`${op}: k must be an integer but was ${k}`);
  const grid = denseGrid(op, s, blockSize);
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const refs = grid.rowChunks.map((rows, i) =>
    grid.colChunks.map(
      (cols, j) =>
        engine().submit({
          op,
          kernel: "fill.eye",
          attrs: { rows, cols, rowStart: rowOffsets[i], colStart: colOffsets[j], diagonal: k },
          inputs: [],
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromBlocks(grid, refs);
}

/** The n x n identity. */
export function identity(n: number, options: BlockOptions): DsArray {
  return eye(n, n, options);
}
