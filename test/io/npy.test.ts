import { it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ds, FileFormatError, type DsArray } from "../../src/index.ts";
import { buildNpyHeader, parseNpyHeader } from "../../src/io/npyHeader.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { float64Bits, python, pythonJson } from "../support/python.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-npy-"));
let files = 0;
const fresh = (name: string) => join(dir, `${files++}-${name}`);

async function bitsOf(x: DsArray): Promise<string[]> {
  return float64Bits((await x.collect()).data);
}

/** Every dtype the loader takes, in both byte orders and both memory orders, for one integer matrix. */
const WRITE_VARIANTS = `
import sys, json, numpy as np
out = sys.argv[1]
a = (np.arange(35).reshape(5, 7) * 3 % 101).astype(np.int64)
cases = []
for kind in ["f8", "f4", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
    for order in "<>":
        for fortran in (False, True):
            name = f"{out}/{kind}{'be' if order == '>' else 'le'}{'F' if fortran else 'C'}.npy"
            v = a.astype(np.dtype(order + kind))
            np.save(name, np.asfortranarray(v) if fortran else v)
            cases.append(name)
b = a % 2 == 0
np.save(f"{out}/bool.npy", b)
for version in [(1, 0), (2, 0), (3, 0)]:
    with open(f"{out}/v{version[0]}.npy", "wb") as f:
        np.lib.format.write_array(f, a.astype("<f8"), version=version)
    cases.append(f"{out}/v{version[0]}.npy")
np.save(f"{out}/column.npy", np.arange(9, dtype="<f4"))
print(json.dumps({"cases": cases, "values": a.ravel().tolist(), "bool": b.astype(int).ravel().tolist()}))
`;

