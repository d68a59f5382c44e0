import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, CsrMatrix, ds, FileFormatError, type LoadSvmlightOptions } from "../../src/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { float64Bits, pythonJson } from "../support/python.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-svmlight-"));
let files = 0;
const fresh = (name: string) => join(dir, `${files++}-${name}`);

/** A random file: its shape, density, seed and base, and the block size to load it with. */
interface Spec {
  rows: number;
  cols: number;
  density: number;
  zeroBased: boolean;
  br: number;
  bc: number;
}

/** What scikit-learn read back from a file it wrote: shape, dense values as bits, labels. */
interface Reference {
  file: string;
  shape: number[];
  bits: string[];
  y: number[];
}

/**
 * Writes each spec's random sparse matrix with scikit-learn's dump_svmlight_file and reads it back with
 * load_svmlight_file, all in one Python run (starting Python with scikit-learn costs about a second).
 */
function sklearnFiles(specs: readonly Spec[]): Reference[] {
  const out = fresh("random");
  mkdirSync(out);
  return pythonJson(
    `import sys, json, numpy as np, scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file, load_svmlight_file
refs = []
for k, s in enumerate(json.loads(sys.argv[2])):
    seed = s["rows"] * 31 + s["cols"] + k
    x = sp.random(s["rows"], s["cols"], density=s["density"], random_state=seed, format="csr")
    x.data = x.data * 10 - 5
    x.data[::3] = np.round(x.data[::3])
    y = np.random.default_rng(seed).integers(-1, 2, s["rows"]).astype(float)
    f = f"{sys.argv[1]}/{k}.svm"
    dump_svmlight_file(x, y, f, zero_based=s["zeroBased"])
    a, b = load_svmlight_file(f)
    d = np.ascontiguousarray(a.toarray(), dtype=np.float64)
    refs.append({"file": f, "shape": list(d.shape), "bits": [str(v) for v in d.view(np.uint64).ravel()], "y": b.tolist()})
print(json.dumps(refs))`,
    [out, JSON.stringify(specs)],
  );
}

const specs = fc.sample(
  fc.record({
    rows: fc.integer({ min: 1, max: 60 }),
    cols: fc.integer({ min: 1, max: 30 }),
    density: fc.constantFrom(0.02, 0.2, 0.8),
    zeroBased: fc.boolean(),
    br: fc.integer({ min: 1, max: 60 }),
    bc: fc.integer({ min: 1, max: 30 }),
  }),
  16,
);
let references: Reference[] | undefined;

describeEachExecutor("ds.loadSvmlight", () => {
  it("reads what scikit-learn writes exactly as load_svmlight_file does, for random shapes and blockings", async () => {
    references ??= sklearnFiles(specs);
    for (const [k, want] of references.entries()) {
      const { br, bc } = specs[k];
      const what = JSON.stringify(specs[k]);
      const [x, y] = await ds.loadSvmlight(want.file, { blockSize: [br, bc] });
      assert.ok(x.sparse);
      assert.deepEqual(x.shape, want.shape, what);
      const m = await x.collect();
      assert.ok(m instanceof CsrMatrix);
      assert.deepEqual(float64Bits(m.toDense().data), want.bits, what);
      assert.deepEqual(Array.from((await y.collect()).data), want.y, what);
      assert.deepEqual(y.grid.rowChunks, x.grid.rowChunks);
    }
  });

  it("skips comments and qid, takes zero- or one-based indices, nFeatures, and dense output", async () => {
    const file = fresh("handmade.svm");
    writeFileSync(file, "# header comment\n1 qid:3 1:0.5 4:-2 # tail\n\n-1 qid:3 2:1e3\r\n+2 3:inf\n");
    const [x, y] = await ds.loadSvmlight(file, { blockSize: [2, 2] });
    assert.deepEqual(x.shape, [3, 4]);
    assert.deepEqual(await x.toArray(), [
      [0.5, 0, 0, -2],
      [0, 1000, 0, 0],
      [0, 0, Infinity, 0],
    ]);
    assert.deepEqual(await y.toArray(), [[1], [-1], [2]]);
    const [z] = await ds.loadSvmlight(file, { zeroBased: true, nFeatures: 6, sparse: false });
    assert.ok(!z.sparse);
    assert.deepEqual(await z.toArray(), [
      [0, 0.5, 0, 0, -2, 0],
      [0, 0, 1000, 0, 0, 0],
      [0, 0, 0, Infinity, 0, 0],
    ]);
    const zero = fresh("zero.svm");
    writeFileSync(zero, "1 0:1 2:3\n");
    const [w] = await ds.loadSvmlight(zero);
    assert.deepEqual(await w.toArray(), [[1, 0, 3]]);
  });

  it("names the path, line and column of every bad line", async () => {
    const d = fresh("bad");
    mkdirSync(d);
    const write = (name: string, text: string) => {
      writeFileSync(join(d, name), text);
      return join(d, name);
    };
    const cases: [string, LoadSvmlightOptions, RegExp][] = [
      [write("multi.svm", "1 1:2\n1,2 3:1\n"), {}, /multi\.svm:2:1: multi-label line \(label "1,2"\)/],
      [write("order.svm", "1 3:1 2:5\n"), {}, /order\.svm:1:7: index 2 does not increase \(after 3\)/],
      [write("repeat.svm", "1 1:1\n1 2:1 2:5\n"), {}, /repeat\.svm:2:7: index 2 does not increase/],
      [
        write("beyond.svm", "1 1:1\n1 9:2\n"),
        { nFeatures: 4 },
        /beyond\.svm:2:3: index 9 is beyond nFeatures=4 \(indices are one-based\)/,
      ],
      [write("value.svm", "1 1:x\n"), {}, /value\.svm:1:5: value "x" is not a number/],
      [write("pair.svm", "1 1:1 7\n"), {}, /pair\.svm:1:7: expected index:value, found "7"/],
      [write("label.svm", "one 1:1\n"), {}, /label\.svm:1:1: label "one" is not a number/],
      [write("index.svm", "1 -1:1\n"), {}, /index\.svm:1:3: index "-1" is not a non-negative integer/],
      [
        write("based.svm", "1 0:1\n"),
        { zeroBased: false },
        /based\.svm:1:3: index 0 in a file read as one-based/,
      ],
      [write("empty.svm", "# nothing\n"), {}, /empty\.svm has no data lines/],
      [join(d, "missing.svm"), {}, /cannot read .*missing\.svm: no such file or folder/],
    ];
    for (const [path, options, message] of cases) {
      await assert.rejects(ds.loadSvmlight(path, options), (e: Error) => {
        assert.ok(e instanceof FileFormatError, `${path}: ${e.name}: ${e.message}`);
        assert.match(e.message, /^ds\.loadSvmlight: /);
        assert.match(e.message, message);
        return true;
      });
    }
    const ok = write("ok.svm", "1 1:1\n");
    await assert.rejects(ds.loadSvmlight(ok, { sparse: "yes" } as never), ArgumentError);
    await assert.rejects(ds.loadSvmlight(ok, { nFeature: 3 } as never), /unknown option "nFeature"/);
    await assert.rejects(
      ds.loadSvmlight(ok, { zeroBased: 1 } as never),
      /zeroBased must be true, false or "auto"/,
    );
  });
});
