/**
 * svmlight / libsvm files in, as scikit-learn's `load_svmlight_file` reads them: `[x, y]` with x sparse (CSR
 * blocks) unless asked for dense, and the labels as an n x 1 column. Parsed by the workers in the text
 * loader's two passes (see lineRanges.ts); the calling thread only cuts the file and adds up counts.
 */
import { resolve } from "node:path";
import { ArgumentError, FileFormatError } from "../core/errors.ts";
import type { CsrMatrix } from "../core/csrMatrix.ts";
import { regularGrid, type Shape } from "../array/blockGrid.ts";
import { DsArray } from "../array/dsArray.ts";
import type { BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { fileTaskError, statInput } from "./files.ts";
import { lineRanges, placeRowBlocks, scanRanges } from "./lineRanges.ts";
import { booleanOption, describeValue, intOption, readOptions } from "../core/options.ts";

/** Options of `ds.loadSvmlight`. */
export interface LoadSvmlightOptions {
  /** `[rows, cols]` of each block (clipped to the shape); by default all columns and about 2^19 stored values a block. */
  blockSize?: readonly [number, number];
  /** Columns of x; by default the largest index + 1. An index beyond it is an error naming its line. */
  nFeatures?: number;
  /** Whether x has sparse (CSR) blocks. Default true. */
  sparse?: boolean;
  /** Whether indices start at 0; `"auto"` (the default, as scikit-learn) reads a file with no index 0 as one-based. */
  zeroBased?: boolean | "auto";
}

/** Stored values per block by default (4 MiB of values). */
const DEFAULT_BLOCK_ENTRIES = 2 ** 19;

function blockSizeOf(op: string, given: unknown, shape: Shape, nnz: number): Shape {
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== 2 || !given.every((b) => Number.isInteger(b) && b > 0)) {
      throw new ArgumentError(
        `${op}: blockSize must be [rows, cols] of positive integers but was ${describeValue(given)}`,
      );
    }
    return [
      Math.max(1, Math.min(given[0] as number, shape[0])),
      Math.max(1, Math.min(given[1] as number, shape[1])),
    ];
  }
  const perRow = shape[0] === 0 ? 1 : Math.max(1, nnz / shape[0]);
  return [Math.max(1, Math.min(shape[0], Math.floor(DEFAULT_BLOCK_ENTRIES / perRow))), Math.max(1, shape[1])];
}

/**
 * Loads an svmlight / libsvm file as `[x, y]`: x is n x nFeatures (sparse by default), y the n labels as an
 * n x 1 column, in the same row blocks. `qid:` fields and `#` comments are ignored; a multi-label line, an
 * unsorted or repeated index, or an index beyond `nFeatures` is a `FileFormatError` naming the line.
 *
 * @example
 * ```ts
 * writeFileSync("/tmp/d.svm", "1 1:0.5 3:2\n-1 2:1\n");
 * const [x, y] = await ds.loadSvmlight("/tmp/d.svm");
 * x.shape; // [2, 3] (one-based indices 1..3)
 * await y.toArray(); // [[1], [-1]]
 * ```
 */
export async function loadSvmlight(
  path: string,
  options?: LoadSvmlightOptions & { sparse?: true },
): Promise<[DsArray<CsrMatrix>, DsArray]>;
export async function loadSvmlight(
  path: string,
  options: LoadSvmlightOptions & { sparse: false },
): Promise<[DsArray, DsArray]>;
export async function loadSvmlight(
  path: string,
  options?: LoadSvmlightOptions,
): Promise<[DsArray<CsrMatrix> | DsArray, DsArray]>;
export async function loadSvmlight(
  path: string,
  options?: LoadSvmlightOptions,
): Promise<[DsArray<CsrMatrix> | DsArray, DsArray]> {
  const op = "ds.loadSvmlight";
  const opts = readOptions(op, options, ["blockSize", "nFeatures", "sparse", "zeroBased"]);
  const sparse = booleanOption(op, opts, "sparse", true);
  const zeroBased = opts.zeroBased ?? "auto";
  if (zeroBased !== "auto" && typeof zeroBased !== "boolean") {
    throw new ArgumentError(
      `${op}: zeroBased must be true, false or "auto" but was ${describeValue(zeroBased)}`,
    );
  }
  const givenFeatures = opts.nFeatures === undefined ? undefined : intOption(op, opts, "nFeatures", 0, 1);
  const stats = statInput(op, path);
  if (stats.isDirectory()) throw new FileFormatError(`${op}: cannot read ${path}: it is a folder`);
  const file = resolve(path);
  const size = stats.size;

  // Pass 1: per range, lines, data lines, entries and the index range (which decides the base and width).
  const cuts = lineRanges(file, 0, size, engine().executor.workers);
  const counts = await scanRanges(op, cuts, 5, (start, end) => ({
    kernel: "io.svmlight.scan",
    attrs: { path: file, start, end },
  }));
  const lines = counts.map((c) => c[0]);
  const dataLines = counts.map((c) => c[1]);
  const rows = dataLines.reduce((a, n) => a + n, 0);
  if (rows === 0) throw new FileFormatError(`${op}: ${path} has no data lines`);
  const nnz = counts.reduce((a, c) => a + c[2], 0);
  const lows = counts.filter((c) => c[3] >= 0).map((c) => c[3]);
  const low = lows.length === 0 ? 1 : Math.min(...lows);
  const high = Math.max(-1, ...counts.map((c) => c[4]));
  const oneBased = zeroBased === "auto" ? low > 0 : !zeroBased;
  const needed = high < 0 ? 0 : high + (oneBased ? 0 : 1);
  // At least one column, as scikit-learn (a file with no entries has one).
  const nFeatures = givenFeatures ?? Math.max(1, needed);
  const grid = regularGrid([rows, nFeatures], blockSizeOf(op, opts.blockSize, [rows, nFeatures], nnz));

  // Pass 2: each row block from the range its first data line is in: x's blocks, then its labels.
  const blockCols = Math.max(1, grid.colChunks[0]);
  const xRefs: BlockRef[][] = [];
  const yRefs: BlockRef[][] = [];
  placeRowBlocks(lines, dataLines, grid.rowChunks, 1).forEach((at, i) => {
    const blockRows = grid.rowChunks[i];
    const outs = [
      ...engine().submit({
        op,
        kernel: "io.svmlight.parse",
        attrs: {
          path: file,
          displayPath: path,
          start: cuts[at.range],
          end: size,
          firstLine: at.firstLine,
          skipDataLines: at.skipDataLines,
          rows: blockRows,
          widths: [...grid.colChunks],
          blockCols,
          oneBased,
          nFeatures,
          dense: !sparse,
        },
        inputs: [],
        outputs: [...grid.colChunks.map((c) => [blockRows, c] as const), [blockRows, 1]],
        blockIndex: [i],
      }),
    ];
    yRefs.push([outs.pop() as BlockRef]);
    xRefs.push(outs);
  });
  const x = sparse ? DsArray.fromSparseBlocks(grid, xRefs) : DsArray.fromBlocks(grid, xRefs);
  const y = DsArray.fromBlocks(regularGrid([rows, 1], [grid.rowChunks[0], 1]), yRefs);
  try {
    await Promise.all([x.persist(), y.persist()]);
  } catch (e) {
    x.dispose();
    y.dispose();
    throw fileTaskError(op, e);
  }
  return [x, y];
}
