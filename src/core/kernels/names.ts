/**
 * The kernel table: every kernel's name with the type of its attributes, declared once. A task names a
 * kernel and carries attributes of exactly this type; the registry and the executors are generic over it.
 * Inputs and outputs are dense blocks (`Matrix`) unless the kernel is registered as taking sparse blocks
 * (`CsrMatrix`) too (registry.ts), so only attributes vary.
 */
import type { DenseNetworkSpec } from "../model/denseNetworkMath.ts";
import type { ElementwiseProgram } from "./elementwise/program.ts";
import type { NpyLayout, TextDialect } from "./io/attrs.ts";
import type { SparseValueMap } from "./sparse/attrs.ts";
import type {
  ArgKind,
  FoldOp,
  MomentsFinish,
  PartialLayout,
  ReduceAxis,
  SumFinish,
  SumMap,
} from "./reduce/attrs.ts";

/** A rectangle of input `input` at (srcRow, srcCol), copied to (dstRow, dstCol) of the output. */
export interface AssemblePiece {
  input: number;
  srcRow: number;
  srcCol: number;
  dstRow: number;
  dstCol: number;
  rows: number;
  cols: number;
}

export interface KernelTable {
  /** Uniform [0, 1) values from (seed, global index): the same values whatever the blocking. */
  "fill.random": {
    seed: number;
    rowStart: number;
    colStart: number;
    rows: number;
    cols: number;
    totalCols: number;
  };
  "fill.constant": { rows: number; cols: number; value: number };
  /** Ones where global column - global row == diagonal. */
  "fill.eye": { rows: number; cols: number; rowStart: number; colStart: number; diagonal: number };
  /** One fused pass of an elementwise expression over aligned input blocks. */
  "elementwise.fused": { program: ElementwiseProgram; rows: number; cols: number };
  /** Strided sub-block: rows start:stop:step and cols start:stop:step of the one input. */
  "block.slice": {
    rowStart: number;
    rowStop: number;
    rowStep: number;
    colStart: number;
    colStop: number;
    colStep: number;
  };
  /** Copies rectangles of the inputs into one new block of `rows` x `cols` (rechunk, concat). */
  "block.assemble": { rows: number; cols: number; pieces: AssemblePiece[] };
  /**
   * Copies inputs 1.. into input 0 (the destination) at (places[2k], places[2k+1]) for input k + 1; the
   * output is an empty block that says it is done.
   */
  "block.gather": { places: number[] };
  /** Stitches a grid of input blocks (row-major, `gridRows` x `gridCols`) into one block. */
  "block.stitch": { gridRows: number; gridCols: number };
  /** Picks rows (axis 0) or columns (axis 1) by local index from a stack of inputs (`source[k]` = input number). */
  "block.take": { axis: 0 | 1; source: number[]; local: number[] };
  "block.transpose": Record<string, never>;
  /** A (or its blocks) times B, summed over all input pairs: inputs are a0, b0, a1, b1, ... */
  "matmul.accumulate": { transA: boolean; transB: boolean; rows: number; cols: number };
  "block.kron": Record<string, never>;
  /** Elementwise sum of same-shape inputs (a matmul's partial products over parts of the inner dimension). */
  "block.addAll": Record<string, never>;
  /** A copy of the input block with `value` at every (row, col) pair of the local index lists. */
  "block.assign": { rows: number[]; cols: number[]; value: number };
  /** A user function (source text) on every column (axis 0) or row (axis 1) of a strip of blocks; `length` values each. */
  "structure.applyAlongAxis": { source: string; axis: 0 | 1; length: number; lineOffset: number };
  /** A user function (source text) on one block, returning a block of the same shape. */
  "structure.mapBlocks": { source: string };
  /** kron(a sub-block, B) where inputs are [a block, ...a bGridRows x bGridCols grid of b blocks glued into B]. */
  "structure.kron": {
    aRow: number;
    aRows: number;
    aCol: number;
    aCols: number;
    bGridRows: number;
    bGridCols: number;
  };
  // Tree reductions (see reduce/layout.ts): chunk = one block to a partial, combine = partials to one,
  // aggregate = partials to the result. `axis` of combine/aggregate is the partial layout.
  /** Per lane `{count, total of map(v)}`: sum, mean, norm, countNonzero. */
  "reduce.sum.chunk": { axis: ReduceAxis; map: SumMap };
  /**
   * The chunk of a sum over a pending elementwise chain, computed in one pass from the chain's inputs
   * (aligned as in `elementwise.fused`): the chain's values are never stored.
   */
  "reduce.sum.fusedChunk": {
    axis: ReduceAxis;
    map: SumMap;
    program: ElementwiseProgram;
    rows: number;
    cols: number;
  };
  "reduce.sum.combine": { axis: PartialLayout };
  "reduce.sum.aggregate": { axis: PartialLayout; finish: SumFinish };
  /** Per lane min, max or product (one field; the combine kernel also aggregates). */
  "reduce.fold.chunk": { axis: ReduceAxis; fold: FoldOp };
  "reduce.fold.combine": { fold: FoldOp };
  /** Per lane `{value, global index}` of the first extreme (argmin/argmax); offsets locate the block. */
  "reduce.arg.chunk": {
    axis: ReduceAxis;
    kind: ArgKind;
    rowOffset: number;
    colOffset: number;
    totalCols: number;
  };
  "reduce.arg.combine": { axis: PartialLayout; kind: ArgKind };
  "reduce.arg.aggregate": { axis: PartialLayout; kind: ArgKind };
  /** Per lane `{count, mean, M2}` (var, std), merged with Chan's formula. */
  "reduce.moments.chunk": { axis: ReduceAxis };
  "reduce.moments.combine": { axis: PartialLayout };
  "reduce.moments.aggregate": { axis: PartialLayout; ddof: number; finish: MomentsFinish };
  /** Per lane all values, sorted (median): chunk sorts, combine merges, aggregate takes the middle. */
  "reduce.median.chunk": { axis: ReduceAxis };
  "reduce.median.combine": { axis: PartialLayout };
  "reduce.median.aggregate": { axis: PartialLayout };
  // Sparse blocks (sparse/): conversions, maps with f(0) = 0, the transpose and elementwise combinations.
  // The sum and fold chunks, matmul.accumulate, block.slice, block.assemble and block.take take sparse
  // blocks too (a structure kernel makes a sparse block from sparse inputs).
  /** The block as a dense block. */
  "sparse.toDense": Record<string, never>;
  /** The block as a sparse block (its non-zeros). */
  "sparse.fromDense": Record<string, never>;
  /** `op` (with the scalar `value` for mul, div and pow) on the stored values; the structure is kept. */
  "sparse.mapValues": { op: SparseValueMap; value: number };
  /** The transpose of a sparse block, sparse. */
  "sparse.transpose": Record<string, never>;
  /** `a op b` of two sparse blocks of one shape, sparse (add, sub: union of entries; mul: intersection). */
  "sparse.combine": { op: "add" | "sub" | "mul" };
  /** Σ a_k · b_k over sparse pairs (a0, b0, a1, b1, ...), none transposed: one sparse rows x cols block. */
  "sparse.spgemm": { rows: number; cols: number };
  // Files, read and written on the workers (io/): these kernels touch the file system, the one exception
  // to "kernels are pure" besides block.gather; each reads or writes only the bytes its attributes name.
  /** Lines and data lines (not blank, not comment) that start in bytes [start, end): a 1 x 2 block. */
  "io.text.scan": { path: string; start: number; end: number; comment: number };
  /**
   * `rows` data lines parsed from the line at byte `start` (line number `firstLine`), after skipping
   * `skipDataLines`, into one output per column block of `widths`.
   */
  "io.text.parse": {
    path: string;
    displayPath: string;
    start: number;
    end: number;
    firstLine: number;
    skipDataLines: number;
    rows: number;
    widths: number[];
    dialect: TextDialect;
  };
  /** svmlight lines in bytes [start, end): 1 x 5 block of lines, data lines, entries, lowest and highest index. */
  "io.svmlight.scan": { path: string; start: number; end: number };
  /**
   * `rows` svmlight lines from byte `start` (line `firstLine`), after skipping `skipDataLines`: one block
   * per column block of `widths` (CSR unless `dense`), then the rows x 1 labels.
   */
  "io.svmlight.parse": {
    path: string;
    displayPath: string;
    start: number;
    end: number;
    firstLine: number;
    skipDataLines: number;
    rows: number;
    widths: number[];
    blockCols: number;
    oneBased: boolean;
    nFeatures: number;
    dense: boolean;
  };
  /** The inputs (a strip of blocks side by side) as text lines into a new file at `path`. */
  "io.text.write": { path: string; delimiter: string; precision: number };
  /** Rows [rowStart, rowStart + rows) of a .npy file as float64, one output per column block of `widths`. */
  "io.npy.read": {
    path: string;
    displayPath: string;
    layout: NpyLayout;
    rowStart: number;
    rows: number;
    widths: number[];
  };
  /** The inputs (a strip of blocks side by side) as little-endian float64 rows at byte `offset` of `path`. */
  "io.npy.write": { path: string; offset: number };
  /**
   * A dense network's mean loss and gradient on one mini-batch: [params, x, labels] to [grad, loss], the
   * float32 params and grad packed in their blocks (model/float32Block.ts).
   */
  "model.denseNetworkGradient": DenseNetworkSpec;
  // KMeans (ml/kMeans.ts): inputs are the centres split by the column blocks of x (`parts` blocks of
  // k x cols_j), then one row strip of x (`parts` blocks).
  /**
   * One Lloyd step on the strip: k x (m + 2), per centre the sum of its points, their count and (when
   * `inertia`, else 0) their squared distances summed.
   */
  "ml.kmeans.partial": { parts: number; inertia: boolean };
  /** The closest centre of each row (ties to the lowest index): rows x 1. */
  "ml.kmeans.labels": { parts: number };
  /** Euclidean distance of each row to each centre: rows x k. */
  "ml.kmeans.distances": { parts: number };
  /** The `count` rows farthest from their closest centre: count x (m + 3) of [distance², global row, label, x]. */
  "ml.kmeans.farthest": { parts: number; count: number; rowOffset: number };
  // LogisticRegression (ml/logistic.ts): inputs are the coefficients split by the column blocks of x
  // (`parts` blocks of k x cols_j, k = 1 for two classes), one row strip of x (`parts` blocks), then y's strip.
  /**
   * Loss, gradient (and Hessian) of the strip: row 0 is [loss, gradient (k x (m + 1), each class's
   * coefficients then its intercept)]; with `hessian`, rows 1.. hold the k(m + 1) square Hessian from column 1.
   */
  "ml.logistic.lossGrad": {
    parts: number;
    classes: number[];
    classWeight: number[];
    intercept: number[];
    hessian: boolean;
  };
  /**
   * The distinct labels of a strip of y (rows x 1) and how often each occurs: 2 x (1 + most), row 0 is
   * [distinct count, the values ascending, 0...], row 1 [non-finite labels, the counts, 0...]; a distinct
   * count of -1 says the strip has more than `most` distinct labels.
   */
  "ml.logistic.classes": { most: number };
  /**
   * From the strip's scores z = x·coefᵀ + intercept: z itself (rows x k), the probabilities or their logs
   * (rows x classes) or the predicted label (rows x 1).
   */
  "ml.logistic.predict": {
    parts: number;
    intercept: number[];
    classes: number[];
    output: "decision" | "proba" | "logProba" | "label";
  };
  // NearestNeighbors (ml/neighbors.ts): a partial is rows x 2k, per query row the k smallest squared
  // distances (ascending, ties to the lower index) then their global fitted-row indices, +Infinity padded.
  /** Inputs: a query strip then a fitted strip (`parts` column blocks each, blocked alike): its partial. */
  "ml.neighbors.partial": {
    parts: number;
    k: number;
    rowOffset: number;
    queryOffset: number;
    excludeSelf: boolean;
  };
  /** Partials of the same query rows merged: one partial, or with `finish` [distances, indices] (rows x k). */
  "ml.neighbors.merge": { k: number; finish: boolean };
  /** [distances, indices, class number of every fitted row (n x 1)]: class probabilities or the label. */
  "ml.neighbors.vote": { classes: number[]; weights: "uniform" | "distance"; output: "proba" | "label" };
  // Co-moments (ml/comoments.ts) of a row strip's blocks side by side: (p + 2) x p partials of
  // [count; means; Σ (z - mean)(z - mean)ᵀ] for p columns.
  /** One row strip's partial, from its blocks (all with the same rows), in one pass. */
  "ml.comoments.partial": Record<string, never>;
  /** Partials of disjoint rows merged into one (Chan, Golub and LeVeque's pairwise update). */
  "ml.comoments.merge": Record<string, never>;
  // k-means|| (ml/cluster/kMeansParallel.ts): `parts` column blocks of candidates (c x cols_j) and of the
  // strip, as the KMeans kernels; a round samples row i when uniformAt(key, rowOffset + i) < scale · cost_i.
  /** The strip's costs against the candidates (min with the previous costs, the last input, when `previous`): rows x 1, and their sum 1 x 1. */
  "ml.kmeans.cost": { parts: number; previous: boolean };
  /** How many rows of the strip (input: its costs) a round samples: 1 x 1. */
  "ml.kmeans.sampleCount": { key: number; rowOffset: number; scale: number };
  /** The sampled rows (inputs: the costs, then the strip): count x m. */
  "ml.kmeans.sampleRows": { parts: number; key: number; rowOffset: number; scale: number; count: number };
  // Distributed linear algebra (linalg/): the tall-skinny QR tree, the block Jacobi SVD, tiled factorisations.
  /** [block] to [Q (rows x k), R (k x cols)], k = min(rows, cols), R's diagonal non-negative. */
  "linalg.qr.local": Record<string, never>;
  /** R factors stacked by rows to [Q (Σ rows x k), R (k x cols)], R's diagonal non-negative. */
  "linalg.qr.stack": Record<string, never>;
  /** [child Q, parent Q] to child Q · parent Q[offset : offset + child Q's columns, :]. */
  "linalg.qr.apply": { offset: number };
  /** Row blocks of one or two column blocks to the Gram matrix of the pair. */
  "linalg.jacobi.gram": Record<string, never>;
  /**
   * A pair's partial Gram matrices (summed) to [J (orthogonal rotation), largest cosine between two columns
   * (1 x 1)]; columns of squared norm <= floor count as zero.
   */
  "linalg.jacobi.rotation": { tol: number; floor: number };
  /** Row blocks of the pair and J to the same row blocks of [A_i A_j] · J. */
  "linalg.jacobi.rotate": Record<string, never>;
  /** A block to 1 x cols: each column's signed entry of largest magnitude. */
  "linalg.maxAbsEntries": Record<string, never>;
  /** A diagonal tile to its lower Cholesky factor; `offset` is the tile's first global row (for errors). */
  "linalg.tile.potrf": { offset: number };
  /** [A_ik, L_kk] to X with X · L_kkᵀ = A_ik. */
  "linalg.tile.trsm": Record<string, never>;
  /** [C, A, B] to C - A · Bᵀ. */
  "linalg.tile.update": Record<string, never>;
  /** Square tiles to 1 x 1: their largest |diagonal entry|. */
  "linalg.tile.diagMax": Record<string, never>;
  /** [R_ii, Y_i, scale, R_ij, X_j, ...] to R_ii⁻¹ (Y_i - Σ R_ij X_j); singular R_ii is a LinalgError. */
  "linalg.tile.backSolve": { n: number; offset: number; op: string };
}

export type KernelName = keyof KernelTable;
export type KernelAttrs<N extends KernelName> = KernelTable[N];
