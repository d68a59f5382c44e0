/**
 * Benchmark cases: what each one computes, on which sizes, and its floor (the bytes it must move at least,
 * and at which of the two measured rates; see bench/floors.ts). The same specs go to bench/peers.py, which
 * runs the NumPy and dask.array versions; bench/dsCases.ts builds the dsfabric versions.
 */
import { join } from "node:path";
import type { Floor } from "./floors.ts";

export type CaseKind =
  | "elementwise"
  | "chain-sum"
  | "sum"
  | "collect"
  | "transpose"
  | "transpose-collect"
  | "rechunk"
  | "matmul"
  | "gram"
  | "gram-loop"
  | "waves"
  | "load-csv"
  | "load-npy"
  | "load-svmlight"
  | "sparse-matmul"
  | "linear-regression"
  | "kmeans"
  | "logistic-regression"
  | "pca";

/** One case, serialisable to JSON for the Python side. */
export interface CaseSpec {
  readonly name: string;
  readonly kind: CaseKind;
  readonly description: string;
  /** Shape of the operands: [n, m] (for matmul: A is n x inner, B is inner x m). */
  readonly shape: [number, number];
  readonly block: [number, number];
  readonly seed: number;
  /** sum: 0, 1, or null for the whole array. */
  readonly axis?: 0 | 1 | null;
  /** rechunk: the new block size. */
  readonly rechunkTo?: [number, number];
  /** matmul: inner dimension. */
  readonly inner?: number;
  /** gram, gram-loop: rounds per timed run; waves: waves per timed run. */
  readonly rounds?: number;
  /** gram, gram-loop: the scalar c of (x * c)ᵀ x. */
  readonly scalar?: number;
  /** waves: tasks per timed run (blocks x waves), for µs per task. */
  readonly tasks?: number;
  /** load-*: the file the case reads (made once by bench/files.ts before any side runs). */
  readonly file?: string;
  /** What the numpy and dask columns run, when that is not NumPy and dask.array (the loaders). */
  readonly peerLabels?: { readonly numpy: string; readonly dask: string };
  /** load-svmlight, sparse-matmul: the fraction of stored values. */
  readonly density?: number;
  /** kmeans: clusters. */
  readonly clusters?: number;
  /** pca: components kept. */
  readonly components?: number;
  /** sparse-matmul: columns of the dense right operand. */
  readonly denseCols?: number;
  /** The memory floor; null when there is none (dense algebra: BLAS peak; per-task cost). */
  readonly floor: Floor | null;
  /** What to say instead of a floor when `floor` is null. */
  readonly noFloor?: string;
  /** Floating-point operations per timed run, for GFLOP/s. */
  readonly flops?: number;
  /** Bytes of inputs + output (elementwise: the peak-RSS budget is 3x this). */
  readonly ioBytes: number;
  /** Bytes of the inputs (gram-loop: RSS is flat when it grows by less than 10% of this). */
  readonly inputBytes: number;
  /** False for dsfabric-only checks (the gram-loop memory check): not sent to the peers. */
  readonly peers: boolean;
  /** Run once, without warm-up or repeats (long checks). */
  readonly once?: boolean;
}

