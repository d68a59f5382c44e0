/**
 * LogisticRegression's tasks over a DsArray (dense or sparse blocks): one task per row strip (the coefficients split by x's
 * column blocks, as small blocks made on the main thread, the strip, and y's strip), and a tree of
 * `block.addAll` tasks that sums the strips' losses, gradients and Hessians (reductionTree's grouping).
 */
import type { Block } from "../../core/block.ts";
import { Matrix } from "../../core/matrix.ts";
import { gridOfChunks, offsetsOf } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { foldTree } from "../../array/reduction.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";

/** The coefficients (k x m) split by `x`'s column blocks, each a computed block. */
function coefParts(coef: Matrix, x: DsArray<Block>): BlockRef[] {
  const k = coef.rows;
  const m = coef.cols;
  const colOffsets = offsetsOf(x.grid.colChunks);
  return x.grid.colChunks.map((cols, j) => {
    const part = Matrix.zeros(k, cols);
    for (let c = 0; c < k; c++) {
      const start = c * m + colOffsets[j];
      part.data.set(coef.data.subarray(start, start + cols), c * cols);
    }
    return BlockRef.of(part);
  });
}

/** What one pass needs besides the data: the point, the labels' classes and weights. */
export interface PassSpec {
  /** k x m coefficients (k = 1 for two classes). */
  coef: Matrix;
  intercept: number[];
  classes: number[];
  classWeight: number[];
  hessian: boolean;
}

/**
 * Loss, gradient and (with `hessian`) Hessian summed over all rows, as the kernel packs them: row 0 is
 * [loss, gradient], rows 1.. the Hessian from column 1. `y` is n x 1, blocked by rows as `x`.
 */
export async function lossPass(op: string, x: DsArray<Block>, y: DsArray, spec: PassSpec): Promise<Matrix> {
  const parts = coefParts(spec.coef, x);
  const eng = engine();
  const dim = spec.coef.rows * (spec.coef.cols + 1);
  const shape: [number, number] = [spec.hessian ? dim + 1 : 1, dim + 1];
  const yBlocks = y.blocks();
  const partials = x.blocks().map((strip, i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.logistic.lossGrad",
      attrs: {
        parts: parts.length,
        classes: spec.classes,
        classWeight: spec.classWeight,
        intercept: spec.intercept,
        hessian: spec.hessian,
      },
      inputs: [...parts, ...strip, yBlocks[i][0]],
      outputs: [shape],
      blockIndex: [i, 0],
    });
    return ref;
  });
  const total = foldTree(
    partials,
    (group) => eng.submit({ op, kernel: "block.addAll", attrs: {}, inputs: group, outputs: [shape] })[0],
  );
  return (await total.ready) as Matrix;
}

/** Which per-row result `predictOf` makes. */
export type PredictOutput = "decision" | "proba" | "logProba" | "label";

/**
 * A per-row result from the scores x·coefᵀ + intercept, an n x width DsArray blocked like `x`'s rows: the
 * scores (k columns), the probabilities or their logs (one column per class) or the label (one column).
 */
export function predictOf(
  op: string,
  x: DsArray<Block>,
  coef: Matrix,
  intercept: number[],
  classes: number[],
  output: PredictOutput,
): DsArray {
  const parts = coefParts(coef, x);
  const eng = engine();
  const width = output === "decision" ? coef.rows : output === "label" ? 1 : classes.length;
  const refs = x.blocks().map((strip, i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.logistic.predict",
      attrs: { parts: parts.length, intercept, classes, output },
      inputs: [...parts, ...strip],
      outputs: [[x.grid.rowChunks[i], width]],
      blockIndex: [i, 0],
    });
    return [ref];
  });
  return DsArray.fromBlocks(gridOfChunks(x.grid.rowChunks, [width]), refs);
}

/** Most distinct labels a strip reports; a strip with more is counted on the calling thread instead. */
const MOST_CLASSES_PER_STRIP = 1024;

/** The distinct labels of y (n x 1) ascending, how often each occurs, and how many are not finite. */
export async function labelCounts(
  op: string,
  y: DsArray,
): Promise<{ classes: number[]; counts: number[]; nonFinite: number }> {
  const eng = engine();
  const width = MOST_CLASSES_PER_STRIP + 1;
  const strips = y.blocks();
  const refs = strips.map((strip, i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.logistic.classes",
      attrs: { most: MOST_CLASSES_PER_STRIP },
      inputs: [strip[0]],
      outputs: [[2, width]],
      blockIndex: [i, 0],
    });
    return ref;
  });
  const counts = new Map<number, number>();
  let nonFinite = 0;
  for (const [i, ref] of refs.entries()) {
    const r = ((await ref.ready) as Matrix).data;
    nonFinite += r[width];
    if (r[0] < 0) {
      for (const v of ((await strips[i][0].ready) as Matrix).data) {
        if (Number.isFinite(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      continue;
    }
    for (let q = 0; q < r[0]; q++) counts.set(r[1 + q], (counts.get(r[1 + q]) ?? 0) + r[width + 1 + q]);
  }
  const classes = [...counts.keys()].sort((a, b) => a - b);
  return { classes, counts: classes.map((c) => counts.get(c) ?? 0), nonFinite };
}
