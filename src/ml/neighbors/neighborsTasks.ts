/**
 * Nearest neighbours' tasks: per (query row strip, fitted row strip) one `ml.neighbors.partial` task (the
 * k nearest of that fitted strip, from one gemm per column block), then per query strip a tree of
 * `ml.neighbors.merge` tasks (at most SPLIT_EVERY_DEFAULT partials each), whose last one takes the square
 * roots and splits distances from indices. The vote of a classifier is one task per query strip.
 */
import { ArgumentError } from "../../core/errors.ts";
import type { Matrix } from "../../core/matrix.ts";
import { gridOfChunks, offsetsOf } from "../../array/blockGrid.ts";
import { DsArray } from "../../array/dsArray.ts";
import { SPLIT_EVERY_DEFAULT } from "../../array/reduction.ts";
import { rechunkTo } from "../../array/rechunk.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";

/** The k nearest fitted rows of every query row: distances and global indices, both n_q x k DsArrays. */
export interface Neighbors {
  distances: DsArray;
  indices: DsArray;
}

/**
 * The k nearest rows of `fitted` for every row of `query` (`query` undefined: the fitted rows themselves,
 * each excluding itself). Both dense with the same number of columns.
 */
export function kNearest(op: string, fitted: DsArray, query: DsArray | undefined, k: number): Neighbors {
  const excludeSelf = query === undefined;
  const q = rechunkTo(query ?? fitted, (query ?? fitted).grid.rowChunks, fitted.grid.colChunks, op);
  const eng = engine();
  const parts = fitted.grid.colChunks.length;
  const rowOffsets = offsetsOf(fitted.grid.rowChunks);
  const queryOffsets = offsetsOf(q.grid.rowChunks);
  const fittedStrips = fitted.blocks();
  const distances: BlockRef[][] = [];
  const indices: BlockRef[][] = [];
  q.blocks().forEach((strip, i) => {
    const rows = q.grid.rowChunks[i];
    let level: BlockRef[] = fittedStrips.map((fittedStrip, j) => {
      const [ref] = eng.submit({
        op,
        kernel: "ml.neighbors.partial",
        attrs: { parts, k, rowOffset: rowOffsets[j], queryOffset: queryOffsets[i], excludeSelf },
        inputs: [...strip, ...fittedStrip],
        outputs: [[rows, 2 * k]],
        blockIndex: [i, j],
      });
      return ref;
    });
    while (level.length > SPLIT_EVERY_DEFAULT) {
      const next: BlockRef[] = [];
      for (let start = 0; start < level.length; start += SPLIT_EVERY_DEFAULT) {
        const group = level.slice(start, start + SPLIT_EVERY_DEFAULT);
        if (group.length === 1) {
          next.push(group[0]);
          continue;
        }
        const [ref] = eng.submit({
          op,
          kernel: "ml.neighbors.merge",
          attrs: { k, finish: false },
          inputs: group,
          outputs: [[rows, 2 * k]],
        });
        next.push(ref);
      }
      level = next;
    }
    const [d, ix] = eng.submit({
      op,
      kernel: "ml.neighbors.merge",
      attrs: { k, finish: true },
      inputs: level,
      outputs: [
        [rows, k],
        [rows, k],
      ],
      blockIndex: [i, 0],
    });
    distances.push([d]);
    indices.push([ix]);
  });
  const grid = gridOfChunks(q.grid.rowChunks, [k]);
  return { distances: DsArray.fromBlocks(grid, distances), indices: DsArray.fromBlocks(grid, indices) };
}

/**
 * The neighbours' vote per query row: class probabilities (n_q x classes) or the label (n_q x 1). `codes`
 * is the class number (position in `classes`) of every fitted row, n x 1.
 */
export function voteOf(
  op: string,
  neighbors: Neighbors,
  codes: BlockRef,
  classes: number[],
  weights: "uniform" | "distance",
  output: "proba" | "label",
): DsArray {
  const eng = engine();
  const width = output === "proba" ? classes.length : 1;
  const dBlocks = neighbors.distances.blocks();
  const iBlocks = neighbors.indices.blocks();
  const rowChunks = neighbors.distances.grid.rowChunks;
  const refs = dBlocks.map(([d], i) => {
    const [ref] = eng.submit({
      op,
      kernel: "ml.neighbors.vote",
      attrs: { classes, weights, output },
      inputs: [d, iBlocks[i][0], codes],
      outputs: [[rowChunks[i], width]],
      blockIndex: [i, 0],
    });
    return [ref];
  });
  return DsArray.fromBlocks(gridOfChunks(rowChunks, [width]), refs);
}

/** The fitted rows as one row-major array, read from computed blocks (`persist()`ed at fit). */
export function rowsOf(x: DsArray, what: string): number[][] {
  const [n, m] = x.shape;
  const out = Array.from({ length: n }, () => new Array<number>(m));
  const rowOffsets = offsetsOf(x.grid.rowChunks);
  const colOffsets = offsetsOf(x.grid.colChunks);
  x.blocks().forEach((strip, i) =>
    strip.forEach((ref, j) => {
      const b = ref.value as Matrix | undefined;
      if (b === undefined)
        throw new ArgumentError(`${what}: the fitted rows are not available (was x disposed?)`);
      for (let r = 0; r < b.rows; r++) {
        for (let c = 0; c < b.cols; c++) out[rowOffsets[i] + r][colOffsets[j] + c] = b.data[r * b.cols + c];
      }
    }),
  );
  return out;
}