export interface CaseOptions {
  /** Side of the square arrays of the streaming cases (default 8192). */
  readonly size: number;
  /** Side of the square matmul operands (default 4096). */
  readonly matmulSize: number;
  readonly block: [number, number];
  /** Block size the rechunk case converts to (default [block rows / 2, block cols * 2]). */
  readonly rechunkTo: [number, number];
  /** Block size of the small-blocks case (default 128x128: 4,096 blocks of an 8192x8192 array). */
  readonly smallBlock: [number, number];
  /** linear-regression: x is rows x cols in blocks of blockRows x cols, y rows x 1. */
  readonly linear: { rows: number; cols: number; blockRows: number };
  /** kmeans: x is rows x cols, `k` clusters, exactly `iterations` Lloyd iterations from the same centres. */
  readonly kmeans: { rows: number; cols: number; blockRows: number; k: number; iterations: number };
  /** logistic-regression: make_classification's x (rows x cols, two classes) and y, in blocks of blockRows rows. */
  readonly logistic: { rows: number; cols: number; blockRows: number };
  /** pca: x is rows x cols in blocks of blockRows x cols, `components` kept. */
  readonly pca: { rows: number; cols: number; blockRows: number; components: number };
  /** gram: x is rows x cols in blocks of blockRows x cols (default 200,000 x 200 in 10,000-row blocks). */
  readonly gram: { rows: number; cols: number; blockRows: number; rounds: number; loopRounds: number };
  /** waves: `blocks` blocks of side x side, `waves` rounds of y = y + 1 (default 1,000 of 100x100, 50). */
  readonly waves: { blocks: number; side: number; waves: number };
  /** The loaders' files, in `dir`: a CSV of random values with 10 decimals, and a float64 .npy. */
  readonly files: {
    dir: string;
    csv: { rows: number; cols: number; blockRows: number };
    npy: { rows: number; cols: number; blockRows: number };
    svmlight: { rows: number; cols: number; density: number; blockRows: number; denseCols: number };
  };
}

export const CASE_NAMES = [
  "elementwise",
  "small-blocks",
  "chain-sum",
  "sum-axis0",
  "sum-axis1",
  "sum-all",
  "collect",
  "transpose",
  "transpose-collect",
  "rechunk",
  "matmul",
  "gram",
  "waves",
  "gram-loop",
  "load-csv",
  "load-npy",
  "load-svmlight",
  "sparse-matmul",
  "linear-regression",
  "kmeans",
  "logistic-regression",
  "pca",
] as const;

const F64 = 8;

function fmtShape(s: readonly number[]): string {
  return s.join("x");
}

function nBlocks(shape: readonly [number, number], block: readonly [number, number]): number {
  return Math.ceil(shape[0] / block[0]) * Math.ceil(shape[1] / block[1]);
}

