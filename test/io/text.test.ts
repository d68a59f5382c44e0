import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, ds, FileFormatError } from "../../src/index.ts";
import { isDecimal, parseNumber } from "../../src/core/kernels/io/parseNumber.ts";
import { formatNumber } from "../../src/core/kernels/io/textWrite.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { float64Bits, pythonJson } from "../support/python.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-text-"));
let files = 0;
const fresh = (name: string) => join(dir, `${files++}-${name}`);

/** numpy.loadtxt's answer for a file, as shape and bits. */
function numpyLoad(file: string, kwargs: string): { shape: number[]; bits: string[] } {
  return pythonJson(
    `import sys, json, numpy as np
a = np.loadtxt(sys.argv[1], ndmin=2, ${kwargs})
print(json.dumps({"shape": list(a.shape), "bits": [str(b) for b in a.view(np.uint64).ravel()]}))`,
    [file],
  );
}

/** Files NumPy writes in several styles, each with the loadtxt arguments that read it. */
const NUMPY_FILES = `
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
a = rng.standard_normal((3000, 6)) * 10.0 ** rng.integers(-30, 30, (3000, 6))
a[::7, 2] = np.nan
a[::11, 4] = np.inf
a[::13, 0] = -np.inf
a[5, 5] = -0.0
np.savetxt(d + "/repr.csv", a, delimiter=",", fmt="%r")
np.savetxt(d + "/e18.txt", a)
np.savetxt(d + "/g.tsv", a, delimiter="\\t", fmt="%.6g", header="c0\\tc1\\tc2\\tc3\\tc4\\tc5", comments="")
ints = rng.integers(-10**6, 10**6, (40000, 3))
np.savetxt(d + "/ints.csv", ints, delimiter=",", fmt="%d")
`;

