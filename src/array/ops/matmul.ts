import type { Block } from "../../core/block.ts";
import type { CsrMatrix } from "../../core/csrMatrix.ts";
import { ArgumentError, ShapeError } from "../../core/errors.ts";
import { booleanOption, readOptions } from "../../core/options.ts";
import type { BlockRef } from "../../runtime/blockRef.ts";
import { engine } from "../../runtime/runtime.ts";
import { gridOfChunks, sameChunks } from "../blockGrid.ts";
import { DsArray } from "../dsArray.ts";
import { rechunkTo } from "../rechunk.ts";
import { dense, transposeSparse } from "./sparse.ts";

/** Options of `ds.matmul`: multiply by the transpose of an operand without building the transpose. */
export interface MatmulOptions {
  /** Use aᵀ instead of a. Default false. */
  transposeA?: boolean;
  /** Use bᵀ instead of b. Default false. */
  transposeB?: boolean;
}

/** How the operation and its operands are named in error messages (`ds.matmul(a, b)` or `x.matmul(y)`). */
interface Names {
  op: string;
  a: string;
  b: string;
}

function checkOperands(names: Names, a: unknown, b: unknown, options: unknown): [boolean, boolean] {
  for (const [name, v] of [
    [names.a, a],
    [names.b, b],
  ] as const) {
    if (!(v instanceof DsArray))
      throw new ArgumentError(`${names.op}: ${name} must be a DsArray but was ${typeof v}`);
  }
  const o = readOptions(names.op, options, ["transposeA", "transposeB"]);
  return [booleanOption(names.op, o, "transposeA", false), booleanOption(names.op, o, "transposeB", false)];
}

/**
 * The blocked product op(a) · op(b). Output block (i, j) is Σₖ op(a)[i, k] · op(b)[k, j], computed by one
 * `matmul.accumulate` task per output block that reads the pairs (a₀, b₀, a₁, b₁, ...) and accumulates
 * them into one result with the BLAS backend, so no partial product is stored. When there are fewer output
 * blocks than twice the workers (the Gram matrix of a tall array), the sum over k is cut into parts, one
 * task each, added by one `block.addAll` task (see `innerParts`). A transposed operand is
 * never materialised: block (k, i) of a is passed with the transpose flag instead of block (i, k) of aᵀ.
 *
 * Sparse operands (CSR blocks) multiply by their stored entries into dense output blocks, as scipy's sparse x
 * dense product does.
 *
 * Blocking: the result has op(a)'s row chunks and op(b)'s column chunks. When the chunks of the inner
 * dimension differ, the smaller operand is rechunked along it to match the larger (never rejected).
 *
 * Throws `ShapeError` when the inner dimensions differ, e.g.
 * `ds.matmul: a has 3 columns but b has 4 rows (a.shape=[2,3], b.shape=[4,5])` (with `a.T` / `b.T` and
 * `transposeA=true` / `transposeB=true` when set). NaN and infinities propagate
 * as in BLAS; an inner dimension of 0 gives zeros; an empty outer dimension gives an empty result.
 *
 * @example
 * ```ts
 * const a = ds.array([[1, 2], [3, 4]], { blockSize: [1, 2] });
 * const b = ds.array([[5], [6]], { blockSize: [1, 1] });
 * await ds.matmul(a, b).toArray();                       // [[17], [39]]
 * await ds.matmul(a, a, { transposeA: true }).toArray(); // aᵀa = [[10, 14], [14, 20]]
 * ```
 * @see src/array/ops/matmul.ts
 */
