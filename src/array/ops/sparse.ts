/**
 * Sparse arrays: made from a `CsrMatrix` or from a dense array, made dense, and the operations that keep
 * them sparse because they map zero to zero (scaling by a number, negation, abs, sqrt, positive powers) or
 * move entries without creating any (the transpose). Everything else sees the dense form (`dense`), as
 * scipy gives a dense result for `exp` or for adding a non-zero scalar.
 */
import type { Block } from "../../core/block.ts";
import { CsrMatrix } from "../../core/csrMatrix.ts";
import { Matrix } from "../../core/matrix.ts";
import type { SparseValueMap } from "../../core/kernels/sparse/attrs.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, normalizeBlockSize, offsetsOf, regularGrid, type Shape } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import type { DenseOperand, Operand } from "../elementwise.ts";

/** The dense form of `x` (x itself if it is dense). */
export function dense<T extends Block>(x: DsArray<T>): DsArray {
  if (!x.sparse) return x as unknown as DsArray;
  return perBlock(x, "sparse.toDense", "toDense", false) as DsArray;
}

/** The sparse form of `x` (x itself if it is sparse): its non-zeros, NaN included. */
export function sparse<T extends Block>(x: DsArray<T>): DsArray<CsrMatrix> {
  if (x.sparse) return x as unknown as DsArray<CsrMatrix>;
  return perBlock(x, "sparse.fromDense", "toSparse", true) as unknown as DsArray<CsrMatrix>;
}

function perBlock<T extends Block>(
  x: DsArray<T>,
  kernel: "sparse.toDense" | "sparse.fromDense" | "sparse.transpose",
  op: string,
  sparseResult: boolean,
  transposed = false,
): DsArray<Block> {
  const blocks = x.blocks();
  const { rowChunks, colChunks } = x.grid;
  const grid = transposed ? gridOfChunks(colChunks, rowChunks) : x.grid;
  const refs = grid.rowChunks.map((rows, i) =>
    grid.colChunks.map(
      (cols, j) =>
        engine().submit({
          op,
          kernel,
          attrs: {},
          inputs: [transposed ? blocks[j][i] : blocks[i][j]],
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return sparseResult ? DsArray.fromSparseBlocks(grid, refs) : DsArray.fromBlocks(grid, refs);
}

/** The transpose of a sparse array, sparse. */
export function transposeSparse(x: DsArray<CsrMatrix>): DsArray<CsrMatrix> {
  return perBlock(x, "sparse.transpose", "transpose", true, true) as DsArray<CsrMatrix>;
}

/** `op` (with the scalar `value` where it takes one) on the stored values of a sparse array. */
export function mapSparseValues(x: DsArray<CsrMatrix>, op: SparseValueMap, value = 0): DsArray<CsrMatrix> {
  const blocks = x.blocks();
  const refs = x.grid.rowChunks.map((rows, i) =>
    x.grid.colChunks.map(
      (cols, j) =>
        engine().submit({
          op,
          kernel: "sparse.mapValues",
          attrs: { op, value },
          inputs: [blocks[i][j]],
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromSparseBlocks(x.grid, refs);
}

/** Rows [r0, r1) and columns [c0, c1) of `s`, as a new CSR block. */
export function csrRect(s: CsrMatrix, r0: number, r1: number, c0: number, c1: number): CsrMatrix {
  const counts = new Int32Array(r1 - r0 + 1);
  let nnz = 0;
  for (let i = r0; i < r1; i++) {
    for (let k = s.indptr[i]; k < s.indptr[i + 1]; k++) if (s.indices[k] >= c0 && s.indices[k] < c1) nnz++;
    counts[i - r0 + 1] = nnz;
  }
  const out = CsrMatrix.allocate(r1 - r0, c1 - c0, nnz);
  out.indptr.set(counts);
  let at = 0;
  for (let i = r0; i < r1; i++) {
    for (let k = s.indptr[i]; k < s.indptr[i + 1]; k++) {
      const j = s.indices[k];
      if (j < c0 || j >= c1) continue;
      out.indices[at] = j - c0;
      out.data[at++] = s.data[k];
    }
  }
  return out;
}

/** A sparse DsArray from a CSR matrix on this thread, cut into CSR blocks of `blockSize`. */
export function fromCsr(op: string, s: CsrMatrix, blockSize: unknown): DsArray<CsrMatrix> {
  const shape: Shape = [s.rows, s.cols];
  const grid = regularGrid(shape, normalizeBlockSize(op, shape, blockSize));
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const refs = grid.rowChunks.map((rows, i) =>
    grid.colChunks.map((cols, j) =>
      BlockRef.of(csrRect(s, rowOffsets[i], rowOffsets[i] + rows, colOffsets[j], colOffsets[j] + cols)),
    ),
  );
  return DsArray.fromSparseBlocks(grid, refs);
}

/**
 * `fn` with sparse arrays among `this` and the arguments replaced by their dense forms: how an operation
 * without a sparse case takes sparse arrays.
 *
 * @example
 * ```ts
 * const exp = onDenseForms(function (this: DsArray) { return this.exp(); });
 * ```
 */
export function onDenseForms<A extends unknown[], R>(
  fn: (this: unknown, ...args: A) => R,
): (this: unknown, ...args: A) => R {
  return function (this: unknown, ...args: A): R {
    const self = this instanceof DsArray ? dense(this as DsArray<Block>) : this;
    const plain = args.map((a) => (a instanceof DsArray ? dense(a as DsArray<Block>) : a)) as A;
    return fn.apply(self, plain);
  };
}

/** An operand as the dense elementwise path takes it: a sparse array is made dense. */
export function denseOperand(y: Operand): DenseOperand {
  return y instanceof DsArray ? dense(y) : y;
}

/**
 * The dense form of an array argument. Anything else passes through, for the operation to reject with a
 * message that names the argument.
 */
export function denseArgument(x: DsArray<Block>): DsArray {
  return x instanceof DsArray ? dense(x) : x;
}

/** A zero-size (or all-zero) block of `x`'s kind: what an empty slice or take is made of, without a task. */
export function emptyBlock(x: DsArray<Block>, rows: number, cols: number): Block {
  return x.sparse ? CsrMatrix.allocate(rows, cols, 0) : Matrix.zeros(rows, cols);
}

/**
 * `x op y` for two sparse arrays of one shape, sparse (y is rechunked to x's blocks if they differ): add
 * and sub keep the entries of either, mul those of both.
 */
export function combineSparse(
  x: DsArray<CsrMatrix>,
  y: DsArray<CsrMatrix>,
  op: "add" | "sub" | "mul",
): DsArray<CsrMatrix> {
  const aligned = rechunkTo(y, x.grid.rowChunks, x.grid.colChunks, op);
  const xb = x.blocks();
  const yb = aligned.blocks();
  const refs = x.grid.rowChunks.map((rows, i) =>
    x.grid.colChunks.map(
      (cols, j) =>
        engine().submit({
          op,
          kernel: "sparse.combine",
          attrs: { op },
          inputs: [xb[i][j], yb[i][j]],
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0],
    ),
  );
  return DsArray.fromSparseBlocks(x.grid, refs);
}
