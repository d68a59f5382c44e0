/**
 * KMeans' tasks over a dense DsArray: one task per row strip (the strip's column blocks and the centres,
 * split the same way, as small input blocks made on the main thread); the strips' partials are merged on
 * the main thread in reductionTree's grouping (at most SPLIT_EVERY_DEFAULT at a time), as a tree of
 * `block.addAll` tasks would.
 */
import { addAll } from "../../core/kernels/block/addAll.ts";
import { Matrix } from "../../core/matrix.ts";
import { gridOfChunks, offsetsOf } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { foldTree } from "../../array/reduction.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";

/** The centres (k x m) split by `x`'s column blocks, each a computed block. */
export function centreParts(centres: Matrix, x: DsArray): BlockRef[] {
  const k = centres.rows;
  const m = centres.cols;
  const colOffsets = offsetsOf(x.grid.colChunks);
  return x.grid.colChunks.map((cols, j) => {
    const part = Matrix.zeros(k, cols);
    for (let c = 0; c < k; c++) {
      const start = c * m + colOffsets[j];
      part.data.set(centres.data.subarray(start, start + cols), c * cols);
    }
    return BlockRef.of(part);
  });
}

type StripKernel = "ml.kmeans.partial" | "ml.kmeans.labels" | "ml.kmeans.distances";

/**
 * One task per row strip of `x`: its output block (rows x `cols`, or k x (m + 2) for the partial) for each
 * strip. `inertia` is the partial kernel's attribute (ignored by the others).
 */
function perStrip(
  op: string,
  kernel: StripKernel,
  x: DsArray,
  centres: Matrix,
  cols: number,
  inertia = false,
): BlockRef[] {
  const parts = centreParts(centres, x);
  const eng = engine();
  const k = centres.rows;
  const m = centres.cols;
  return x.blocks().map((strip, i) => {
    const inputs = [...parts, ...strip];
    const blockIndex: [number, number] = [i, 0];
    const [ref] =
      kernel === "ml.kmeans.partial"
        ? eng.submit({
            op,
            kernel,
            attrs: { parts: parts.length, inertia },
            inputs,
            outputs: [[k, m + 2]],
            blockIndex,
          })
        : eng.submit({
            op,
            kernel,
            attrs: { parts: parts.length },
            inputs,
            outputs: [[x.grid.rowChunks[i], cols]],
            blockIndex,
          });
    return ref;
  });
}

/**
 * The whole array's k x (m + 2) partial for `centres`: per centre the sum of the points closest to it, their
 * count and (when `inertia`, else 0: Lloyd's iterations do not need it) their squared distances summed.
 * The strips' partials are a few KB each, so the main thread adds them, in the grouping of a
 * `block.addAll` tree (the same values bit for bit): a tree of tasks would cost a worker round trip per
 * level in every iteration, which is most of an iteration on small strips.
 */
export async function lloydPartial(
  op: string,
  x: DsArray,
  centres: Matrix,
  inertia: boolean,
): Promise<Matrix> {
  const refs = perStrip(op, "ml.kmeans.partial", x, centres, 0, inertia);
  const partials = (await Promise.all(refs.map(async (r) => r.ready))) as Matrix[];
  return foldTree(partials, addAll);
}

/** The closest centre of every row: an n x 1 DsArray blocked like `x`'s rows. */
export function labelsOf(op: string, x: DsArray, centres: Matrix): DsArray {
  const refs = perStrip(op, "ml.kmeans.labels", x, centres, 1);
  return DsArray.fromBlocks(
    gridOfChunks(x.grid.rowChunks, [1]),
    refs.map((r) => [r]),
  );
}

/** Distances of every row to every centre: an n x k DsArray blocked like `x`'s rows. */
export function distancesOf(op: string, x: DsArray, centres: Matrix): DsArray {
  const k = centres.rows;
  const refs = perStrip(op, "ml.kmeans.distances", x, centres, k);
  return DsArray.fromBlocks(
    gridOfChunks(x.grid.rowChunks, [k]),
    refs.map((r) => [r]),
  );
}

/** A point far from its closest centre: its squared distance, global row, label and values. */
export interface FarPoint {
  distance: number;
  row: number;
  label: number;
  values: Float64Array;
}

/** The `count` points of `x` farthest from their closest centre, farthest first (ties to the lower row). */
export async function farthestPoints(
  op: string,
  x: DsArray,
  centres: Matrix,
  count: number,
): Promise<FarPoint[]> {
  const parts = centreParts(centres, x);
  const rowOffsets = offsetsOf(x.grid.rowChunks);
  const m = centres.cols;
  const eng = engine();
  const refs = x.blocks().map((strip, i) => {
    const rows = Math.min(count, x.grid.rowChunks[i]);
    const [ref] = eng.submit({
      op,
      kernel: "ml.kmeans.farthest",
      attrs: { parts: parts.length, count: rows, rowOffset: rowOffsets[i] },
      inputs: [...parts, ...strip],
      outputs: [[rows, m + 3]],
      blockIndex: [i, 0],
    });
    return ref;
  });
  const points: FarPoint[] = [];
  for (const ref of refs) {
    const b = (await ref.ready) as Matrix;
    for (let q = 0; q < b.rows; q++) {
      const row = b.data.subarray(q * (m + 3), (q + 1) * (m + 3));
      points.push({
        distance: row[0],
        row: row[1],
        label: row[2],
        values: Float64Array.from(row.subarray(3)),
      });
    }
  }
  points.sort((a, b) => b.distance - a.distance || a.row - b.row);
  return points.slice(0, count);
}
