import { ShapeError } from "./errors.ts";
import { Matrix } from "./matrix.ts";

/**
 * A sparse local block in compressed sparse row form (scipy's CSR): row i's non-zeros are
 * `data[indptr[i] .. indptr[i + 1])` at columns `indices[...]`, sorted by column, each column at most
 * once. The three arrays share one `SharedArrayBuffer` (indptr, indices, then data on an 8-byte boundary),
 * so a block crosses to a worker thread as one buffer, without a copy.
 *
 * @example
 * ```ts
 * const s = CsrMatrix.fromDense(Matrix.fromArray([[0, 2], [3, 0]]));
 * s.nnz; // 2
 * s.get(1, 0); // 3
 * s.toDense().toArray(); // [[0, 2], [3, 0]]
 * ```
 */
export class CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array;
  /** The whole buffer as 32-bit words: how the block crosses a thread boundary (`CsrMatrix.fromRaw`). */
  readonly raw: Int32Array;

  private constructor(rows: number, cols: number, raw: Int32Array) {
    this.rows = rows;
    this.cols = cols;
    this.raw = raw;
    const buffer = raw.buffer;
    const base = raw.byteOffset;
    this.indptr = new Int32Array(buffer, base, rows + 1);
    const nnz = this.indptr[rows];
    this.indices = new Int32Array(buffer, base + 4 * (rows + 1), nnz);
    this.data = new Float64Array(buffer, base + dataOffset(rows, nnz), nnz);
  }

  /** Stored (structural) non-zeros. */
  get nnz(): number {
    return this.data.length;
  }

  /**
   * A rows x cols block with room for `nnz` entries, in shared memory: `indptr` all zero except
   * `indptr[rows] = nnz`; the caller fills indptr, indices and data.
   */
  static allocate(rows: number, cols: number, nnz: number): CsrMatrix {
    const raw = new Int32Array(new SharedArrayBuffer(dataOffset(rows, nnz) + 8 * nnz));
    raw[rows] = nnz;
    return new CsrMatrix(rows, cols, raw);
  }

  /** The block in `raw` (a `CsrMatrix.raw` that crossed a thread boundary). */
  static fromRaw(rows: number, cols: number, raw: Int32Array): CsrMatrix {
    return new CsrMatrix(rows, cols, raw);
  }

  /**
   * A block from scipy-style arrays, copied into shared memory after checking them: `indptr` starts at 0
   * and never decreases, and each row's indices are increasing and within [0, cols).
   */
  static fromArrays(
    rows: number,
    cols: number,
    indptr: ArrayLike<number>,
    indices: ArrayLike<number>,
    data: ArrayLike<number>,
  ): CsrMatrix {
    if (indptr.length !== rows + 1) {
      throw new ShapeError(
        `CsrMatrix: indptr has ${indptr.length} entries, a ${rows}-row matrix needs ${rows + 1}`,
      );
    }
    const nnz = indptr[rows];
    if (indptr[0] !== 0 || indices.length < nnz || data.length < nnz) {
      throw new ShapeError(
        `CsrMatrix: indptr must start at 0 and end at the number of entries (indptr[${rows}] = ${nnz}, ${indices.length} indices, ${data.length} values)`,
      );
    }
    for (let i = 0; i < rows; i++) {
      if (indptr[i + 1] < indptr[i]) throw new ShapeError(`CsrMatrix: indptr decreases at row ${i}`);
      for (let k = indptr[i]; k < indptr[i + 1]; k++) {
        const j = indices[k];
        if (!Number.isInteger(j) || j < 0 || j >= cols || (k > indptr[i] && j <= indices[k - 1])) {
          throw new ShapeError(
            `CsrMatrix: row ${i} has column index ${j} out of order or outside [0, ${cols}) (indices must increase within a row)`,
          );
        }
      }
    }
    const m = CsrMatrix.allocate(rows, cols, nnz);
    m.indptr.set(Array.from({ length: rows + 1 }, (_, k) => indptr[k]));
    for (let k = 0; k < nnz; k++) {
      m.indices[k] = indices[k];
      m.data[k] = data[k];
    }
    return m;
  }

  /** The non-zeros of a dense block (NaN counts as non-zero, as in scipy). */
  static fromDense(m: Matrix): CsrMatrix {
    const { rows, cols, data } = m;
    let nnz = 0;
    for (let k = 0; k < data.length; k++) if (data[k] !== 0) nnz++;
    const s = CsrMatrix.allocate(rows, cols, nnz);
    let at = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = data[i * cols + j];
        if (v === 0) continue;
        s.indices[at] = j;
        s.data[at++] = v;
      }
      s.indptr[i + 1] = at;
    }
    return s;
  }

  toDense(into?: Matrix): Matrix {
    const out = into ?? Matrix.zeros(this.rows, this.cols);
    const { indptr, indices, data, cols } = this;
    for (let i = 0; i < this.rows; i++) {
      for (let k = indptr[i]; k < indptr[i + 1]; k++) out.data[i * cols + indices[k]] = data[k];
    }
    return out;
  }

  get(i: number, j: number): number {
    const { indptr, indices } = this;
    // Binary search in row i's sorted columns.
    let lo = indptr[i];
    let hi = indptr[i + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (indices[mid] < j) lo = mid + 1;
      else hi = mid;
    }
    return lo < indptr[i + 1] && indices[lo] === j ? this.data[lo] : 0;
  }

  toArray(): number[][] {
    return this.toDense().toArray();
  }
}

/** Byte offset of `data` in a CSR buffer: after indptr and indices, rounded up to 8. */
function dataOffset(rows: number, nnz: number): number {
  return Math.ceil((4 * (rows + 1 + nnz)) / 8) * 8;
}
