import { ShapeError } from "./errors.ts";

/**
 * A dense local block: `rows` x `cols` doubles in row-major order. Storage is a `SharedArrayBuffer` by
 * default so that a block passes between worker threads without a copy.
 *
 * @example
 * ```ts
 * const m = Matrix.fromArray([[1, 2], [3, 4]]);
 * m.get(1, 0); // 3
 * m.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values; `data[i * cols + j]` is element (i, j). */
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) {
      this.data = new Float64Array(new SharedArrayBuffer(rows * cols * 8));
    } else {
      if (data.length !== rows * cols) {
        throw new ShapeError(
          `Matrix: data has ${data.length} values but a ${rows}x${cols} matrix needs ${rows * cols}`,
        );
      }
      this.data = data;
    }
  }

  /** A zero-filled matrix in shared memory. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** Copies a rectangular `number[][]` into a new matrix; throws `ShapeError` on ragged rows. */
  static fromArray(values: readonly (readonly number[])[]): Matrix {
    const rows = values.length;
    const cols = rows === 0 ? 0 : values[0].length;
    const m = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      const row = values[i];
      if (row.length !== cols) {
        throw new ShapeError(`Matrix.fromArray: row ${i} has ${row.length} values but row 0 has ${cols}`);
      }
      m.data.set(row, i * cols);
    }
    return m;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++)
      out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }
}
