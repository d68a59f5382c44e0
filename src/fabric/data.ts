/**
 * The training data as the fabric sees it: gathered once into dense rows and labels, cut into each
 * worker's contiguous row partition, from which a worker draws mini-batches in a seeded order reshuffled
 * every epoch.
 */
import { DsArray } from "../array/dsArray.ts";
import { ArgumentError } from "../core/errors.ts";
import { Matrix } from "../core/matrix.ts";
import type { Rng } from "../sim/rng.ts";
import type { Range } from "./cluster.ts";
import type { Labels } from "./model/trainableModel.ts";

/** Rows and their labels, dense. */
export interface LabelledRows {
  x: Matrix;
  y: Int32Array;
}

/**
 * Gathers `x` (DsArray or Matrix) and `y` (DsArray, n x 1 Matrix or label array), checking every label.
 *
 * @example
 * ```ts
 * const { x, y } = await gatherRows(data.x, data.y, 3, "data");
 * y; // Int32Array of labels 0..2
 * ```
 */
export async function gatherRows(
  x: DsArray | Matrix,
  y: DsArray | Matrix | Labels,
  classes: number,
  name: string,
): Promise<LabelledRows> {
  const xm = x instanceof DsArray ? await x.collect() : x;
  const raw: ArrayLike<number> =
    y instanceof DsArray ? (await y.collect()).data : y instanceof Matrix ? y.data : y;
  const labels = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ArgumentError(
        `fabric.train: ${name}.y[${i}] = ${v} is not a class label 0..${classes - 1} (the model has ${classes} classes)`,
      );
    }
    labels[i] = v;
  }
  return { x: xm, y: labels };
}

/**
 * The first `count` rows (a copy; all of them if there are fewer).
 *
 * @example
 * ```ts
 * headRows(train, 2000).x.rows; // 2000, or fewer
 * ```
 */
export function headRows(rows: LabelledRows, count: number): LabelledRows {
  const n = Math.min(count, rows.x.rows);
  const cols = rows.x.cols;
  return {
    x: new Matrix(n, cols, rows.x.data.slice(0, n * cols)),
    y: rows.y.slice(0, n),
  };
}

/**
 * One worker's partition and its mini-batch order.
 *
 * @example
 * ```ts
 * const part = new WorkerData(rows, { offset: 0, length: 250 }, 32, rng.fork("data/w0"));
 * const { x, y } = part.nextBatch(); // 32 rows of the partition, each epoch in a new order
 * ```
 */
export class WorkerData {
  private readonly order: number[];
  private cursor: number;
  readonly batchRows: number;

  constructor(
    private readonly rows: LabelledRows,
    private readonly range: Range,
    batchSize: number,
    private readonly rng: Rng,
  ) {
    this.order = Array.from({ length: range.length }, (_, i) => range.offset + i);
    this.batchRows = Math.min(batchSize, range.length);
    this.cursor = this.order.length; // shuffle on first use
  }

  /** The next mini-batch (fresh arrays); an epoch's last partial batch is skipped. */
  nextBatch(): { x: Matrix; y: Int32Array } {
    if (this.cursor + this.batchRows > this.order.length) {
      this.rng.shuffle(this.order);
      this.cursor = 0;
    }
    const cols = this.rows.x.cols;
    const x = new Matrix(this.batchRows, cols, new Float64Array(this.batchRows * cols));
    const y = new Int32Array(this.batchRows);
    for (let b = 0; b < this.batchRows; b++) {
      const row = this.order[this.cursor++];
      x.data.set(this.rows.x.data.subarray(row * cols, (row + 1) * cols), b * cols);
      y[b] = this.rows.y[row];
    }
    return { x, y };
  }
}
