/**
 * Delimited text (CSV, TSV, whitespace) in and out, with no bottleneck on the calling thread. Loading runs
 * in two passes of worker tasks over byte ranges of the file cut at line starts: the first counts lines and
 * data lines per range, which places every row block's first line; the second parses each row block from
 * there. The calling thread reads only the first data line (for the column count) and a few bytes around
 * each cut. Saving formats each strip of row blocks on a worker into a part file; the parts are joined in
 * order under a temporary name and renamed into place.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { ArgumentError, FileFormatError } from "../core/errors.ts";
import type { TextDialect } from "../core/kernels/io/attrs.ts";
import { LineReader } from "../core/kernels/io/lineReader.ts";
import { writeFully } from "../core/kernels/io/fileBytes.ts";
import { parseNumber } from "../core/kernels/io/parseNumber.ts";
import { contentStart } from "../core/kernels/io/textScan.ts";
import { contentEnd, splitFields } from "../core/kernels/io/textParse.ts";
import { denseGrid } from "../array/blockGrid.ts";
import { DsArray } from "../array/dsArray.ts";
import { waitAll } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { fileTaskError, OutputTarget, statInput } from "./files.ts";
import { lineRanges, lineStartOffset, placeRowBlocks, scanRanges } from "./lineRanges.ts";
import { booleanOption, describeValue, intOption, type RawOptions, readOptions } from "../core/options.ts";
import { loaderBlockSize } from "./options.ts";

/** Options of `ds.loadTxt`. */
export interface LoadTxtOptions {
  /** `[rows, cols]` of each block (clipped to the array's shape); by default whole rows, about 4 MiB a block. */
  blockSize?: readonly [number, number];
  /** One character between fields, or `" "` for runs of spaces and tabs; by default `,` or a tab if the first data line has one, else blanks. */
  delimiter?: string;
  /** Lines to skip at the start of the file (a header), counted before comments are looked at. Default 0. */
  skipHeader?: number;
  /** The character that starts a comment, to the end of its line; `null` for none. Default `#`. */
  comments?: string | null;
  /** Drop the first field of every line (an index column, as pandas writes by default). Default false. */
  indexColumn?: boolean;
  /** What an empty field is: an error (as `numpy.loadtxt`) or NaN (as `numpy.genfromtxt`). Default `"error"`. */
  emptyAs?: "error" | "nan";
}

/** Options of `ds.saveTxt`. */
export interface SaveTxtOptions {
  /** Between fields. Default `" "` (as `numpy.savetxt`). */
  delimiter?: string;
  /** Text written first, each line prefixed with `comments` (as `numpy.savetxt`). */
  header?: string;
  /** Prefix of the header's lines. Default `"# "`. */
  comments?: string;
  /**
   * Digits after the point in exponential notation (NumPy's `fmt="%.{precision}e"`); by default the shortest
   * text that reads back as the same double.
   */
  precision?: number;
}

function charOption(op: string, options: RawOptions, name: string, fallback: string | null): string | null {
  const v = options[name] === undefined ? fallback : options[name];
  if (v === null) return null;
  if (typeof v !== "string" || v.length !== 1 || v.charCodeAt(0) > 127 || v === "\n" || v === "\r") {
    throw new ArgumentError(`${op}: ${name} must be one ASCII character but was ${describeValue(v)}`);
  }
  return v;
}

/** The first data line at or after `start`: its 1-based number among lines from `start`, and its fields. */
function firstDataLine(
  path: string,
  start: number,
  size: number,
  dialect: TextDialect,
): { line: number; fields: number; bad: string | undefined } | undefined {
  const reader = new LineReader(path, start, size);
  try {
    for (let line = 1; reader.next(); line++) {
      const b = reader.bytes;
      const from = contentStart(b, reader.lineStart, reader.lineEnd, dialect.comment);
      if (from < 0) continue;
      const to = contentEnd(b, from, reader.lineEnd, dialect.comment);
      let bad: string | undefined;
      const fields = splitFields(b, from, to, dialect.delimiter, (k, f, t) => {
        if (
          bad === undefined &&
          (k > 0 || !dialect.indexColumn) &&
          f < t &&
          parseNumber(b, f, t) === undefined
        ) {
          bad = Buffer.from(b.subarray(f, Math.min(t, f + 40))).toString("latin1");
        }
      });
      return { line, fields, bad };
    }
    return undefined;
  } finally {
    reader.close();
  }
}

