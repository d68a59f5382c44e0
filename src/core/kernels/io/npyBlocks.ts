/**
 * .npy elements to and from blocks, on the workers: a read task fills one row block (one output per column
 * block) from its rows of the file, converting to float64; a write task puts one strip of blocks into its
 * rows of a file the writer has already sized. A float64 little-endian file read as one column block goes
 * straight into the block's memory, with no copy.
 */
import { closeSync, openSync } from "node:fs";
import { Matrix } from "../../matrix.ts";
import type { Kernel } from "../registry.ts";
import type { NpyDtype } from "./attrs.ts";
import { readFully, writeFully } from "./fileBytes.ts";

/** Bytes read or written per system call when a strip has to be converted or assembled. */
const CHUNK_BYTES = 1 << 22;

/** Bytes per element of each dtype. */
export const NPY_ITEM_BYTES: Readonly<Record<NpyDtype, number>> = {
  f8: 8,
  f4: 4,
  i1: 1,
  i2: 2,
  i4: 4,
  i8: 8,
  u1: 1,
  u2: 2,
  u4: 4,
  u8: 8,
  b1: 1,
};

/**
 * Converts `n` elements of `dtype` in `raw` (aligned at offset 0, in the file's byte order) to float64 in
 * `dst`. Big-endian elements are swapped in place first.
 */
export function npyToFloat64(
  raw: Uint8Array,
  dtype: NpyDtype,
  bigEndian: boolean,
  n: number,
  dst: Float64Array,
): void {
  const size = NPY_ITEM_BYTES[dtype];
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, n * size);
  if (bigEndian && size === 2) bytes.swap16();
  else if (bigEndian && size === 4) bytes.swap32();
  else if (bigEndian && size === 8) bytes.swap64();
  const buf = raw.buffer;
  const at = raw.byteOffset;
  switch (dtype) {
    case "f8":
      dst.set(new Float64Array(buf, at, n));
      break;
    case "f4":
      dst.set(new Float32Array(buf, at, n));
      break;
    case "i1":
      dst.set(new Int8Array(buf, at, n));
      break;
    case "i2":
      dst.set(new Int16Array(buf, at, n));
      break;
    case "i4":
      dst.set(new Int32Array(buf, at, n));
      break;
    case "u1":
      dst.set(new Uint8Array(buf, at, n));
      break;
    case "u2":
      dst.set(new Uint16Array(buf, at, n));
      break;
    case "u4":
      dst.set(new Uint32Array(buf, at, n));
      break;
    case "i8": {
      const v = new BigInt64Array(buf, at, n);
      for (let k = 0; k < n; k++) dst[k] = Number(v[k]);
      break;
    }
    case "u8": {
      const v = new BigUint64Array(buf, at, n);
      for (let k = 0; k < n; k++) dst[k] = Number(v[k]);
      break;
    }
    case "b1": {
      const v = new Uint8Array(buf, at, n);
      for (let k = 0; k < n; k++) dst[k] = v[k] !== 0 ? 1 : 0;
      break;
    }
  }
}

export const npyRead: Kernel<"io.npy.read"> = (
  _inputs,
  { path, displayPath, layout, rowStart, rows, widths },
  out,
) => {
  const { dtype, bigEndian, fortran, dataOffset, rows: fileRows, cols: fileCols } = layout;
  const size = NPY_ITEM_BYTES[dtype];
  const outputs = widths.map((w, k) => out.take(k, rows, w));
  const fd = openSync(path, "r");
  try {
    if (!fortran && dtype === "f8" && !bigEndian && outputs.length === 1) {
      const d = outputs[0].data;
      const into = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
      readFully(fd, into, d.byteLength, dataOffset + rowStart * fileCols * size, displayPath);
      return outputs;
    }
    if (fortran) {
      // Column c's rows are contiguous: one read per column, written down the output's column.
      const raw = new Uint8Array(new ArrayBuffer(rows * size));
      const column = new Float64Array(rows);
      for (let k = 0, c = 0; k < outputs.length; k++) {
        const { cols, data } = outputs[k];
        for (let j = 0; j < cols; j++, c++) {
          readFully(fd, raw, rows * size, dataOffset + (c * fileRows + rowStart) * size, displayPath);
          npyToFloat64(raw, dtype, bigEndian, rows, column);
          for (let i = 0; i < rows; i++) data[i * cols + j] = column[i];
        }
      }
      return outputs;
    }
    // C order: whole file rows, a chunk at a time, split across the column blocks.
    const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / (fileCols * size)));
    const raw = new Uint8Array(new ArrayBuffer(Math.min(rows, chunkRows) * fileCols * size));
    const values = new Float64Array(Math.min(rows, chunkRows) * fileCols);
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const n = Math.min(chunkRows, rows - r0);
      readFully(fd, raw, n * fileCols * size, dataOffset + (rowStart + r0) * fileCols * size, displayPath);
      npyToFloat64(raw, dtype, bigEndian, n * fileCols, values);
      for (let i = 0; i < n; i++) {
        let c = i * fileCols;
        for (const { cols, data } of outputs) {
          data.set(values.subarray(c, c + cols), (r0 + i) * cols);
          c += cols;
        }
      }
    }
    return outputs;
  } finally {
    closeSync(fd);
  }
};

export const npyWrite: Kernel<"io.npy.write"> = (blocks, { path, offset }) => {
  const fd = openSync(path, "r+");
  try {
    if (blocks.length === 1) {
      const d = blocks[0].data;
      writeFully(fd, new Uint8Array(d.buffer, d.byteOffset, d.byteLength), offset);
    } else {
      const rows = blocks[0].rows;
      const fileCols = blocks.reduce((a, m) => a + m.cols, 0);
      const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / (fileCols * 8)));
      const values = new Float64Array(Math.min(rows, chunkRows) * fileCols);
      for (let r0 = 0; r0 < rows; r0 += chunkRows) {
        const n = Math.min(chunkRows, rows - r0);
        for (let i = 0; i < n; i++) {
          let c = i * fileCols;
          for (const { cols, data } of blocks) {
            values.set(data.subarray((r0 + i) * cols, (r0 + i + 1) * cols), c);
            c += cols;
          }
        }
        writeFully(fd, new Uint8Array(values.buffer, 0, n * fileCols * 8), offset + r0 * fileCols * 8);
      }
    }
  } finally {
    closeSync(fd);
  }
  return [Matrix.zeros(0, 0)];
};
