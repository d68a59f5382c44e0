import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, ds } from "../../src/index.ts";
import { GridSearchCV, KFold, LogisticRegression, StratifiedKFold } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-skfold-"));

/** scikit-learn's StratifiedKFold folds, and a GridSearchCV of LogisticRegression on iris (sorted by class). */
interface Reference {
  folds: { labels: number[]; k: number; folds: [number[], number[]][] }[];
  iris: { x: string; y: string; split: number[][]; mean: number[] };
}

const ref = pythonJson<Reference>(
  `import sys, json, warnings, numpy as np
warnings.simplefilter("ignore")
from sklearn.model_selection import StratifiedKFold, GridSearchCV
from sklearn.linear_model import LogisticRegression
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler
out = []
rng = np.random.default_rng(7)
sets = [[0, 0, 0, 1, 1, 1], [5, 5, 1, 1, 1, 1, 1, 3, 3, 3, 5, 1], [4] * 7 + [-2] * 3]
for n, c in [(23, 2), (40, 3), (57, 5), (100, 4), (31, 7)]:
    sets.append((rng.integers(0, c, size=n) * 2 - 3).tolist())
sets.append(sorted(rng.integers(0, 3, size=30).tolist(), reverse=True))
for labels in sets:
    for k in [2, 3, 5]:
        y = np.array(labels)
        if k > np.bincount(np.unique(y, return_inverse=True)[1]).max():
            continue
        folds = [[a.tolist(), b.tolist()] for a, b in StratifiedKFold(k).split(np.zeros((len(y), 1)), y)]
        out.append({"labels": labels, "k": k, "folds": folds})
x, y = load_iris(return_X_y=True)
x = StandardScaler().fit_transform(x)
np.save(f"{sys.argv[1]}/ix.npy", x); np.save(f"{sys.argv[1]}/iy.npy", y.reshape(-1, 1).astype(float))
g = GridSearchCV(LogisticRegression(max_iter=1000, tol=1e-10), {"C": [0.05, 1.0]}, cv=3).fit(x, y)
r = g.cv_results_
iris = {"x": f"{sys.argv[1]}/ix.npy", "y": f"{sys.argv[1]}/iy.npy",
        "split": [r[f"split{f}_test_score"].tolist() for f in range(3)], "mean": r["mean_test_score"].tolist()}
print(json.dumps({"folds": out, "iris": iris}))`,
  [dir],
);

const sorted = (v: readonly number[]) => [...v].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Rows of each label in a set of rows. */
function perClass(labels: readonly number[], rows: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const i of rows) out.set(labels[i], (out.get(labels[i]) ?? 0) + 1);
  return out;
}

it("StratifiedKFold without shuffle gives scikit-learn's train and test indices", () => {
  assert.ok(ref.folds.length >= 15, `only ${ref.folds.length} cases`);
  for (const c of ref.folds) {
    const got = [...new StratifiedKFold({ nSplits: c.k }).split(c.labels.length, c.labels)];
    assert.deepEqual(got, c.folds, `labels ${c.labels.join(",")} k=${c.k}`);
  }
});

