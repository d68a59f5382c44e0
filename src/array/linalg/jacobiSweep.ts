/**
 * One sweep of the one-sided block Jacobi SVD over a block grid (dislib's `svd`): every pair of column
 * blocks is rotated once, in round-robin order so that the pairs of a round touch disjoint blocks and run
 * side by side. The working blocks are plain futures, held while they are the current ones and dropped when
 * a rotation replaces them, so each sweep's blocks go back to the pool.
 */
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { reductionTree, SPLIT_EVERY_DEFAULT } from "../reduction.ts";

/** The working state: A's blocks (rows x column blocks) and, when U and V are wanted, V's. */
export interface JacobiState {
  a: BlockRef[][];
  v: BlockRef[][] | undefined;
  colChunks: readonly number[];
  rowChunks: readonly number[];
}

/**
 * The pairs of each round of a round-robin tournament over `count` column blocks: every pair once per
 * sweep, the pairs of a round disjoint. One block alone is a "pair" of one (it is rotated by itself).
 *
 * @example
 * ```ts
 * roundRobin(4); // [[[0,3],[1,2]], [[0,2],[1,3]], [[0,1],[2,3]]]
 * ```
 */
export function roundRobin(count: number): number[][][] {
  if (count === 1) return [[[0]]];
  const players = Array.from({ length: count + (count % 2) }, (_, i) => i);
  const rounds: number[][][] = [];
  for (let r = 0; r < players.length - 1; r++) {
    const round: number[][] = [];
    for (let p = 0; p < players.length / 2; p++) {
      const i = players[p];
      const j = players[players.length - 1 - p];
      if (i < count && j < count) round.push([Math.min(i, j), Math.max(i, j)]);
    }
    rounds.push(round);
    // Keep the first player, rotate the others.
    players.splice(1, 0, players.pop() as number);
  }
  return rounds;
}

function replace(grid: BlockRef[][], i: number, cols: readonly number[], fresh: readonly BlockRef[]): void {
  cols.forEach((c, k) => {
    fresh[k].hold();
    grid[i][c].drop();
    grid[i][c] = fresh[k];
  });
}

/** Rotates the row blocks `grid[i][pair]` by `j`, for every row block i. */
function rotateRows(op: string, grid: BlockRef[][], pair: readonly number[], j: BlockRef): void {
  grid.forEach((row, i) => {
    const outputs = pair.map((c) => [row[c].rows, row[c].cols] as const);
    const fresh = engine().submit({
      op,
      kernel: "linalg.jacobi.rotate",
      attrs: {},
      inputs: [...pair.map((c) => row[c]), j],
      outputs,
      blockIndex: [i, pair[0]],
    });
    replace(grid, i, pair, fresh);
  });
}

/** Submits one sweep (columns of squared norm <= floor count as zero); returns the 1 x 1 futures of each pair's largest cosine before its rotation. */
export function jacobiSweep(op: string, state: JacobiState, tol: number, floor: number): BlockRef[] {
  const eng = engine();
  const flags: BlockRef[] = [];
  for (const round of roundRobin(state.colChunks.length)) {
    for (const pair of round) {
      const width = pair.reduce((s, c) => s + state.colChunks[c], 0);
      let level = state.a.map((row, i) => {
        const [g] = eng.submit({
          op,
          kernel: "linalg.jacobi.gram",
          attrs: {},
          inputs: pair.map((c) => row[c]),
          outputs: [[width, width]],
          blockIndex: [i, pair[0]],
        });
        return g;
      });
      // The tree's last level is left to the rotation task, which sums the partial Gram matrices itself.
      for (const groups of reductionTree(level.length, SPLIT_EVERY_DEFAULT).slice(0, -1)) {
        const previous = level;
        level = groups.map(([start, end]) =>
          end - start === 1
            ? previous[start]
            : eng.submit({
                op,
                kernel: "block.addAll",
                attrs: {},
                inputs: previous.slice(start, end),
                outputs: [[width, width]],
              })[0],
        );
      }
      const [j, flag] = eng.submit({
        op,
        kernel: "linalg.jacobi.rotation",
        attrs: { tol, floor },
        inputs: level,
        outputs: [
          [width, width],
          [1, 1],
        ],
      });
      flags.push(flag);
      rotateRows(op, state.a, pair, j);
      if (state.v !== undefined) rotateRows(op, state.v, pair, j);
    }
  }
  return flags;
}
