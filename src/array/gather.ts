/**
 * Gathering an array's blocks into one dense matrix, on the workers: the destination comes from the block
 * pool and each gather task copies a share of the blocks into it, so both cores copy at once.
 */
import { copyRect } from "../core/kernels/block/copy.ts";
import { CsrMatrix } from "../core/csrMatrix.ts";
import type { Matrix } from "../core/matrix.ts";
import { BlockRef, waitAll } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { offsetsOf, type BlockGrid } from "./blockGrid.ts";

/** Below this many bytes the main thread copies alone: a task round trip would cost more than the copy. */
const ON_WORKERS_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The computed blocks `refs` (row-major over the grid) as one new rows x cols matrix, which the caller owns.
 *
 * @example
 * ```ts
 * const m = await gather(x.grid, x.blocks().flat()); // what x.collect() returns
 * ```
 */
export async function gather(grid: BlockGrid, refs: readonly BlockRef[]): Promise<Matrix> {
  const [rows, cols] = grid.shape;
  const rowOffsets = offsetsOf(grid.rowChunks);
  const colOffsets = offsetsOf(grid.colChunks);
  const gridCols = grid.colChunks.length;
  const placeOf = (k: number): [number, number] => [
    rowOffsets[Math.floor(k / gridCols)],
    colOffsets[k % gridCols],
  ];
  const eng = engine();
  const dest = eng.pool.acquire(rows, cols).matrix;
  const bytes = rows * cols * 8;
  if (bytes < ON_WORKERS_MIN_BYTES || eng.executor.workers < 2 || refs.length < 2) {
    refs.forEach((ref, k) => {
      const b = ref.value as Matrix;
      const [r, c] = placeOf(k);
      copyRect(b.data, 0, b.cols, dest.data, r * cols + c, cols, b.rows, b.cols);
    });
    return dest;
  }
  // About four tasks per worker, of consecutive blocks with similar byte counts.
  const target = Math.max(ON_WORKERS_MIN_BYTES, bytes / (4 * eng.executor.workers));
  const destRef = BlockRef.of(dest);
  const done: BlockRef[] = [];
  let group: number[] = [];
  let groupBytes = 0;
  const flush = (): void => {
    if (group.length === 0) return;
    const [ref] = eng.submit({
      op: "collect",
      kernel: "block.gather",
      attrs: { places: group.flatMap(placeOf) },
      inputs: [destRef, ...group.map((k) => refs[k])],
      outputs: [[0, 0]],
    });
    done.push(ref);
    group = [];
    groupBytes = 0;
  };
  refs.forEach((ref, k) => {
    group.push(k);
    groupBytes += ref.bytes;
    if (groupBytes >= target) flush();
  });
  flush();
  await waitAll(done);
  return dest;
}

/**
 * The computed sparse blocks `refs` (row-major over the grid) as one new CSR matrix. Row by row of the
 * result, the blocks of a row strip are visited left to right, so columns come out sorted.
 *
 * @example
 * ```ts
 * const s = gatherSparse(x.grid, x.blocks().flat()); // what a sparse x.collect() returns
 * ```
 */
export function gatherSparse(grid: BlockGrid, refs: readonly BlockRef[]): CsrMatrix {
  const [rows, cols] = grid.shape;
  const gridCols = grid.colChunks.length;
  const colOffsets = offsetsOf(grid.colChunks);
  const blocks = refs.map((r) => r.value as CsrMatrix);
  const nnz = blocks.reduce((a, b) => a + b.nnz, 0);
  const out = CsrMatrix.allocate(rows, cols, nnz);
  let at = 0;
  let row = 0;
  for (let bi = 0; bi < grid.rowChunks.length; bi++) {
    const strip = blocks.slice(bi * gridCols, (bi + 1) * gridCols);
    for (let i = 0; i < grid.rowChunks[bi]; i++, row++) {
      strip.forEach((b, bj) => {
        for (let k = b.indptr[i]; k < b.indptr[i + 1]; k++) {
          out.indices[at] = b.indices[k] + colOffsets[bj];
          out.data[at++] = b.data[k];
        }
      });
      out.indptr[row + 1] = at;
    }
  }
  return out;
}
