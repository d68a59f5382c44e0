/**
 * The structure kernels (slice, assemble, take) on sparse blocks, registered under the dense kernels' names:
 * a task whose inputs are sparse makes a sparse block, so slicing, taking, masking, rechunking and joining a
 * sparse array keep it sparse. Each builds its rows into growable arrays and then one CSR block.
 */
import { isSparse } from "../../block.ts";
import { CsrMatrix } from "../../csrMatrix.ts";
import type { Matrix } from "../../matrix.ts";
import { assembleKernel } from "../block/assemble.ts";
import { sliceBlock } from "../block/slice.ts";
import { takeKernel } from "../block/take.ts";
import type { BlockKernel } from "../registry.ts";

/** A CSR block built row by row. */
class CsrBuilder {
  private indices: number[] = [];
  private values: number[] = [];
  private readonly indptr: Int32Array;
  private row = 0;

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.indptr = new Int32Array(rows + 1);
  }

  push(j: number, v: number): void {
    this.indices.push(j);
    this.values.push(v);
  }

  /** Ends the current row; entries pushed since the last call belong to it (in increasing column order). */
  endRow(): void {
    this.indptr[++this.row] = this.indices.length;
  }

  /** Ends the current row after sorting its entries by column. */
  endRowSorted(): void {
    const start = this.indptr[this.row];
    const order = this.indices.slice(start).map((_, k) => start + k);
    order.sort((a, b) => this.indices[a] - this.indices[b]);
    const idx = order.map((k) => this.indices[k]);
    const val = order.map((k) => this.values[k]);
    this.indices.splice(start, idx.length, ...idx);
    this.values.splice(start, val.length, ...val);
    this.endRow();
  }

  finish(): CsrMatrix {
    const m = CsrMatrix.allocate(this.rows, this.cols, this.indices.length);
    m.indptr.set(this.indptr);
    m.indices.set(this.indices);
    m.data.set(this.values);
    return m;
  }
}

function count(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

/** `block.slice` for dense or sparse blocks (steps may be negative, as NumPy's). */
export const anySlice: BlockKernel<"block.slice"> = (inputs, a, out) => {
  const [s] = inputs;
  if (!isSparse(s)) return sliceBlock(inputs as Matrix[], a, out);
  const rows = count(a.rowStart, a.rowStop, a.rowStep);
  const cols = count(a.colStart, a.colStop, a.colStep);
  const b = new CsrBuilder(rows, cols);
  for (let i = 0; i < rows; i++) {
    const r = a.rowStart + i * a.rowStep;
    for (let k = s.indptr[r]; k < s.indptr[r + 1]; k++) {
      const offset = s.indices[k] - a.colStart;
      if (offset % a.colStep !== 0) continue;
      const j = offset / a.colStep;
      if (j >= 0 && j < cols) b.push(j, s.data[k]);
    }
    if (a.colStep < 0) b.endRowSorted();
    else b.endRow();
  }
  return [b.finish()];
};

/** `block.assemble` for dense blocks, or for sparse ones (all inputs sparse: a sparse block). */
export const anyAssemble: BlockKernel<"block.assemble"> = (inputs, a, out) => {
  if (!inputs.some(isSparse)) return assembleKernel(inputs as Matrix[], a, out);
  const blocks = inputs as CsrMatrix[];
  const b = new CsrBuilder(a.rows, a.cols);
  // Per output row, the pieces that cover it, left to right.
  const pieces = [...a.pieces].sort((p, q) => p.dstCol - q.dstCol);
  for (let r = 0; r < a.rows; r++) {
    for (const p of pieces) {
      if (r < p.dstRow || r >= p.dstRow + p.rows) continue;
      const s = blocks[p.input];
      const sr = p.srcRow + r - p.dstRow;
      for (let k = s.indptr[sr]; k < s.indptr[sr + 1]; k++) {
        const j = s.indices[k];
        if (j >= p.srcCol && j < p.srcCol + p.cols) b.push(p.dstCol + j - p.srcCol, s.data[k]);
      }
    }
    b.endRow();
  }
  return [b.finish()];
};

/** `block.take` for dense blocks, or for sparse ones (a sparse block). */
export const anyTake: BlockKernel<"block.take"> = (inputs, a, out) => {
  if (!inputs.some(isSparse)) return takeKernel(inputs as Matrix[], a, out);
  const blocks = inputs as CsrMatrix[];
  const { axis, source, local } = a;
  if (axis === 0) {
    const b = new CsrBuilder(local.length, blocks[0].cols);
    for (let k = 0; k < local.length; k++) {
      const s = blocks[source[k]];
      for (let q = s.indptr[local[k]]; q < s.indptr[local[k] + 1]; q++) b.push(s.indices[q], s.data[q]);
      b.endRow();
    }
    return [b.finish()];
  }
  const rows = blocks[0].rows;
  const b = new CsrBuilder(rows, local.length);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < local.length; k++) {
      const v = blocks[source[k]].get(i, local[k]);
      if (v !== 0 || Number.isNaN(v)) b.push(k, v);
    }
    b.endRow();
  }
  return [b.finish()];
};