describeEachExecutor("ds.loadTxt and ds.saveTxt", () => {
  it("reads what numpy.savetxt writes exactly as numpy.loadtxt does, over many ranges and row blocks", async () => {
    const d = fresh("numpy");
    mkdirSync(d);
    pythonJson(`${NUMPY_FILES}\nprint("{}")`, [d]);
    const cases: [string, Parameters<typeof ds.loadTxt>[1], string][] = [
      ["repr.csv", { blockSize: [7, 4] }, 'delimiter=","'],
      ["e18.txt", { blockSize: [500, 6] }, ""],
      ["g.tsv", { blockSize: [1000, 2], skipHeader: 1 }, 'delimiter="\\t", skiprows=1'],
      ["ints.csv", { blockSize: [333, 3] }, 'delimiter=","'],
    ];
    for (const [name, options, kwargs] of cases) {
      const file = join(d, name);
      const x = await ds.loadTxt(file, options);
      const want = numpyLoad(file, kwargs);
      assert.deepEqual(x.shape, want.shape, name);
      assert.deepEqual(float64Bits((await x.collect()).data), want.bits, name);
    }
  });

  it("takes comments, blank lines, CRLF, quotes, blanks around fields, NaN spellings and an index column", async () => {
    const file = fresh("messy.csv");
    writeFileSync(
      file,
      '# a comment\n\n0, 1.5 ,"2"\r\n1,NaN,-inf # trailing comment\n   \n2,+Infinity, nan\n3,1e3,.5\n4,-0,5.',
    );
    const x = await ds.loadTxt(file, { indexColumn: true, blockSize: [2, 1] });
    assert.deepEqual(x.shape, [5, 2]);
    const got = Array.from((await x.collect()).data);
    const want = [1.5, 2, Number.NaN, -Infinity, Infinity, Number.NaN, 1000, 0.5, -0, 5];
    got.forEach((v, k) => assert.ok(Object.is(v, want[k]), `value ${k}: ${v} != ${want[k]}`));
  });

  it("finds the delimiter, and reads empty fields as NaN when asked", async () => {
    const tabs = fresh("t.tsv");
    writeFileSync(tabs, "1\t2\n3\t4\n");
    assert.deepEqual(await (await ds.loadTxt(tabs)).toArray(), [
      [1, 2],
      [3, 4],
    ]);
    const blanks = fresh("b.txt");
    writeFileSync(blanks, "  1  2   3\n4 5 6  \n");
    assert.deepEqual(await (await ds.loadTxt(blanks)).toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const mixed = fresh("m.txt");
    writeFileSync(mixed, "1 \t 2\t3\n4\t5 6\n");
    assert.deepEqual(await (await ds.loadTxt(mixed, { delimiter: " " })).toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const empty = fresh("e.csv");
    writeFileSync(empty, "1,,3\n,5,\n");
    const x = await ds.loadTxt(empty, { emptyAs: "nan" });
    assert.deepEqual(
      Array.from((await x.collect()).data).map((v) => (Number.isNaN(v) ? "nan" : v)),
      [1, "nan", 3, "nan", 5, "nan"],
    );
    await assert.rejects(ds.loadTxt(empty), /e\.csv:1:3: field 2 is empty \(pass emptyAs: "nan"/);
  });

  it("round-trips random values, shapes, blockings and formatting through saveTxt and loadTxt", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(",", "\t", " "),
        fc.array(fc.double(), { minLength: 180, maxLength: 180 }),
        async (rows, cols, br, bc, delimiter, pool) => {
          const values = Array.from({ length: rows }, (_, i) =>
            Array.from({ length: cols }, (_, j) => pool[(i * cols + j) % pool.length]),
          );
          const x = ds.array(values, { blockSize: [Math.min(br, rows), Math.min(bc, cols)] });
          const file = fresh("prop.txt");
          await ds.saveTxt(x, file, { delimiter, header: "a header\nof two lines" });
          const y = await ds.loadTxt(file, { delimiter, blockSize: [br, bc] });
          assert.deepEqual(y.shape, [rows, cols]);
          assert.deepEqual(float64Bits((await y.collect()).data), float64Bits((await x.collect()).data));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("saveTxt writes what numpy.loadtxt reads back bit for bit, with a header and a precision", async () => {
    const m = ds.random([50, 4], { blockSize: [13, 3], seed: 9 });
    const x = ds.where(m.lt(0.1), Number.NaN, m.sub(0.5).mul(1e-200));
    const file = fresh("saved.csv");
    await ds.saveTxt(x, file, { delimiter: ",", header: "w,x,y,z" });
    assert.ok(readFileSync(file, "utf8").startsWith("# w,x,y,z\n"));
    assert.deepEqual(numpyLoad(file, 'delimiter=","').bits, float64Bits((await x.collect()).data));
    const short = fresh("short.txt");
    await ds.saveTxt(ds.array([[1234.5678, -0.000123]], { blockSize: [1, 2] }), short, { precision: 2 });
    assert.equal(readFileSync(short, "utf8"), "1.23e+3 -1.23e-4\n");
  });

  it("names the path, line and column of every bad line, and the cause of every bad file", async () => {
    const d = fresh("bad");
    mkdirSync(d);
    const write = (name: string, text: string) => {
      writeFileSync(join(d, name), text);
      return join(d, name);
    };
    const cases: [string, Parameters<typeof ds.loadTxt>[1], RegExp][] = [
      [write("word.csv", "1,2,3\n4,5,6\n7,x8,9\n"), {}, /word\.csv:3:3: field 2 is "x8", not a number$/],
      [
        write("ragged.csv", "1,2,3\n4,5,6\n\n7,9\n"),
        {},
        /ragged\.csv:4:1: expected 3 values \(as on the first data line\), found 2$/,
      ],
      [write("long.csv", "1,2\n3,4,5\n"), {}, /long\.csv:2:1: expected 2 values .* found 3$/],
      [
        write("header.csv", "a,b\n1,2\n"),
        {},
        /header\.csv:1: "a" is not a number; if it is a header, pass skipHeader: 1$/,
      ],
      [write("comments.csv", "# only\n\n"), {}, /comments\.csv has no data lines$/],
      [write("empty.csv", ""), {}, /empty\.csv has no data lines$/],
      [write("short.csv", "1\n2\n"), { skipHeader: 5 }, /short\.csv has fewer than skipHeader=5 lines$/],
      [
        write("dots.csv", "1,2\n1.2.3,4\n"),
        { blockSize: [1, 2] },
        /dots\.csv:2:1: field 1 is "1\.2\.3", not a number$/,
      ],
      [join(d, "missing.csv"), {}, /cannot read .*missing\.csv: no such file or folder$/],
      [d, {}, /it is a folder$/],
    ];
    for (const [path, options, message] of cases) {
      await assert.rejects(ds.loadTxt(path, options), (e: Error) => {
        assert.ok(e instanceof FileFormatError, `${path}: ${e.name}: ${e.message}`);
        assert.match(e.message, /^ds\.loadTxt: /);
        assert.match(e.message, message);
        return true;
      });
    }
    const ok = write("ok.csv", "1,2\n");
    await assert.rejects(ds.loadTxt(ok, { delimter: "," } as never), ArgumentError);
    await assert.rejects(ds.loadTxt(ok, { delimiter: ";;" }), /delimiter must be one ASCII character/);
    await assert.rejects(ds.loadTxt(ok, { emptyAs: "zero" } as never), /emptyAs must be "error" or "nan"/);
    await assert.rejects(ds.loadTxt(ok, { blockSize: [0, 1] }), /blockSize\[0\] must be a positive integer/);
  });

  it("a failed save leaves nothing under the target and no temporary files", async () => {
    const folder = fresh("failing");
    mkdirSync(folder);
    const failing = ds.ones([6, 3], { blockSize: [2, 3] }).mapBlocks((b) => {
      if (b.get(0, 0) === 1) throw new Error("boom");
      return b;
    });
    await assert.rejects(ds.saveTxt(failing, join(folder, "x.txt")), /boom/);
    assert.deepEqual(readdirSync(folder), []);
    await assert.rejects(ds.saveTxt(failing, folder), /it is a folder/);
    await assert.rejects(ds.saveTxt(failing, join(folder, "x.txt"), { delimiter: "" }), /delimiter must be/);
  });
});

it("parseNumber agrees with Number on every valid spelling and refuses the rest", () => {
  const enc = new TextEncoder();
  const parse = (s: string) => {
    const b = enc.encode(s);
    return parseNumber(b, 0, b.length);
  };
  fc.assert(
    fc.property(fc.double(), fc.integer({ min: 0, max: 20 }), (v, p) => {
      for (const text of [String(v), v.toExponential(), v.toExponential(p), v.toFixed(Math.min(p, 20))]) {
        if (!Number.isFinite(v) && text !== String(v)) continue;
        const want = Number.isFinite(v) ? Number(text) : v;
        const got = parse(text === "Infinity" ? "inf" : text === "-Infinity" ? "-inf" : text);
        assert.ok(Object.is(got, want), `${text}: ${got} != ${want}`);
      }
    }),
    { numRuns: 2000 },
  );
  for (const s of ["nan", "NaN", "NAN", "-nan", "+inf", "INF", "Infinity", "-infinity"]) {
    const v = parse(s);
    assert.ok(v !== undefined && !Number.isFinite(v), s);
  }
  for (const s of [
    "",
    "-",
    ".",
    "e5",
    "1e",
    "1e+",
    "1.2.3",
    "0x10",
    "1,5",
    "infinit",
    "nana",
    "1_000",
    "--1",
    ".inf",
    "-.nan",
  ]) {
    assert.equal(parse(s), undefined, s);
  }
  // isDecimal is parseNumber's syntax check alone: they agree on every string of number-ish characters.
  fc.assert(
    fc.property(fc.stringMatching(/^[-+.0-9eEinfaINFA]{0,8}$/), (text) => {
      const b = enc.encode(text);
      assert.equal(isDecimal(b, 0, b.length), parse(text) !== undefined, text);
    }),
    { numRuns: 3000 },
  );
  assert.equal(formatNumber(-0, -1), "-0");
  assert.equal(formatNumber(Number.NaN, 3), "nan");
});

it("a file that cannot be read for permission is a one-line error naming it, for every loader", (t) => {
  // Root reads everything: the loaders then run in a child process as the unprivileged user nobody, which
  // needs a checkout that others may read.
  const root = process.getuid?.() === 0;
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      `require("fs").accessSync(${JSON.stringify(new URL("../../src/index.ts", import.meta.url).pathname)})`,
    ],
    root ? { uid: 65534, gid: 65534 } : {},
  );
  if (probe.status !== 0) {
    t.skip("the checkout is not readable by the user nobody, so the denied read cannot be tried here");
    return;
  }
  const d = mkdtempSync(join(tmpdir(), "dsfabric-perm-"));
  chmodSync(d, 0o755);
  const files = ["x.csv", "x.npy", "x.svm"].map((name) => join(d, name));
  for (const f of files) {
    writeFileSync(f, "1 2\n");
    chmodSync(f, root ? 0o600 : 0o000);
  }
  const index = JSON.stringify(new URL("../../src/index.ts", import.meta.url).pathname);
  const script = `import(${index}).then(async ({ ds }) => {
    for (const [load, f] of [[ds.loadTxt, ${JSON.stringify(files[0])}], [ds.loadNpy, ${JSON.stringify(files[1])}], [ds.loadSvmlight, ${JSON.stringify(files[2])}]]) {
      try { await load(f); console.log("loaded " + f); } catch (e) { console.log(e.name + ": " + e.message); }
    }
  })`;
  const asNobody = root ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    ...asNobody,
    cwd: new URL("../..", import.meta.url).pathname,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout.trim().split("\n"),
    ["ds.loadTxt", "ds.loadNpy", "ds.loadSvmlight"].map(
      (op, k) => `FileFormatError: ${op}: cannot read ${files[k]}: permission denied`,
    ),
  );
});