/** The delimiter of a file whose option was not given: a comma or tab on the first data line, else blanks. */
function detectDelimiter(path: string, start: number, size: number, comment: number): number {
  const reader = new LineReader(path, start, size);
  try {
    while (reader.next()) {
      const line = reader.bytes.subarray(reader.lineStart, reader.lineEnd);
      if (contentStart(line, 0, line.length, comment) < 0) continue;
      if (line.includes(44)) return 44;
      if (line.includes(9)) return 9;
      return -1;
    }
    return -1;
  } finally {
    reader.close();
  }
}

/**
 * Loads a delimited text file (CSV, TSV, whitespace-separated) of numbers into a DsArray, parsed by the
 * workers in parallel. Blank lines and comments are skipped; fields may be quoted, and `nan`, `inf`,
 * `-Infinity` are read as NumPy reads them. A bad line gets a `FileFormatError` naming the path, line and
 * column; nothing is kept of a failed load.
 *
 * @example
 * ```ts
 * writeFileSync("/tmp/x.csv", "a,b\n1,2\n3,4\n");
 * const x = await ds.loadTxt("/tmp/x.csv", { skipHeader: 1 });
 * await x.toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export async function loadTxt(path: string, options?: LoadTxtOptions): Promise<DsArray> {
  const op = "ds.loadTxt";
  const opts = readOptions(op, options, [
    "blockSize",
    "delimiter",
    "skipHeader",
    "comments",
    "indexColumn",
    "emptyAs",
  ]);
  const skipHeader = intOption(op, opts, "skipHeader", 0, 0);
  const comments = charOption(op, opts, "comments", "#");
  const indexColumn = booleanOption(op, opts, "indexColumn", false);
  const emptyAs = opts.emptyAs ?? "error";
  if (emptyAs !== "error" && emptyAs !== "nan") {
    throw new ArgumentError(`${op}: emptyAs must be "error" or "nan" but was ${describeValue(emptyAs)}`);
  }
  const delimiterChar = charOption(op, opts, "delimiter", null);
  const stats = statInput(op, path);
  if (stats.isDirectory()) throw new FileFormatError(`${op}: cannot read ${path}: it is a folder`);
  const file = resolve(path);
  const size = stats.size;
  const start = lineStartOffset(file, skipHeader, size);
  if (start < 0) throw new FileFormatError(`${op}: ${path} has fewer than skipHeader=${skipHeader} lines`);
  const comment = comments === null ? -1 : comments.charCodeAt(0);
  const delimiter =
    delimiterChar === null
      ? detectDelimiter(file, start, size, comment)
      : delimiterChar === " "
        ? -1
        : delimiterChar.charCodeAt(0);
  const dialect: TextDialect = { delimiter, comment, indexColumn, emptyAsNaN: emptyAs === "nan" };
  const first = firstDataLine(file, start, size, dialect);
  if (first === undefined) throw new FileFormatError(`${op}: ${path} has no data lines`);
  const firstLine = skipHeader + first.line;
  if (first.bad !== undefined) {
    const hint = skipHeader === 0 ? `; if it is a header, pass skipHeader: ${first.line}` : "";
    throw new FileFormatError(`${op}: ${path}:${firstLine}: "${first.bad}" is not a number${hint}`);
  }
  const cols = first.fields - (indexColumn ? 1 : 0);
  if (cols < 1) throw new FileFormatError(`${op}: ${path}:${firstLine}: no values after the index column`);

  // Pass 1: lines and data lines per range.
  const cuts = lineRanges(file, start, size, engine().executor.workers);
  const counts = await scanRanges(op, cuts, 2, (from, to) => ({
    kernel: "io.text.scan",
    attrs: { path: file, start: from, end: to, comment },
  }));
  const lines = counts.map((c) => c[0]);
  const dataLines = counts.map((c) => c[1]);
  const rows = dataLines.reduce((a, n) => a + n, 0);
  const grid = denseGrid(op, [rows, cols], loaderBlockSize(op, opts.blockSize, [rows, cols]));

  // Pass 2: each row block from the range its first data line is in.
  const refs = placeRowBlocks(lines, dataLines, grid.rowChunks, skipHeader + 1).map((at, i) => {
    const blockRows = grid.rowChunks[i];
    return engine().submit({
      op,
      kernel: "io.text.parse",
      attrs: {
        path: file,
        displayPath: path,
        start: cuts[at.range],
        end: size,
        firstLine: at.firstLine,
        skipDataLines: at.skipDataLines,
        rows: blockRows,
        widths: [...grid.colChunks],
        dialect,
      },
      inputs: [],
      outputs: grid.colChunks.map((c) => [blockRows, c] as const),
      blockIndex: [i],
    });
  });
  const x = DsArray.fromBlocks(grid, refs);
  try {
    return await x.persist();
  } catch (e) {
    x.dispose();
    throw fileTaskError(op, e);
  }
}

/**
 * Saves `x` as delimited text, one line per row (readable by `numpy.loadtxt`, pandas and `ds.loadTxt`). The
 * workers format their row strips in parallel; nothing appears under `path` unless the whole save succeeds.
 *
 * @example
 * ```ts
 * await ds.saveTxt(ds.eye(2, 2, { blockSize: [1, 2] }), "/tmp/eye.csv", { delimiter: "," });
 * readFileSync("/tmp/eye.csv", "utf8"); // "1,0\n0,1\n"
 * ```
 */
