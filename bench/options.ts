/** Command-line options of `npm run bench` and the sizes they imply (full and `--quick`). */
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import type { CaseOptions } from "./cases.ts";
import { CASE_NAMES } from "./cases.ts";
import { positiveInt, positiveNumber } from "./cliArgs.ts";

export interface Options {
  quick: boolean;
  repeats: number;
  size?: number;
  matmulSize?: number;
  block?: [number, number];
  rechunk?: [number, number];
  smallBlock?: [number, number];
  workers: number;
  cases?: string[];
  skip?: string[];
  peers: boolean;
  dsfabric: boolean;
  install: boolean;
  openblasCoretype?: string;
  timeout: number;
  bandwidthMib: number;
  bandwidthTrials: number;
  floorGbs?: number;
  floorReadGbs?: number;
  out: string;
}

const DEFAULT_OUT = fileURLToPath(new URL("./results/latest.json", import.meta.url));

function blockArg(v: string): [number, number] {
  const parts = v.split(/[x,]/).map((p) => positiveInt(p.trim()));
  if (parts.length === 1) return [parts[0], parts[0]];
  if (parts.length === 2) return [parts[0], parts[1]];
  throw new InvalidArgumentError("expected N or RxC, e.g. 2048 or 1024x4096");
}

function caseList(v: string): string[] {
  const names = v.split(",").map((s) => s.trim());
  const bad = names.filter((n) => !(CASE_NAMES as readonly string[]).includes(n));
  if (bad.length > 0)
    throw new InvalidArgumentError(`unknown case ${bad.join(", ")}; known: ${CASE_NAMES.join(", ")}`);
  return names;
}

export function parseOptions(argv: string[]): Options {
  const program = new Command()
    .name("npm run bench --")
    .description("dsfabric vs NumPy and dask.array on the same sizes and cores, against physical floors")
    .option("--quick", "shrink the data ~16x (square arrays: each side / 4) for a smoke run", false)
    .option(
      "--repeats <n>",
      "timed repeats per case (after one warm-up); the median is reported",
      positiveInt,
      3,
    )
    .option(
      "--size <n>",
      "side of the square arrays of the streaming cases (default 8192, quick 2048)",
      positiveInt,
    )
    .option("--matmul-size <n>", "side of the square matmul operands (default 4096, quick 1024)", positiveInt)
    .option("--block <RxC>", "block size / dask chunks (default 2048x2048, quick 512x512)", blockArg)
    .option("--rechunk <RxC>", "block size the rechunk case converts to (default rows/2 x cols*2)", blockArg)
    .option(
      "--small-block <RxC>",
      "block size of the small-blocks case (default 128x128, quick 32x32)",
      blockArg,
    )
    .option(
      "--workers <n>",
      "dsfabric workers, dask/BLAS threads, bandwidth threads",
      positiveInt,
      os.availableParallelism(),
    )
    .option("--cases <list>", `comma-separated subset of ${CASE_NAMES.join(",")}`, caseList)
    .option(
      "--skip <list>",
      "comma-separated cases to leave out (e.g. gram-loop, the long memory check)",
      caseList,
    )
    .option("--no-peers", "skip the NumPy / dask.array side")
    .option("--no-dsfabric", "skip the dsfabric side")
    .option("--no-install", "never run apt-get for missing peers")
    .option("--openblas-coretype <name>", "set OPENBLAS_CORETYPE for both sides (default: leave it as it is)")
    .option("--timeout <s>", "give up on one dsfabric timed run after this many seconds", positiveInt, 600)
    .option(
      "--bandwidth-mib <n>",
      "buffer size of the bandwidth test, split among the threads",
      positiveInt,
      512,
    )
    .option("--bandwidth-trials <n>", "timed trials per bandwidth rate (after 3 warm-ups)", positiveInt, 7)
    .option(
      "--floor-gbs <x>",
      "copy rate (read + write GB/s) for the floors instead of the measured one",
      positiveNumber,
    )
    .option(
      "--floor-read-gbs <x>",
      "read rate (GB/s) for the floors instead of the measured one",
      positiveNumber,
    )
    .option("--out <path>", "where to write the JSON results", DEFAULT_OUT)
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<Options>();
}

export interface Sizes extends CaseOptions {
  readonly bandwidthBytes: number;
}

/** Sizes of every case: the full defaults, or each square side / 4 (data / 16) with `--quick`. */
export function sizes(o: Options): Sizes {
  const q = o.quick ? 4 : 1;
  const size = o.size ?? 8192 / q;
  const block = o.block ?? [2048 / q, 2048 / q];
  const rechunkTo = o.rechunk ?? [Math.max(1, Math.floor(block[0] / 2)), Math.min(size, block[1] * 2)];
  return {
    size,
    matmulSize: o.matmulSize ?? 4096 / q,
    block,
    rechunkTo,
    smallBlock: o.smallBlock ?? [128 / q, 128 / q],
    // Quick: rows / 16 (same data / 16), columns kept: the 200x200 product is the point of the case.
    gram: { rows: 200_000 / q ** 2, cols: 200, blockRows: 10_000 / q ** 2, rounds: 10, loopRounds: 100 },
    // The estimators issue's LinearRegression: 1,000,000 x 100 (quick: / 16 rows).
    linear: { rows: 1_000_000 / q ** 2, cols: 100, blockRows: Math.floor(62_500 / q ** 2) },
    // The estimators issue's KMeans: 1,000,000 x 50, k = 8, 20 iterations from the same centres.
    kmeans: {
      rows: 1_000_000 / q ** 2,
      cols: 50,
      blockRows: Math.floor(62_500 / q ** 2),
      k: 8,
      iterations: 20,
    },
    // The logistic regression issue's: 500,000 x 100, two classes (quick: / 16 rows).
    logistic: { rows: 500_000 / q ** 2, cols: 100, blockRows: Math.floor(31_250 / q ** 2) },
    // The PCA issue's case: 1,000,000 x 100, 10 components (quick: / 16 rows).
    pca: { rows: 1_000_000 / q ** 2, cols: 100, blockRows: Math.floor(62_500 / q ** 2), components: 10 },
    // Quick: the same 1,000 blocks per wave, fewer waves.
    waves: { blocks: 1000, side: 100, waves: o.quick ? 10 : 50 },
    // The loaders issue's sizes: a 1,000,000 x 20 CSV (~260 MB) and a 1 GiB .npy; quick: / 16.
    files: {
      dir: join(os.tmpdir(), "dsfabric-bench-files"),
      csv: { rows: 1_000_000 / q ** 2, cols: 20, blockRows: 50_000 / q ** 2 },
      npy: { rows: 16384 / q ** 2, cols: 8192, blockRows: 2048 / q ** 2 },
      // svmlight and the sparse product: 1,000,000 x 1,000 at 1% (quick / 16 rows).
      svmlight: {
        rows: 1_000_000 / q ** 2,
        cols: 1000,
        density: 0.01,
        blockRows: Math.floor(62_500 / q ** 2),
        denseCols: 64,
      },
    },
    bandwidthBytes: o.bandwidthMib * 2 ** 20,
  };
}
