/**
 * Parquet files in: numeric columns become the columns of a float64 DsArray, nulls NaN. Decoded on the
 * calling thread with hyparquet (pure JavaScript: snappy, gzip-free files; the codecs hyparquet reads),
 * column chunk by column chunk, then cut into blocks.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { FileFormatError } from "../core/errors.ts";
import type { DsArray } from "../array/dsArray.ts";
import type { LoadColumnsOptions } from "./arrow.ts";
import { columnsToArray, numeric, selectColumns } from "./columns.ts";
import { statInput } from "./files.ts";
import { readOptions } from "../core/options.ts";

/**
 * Loads the numeric columns of a Parquet file as a float64 DsArray, one column per top-level field; nulls
 * are NaN.
 *
 * @example
 * ```ts
 * const x = await ds.loadParquet("data.parquet", { blockSize: [100_000, 8] });
 * ```
 */
export async function loadParquet(path: string, options?: LoadColumnsOptions): Promise<DsArray> {
  const op = "ds.loadParquet";
  const opts = readOptions(op, options, ["blockSize", "columns"]);
  const stats = statInput(op, path);
  if (stats.isDirectory()) throw new FileFormatError(`${op}: cannot read ${path}: it is a folder`);
  const file = await asyncBufferFromFile(path);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (e) {
    throw new FileFormatError(
      `${op}: ${path} is not a Parquet file: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
      },
    );
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const chosen = selectColumns(op, path, names, opts.columns);
  const rows = Number(metadata.num_rows);
  const columns = chosen.map(() => new Float64Array(rows));
  let bad: string | undefined;
  await parquetRead({
    file,
    metadata,
    columns: chosen,
    onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
      const out = columns[chosen.indexOf(columnName)];
      for (let i = rowStart; i < Math.min(rowEnd, rows); i++) {
        const v = numeric(columnData[i - rowStart] as unknown);
        if (v === undefined) {
          bad ??= `column "${columnName}" holds ${JSON.stringify(String(columnData[i - rowStart]))} at row ${i}, not a number (pick numeric columns with the columns option)`;
          return;
        }
        out[i] = v;
      }
    },
  });
  if (bad !== undefined) throw new FileFormatError(`${op}: ${path}: ${bad}`);
  return columnsToArray(op, columns, rows, opts.blockSize);
}