it("StratifiedKFold with shuffle: the unshuffled class counts per fold, a partition of the rows, per seed", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 80 }),
      fc.integer({ min: 2, max: 6 }),
      fc.integer(),
      (labels, k, seed) => {
        const counts = [...perClass(labels, range(labels.length)).values()];
        fc.pre(counts.some((count) => count >= k) && counts.every((count) => count >= k));
        const shuffled = [
          ...new StratifiedKFold({ nSplits: k, shuffle: true, randomState: seed }).split(
            labels.length,
            labels,
          ),
        ];
        const plain = [...new StratifiedKFold({ nSplits: k }).split(labels.length, labels)];
        assert.deepEqual(sorted(shuffled.flatMap(([, test]) => test)), range(labels.length));
        shuffled.forEach(([train, test], f) => {
          assert.deepEqual(sorted([...train, ...test]), range(labels.length));
          assert.deepEqual(train, sorted(train));
          assert.deepEqual(test, sorted(test));
          assert.deepEqual(perClass(labels, test), perClass(labels, plain[f][1]), `fold ${f} per class`);
        });
        const again = [
          ...new StratifiedKFold({ nSplits: k, shuffle: true, randomState: seed }).split(
            labels.length,
            labels,
          ),
        ];
        assert.deepEqual(again, shuffled);
      },
    ),
    { numRuns: 60 },
  );
  const labels = range(60).map((i) => i % 3);
  const a = [...new StratifiedKFold({ nSplits: 4, shuffle: true, randomState: 1 }).split(60, labels)];
  assert.notDeepEqual(a, [...new StratifiedKFold({ nSplits: 4 }).split(60, labels)]);
  assert.notDeepEqual(a, [
    ...new StratifiedKFold({ nSplits: 4, shuffle: true, randomState: 2 }).split(60, labels),
  ]);
});

it("StratifiedKFold: bad inputs get one-line errors, a class smaller than nSplits a warning", async () => {
  const s = new StratifiedKFold({ nSplits: 3 });
  const cases: [() => unknown, RegExp][] = [
    [
      () => [...s.split(4)],
      /StratifiedKFold.split: labels must be the n class labels as an array of numbers/,
    ],
    [() => [...s.split(4, [0, 1, 0])], /labels has 3 entries but x has 4 rows/],
    [() => [...s.split(4, [0, 1, NaN, 1])], /labels has NaN at row 2 \(need numbers\)/],
    [
      () => [...s.split(4, [0, 1, 0, 1])],
      /nSplits is 3 but every class has fewer rows \(the largest has 2\)/,
    ],
    [() => new StratifiedKFold({ nSplits: 1 }), /StratifiedKFold: nSplits must be an integer >= 2 but was 1/],
    [() => new StratifiedKFold({ randomState: 1 }), /randomState has no effect when shuffle is false/],
    [() => new StratifiedKFold({ splits: 3 } as never), /StratifiedKFold: unknown option "splits"/],
  ];
  for (const [run, want] of cases) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, want);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    const folds = [...s.split(7, [0, 0, 0, 0, 0, 1, 1])];
    assert.equal(folds.length, 3);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", onWarning);
  }
  assert.ok(
    warnings.some((w) => /least populated class has only 2 rows, fewer than nSplits = 3/.test(w.message)),
    warnings.map((w) => w.message).join("; "),
  );
});

describeEachExecutor("GridSearchCV stratifies", () => {
  it("a fold count for a classifier with y, as scikit-learn's check_cv: its fold scores on iris sorted by class", async () => {
    const x = await ds.loadNpy(ref.iris.x, { blockSize: [40, 4] });
    const y = await ds.loadNpy(ref.iris.y, { blockSize: [40, 1] });
    const grid = { C: [0.05, 1] };
    const options = { maxIter: 1000, tol: 1e-10 };
    const search = await new GridSearchCV(LogisticRegression, grid, { cv: 3, baseOptions: options }).fit(
      x,
      y,
    );
    // Accuracies: fractions of 50 test rows, so agreement to 1e-12 means the same predictions.
    for (let f = 0; f < 3; f++) {
      assertClose(search.cvResults[`split${f}TestScore`], ref.iris.split[f], 1e-12, `split${f}`);
    }
    assertClose(search.cvResults.meanTestScore, ref.iris.mean, 1e-12, "meanTestScore");
    // KFold on rows sorted by class tests each fold on a class that its train set never saw.
    const plain = await new GridSearchCV(LogisticRegression, grid, {
      cv: new KFold({ nSplits: 3 }),
      baseOptions: options,
    }).fit(x, y);
    assert.deepEqual(plain.cvResults.meanTestScore, [0, 0]);
  });
});
