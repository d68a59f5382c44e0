/**
 * .npy files in and out. The calling thread reads the header; the workers read and write the elements, one
 * row block per task, straight between the file and block memory. A save goes to a temporary name first, so
 * a failed save leaves nothing under the target's name; a block folder (`{ blocked: true }`) keeps the
 * blocking: one .npy per block and an `index.json` that `loadNpy` reads back.
 */
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { FileFormatError } from "../core/errors.ts";
import type { NpyLayout } from "../core/kernels/io/attrs.ts";
import { NPY_ITEM_BYTES } from "../core/kernels/io/npyBlocks.ts";
import { denseGrid, gridOfChunks, offsetsOf, type Shape } from "../array/blockGrid.ts";
import { DsArray } from "../array/dsArray.ts";
import { waitAll, type BlockRef } from "../runtime/blockRef.ts";
import { engine } from "../runtime/runtime.ts";
import { describeFsError, fileTaskError, OutputTarget, statInput } from "./files.ts";
import {
  buildNpyHeader,
  type NpyHeader,
  NPY_PREFIX_BYTES,
  npyHeaderLength,
  parseNpyHeader,
} from "./npyHeader.ts";
import { booleanOption, readOptions } from "../core/options.ts";
import { loaderBlockSize } from "./options.ts";

/** Options of `ds.loadNpy`. */
export interface LoadNpyOptions {
  /** `[rows, cols]` of each block (clipped to the array's shape); by default whole rows, about 4 MiB a block, or a block folder's own blocking. */
  blockSize?: readonly [number, number];
}

/** Options of `ds.saveNpy`. */
export interface SaveNpyOptions {
  /** Write a folder with one .npy per block and an `index.json`, so that `loadNpy` gives back the same blocking. */
  blocked?: boolean;
}

/** What a block folder's `index.json` says. */
interface BlockFolderIndex {
  format: "dsfabric-npy-blocks";
  version: 1;
  shape: [number, number];
  rowChunks: number[];
  colChunks: number[];
}

const INDEX_FILE = "index.json";
const blockFile = (i: number, j: number) => `block-${i}-${j}.npy`;

