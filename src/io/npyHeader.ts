/**
 * The .npy header (NumPy's format, versions 1.0, 2.0 and 3.0): a magic string, a version, a header length
 * and a Python dict literal with `descr`, `fortran_order` and `shape`, padded so that the data starts on a
 * 64-byte boundary. See numpy/lib/format.py.
 */
import { FileFormatError } from "../core/errors.ts";
import type { NpyDtype, NpyLayout } from "../core/kernels/io/attrs.ts";
import { NPY_ITEM_BYTES } from "../core/kernels/io/npyBlocks.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Bytes before the dict: magic, two version bytes, and a 2-byte (v1) or 4-byte (v2, v3) length. */
export const NPY_PREFIX_BYTES = 12;
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/** A parsed header: the layout of the elements, and the shape as the file gives it (1-D or 2-D). */
export interface NpyHeader extends NpyLayout {
  /** The shape in the file: `[n]` for 1-D (read as an n x 1 column), `[rows, cols]` for 2-D. */
  shape: number[];
  descr: string;
}

function fail(path: string, what: string): never {
  throw new FileFormatError(`${path}: ${what}`);
}

/**
 * Parses the header at the start of a .npy file (`bytes` holds at least its first `dataOffset` bytes; pass
 * the first 12 to learn the length with `npyHeaderLength`).
 *
 * @example
 * ```ts
 * const h = parseNpyHeader(firstBytes, "x.npy");
 * h.rows; h.cols; h.dtype; // 1000, 20, "f8"
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array, path: string): NpyHeader {
  const total = npyHeaderLength(bytes, path);
  if (bytes.length < total)
    fail(path, `truncated header: expected ${total} bytes, the file has ${bytes.length}`);
  const major = bytes[6];
  const start = major === 1 ? 10 : 12;
  const dict = (major === 3 ? utf8 : latin1).decode(bytes.subarray(start, total)).trim();
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    if (/'descr'\s*:\s*\[/.test(dict)) fail(path, `structured dtypes are not supported (header ${dict})`);
    fail(path, `header is not a .npy dict with descr, fortran_order and shape: ${dict}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim().replace(/L$/, ""))
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0))
    fail(path, `bad shape (${shapeText}) in the header`);
  if (shape.length === 0 || shape.length > 2) {
    fail(path, `holds a ${shape.length}-D array (shape (${shapeText})); expected 1-D or 2-D`);
  }
  const { dtype, bigEndian } = parseDescr(descr, path);
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  return { descr, dtype, bigEndian, fortran: fortran === "True", dataOffset: total, rows, cols, shape };
}

/** The header's total length (prefix + dict) from its first 12 bytes; throws if they are not a .npy start. */
export function npyHeaderLength(bytes: Uint8Array, path: string): number {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    fail(path, "not a .npy file (it does not start with \\x93NUMPY)");
  }
  const major = bytes[6];
  if (major < 1 || major > 3)
    fail(path, `.npy format version ${major}.${bytes[7]} is not supported (expected 1-3)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (bytes.length < 12) fail(path, "truncated header");
  return 12 + view.getUint32(8, true);
}

const KINDS: Readonly<Record<string, NpyDtype>> = {
  f8: "f8",
  f4: "f4",
  i1: "i1",
  i2: "i2",
  i4: "i4",
  i8: "i8",
  u1: "u1",
  u2: "u2",
  u4: "u4",
  u8: "u8",
  b1: "b1",
};

function parseDescr(descr: string, path: string): { dtype: NpyDtype; bigEndian: boolean } {
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const dtype = m === null ? undefined : KINDS[m[2]];
  if (m === null || dtype === undefined) {
    fail(path, `dtype '${descr}' is not supported (expected float64, float32, int8-64, uint8-64 or bool)`);
  }
  // '=' is the writer's native order; NumPy writes '<' or '|' on every machine it runs on.
  return { dtype, bigEndian: m[1] === ">" && NPY_ITEM_BYTES[dtype] > 1 };
}

/**
 * The header of a C-order little-endian float64 array of `rows` x `cols` (version 1.0, or 2.0 if the dict
 * does not fit 65,535 bytes), padded with spaces and a newline to a multiple of 64 bytes.
 *
 * @example
 * ```ts
 * buildNpyHeader(3, 4).length; // 128
 * ```
 */
export function buildNpyHeader(rows: number, cols: number): Uint8Array {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const version = dict.length + 11 > 65535 ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, total - prefix, true);
  else view.setUint32(8, total - prefix, true);
  const text = dict.padEnd(total - prefix - 1, " ") + "\n";
  for (let k = 0; k < text.length; k++) out[prefix + k] = text.charCodeAt(k);
  return out;
}