export function matmul(a: DsArray, b: DsArray<Block>, options?: MatmulOptions, names?: Names): DsArray;
export function matmul(a: DsArray<Block>, b: DsArray, options?: MatmulOptions, names?: Names): DsArray;
export function matmul(
  a: DsArray<CsrMatrix>,
  b: DsArray<CsrMatrix>,
  options?: MatmulOptions,
  names?: Names,
): DsArray<CsrMatrix>;
export function matmul(
  a: DsArray<Block>,
  b: DsArray<Block>,
  options?: MatmulOptions,
  names?: Names,
): DsArray<Block>;
export function matmul(
  a: DsArray<Block>,
  b: DsArray<Block>,
  options: MatmulOptions = {},
  names: Names = { op: "ds.matmul", a: "a", b: "b" },
): DsArray<Block> {
  const [transA, transB] = checkOperands(names, a, b, options);
  const innerA = transA ? a.shape[0] : a.shape[1];
  const innerB = transB ? b.shape[1] : b.shape[0];
  if (innerA !== innerB) {
    const flags = [transA ? "transposeA=true" : "", transB ? "transposeB=true" : ""].filter((s) => s !== "");
    throw new ShapeError(
      `${names.op}: ${names.a}${transA ? ".T" : ""} has ${innerA} columns but ${names.b}${transB ? ".T" : ""} has ${innerB} rows (${names.a}.shape=[${a.shape.join(",")}], ${names.b}.shape=[${b.shape.join(",")}]${flags.map((f) => `, ${f}`).join("")})`,
    );
  }
  if (a.sparse && b.sparse)
    return sparseProduct(a as DsArray<CsrMatrix>, b as DsArray<CsrMatrix>, transA, transB, names.op);
  // Align the inner dimension's chunks: rechunk the smaller operand to the larger one's.
  const innerChunksA = transA ? a.grid.rowChunks : a.grid.colChunks;
  const innerChunksB = transB ? b.grid.colChunks : b.grid.rowChunks;
  let left: DsArray<Block> = a;
  let right: DsArray<Block> = b;
  if (!sameChunks(innerChunksA, innerChunksB)) {
    // Rechunking copies dense blocks: sparse operands are made dense first.
    const da = dense(a);
    const db = dense(b);
    left = da;
    right = db;
    if (a.shape[0] * a.shape[1] < b.shape[0] * b.shape[1]) {
      left = transA
        ? rechunkTo(da, innerChunksB, a.grid.colChunks, names.op)
        : rechunkTo(da, a.grid.rowChunks, innerChunksB, names.op);
    } else {
      right = transB
        ? rechunkTo(db, b.grid.rowChunks, innerChunksA, names.op)
        : rechunkTo(db, innerChunksA, b.grid.colChunks, names.op);
    }
  }
  const rowChunks = transA ? left.grid.colChunks : left.grid.rowChunks;
  const colChunks = transB ? right.grid.rowChunks : right.grid.colChunks;
  const inner = (transA ? left.grid.rowChunks : left.grid.colChunks).length;
  const aBlocks = left.blocks();
  const bBlocks = right.blocks();
  const parts = innerParts(rowChunks.length * colChunks.length, inner, engine().executor.workers);
  const refs: BlockRef[][] = rowChunks.map((rows, i) =>
    colChunks.map((cols, j) => {
      const partial = (start: number, end: number): BlockRef => {
        const inputs: BlockRef[] = [];
        for (let k = start; k < end; k++) {
          inputs.push(transA ? aBlocks[k][i] : aBlocks[i][k], transB ? bBlocks[j][k] : bBlocks[k][j]);
        }
        return engine().submit({
          op: names.op,
          kernel: "matmul.accumulate",
          attrs: { transA, transB, rows, cols },
          inputs,
          outputs: [[rows, cols]],
          blockIndex: [i, j],
        })[0];
      };
      if (parts === 1) return partial(0, inner);
      const products = [];
      for (let p = 0; p < parts; p++) {
        products.push(partial(Math.floor((p * inner) / parts), Math.floor(((p + 1) * inner) / parts)));
      }
      return engine().submit({
        op: names.op,
        kernel: "block.addAll",
        attrs: {},
        inputs: products,
        outputs: [[rows, cols]],
        blockIndex: [i, j],
      })[0];
    }),
  );
  return DsArray.fromBlocks(gridOfChunks(rowChunks, colChunks), refs);
}

/**
 * Sparse times sparse, sparse: transposed operands are transposed (sparse) first, the right one's inner
 * chunks are aligned to the left one's, and each output block is one `sparse.spgemm` over its pairs.
 */
function sparseProduct(
  a: DsArray<CsrMatrix>,
  b: DsArray<CsrMatrix>,
  transA: boolean,
  transB: boolean,
  op: string,
): DsArray<CsrMatrix> {
  const left = transA ? transposeSparse(a) : a;
  const right = rechunkTo(
    transB ? transposeSparse(b) : b,
    left.grid.colChunks,
    transB ? b.grid.rowChunks : b.grid.colChunks,
    op,
  );
  const lb = left.blocks();
  const rb = right.blocks();
  const inner = left.grid.colChunks.length;
  const { rowChunks } = left.grid;
  const { colChunks } = right.grid;
  const refs = rowChunks.map((rows, i) =>
    colChunks.map((cols, j) => {
      const inputs: BlockRef[] = [];
      for (let k = 0; k < inner; k++) inputs.push(lb[i][k], rb[k][j]);
      return engine().submit({
        op,
        kernel: "sparse.spgemm",
        attrs: { rows, cols },
        inputs,
        outputs: [[rows, cols]],
        blockIndex: [i, j],
      })[0];
    }),
  );
  return DsArray.fromSparseBlocks(gridOfChunks(rowChunks, colChunks), refs);
}

/**
 * Into how many parts each output block's inner sum is split. With fewer output blocks than twice the
 * workers (a Gram matrix XᵀX of a tall X is one block), one task per output block would leave workers
 * idle, so the inner dimension is cut until every worker has a share; one more task adds the parts.
 *
 * @example
 * ```ts
 * innerParts(1, 20, 2);  // 4: XᵀX over 20 row blocks on 2 workers
 * innerParts(16, 4, 2);  // 1: enough output blocks already
 * ```
 */
export function innerParts(outputBlocks: number, innerBlocks: number, workers: number): number {
  const wanted = 2 * workers;
  if (outputBlocks >= wanted || innerBlocks < 2) return 1;
  return Math.min(innerBlocks, Math.ceil(wanted / outputBlocks));
}