describeEachExecutor("ds.loadNpy and ds.saveNpy", () => {
  it("reads every dtype, byte order, memory order and format version that NumPy writes", async () => {
    const out = fresh("variants");
    mkdirSync(out);
    const { cases, values, bool } = pythonJson<{ cases: string[]; values: number[]; bool: number[] }>(
      WRITE_VARIANTS,
      [out],
    );
    for (const file of cases) {
      const x = await ds.loadNpy(file, { blockSize: [2, 3] });
      assert.deepEqual(x.shape, [5, 7], file);
      assert.deepEqual(Array.from((await x.collect()).data), values, file);
    }
    const b = await ds.loadNpy(join(out, "bool.npy"), { blockSize: [3, 4] });
    assert.deepEqual(Array.from((await b.collect()).data), bool);
    const col = await ds.loadNpy(join(out, "column.npy"), { blockSize: [4, 1] });
    assert.deepEqual(col.shape, [9, 1]);
    assert.deepEqual(Array.from((await col.collect()).data), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("saves what numpy.load reads bit for bit, NaN, infinities and negative zero included", async () => {
    const m = ds.random([37, 11], { blockSize: [10, 4], seed: 3 });
    const x = ds.where(m.lt(0.1), Number.NaN, ds.where(m.gt(0.9), -Infinity, m.sub(0.5).mul(1e300)));
    const withZero = x.set([0, 1], [0, 1], -0);
    const file = fresh("saved.npy");
    await ds.saveNpy(withZero, file);
    const seen = pythonJson<{ shape: number[]; descr: string; fortran: boolean; bits: string[] }>(
      `import sys, json, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({"shape": list(a.shape), "descr": a.dtype.str, "fortran": bool(np.isfortran(a)), "bits": [str(b) for b in a.view(np.uint64).ravel()]}))`,
      [file],
    );
    assert.deepEqual(seen.shape, [37, 11]);
    assert.equal(seen.descr, "<f8");
    assert.equal(seen.fortran, false);
    assert.deepEqual(seen.bits, await bitsOf(withZero));
  });

  it("round-trips random shapes and blockings, as one file and as a block folder", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        async (rows, cols, br, bc, lr, lc) => {
          const x = ds.random([rows, cols], {
            blockSize: [Math.min(br, rows), Math.min(bc, cols)],
            seed: rows * 31 + cols,
          });
          const file = fresh("prop.npy");
          await ds.saveNpy(x, file);
          const y = await ds.loadNpy(file, { blockSize: [lr, lc] });
          assert.deepEqual(y.blockSize, [Math.min(lr, rows), Math.min(lc, cols)]);
          assert.deepEqual(await bitsOf(y), await bitsOf(x));
          const folder = fresh("prop.blocks");
          await ds.saveNpy(x, folder, { blocked: true });
          const z = await ds.loadNpy(folder);
          assert.deepEqual(z.grid.rowChunks, x.grid.rowChunks);
          assert.deepEqual(z.grid.colChunks, x.grid.colChunks);
          assert.deepEqual(await bitsOf(z), await bitsOf(x));
          const w = await ds.loadNpy(folder, { blockSize: [lr, lc] });
          assert.deepEqual(w.blockSize, y.blockSize);
          assert.deepEqual(await bitsOf(w), await bitsOf(x));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("a block folder is readable block by block with numpy.load", async () => {
    const x = ds.random([9, 5], { blockSize: [4, 3], seed: 1 });
    const folder = fresh("numpy.blocks");
    await ds.saveNpy(x, folder, { blocked: true });
    const shapes = pythonJson<number[][]>(
      `import sys, json, numpy as np
idx = json.load(open(sys.argv[1] + "/index.json"))
print(json.dumps([list(np.load(f"{sys.argv[1]}/block-{i}-{j}.npy").shape) for i in range(len(idx["rowChunks"])) for j in range(len(idx["colChunks"]))]))`,
      [folder],
    );
    assert.deepEqual(shapes, [
      [4, 3],
      [4, 2],
      [4, 3],
      [4, 2],
      [1, 3],
      [1, 2],
    ]);
  });

  it("names the path and the problem for every malformed file", async () => {
    const bad = fresh("bad");
    mkdirSync(bad);
    python(
      `import sys, numpy as np
d = sys.argv[1]
np.save(d + "/3d.npy", np.zeros((2, 3, 4)))
np.save(d + "/0d.npy", np.float64(1.5))
np.save(d + "/complex.npy", np.zeros((2, 2), dtype=np.complex128))
np.save(d + "/strings.npy", np.array([["a", "b"]]))
np.save(d + "/struct.npy", np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
np.save(d + "/half.npy", np.zeros((2, 2), dtype=np.float16))
np.save(d + "/full.npy", np.arange(100.0).reshape(10, 10))
data = open(d + "/full.npy", "rb").read()
open(d + "/truncated.npy", "wb").write(data[:-8])
open(d + "/header-only.npy", "wb").write(data[:20])
v4 = bytearray(data); v4[6] = 4
open(d + "/v4.npy", "wb").write(bytes(v4))`,
      [bad],
    );
    writeFileSync(join(bad, "text.npy"), "1,2,3\n");
    mkdirSync(join(bad, "folder"));
    const cases: [string, RegExp][] = [
      ["3d.npy", /3d\.npy: holds a 3-D array \(shape \(2, 3, 4\)\); expected 1-D or 2-D/],
      ["0d.npy", /0d\.npy: holds a 0-D array/],
      ["complex.npy", /complex\.npy: dtype '<c16' is not supported/],
      ["strings.npy", /strings\.npy: dtype '<U1' is not supported/],
      ["struct.npy", /struct\.npy: structured dtypes are not supported/],
      ["half.npy", /half\.npy: dtype '<f2' is not supported/],
      [
        "truncated.npy",
        /truncated\.npy: truncated: shape \(10, 10\) of '<f8' needs 800 bytes of data from byte offset 128, the file has 792/,
      ],
      ["header-only.npy", /header-only\.npy: truncated header/],
      ["v4.npy", /v4\.npy: \.npy format version 4\.0 is not supported/],
      ["text.npy", /text\.npy: not a \.npy file/],
      ["missing.npy", /cannot read .*missing\.npy: no such file or folder/],
      ["folder", /folder is a folder but not a block folder/],
    ];
    for (const [name, message] of cases) {
      await assert.rejects(ds.loadNpy(join(bad, name), { blockSize: [2, 2] }), (e: Error) => {
        assert.ok(e instanceof FileFormatError, `${name}: ${e.name}`);
        assert.match(e.message, /^ds\.loadNpy: /);
        assert.match(e.message, message);
        assert.ok(!e.message.includes("\n"), `${name}: one line`);
        return true;
      });
    }
  });

  it("a failed save leaves no file under the target and no temporary files, and keeps an old file", async () => {
    const folder = fresh("failing");
    mkdirSync(folder);
    const target = join(folder, "x.npy");
    await ds.saveNpy(ds.ones([3, 3], { blockSize: [3, 3] }), target);
    const failing = ds.ones([6, 3], { blockSize: [2, 3] }).mapBlocks((b) => {
      if (b.get(0, 0) === 1) throw new Error("boom");
      return b;
    });
    await assert.rejects(ds.saveNpy(failing, target), /boom/);
    await assert.rejects(ds.saveNpy(failing, join(folder, "blocks"), { blocked: true }), /boom/);
    assert.deepEqual(readdirSync(folder), ["x.npy"]);
    const old = await ds.loadNpy(target);
    assert.deepEqual(old.shape, [3, 3]);
    await assert.rejects(
      ds.saveNpy(old, join(folder, "missing", "x.npy")),
      /folder .*missing: no such file or folder/,
    );
    await assert.rejects(ds.saveNpy(old, folder), /cannot write .*: it is a folder/);
    await assert.rejects(ds.saveNpy(old, "/proc/x.npy"), /\/proc holds no data files/);
    await assert.rejects(ds.saveNpy(old, target, { blocked: true }), /a file is there/);
    assert.deepEqual(readdirSync(folder), ["x.npy"]);
    assert.ok(!existsSync(join(folder, "blocks")));
  });
});

it("npy headers: ours parse back and are 64-byte aligned; a short one is refused", () => {
  const h = buildNpyHeader(1000, 20);
  assert.equal(h.length % 64, 0);
  const p = parseNpyHeader(h, "x.npy");
  assert.deepEqual(
    [p.rows, p.cols, p.dtype, p.bigEndian, p.fortran, p.dataOffset],
    [1000, 20, "f8", false, false, h.length],
  );
  assert.throws(() => parseNpyHeader(h.subarray(0, 30), "x.npy"), /truncated header/);
});
