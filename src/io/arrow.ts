/**
 * Apache Arrow IPC files (the file and the stream format, as `pyarrow.feather` / `ipc` write them) in:
 * numeric columns become the columns of a float64 DsArray, nulls NaN. Decoded on the calling thread with
 * the apache-arrow package, then cut into blocks.
 */
import { readFileSync } from "node:fs";
import { tableFromIPC, Type, type DataType, type Vector } from "apache-arrow";
import { FileFormatError } from "../core/errors.ts";
import type { DsArray } from "../array/dsArray.ts";
import { columnsToArray, numeric, selectColumns } from "./columns.ts";
import { describeFsError, statInput } from "./files.ts";
import { readOptions } from "../core/options.ts";

/** Options of `ds.loadArrow` and `ds.loadParquet`. */
export interface LoadColumnsOptions {
  /** `[rows, cols]` of each block (clipped to the shape); by default whole rows, about 4 MiB a block. */
  blockSize?: readonly [number, number];
  /** Column names to read, in this order; by default every column (each must be numeric). */
  columns?: readonly string[];
}

const NUMERIC = new Set<Type>([Type.Int, Type.Float, Type.Bool, Type.Decimal]);

function toFloat64(op: string, path: string, name: string, vector: Vector): Float64Array {
  const dataType = vector.type as DataType;
  const typeId = dataType.typeId;
  if (!NUMERIC.has(typeId)) {
    throw new FileFormatError(
      `${op}: ${path}: column "${name}" is ${Type[typeId]}, not numeric (pick numeric columns with the columns option)`,
    );
  }
  const out = new Float64Array(vector.length);
  if (vector.nullCount === 0 && (typeId === Type.Int || typeId === Type.Float)) {
    const values = vector.toArray() as ArrayLike<number | bigint>;
    for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] = numeric(vector.get(i) as unknown) ?? Number.NaN;
  return out;
}

/**
 * Loads the numeric columns of an Arrow IPC file (file or stream format) as a float64 DsArray, one column
 * per field; nulls are NaN.
 *
 * @example
 * ```ts
 * const x = await ds.loadArrow("data.arrow", { columns: ["age", "income"] });
 * x.shape; // [rows, 2]
 * ```
 */
export async function loadArrow(path: string, options?: LoadColumnsOptions): Promise<DsArray> {
  const op = "ds.loadArrow";
  const opts = readOptions(op, options, ["blockSize", "columns"]);
  const stats = statInput(op, path);
  if (stats.isDirectory()) throw new FileFormatError(`${op}: cannot read ${path}: it is a folder`);
  let table;
  try {
    table = tableFromIPC(readFileSync(path));
  } catch (e) {
    const why =
      e instanceof Error && "code" in e ? describeFsError(e) : e instanceof Error ? e.message : String(e);
    throw new FileFormatError(`${op}: ${path} is not an Arrow IPC file: ${why}`, { cause: e });
  }
  const names = table.schema.fields.map((f) => f.name);
  const chosen = selectColumns(op, path, names, opts.columns);
  const columns = chosen.map((name) => toFloat64(op, path, name, table.getChild(name) as Vector));
  return Promise.resolve(columnsToArray(op, columns, table.numRows, opts.blockSize));
}