export function buildCases(o: CaseOptions): CaseSpec[] {
  const n = o.size;
  const bytes = F64 * n * n;
  const shape: [number, number] = [n, n];
  const base = { shape, block: o.block, seed: 42, peers: true };
  const on = `on ${fmtShape(shape)}`;
  const read = (arrays: number): Floor => ({ rate: "read", bytes: arrays * bytes });
  const copy = (arrays: number): Floor => ({ rate: "copy", bytes: arrays * bytes });
  const k = o.matmulSize;
  const g = o.gram;
  const gramShape: [number, number] = [g.rows, g.cols];
  const gramBytes = F64 * g.rows * g.cols;
  const gramFlops = 2 * g.cols * g.cols * g.rows;
  const gramBase = {
    shape: gramShape,
    block: [g.blockRows, g.cols] as [number, number],
    seed: 7,
    scalar: 1.0001,
    floor: null,
    noFloor: "BLAS peak (GFLOP/s)",
    ioBytes: gramBytes + F64 * g.cols * g.cols,
    inputBytes: gramBytes,
  };
  const gramOp = `(x * c)ᵀ x of ${fmtShape(gramShape)} in ${fmtShape(gramBase.block)} blocks, gathered`;
  const w = o.waves;
  const f = o.files;
  const npyBytes = F64 * f.npy.rows * f.npy.cols;
  // Reading a file from the page cache copies it once: its bytes are read and written.
  const copy1 = (b: number): Floor => ({ rate: "copy", bytes: 2 * b });
  const nnzSvm = f.svmlight.rows * f.svmlight.cols * f.svmlight.density;
  const svmFile = join(f.dir, `${f.svmlight.rows}x${f.svmlight.cols}-${f.svmlight.density}.svm`);
  const wavesShape: [number, number] = [w.blocks * w.side, w.side];
  const sums = ([0, 1, null] as const).map((axis): CaseSpec => ({
    ...base,
    name: axis === null ? "sum-all" : `sum-axis${axis}`,
    kind: "sum",
    axis,
    description: `x.sum(${axis ?? ""}) ${on}: reads x once`,
    floor: read(1),
    ioBytes: bytes,
    inputBytes: bytes,
  }));
  return [
    {
      ...base,
      name: "elementwise",
      kind: "elementwise",
      description: `sqrt((x + y) * 2) ${on}, materialised: reads x and y, writes the result`,
      floor: copy(3),
      ioBytes: 3 * bytes,
      inputBytes: 2 * bytes,
    },
    {
      ...base,
      name: "small-blocks",
      kind: "elementwise",
      block: o.smallBlock,
      description: `the elementwise chain ${on} in ${fmtShape(o.smallBlock)} blocks (${nBlocks(shape, o.smallBlock)} blocks)`,
      floor: copy(3),
      ioBytes: 3 * bytes,
      inputBytes: 2 * bytes,
    },
    {
      ...base,
      name: "chain-sum",
      kind: "chain-sum",
      description: `sqrt((x + y) * 2).sum() ${on}: reads x and y, writes nothing`,
      floor: read(2),
      ioBytes: 2 * bytes,
      inputBytes: 2 * bytes,
    },
    ...sums,
    {
      ...base,
      name: "collect",
      kind: "collect",
      description: `await x.collect() ${on}: gathers ${bytes / 2 ** 20} MiB into one Matrix`,
      floor: copy(2),
      ioBytes: 2 * bytes,
      inputBytes: bytes,
    },
    {
      ...base,
      name: "transpose",
      kind: "transpose",
      description: `materialised x.T ${on}: reads and writes every element`,
      floor: copy(2),
      ioBytes: 2 * bytes,
      inputBytes: bytes,
    },
    {
      ...base,
      name: "transpose-collect",
      kind: "transpose-collect",
      description: `await x.T.collect() ${on}: a transposed gather into one Matrix`,
      floor: copy(2),
      ioBytes: 2 * bytes,
      inputBytes: bytes,
    },
    {
      ...base,
      name: "rechunk",
      kind: "rechunk",
      rechunkTo: o.rechunkTo,
      description: `rechunk ${fmtShape(shape)} from ${fmtShape(o.block)} to ${fmtShape(o.rechunkTo)} blocks: reads and writes every element`,
      floor: copy(2),
      ioBytes: 2 * bytes,
      inputBytes: bytes,
    },
    {
      ...base,
      name: "matmul",
      kind: "matmul",
      shape: [k, k],
      inner: k,
      description: `x.matmul(y), ${fmtShape([k, k])} by ${fmtShape([k, k])}: 2n^3 flops`,
      floor: null,
      noFloor: "BLAS peak (GFLOP/s)",
      flops: 2 * k * k * k,
      ioBytes: 3 * F64 * k * k,
      inputBytes: 2 * F64 * k * k,
    },
    {
      ...gramBase,
      name: "gram",
      kind: "gram",
      peers: true,
      rounds: g.rounds,
      description: `${g.rounds} rounds of ${gramOp}: 2·${g.cols}²·${g.rows} flops a round`,
      flops: g.rounds * gramFlops,
    },
    {
      name: "waves",
      kind: "waves",
      shape: wavesShape,
      block: [w.side, w.side],
      seed: 11,
      peers: true,
      rounds: w.waves,
      tasks: w.waves * w.blocks,
      description: `${w.waves} waves of y = y.add(1); await y.persist() on ${w.blocks} blocks of ${fmtShape([w.side, w.side])}: ${w.waves * w.blocks} tasks`,
      floor: null,
      noFloor: "none (per-task cost)",
      ioBytes: 2 * F64 * wavesShape[0] * wavesShape[1],
      inputBytes: F64 * wavesShape[0] * wavesShape[1],
    },
    {
      name: "load-csv",
      kind: "load-csv",
      shape: [f.csv.rows, f.csv.cols],
      block: [f.csv.blockRows, f.csv.cols],
      seed: 13,
      peers: true,
      file: join(f.dir, `${f.csv.rows}x${f.csv.cols}.csv`),
      peerLabels: { numpy: "numpy.loadtxt", dask: "pandas.read_csv (C parser)" },
      description: `ds.loadTxt of a ${fmtShape([f.csv.rows, f.csv.cols])} CSV (values with 10 decimals) in ${fmtShape([f.csv.blockRows, f.csv.cols])} blocks; numpy column: numpy.loadtxt, dask column: pandas.read_csv`,
      floor: null,
      noFloor: "none (parsing; MB/s per worker below)",
      ioBytes: F64 * f.csv.rows * f.csv.cols,
      inputBytes: 0,
    },
    {
      name: "load-npy",
      kind: "load-npy",
      shape: [f.npy.rows, f.npy.cols],
      block: [f.npy.blockRows, f.npy.cols],
      seed: 17,
      peers: true,
      file: join(f.dir, `${f.npy.rows}x${f.npy.cols}.npy`),
      peerLabels: { numpy: "numpy.load", dask: "dask.array.from_array(numpy.load(mmap_mode='r'))" },
      description: `ds.loadNpy of a ${npyBytes / 2 ** 20} MiB float64 .npy in ${fmtShape([f.npy.blockRows, f.npy.cols])} blocks (from the page cache); numpy column: numpy.load`,
      floor: copy1(npyBytes),
      ioBytes: npyBytes,
      inputBytes: 0,
    },
    {
      name: "load-svmlight",
      kind: "load-svmlight",
      shape: [f.svmlight.rows, f.svmlight.cols],
      block: [f.svmlight.blockRows, f.svmlight.cols],
      seed: 19,
      density: f.svmlight.density,
      peers: true,
      file: svmFile,
      peerLabels: { numpy: "sklearn.datasets.load_svmlight_file", dask: "not run" },
      description: `ds.loadSvmlight of ${fmtShape([f.svmlight.rows, f.svmlight.cols])} at ${f.svmlight.density * 100}% (sparse blocks of ${f.svmlight.blockRows} rows); numpy column: scikit-learn's load_svmlight_file`,
      floor: null,
      noFloor: "none (parsing)",
      ioBytes: 12 * nnzSvm,
      inputBytes: 0,
    },
    {
      name: "sparse-matmul",
      kind: "sparse-matmul",
      shape: [f.svmlight.rows, f.svmlight.cols],
      block: [f.svmlight.blockRows, f.svmlight.cols],
      seed: 19,
      density: f.svmlight.density,
      denseCols: f.svmlight.denseCols,
      peers: true,
      file: svmFile,
      peerLabels: { numpy: "scipy.sparse csr @ numpy", dask: "not run" },
      description: `x @ w with x the loaded ${fmtShape([f.svmlight.rows, f.svmlight.cols])} sparse array (${f.svmlight.density * 100}%) and w ${fmtShape([f.svmlight.cols, f.svmlight.denseCols])} dense; numpy column: scipy.sparse CSR @ NumPy`,
      // Reads x's values and indices once and writes the dense product once.
      floor: { rate: "copy", bytes: 12 * nnzSvm + F64 * f.svmlight.rows * f.svmlight.denseCols },
      flops: 2 * nnzSvm * f.svmlight.denseCols,
      ioBytes: 12 * nnzSvm + F64 * f.svmlight.rows * f.svmlight.denseCols,
      inputBytes: 12 * nnzSvm,
    },
    {
      name: "linear-regression",
      kind: "linear-regression",
      shape: [o.linear.rows, o.linear.cols],
      block: [o.linear.blockRows, o.linear.cols],
      seed: 23,
      peers: true,
      peerLabels: { numpy: "sklearn.linear_model.LinearRegression", dask: "not run" },
      description: `await new LinearRegression().fit(x, y), x ${fmtShape([o.linear.rows, o.linear.cols])} in ${fmtShape([o.linear.blockRows, o.linear.cols])} blocks; numpy column: scikit-learn's LinearRegression`,
      floor: { rate: "read", bytes: F64 * o.linear.rows * o.linear.cols },
      ioBytes: F64 * o.linear.rows * (o.linear.cols + 1),
      inputBytes: F64 * o.linear.rows * (o.linear.cols + 1),
    },
    {
      name: "kmeans",
      kind: "kmeans",
      shape: [o.kmeans.rows, o.kmeans.cols],
      block: [o.kmeans.blockRows, o.kmeans.cols],
      seed: 29,
      peers: true,
      clusters: o.kmeans.k,
      rounds: o.kmeans.iterations,
      peerLabels: { numpy: "sklearn.cluster.KMeans (lloyd)", dask: "not run" },
      description: `await new KMeans({ nClusters: ${o.kmeans.k}, init: centres, maxIter: ${o.kmeans.iterations}, tol: 0 }).fit(x), x ${fmtShape([o.kmeans.rows, o.kmeans.cols])} in ${fmtShape([o.kmeans.blockRows, o.kmeans.cols])} blocks; numpy column: scikit-learn's KMeans from the same centres`,
      floor: null,
      noFloor: "none (compute: 2·n·m·k flops an iteration)",
      ioBytes: F64 * o.kmeans.rows * o.kmeans.cols,
      inputBytes: F64 * o.kmeans.rows * o.kmeans.cols,
    },
    {
      name: "logistic-regression",
      kind: "logistic-regression",
      shape: [o.logistic.rows, o.logistic.cols],
      block: [o.logistic.blockRows, o.logistic.cols],
      seed: 31,
      peers: true,
      // x; y is in the same name with .y.npy (bench/files.ts writes both with make_classification).
      file: join(f.dir, `classification-${o.logistic.rows}x${o.logistic.cols}.npy`),
      peerLabels: { numpy: "sklearn.linear_model.LogisticRegression", dask: "not run" },
      description: `await new LogisticRegression().fit(x, y) (lbfgs, tol 1e-4, to convergence), x ${fmtShape([o.logistic.rows, o.logistic.cols])} from make_classification in ${fmtShape([o.logistic.blockRows, o.logistic.cols])} blocks; numpy column: scikit-learn's LogisticRegression() on the same data`,
      floor: null,
      noFloor: "none (iterations: one pass over x per evaluation)",
      ioBytes: F64 * o.logistic.rows * (o.logistic.cols + 1),
      inputBytes: F64 * o.logistic.rows * (o.logistic.cols + 1),
    },
    {
      name: "pca",
      kind: "pca",
      shape: [o.pca.rows, o.pca.cols],
      block: [o.pca.blockRows, o.pca.cols],
      seed: 31,
      peers: true,
      components: o.pca.components,
      peerLabels: { numpy: "sklearn.decomposition.PCA (svd_solver auto)", dask: "not run" },
      description: `await new PCA({ nComponents: ${o.pca.components} }).fit(x), x ${fmtShape([o.pca.rows, o.pca.cols])} in ${fmtShape([o.pca.blockRows, o.pca.cols])} blocks; numpy column: scikit-learn's PCA(n_components=${o.pca.components}) with its default solver`,
      // Reads x for the means, for the covariance (writing the centred x once) and for the sign rule.
      floor: { rate: "read", bytes: F64 * o.pca.rows * o.pca.cols },
      ioBytes: F64 * o.pca.rows * o.pca.cols,
      inputBytes: F64 * o.pca.rows * o.pca.cols,
    },
    {
      ...gramBase,
      name: "gram-loop",
      kind: "gram-loop",
      peers: false,
      once: true,
      rounds: g.loopRounds,
      description: `memory check: ${g.loopRounds} rounds of ${gramOp}, RSS after every round (dsfabric only, run once)`,
      flops: g.loopRounds * gramFlops,
    },
  ];
}