/** The header of the .npy file at `path`; a bad one throws a one-line error under `op`'s name. */
function readHeader(op: string, path: string): NpyHeader {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const prefix = new Uint8Array(NPY_PREFIX_BYTES);
    const got = readSync(fd, prefix, 0, NPY_PREFIX_BYTES, 0);
    const length = npyHeaderLength(prefix.subarray(0, got), path);
    const bytes = new Uint8Array(length);
    const n = readSync(fd, bytes, 0, length, 0);
    return parseNpyHeader(bytes.subarray(0, n), path);
  } catch (e) {
    const why = e instanceof FileFormatError ? e.message : `cannot read ${path}: ${describeFsError(e)}`;
    throw new FileFormatError(`${op}: ${why}`, { cause: e });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Submits one read task per row block of `layout` in the grid `rowChunks` x `colChunks`. */
function readBlocks(
  path: string,
  displayPath: string,
  layout: NpyLayout,
  rowChunks: readonly number[],
  colChunks: readonly number[],
): (readonly BlockRef[])[] {
  const rowOffsets = offsetsOf(rowChunks);
  return rowChunks.map((rows, i) =>
    engine().submit({
      op: "ds.loadNpy",
      kernel: "io.npy.read",
      attrs: { path, displayPath, layout, rowStart: rowOffsets[i], rows, widths: [...colChunks] },
      inputs: [],
      outputs: colChunks.map((cols) => [rows, cols] as const),
      blockIndex: [i],
    }),
  );
}

/** Waits for every block of `x`; on a failure, drops the array and throws the file error. */
async function finished(op: string, x: DsArray): Promise<DsArray> {
  try {
    return await x.persist();
  } catch (e) {
    x.dispose();
    throw fileTaskError(op, e);
  }
}

/**
 * Loads a .npy file (versions 1-3; float64, float32, int8-64, uint8-64 or bool, either byte order, C or
 * Fortran order; 1-D as a column) into a float64 DsArray, or a block folder written by
 * `ds.saveNpy(x, path, { blocked: true })`. The workers read their row blocks in parallel.
 *
 * @example
 * ```ts
 * await ds.saveNpy(ds.random([1000, 20], { blockSize: [250, 20], seed: 1 }), "/tmp/x.npy");
 * const x = await ds.loadNpy("/tmp/x.npy", { blockSize: [500, 20] });
 * x.shape; // [1000, 20]
 * ```
 */
export async function loadNpy(path: string, options?: LoadNpyOptions): Promise<DsArray> {
  const op = "ds.loadNpy";
  const opts = readOptions(op, options, ["blockSize"]);
  const stats = statInput(op, path);
  if (stats.isDirectory()) return loadBlockFolder(op, path, opts.blockSize);
  const header = readHeader(op, path);
  const dataBytes = header.rows * header.cols * NPY_ITEM_BYTES[header.dtype];
  if (stats.size < header.dataOffset + dataBytes) {
    throw new FileFormatError(
      `${op}: ${path}: truncated: shape (${header.shape.join(", ")}) of '${header.descr}' needs ${dataBytes} bytes of data from byte offset ${header.dataOffset}, the file has ${Math.max(0, stats.size - header.dataOffset)}`,
    );
  }
  const shape: Shape = [header.rows, header.cols];
  const blockSize = loaderBlockSize(op, opts.blockSize, shape);
  const grid = denseGrid(op, shape, blockSize);
  return finished(
    op,
    DsArray.fromBlocks(grid, readBlocks(path, path, header, grid.rowChunks, grid.colChunks)),
  );
}

async function loadBlockFolder(op: string, path: string, blockSize: unknown): Promise<DsArray> {
  const indexPath = join(path, INDEX_FILE);
  let index: BlockFolderIndex;
  try {
    index = JSON.parse(readFileSync(indexPath, "utf8")) as BlockFolderIndex;
  } catch (e) {
    throw new FileFormatError(
      `${op}: ${path} is a folder but not a block folder written by ds.saveNpy(x, path, { blocked: true }) (${indexPath}: ${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (
    index.format !== "dsfabric-npy-blocks" ||
    !Array.isArray(index.rowChunks) ||
    !Array.isArray(index.colChunks)
  ) {
    throw new FileFormatError(`${op}: ${indexPath} is not a dsfabric block index`);
  }
  const grid = gridOfChunks(index.rowChunks, index.colChunks);
  const refs = index.rowChunks.map((rows, i) =>
    index.colChunks.map((cols, j) => {
      const file = join(path, blockFile(i, j));
      const header = readHeader(op, file);
      if (header.rows !== rows || header.cols !== cols) {
        throw new FileFormatError(
          `${op}: ${file} holds ${header.rows} x ${header.cols}, the index says ${rows} x ${cols}`,
        );
      }
      return readBlocks(file, file, header, [rows], [cols])[0][0];
    }),
  );
  const x = await finished(op, DsArray.fromBlocks(grid, refs));
  if (blockSize === undefined) return x;
  const wanted = loaderBlockSize(op, blockSize, x.shape);
  if (wanted[0] === x.blockSize[0] && wanted[1] === x.blockSize[1]) return x;
  const y = x.rechunk(wanted);
  x.dispose();
  return y.persist();
}

/**
 * Saves `x` as a float64 .npy file (C order, little-endian; readable by `numpy.load`), or with
 * `{ blocked: true }` as a folder of one .npy per block plus `index.json`. The workers write their row
 * blocks in parallel; nothing appears under `path` unless the whole save succeeds.
 *
 * @example
 * ```ts
 * const x = ds.random([1000, 20], { blockSize: [250, 20], seed: 1 });
 * await ds.saveNpy(x, "/tmp/x.npy"); // numpy.load("/tmp/x.npy").shape == (1000, 20)
 * ```
 */
export async function saveNpy(x: DsArray, path: string, options?: SaveNpyOptions): Promise<void> {
  const op = "ds.saveNpy";
  const opts = readOptions(op, options, ["blocked"]);
  if (!(x instanceof DsArray)) throw new FileFormatError(`${op}: x must be a DsArray`);
  const blocked = booleanOption(op, opts, "blocked", false);
  const out = OutputTarget.create(op, path, blocked);
  try {
    const blocks = x.blocks();
    const { rowChunks, colChunks } = x.grid;
    const done: BlockRef[] = [];
    if (blocked) {
      const folder = out.file("blocks");
      mkdirSync(folder);
      rowChunks.forEach((rows, i) =>
        colChunks.forEach((cols, j) => {
          const file = join(folder, blockFile(i, j));
          const offset = sizedFile(file, rows, cols);
          done.push(writeTask(op, file, offset, [blocks[i][j]], i));
        }),
      );
      await waitFor(op, done);
      const index: BlockFolderIndex = {
        format: "dsfabric-npy-blocks",
        version: 1,
        shape: [x.shape[0], x.shape[1]],
        rowChunks: [...rowChunks],
        colChunks: [...colChunks],
      };
      writeFileSync(join(folder, INDEX_FILE), `${JSON.stringify(index)}\n`);
      out.commit(folder);
    } else {
      const file = out.file("array.npy");
      const offset = sizedFile(file, x.shape[0], x.shape[1]);
      const rowOffsets = offsetsOf(rowChunks);
      rowChunks.forEach((_, i) =>
        done.push(writeTask(op, file, offset + rowOffsets[i] * x.shape[1] * 8, blocks[i], i)),
      );
      await waitFor(op, done);
      out.commit(file);
    }
  } finally {
    out.cleanUp();
  }
}

/** Creates `file` with the header of a rows x cols float64 array, sized to hold the data; returns the data offset. */
function sizedFile(file: string, rows: number, cols: number): number {
  const header = buildNpyHeader(rows, cols);
  const fd = openSync(file, "w");
  try {
    writeSync(fd, header);
    ftruncateSync(fd, header.length + rows * cols * 8);
  } finally {
    closeSync(fd);
  }
  return header.length;
}

function writeTask(op: string, path: string, offset: number, inputs: BlockRef[], row: number): BlockRef {
  return engine().submit({
    op,
    kernel: "io.npy.write",
    attrs: { path, offset },
    inputs,
    outputs: [[0, 0]],
    blockIndex: [row],
  })[0];
}

async function waitFor(op: string, refs: readonly BlockRef[]): Promise<void> {
  try {
    await waitAll(refs);
  } catch (e) {
    throw fileTaskError(op, e);
  }
}
