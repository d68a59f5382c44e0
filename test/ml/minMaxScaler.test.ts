import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, ds, NotFittedError } from "../../src/index.ts";
import { MinMaxScaler } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";

/** scikit-learn's MinMaxScaler on data with a constant column, a NaN, and values outside the fitted range. */
interface Case {
  range: [number, number];
  clip: boolean;
  x: (number | null)[][];
  later: number[][];
  dataMin: number[];
  dataMax: number[];
  dataRange: number[];
  scale: number[];
  min: number[];
  transformed: (number | null)[][];
  laterTransformed: number[][];
  inverse: (number | null)[][];
}

const cases = pythonJson<Case[]>(
  `import json, numpy as np
from sklearn.preprocessing import MinMaxScaler
rng = np.random.RandomState(3)
x = rng.randn(40, 5) * [1, 100, 1e-3, 1, 7] + [0, 5e3, 0, 4, -2]
x[:, 3] = 4.0          # constant column
x[7, 0] = np.nan       # ignored by fit, kept by transform
later = rng.randn(6, 5) * 300
nul = lambda a: [[None if np.isnan(v) else v for v in row] for row in a.tolist()]
out = []
for rng_, clip in [((0, 1), False), ((-1, 2.5), False), ((-3, -2), True)]:
    s = MinMaxScaler(feature_range=rng_, clip=clip).fit(x)
    t = s.transform(x)
    out.append({"range": list(rng_), "clip": clip, "x": nul(x), "later": later.tolist(), "dataMin": s.data_min_.tolist(),
        "dataMax": s.data_max_.tolist(), "dataRange": s.data_range_.tolist(), "scale": s.scale_.tolist(), "min": s.min_.tolist(),
        "transformed": nul(t), "laterTransformed": s.transform(later).tolist(), "inverse": nul(s.inverse_transform(t))})
print(json.dumps(out))`,
);

const nan = (rows: (number | null)[][]): number[][] => rows.map((r) => r.map((v) => v ?? NaN));

/** Entry by entry within rel of the largest magnitude, NaN where the reference has NaN. */
function assertCloseNan(got: Float64Array, want: number[], rel: number, what: string): void {
  const mask = want.map((v) => Number.isNaN(v));
  mask.forEach((isNan, k) => assert.equal(Number.isNaN(got[k]), isNan, `${what}[${k}] NaN`));
  assertClose(
    got.filter((_, k) => !mask[k]),
    want.filter((_, k) => !mask[k]),
    rel,
    what,
  );
}

describeEachExecutor("MinMaxScaler", () => {
  it("matches scikit-learn (NaN ignored in fit, constant columns, ranges, clip) in random blockings", async () => {
    for (const [k, c] of cases.entries()) {
      const [br, bc] = fc.sample(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 })), {
        seed: k,
        numRuns: 1,
      })[0];
      const x = ds.array(nan(c.x), { blockSize: [br, bc] });
      const scaler = await new MinMaxScaler({ featureRange: c.range, clip: c.clip }).fit(x);
      const what = `range ${c.range.join(",")} clip ${c.clip} (blocks ${br}x${bc})`;
      // Exact arithmetic of the same formulas: 1e-15 of the largest magnitude.
      assertClose(scaler.dataMin, c.dataMin, 1e-15, `${what} dataMin`);
      assertClose(scaler.dataMax, c.dataMax, 1e-15, `${what} dataMax`);
      assertClose(scaler.dataRange, c.dataRange, 1e-15, `${what} dataRange`);
      assertClose(scaler.scale, c.scale, 1e-15, `${what} scale`);
      assertClose(scaler.min, c.min, 1e-15, `${what} min`);
      const t = scaler.transform(x);
      assertCloseNan(
        (await t.collect()).data,
        c.transformed.flat().map((v) => v ?? NaN),
        1e-12,
        `${what} transform`,
      );
      const later = ds.array(c.later, { blockSize: [4, 2] });
      assertClose(
        (await scaler.transform(later).collect()).data,
        c.laterTransformed.flat(),
        1e-12,
        `${what} later`,
      );
      const back = (await scaler.inverseTransform(t).collect()).data;
      assertCloseNan(
        back,
        c.inverse.flat().map((v) => v ?? NaN),
        1e-12,
        `${what} inverse`,
      );
      const copy = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
      assert.deepEqual(await copy.transform(later).toArray(), await scaler.transform(later).toArray());
    }
  });

  it("maps every column onto featureRange and back, for random data and blockings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 0.5, max: 5, noNaN: true })),
        async (n, m, br, bc, seed, [lo, width]) => {
          const x = ds
            .random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed })
            .mul(50)
            .sub(20);
          const scaler = await new MinMaxScaler({ featureRange: [lo, lo + width] }).fit(x);
          const t = scaler.transform(x);
          const [tMin, tMax] = await Promise.all([t.min(0).collect(), t.max(0).collect()]);
          for (let j = 0; j < m; j++) {
            const constant = scaler.dataRange[j] === 0;
            assert.ok(
              Math.abs(tMin.data[j] - lo) < 1e-12 * (1 + Math.abs(lo)),
              `column ${j} min ${tMin.data[j]}`,
            );
            const top = constant ? lo : lo + width;
            assert.ok(
              Math.abs(tMax.data[j] - top) < 1e-12 * (1 + Math.abs(top)),
              `column ${j} max ${tMax.data[j]}`,
            );
          }
          const back = await scaler.inverseTransform(t).collect();
          assertClose(back.data, (await x.collect()).data, 1e-12, "inverseTransform(transform(x))");
        },
      ),
      { numRuns: 12 },
    );
  });

  it("refuses to transform before fit and checks its options and inputs", async () => {
    const x = ds.array(
      [
        [1, 2],
        [3, 4],
      ],
      { blockSize: [1, 2] },
    );
    assert.throws(() => new MinMaxScaler().transform(x), NotFittedError);
    assert.throws(
      () => new MinMaxScaler().dataMin,
      /MinMaxScaler.dataMin: this MinMaxScaler is not fitted yet/,
    );
    for (const bad of [
      [1, 1],
      [2, 1],
    ]) {
      assert.throws(
        () => new MinMaxScaler({ featureRange: bad as [number, number] }),
        new RegExp(`featureRange must have min < max but was \\[${bad.join(",")}\\]`),
      );
    }
    for (const bad of [[0], [0, Infinity], "0,1", [0, "1"]]) {
      assert.throws(
        () => new MinMaxScaler({ featureRange: bad as never }),
        /MinMaxScaler: featureRange must be \[min, max\] of two finite numbers/,
      );
    }
    assert.throws(
      () => new MinMaxScaler({ clip: 1 as never }),
      /MinMaxScaler: clip must be true or false but was 1/,
    );
    assert.throws(
      () => new MinMaxScaler({ feature_range: [0, 1] } as never),
      /unknown option "feature_range"/,
    );
    assert.throws(() => MinMaxScaler.fromJSON({ estimator: "PCA", version: 1 }), ArgumentError);
    await assert.rejects(
      new MinMaxScaler().fit("x" as never),
      /MinMaxScaler.fit: x must be a DsArray but was string/,
    );
    const scaler = await new MinMaxScaler().fit(x);
    assert.throws(
      () => scaler.transform(ds.ones([2, 3], { blockSize: [2, 3] })),
      /x has 3 features but the MinMaxScaler was fitted with 2/,
    );
    const t = await (await new MinMaxScaler().fitTransform(x)).toArray();
    assert.deepEqual(t, [
      [0, 0],
      [1, 1],
    ]);
  });
});
