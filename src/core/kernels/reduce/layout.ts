/**
 * How the reduction kernels see blocks and partials. A block splits into **lanes**, each reduced on its own:
 * axis 0 gives one lane per column (its values run down the rows), axis 1 one lane per row, and `"all"` one
 * lane over the whole block (read as a 1 x rows*cols row, row-major). A partial stores a few **fields** per
 * lane: layout 0 is fields x lanes (so an axis-0 partial lines up with the block's columns), layout 1 is
 * lanes x fields (axis 1 and "all"). The final result has one field per lane.
 */
import { Matrix } from "../../matrix.ts";
import type { PartialLayout, ReduceAxis } from "./attrs.ts";

/** The partial layout of a reduction: "all" reduces one lane, stored like an axis-1 partial (1 x fields). */
export function partialLayout(axis: ReduceAxis): PartialLayout {
  return axis === 0 ? 0 : 1;
}

/** [rows, cols] of a partial with `lanes` lanes and `fields` fields per lane. */
export function partialShape(layout: PartialLayout, lanes: number, fields: number): [number, number] {
  return layout === 0 ? [fields, lanes] : [lanes, fields];
}

/** Where a partial keeps lane `l`, field `f`: `data[l * laneStep + f * fieldStep]`. */
export interface PartialIndex {
  lanes: number;
  fields: number;
  laneStep: number;
  fieldStep: number;
}

export function indexOf(layout: PartialLayout, lanes: number, fields: number): PartialIndex {
  return layout === 0
    ? { lanes, fields, laneStep: 1, fieldStep: lanes }
    : { lanes, fields, laneStep: fields, fieldStep: 1 };
}

/** The index of an existing partial. */
export function partialIndex(p: Matrix, layout: PartialLayout): PartialIndex {
  return layout === 0 ? indexOf(0, p.cols, p.rows) : indexOf(1, p.rows, p.cols);
}

/** A zero-filled partial. */
export function newPartial(layout: PartialLayout, lanes: number, fields: number): Matrix {
  const [rows, cols] = partialShape(layout, lanes, fields);
  return Matrix.zeros(rows, cols);
}

/** The final result of `lanes` lanes (1 x lanes for layout 0, lanes x 1 for 1): either way `data[l]` is lane l. */
export function newResult(layout: PartialLayout, lanes: number): Matrix {
  return newPartial(layout, lanes, 1);
}

/**
 * The block as a chunk kernel reduces it: `along` 0 reduces down the columns of `m`, `along` 1 along its
 * rows. For "all" `m` is a 1 x rows*cols view of the same memory (no copy).
 */
export function chunkView(block: Matrix, axis: ReduceAxis): { m: Matrix; along: 0 | 1 } {
  if (axis === "all") return { m: new Matrix(1, block.rows * block.cols, block.data), along: 1 };
  return { m: block, along: axis };
}