export async function saveTxt(x: DsArray, path: string, options?: SaveTxtOptions): Promise<void> {
  const op = "ds.saveTxt";
  const opts = readOptions(op, options, ["delimiter", "header", "comments", "precision"]);
  if (!(x instanceof DsArray)) throw new ArgumentError(`${op}: x must be a DsArray`);
  const delimiter = opts.delimiter ?? " ";
  if (typeof delimiter !== "string" || delimiter.length === 0 || /[\n\r]/.test(delimiter)) {
    throw new ArgumentError(
      `${op}: delimiter must be a non-empty string without line breaks but was ${describeValue(delimiter)}`,
    );
  }
  const header = opts.header;
  if (header !== undefined && typeof header !== "string")
    throw new ArgumentError(`${op}: header must be a string`);
  const comments = opts.comments ?? "# ";
  if (typeof comments !== "string") throw new ArgumentError(`${op}: comments must be a string`);
  const precision = opts.precision === undefined ? -1 : intOption(op, opts, "precision", 0, 0, 100);
  const out = OutputTarget.create(op, path, false);
  try {
    const parts = x.blocks().map(
      (strip, i) =>
        engine().submit({
          op,
          kernel: "io.text.write",
          attrs: { path: out.file(`part-${i}`), delimiter, precision },
          inputs: strip,
          outputs: [[0, 0]],
          blockIndex: [i],
        })[0],
    );
    try {
      await waitAll(parts);
    } catch (e) {
      throw fileTaskError(op, e);
    }
    const joined = out.file("joined");
    const fd = openSync(joined, "w");
    try {
      if (header !== undefined)
        writeSync(
          fd,
          `${header
            .split("\n")
            .map((l) => comments + l)
            .join("\n")}\n`,
        );
      for (let i = 0; i < parts.length; i++) {
        const part = out.file(`part-${i}`);
        writeFully(fd, readFileSync(part), null);
        rmSync(part);
      }
    } finally {
      closeSync(fd);
    }
    out.commit(joined);
  } finally {
    out.cleanUp();
  }
}
