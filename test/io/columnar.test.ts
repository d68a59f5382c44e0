import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { makeVector, Table, tableToIPC, Bool, Utf8, Float64, vectorFromArray } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { ArgumentError, ds, FileFormatError } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { float64Bits } from "../support/python.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-columnar-"));
let files = 0;
const fresh = (name: string) => join(dir, `${files++}-${name}`);

/** Row-major float64 values of columns, for comparison with a loaded array. */
function rowMajor(columns: readonly (readonly number[])[]): Float64Array {
  const rows = columns[0].length;
  const out = new Float64Array(rows * columns.length);
  columns.forEach((c, j) => c.forEach((v, i) => (out[i * columns.length + j] = v)));
  return out;
}

describeEachExecutor("ds.loadArrow and ds.loadParquet", () => {
  it("read numeric columns of random tables in random blockings, in both Arrow formats and Parquet", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1 << 30 }),
        async (rows, cols, br, bc, seed) => {
          const columns = Array.from({ length: cols }, (_, j) =>
            fc.sample(fc.double({ noNaN: true }), { seed: seed + j, numRuns: rows }),
          );
          const names = columns.map((_, j) => `c${j}`);
          const table = new Table(
            Object.fromEntries(names.map((n, j) => [n, vectorFromArray(columns[j], new Float64())])),
          );
          const want = float64Bits(rowMajor(columns));
          for (const format of ["file", "stream"] as const) {
            const file = fresh(`t.${format}.arrow`);
            writeFileSync(file, tableToIPC(table, format));
            const x = await ds.loadArrow(file, { blockSize: [br, bc] });
            assert.deepEqual(x.shape, [rows, cols]);
            assert.deepEqual(x.blockSize, [Math.min(br, rows), Math.min(bc, cols)]);
            assert.deepEqual(float64Bits((await x.collect()).data), want, format);
          }
          const pq = fresh("t.parquet");
          writeFileSync(
            pq,
            new Uint8Array(
              parquetWriteBuffer({
                columnData: names.map((name, j) => ({
                  name,
                  data: Float64Array.from(columns[j]),
                  type: "DOUBLE",
                })),
                rowGroupSize: 64,
              }),
            ),
          );
          const y = await ds.loadParquet(pq, { blockSize: [br, bc] });
          assert.deepEqual(y.shape, [rows, cols]);
          assert.deepEqual(float64Bits((await y.collect()).data), want, "parquet");
        },
      ),
      { numRuns: 10 },
    );
  });

  it("convert integers, booleans and nulls (NaN), and pick or refuse columns by name", async () => {
    const ints = makeVector(Int32Array.from([1, -2, 3]));
    const bools = vectorFromArray([true, false, null], new Bool());
    const withNull = vectorFromArray([1.5, null, 3.5], new Float64());
    const text = vectorFromArray(["a", "b", "c"], new Utf8());
    const table = new Table({ i: ints, b: bools, f: withNull, s: text });
    const file = fresh("mixed.arrow");
    writeFileSync(file, tableToIPC(table, "file"));
    const x = await ds.loadArrow(file, { columns: ["f", "i", "b"] });
    assert.deepEqual(
      Array.from((await x.collect()).data).map((v) => (Number.isNaN(v) ? "NaN" : v)),
      [1.5, 1, 1, "NaN", -2, 0, 3.5, 3, "NaN"],
    );
    await assert.rejects(
      ds.loadArrow(file),
      /column "s" is Utf8, not numeric \(pick numeric columns with the columns option\)/,
    );
    await assert.rejects(ds.loadArrow(file, { columns: ["z"] }), /has no column "z" \(columns: i, b, f, s\)/);
    await assert.rejects(ds.loadArrow(file, { columns: [] }), ArgumentError);

    const pq = fresh("mixed.parquet");
    writeFileSync(
      pq,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "n", data: [1n, null, 3n], type: "INT64", nullable: true },
            { name: "flag", data: [true, false, true], type: "BOOLEAN" },
            { name: "name", data: ["x", "y", "z"], type: "STRING" },
          ],
        }),
      ),
    );
    const y = await ds.loadParquet(pq, { columns: ["flag", "n"] });
    assert.deepEqual(
      Array.from((await y.collect()).data).map((v) => (Number.isNaN(v) ? "NaN" : v)),
      [1, 1, 0, "NaN", 1, 3],
    );
    await assert.rejects(ds.loadParquet(pq), /column "name" holds "x" at row 0, not a number/);
  });

  it("name the path and the problem for a file that is not Arrow or Parquet, and for a missing one", async () => {
    const junk = fresh("junk.bin");
    writeFileSync(junk, "not a columnar file at all");
    await assert.rejects(
      ds.loadArrow(junk),
      (e: Error) => e instanceof FileFormatError && /junk\.bin is not an Arrow IPC file/.test(e.message),
    );
    await assert.rejects(
      ds.loadParquet(junk),
      (e: Error) => e instanceof FileFormatError && /junk\.bin is not a Parquet file/.test(e.message),
    );
    await assert.rejects(
      ds.loadParquet(join(dir, "missing.parquet")),
      /cannot read .*missing\.parquet: no such file or folder/,
    );
  });
});
