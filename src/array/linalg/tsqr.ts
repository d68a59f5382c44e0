import type { Block } from "../../core/block.ts";
import { ArgumentError } from "../../core/errors.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import { foldTree } from "../reduction.ts";
import { describeValue, readOptions } from "../../core/options.ts";
import { matrixArgument } from "./checks.ts";

/** Options of `ds.tsqr`. */
export interface TsqrOptions {
  /** "reduced" (default): Q and R; "r": R only (no Q is formed, as numpy's `mode="r"`). */
  mode?: "reduced" | "r";
}

/** A node of the QR tree: its R factor, and its Q factor relative to its children's stacked R factors. */
interface TreeNode {
  q: BlockRef;
  r: BlockRef;
  /** Rows of r (= columns of q). */
  k: number;
  children: { node: TreeNode; offset: number }[];
}

/**
 * Tall-skinny QR, `a = Q R` (numpy.linalg.qr's reduced mode): a QR of every row block, then a tree of QRs of
 * the stacked R factors (at most 4 per task, the reductions' fan-in), then Q formed by carrying the tree's
 * Q factors back down (one gemm per node). With k = min(m, n): Q is m x k with orthonormal columns, blocked
 * like a's rows in one column block; R is k x n upper triangular (trapezoidal when m < n) as a one-block
 * DsArray. R's diagonal is non-negative, so for a full-rank a both factors are unique: numpy's factors agree
 * after negating the columns of Q and rows of R where numpy's R has a negative diagonal.
 *
 * Every row block of a must hold all columns: an array with several column blocks is first rechunked into
 * one (a copy; for a wide array prefer `ds.qr`). Sparse input is made dense. NaN or infinities in a make the
 * QR tasks fail (the error names `ds.tsqr` and LAPACK's complaint) when the result is awaited.
 *
 * Accuracy: Householder QR per node, so ‖QR - a‖ and ‖QᵀQ - I‖ are a small multiple of eps (about 1e-15
 * relative) whatever a's condition number.
 *
 * @example
 * ```ts
 * const a = ds.array([[3, 1], [4, 2], [0, 1]], { blockSize: [2, 2] });
 * const { q, r } = ds.tsqr(a);
 * await r.toArray(); // [[5, 2.2], [0, 1.077...]] (diagonal non-negative)
 * q.shape; // [3, 2]
 * ```
 * @see src/array/linalg/tsqr.ts
 */
export function tsqr(a: DsArray<Block>, options: { mode: "r" }): { r: DsArray };
export function tsqr(a: DsArray<Block>, options?: { mode?: "reduced" }): { q: DsArray; r: DsArray };
export function tsqr(a: DsArray<Block>, options?: TsqrOptions): { q?: DsArray; r: DsArray };
export function tsqr(a: DsArray<Block>, options: TsqrOptions = {}): { q?: DsArray; r: DsArray } {
  const op = "ds.tsqr";
  const values = readOptions(op, options, ["mode"]);
  const mode = values.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "r") {
    throw new ArgumentError(`${op}: mode must be "reduced" or "r" but was ${describeValue(mode)}`);
  }
  const x = matrixArgument(op, "a", a);
  return tsqrOf(op, x, mode === "reduced");
}

/** The tree QR of a dense non-empty array (shared with ds.qr's panels). */
export function tsqrOf(op: string, a: DsArray, withQ: boolean): { q?: DsArray; r: DsArray } {
  const [, n] = a.shape;
  const x = a.nBlocks[1] === 1 ? a : rechunkTo(a, a.grid.rowChunks, [n], op);
  const eng = engine();
  const localQrs: TreeNode[] = x.blocks().map((row, i) => {
    const rows = x.grid.rowChunks[i];
    const k = Math.min(rows, n);
    const [q, r] = eng.submit({
      op,
      kernel: "linalg.qr.local",
      attrs: {},
      inputs: [row[0]],
      outputs: [
        [rows, k],
        [k, n],
      ],
      blockIndex: [i, 0],
    });
    return { q, r, k, children: [] };
  });
  const root = foldTree(localQrs, (members) => {
    const stacked = members.reduce((s, c) => s + c.k, 0);
    const k = Math.min(stacked, n);
    const [q, r] = eng.submit({
      op,
      kernel: "linalg.qr.stack",
      attrs: {},
      inputs: members.map((c) => c.r),
      outputs: [
        [stacked, k],
        [k, n],
      ],
    });
    let offset = 0;
    const children = members.map((node) => {
      const child = { node, offset };
      offset += node.k;
      return child;
    });
    return { q, r, k, children };
  });
  const r = DsArray.fromBlocks(gridOfChunks([root.k], [n]), [[root.r]]);
  if (!withQ) return { r };
  const leaves: BlockRef[] = [];
  // Q of a node, expressed on its children's stacked rows: q_node · (parent's share for this node).
  const descend = (node: TreeNode, product: BlockRef): void => {
    if (node.children.length === 0) {
      leaves.push(product);
      return;
    }
    for (const { node: child, offset } of node.children) {
      const [share] = eng.submit({
        op,
        kernel: "linalg.qr.apply",
        attrs: { offset },
        inputs: [child.q, product],
        outputs: [[child.q.rows, root.k]],
      });
      descend(child, share);
    }
  };
  if (root.children.length === 0) leaves.push(root.q);
  else descend(root, root.q);
  const q = DsArray.fromBlocks(
    gridOfChunks(x.grid.rowChunks, [root.k]),
    leaves.map((ref) => [ref]),
  );
  return { q, r };
}
