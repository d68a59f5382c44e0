import { ArgumentError } from "../../core/errors.ts";
import { Matrix } from "../../core/matrix.ts";
import { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";

/**
 * One chunk of the result along an axis: kron of a's indices aStart .. aStart + aCount - 1 (local to a's
 * block `aBlock`) with b's chunks bFirst .. bFirst + bCount - 1 along that axis. Either aCount is 1 or the
 * b chunks are all of b; in both cases the chunk is contiguous in the result.
 */
interface KronChunk {
  aBlock: number;
  aStart: number;
  aCount: number;
  bFirst: number;
  bCount: number;
  length: number;
}

/**
 * The result's chunks along one axis, aiming at `target` elements per chunk. When b is no longer than the
 * target, a chunk is a run of whole copies of b (runs of about target / p of a's indices, never across one
 * of a's blocks); otherwise a chunk is one of b's chunks scaled by one element of a.
 */
function kronChunks(aChunks: readonly number[], bChunks: readonly number[], target: number): KronChunk[] {
  const p = bChunks.reduce((s, c) => s + c, 0);
  const out: KronChunk[] = [];
  aChunks.forEach((c, aBlock) => {
    if (p <= target) {
      const per = Math.max(1, Math.floor(target / p));
      const runs = Math.ceil(c / per);
      // Balanced runs: sizes differ by at most one.
      const base = Math.floor(c / runs);
      const extra = c % runs;
      let aStart = 0;
      for (let r = 0; r < runs; r++) {
        const aCount = base + (r < extra ? 1 : 0);
        out.push({ aBlock, aStart, aCount, bFirst: 0, bCount: bChunks.length, length: aCount * p });
        aStart += aCount;
      }
    } else {
      for (let aStart = 0; aStart < c; aStart++) {
        bChunks.forEach((length, bFirst) =>
          out.push({ aBlock, aStart, aCount: 1, bFirst, bCount: 1, length }),
        );
      }
    }
  });
  return out;
}

/**
 * The Kronecker product of `a` (n x m) and `b` (p x q), as NumPy's `kron`: an (n·p) x (m·q) array whose
 * (i·p + r, j·q + s) element is a[i, j] · b[r, s].
 *
 * Blocking, per axis, aiming at the larger of a's and b's block sizes along that axis (the target):
 * - when b's length along the axis is at most the target, a result chunk is kron of a run of a's indices
 *   (within one of a's blocks) with the whole of b: a block of a's grid, cut into runs of about
 *   target / p indices, times b (so for a small b the result follows a's grid, scaled by b's shape);
 * - otherwise a result chunk is one of b's chunks times a single element of a (for a large b the result
 *   repeats b's grid once per element of a, as dislib's kron does).
 * One task per result block reads the one block of a it needs and the blocks of b it needs (all of b when
 * b is small: b is then read whole by every task, which is cheap because it is small).
 *
 * NaN and infinities propagate as in NumPy (0 · Infinity is NaN). An empty operand gives an empty result.
 *
 * @example
 * ```ts
 * const a = ds.array([[1, 2]], { blockSize: [1, 1] });
 * const b = ds.array([[1], [10]], { blockSize: [2, 1] });
 * await ds.kron(a, b).toArray(); // [[1, 2], [10, 20]]
 * ```
 * @see src/array/ops/kron.ts
 */
export function kron(a: DsArray, b: DsArray): DsArray {
  const op = "ds.kron";
  if (!(a instanceof DsArray)) throw new ArgumentError(`${op}: a must be a DsArray but was ${typeof a}`);
  if (!(b instanceof DsArray)) throw new ArgumentError(`${op}: b must be a DsArray but was ${typeof b}`);
  const rows = a.shape[0] * b.shape[0];
  const cols = a.shape[1] * b.shape[1];
  if (rows === 0 || cols === 0) {
    return DsArray.fromBlocks(gridOfChunks([rows], [cols]), [[BlockRef.of(Matrix.zeros(rows, cols))]]);
  }
  const rowPlan = kronChunks(a.grid.rowChunks, b.grid.rowChunks, Math.max(a.blockSize[0], b.blockSize[0]));
  const colPlan = kronChunks(a.grid.colChunks, b.grid.colChunks, Math.max(a.blockSize[1], b.blockSize[1]));
  const aBlocks = a.blocks();
  const bBlocks = b.blocks();
  const refs = rowPlan.map((r, i) =>
    colPlan.map((c, j) => {
      const bInputs: BlockRef[] = [];
      for (let k = r.bFirst; k < r.bFirst + r.bCount; k++) {
        for (let l = c.bFirst; l < c.bFirst + c.bCount; l++) bInputs.push(bBlocks[k][l]);
      }
      return engine().submit({
        op,
        kernel: "structure.kron",
        attrs: {
          aRow: r.aStart,
          aRows: r.aCount,
          aCol: c.aStart,
          aCols: c.aCount,
          bGridRows: r.bCount,
          bGridCols: c.bCount,
        },
        inputs: [aBlocks[r.aBlock][c.aBlock], ...bInputs],
        outputs: [[r.length, c.length]],
        blockIndex: [i, j],
      })[0];
    }),
  );
  return DsArray.fromBlocks(
    gridOfChunks(
      rowPlan.map((r) => r.length),
      colPlan.map((c) => c.length),
    ),
    refs,
  );
}
