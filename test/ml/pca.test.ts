import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ArgumentError, ds, NotFittedError } from "../../src/index.ts";
import { PCA } from "../../src/ml/index.ts";
import { describeEachExecutor } from "../support/executors.ts";
import { pythonJson } from "../support/python.ts";
import { assertClose } from "../support/approx.ts";
import { kernelsDuring } from "../support/kernels.ts";

const dir = mkdtempSync(join(tmpdir(), "dsfabric-pca-"));

/** scikit-learn's PCA (svd_solver="full": the exact SVD) on its own data sets, saved as .npy. */
interface Case {
  name: string;
  x: string;
  nComponents: number | null;
  k: number;
  components: number[][];
  explainedVariance: number[];
  ratio: number[];
  singularValues: number[];
  mean: number[];
  noiseVariance: number;
  transformed: number[][];
  inverse: number[][];
  whitened: number[][];
  score: number;
  covariance: number[][];
}

/** An ill-conditioned x (singular values 1 down to 1e-7) with scikit-learn's singular values and axes. */
interface Ill {
  x: string;
  singularValues: number[];
  components: number[][];
}

const { cases, ill } = pythonJson<{ cases: Case[]; ill: Ill }>(
  `import sys, json, numpy as np
from sklearn.datasets import load_iris, load_diabetes, load_digits, make_regression
from sklearn.decomposition import PCA
rng = np.random.RandomState(0)
wide = rng.randn(30, 45) @ np.diag(np.linspace(1, 5, 45))
shifted = make_regression(n_samples=300, n_features=8, random_state=1)[0] * np.arange(1, 9) + 1e4
data = [("iris", load_iris().data, None), ("iris-2", load_iris().data, 2),
        ("diabetes-0.8", load_diabetes().data, 0.8), ("digits-20", load_digits().data, 20),
        ("wide-10", wide, 10), ("shifted-1e4", shifted, 5)]
out = []
for name, x, k in data:
    f = f"{sys.argv[1]}/{name}.npy"
    np.save(f, x)
    p = PCA(n_components=k, svd_solver="full").fit(x)
    w = PCA(n_components=k, svd_solver="full", whiten=True).fit(x)
    t = p.transform(x[:7])
    out.append({"name": name, "x": f, "nComponents": k, "k": int(p.n_components_), "components": p.components_.tolist(),
        "explainedVariance": p.explained_variance_.tolist(), "ratio": p.explained_variance_ratio_.tolist(),
        "singularValues": p.singular_values_.tolist(), "mean": p.mean_.tolist(), "noiseVariance": float(p.noise_variance_),
        "transformed": t.tolist(), "inverse": p.inverse_transform(t).tolist(), "whitened": w.transform(x[:7]).tolist(),
        "score": float(p.score(x)) if k is not None and x.shape[0] > x.shape[1] else None,
        "covariance": p.get_covariance().tolist()})
q = np.linalg.qr(rng.randn(400, 6))[0]
w = np.linalg.qr(rng.randn(6, 6))[0]
x = q @ np.diag(np.logspace(0, -7, 6)) @ w.T + 3.0
np.save(f"{sys.argv[1]}/ill.npy", x)
p = PCA(svd_solver="full").fit(x)
ill = {"x": f"{sys.argv[1]}/ill.npy", "singularValues": p.singular_values_.tolist(), "components": p.components_.tolist()}
print(json.dumps({"cases": out, "ill": ill}))`,
  [dir],
);

/**
 * Tolerances (relative to the largest magnitude of each reference, see assertClose): 1e-9 for everything
 * on well-conditioned data. The eigen route holds σ to ~1e-16·(σmax/σ)² relative: digits' 20th singular
 * value is ~1/6 of the first, iris' 4th ~1/10, so 1e-9 leaves a wide margin. "shifted-1e4" has columns
 * with means 1e4 times their spread: the centring before the products keeps the same 1e-9.
 */
const REL = 1e-9;

describeEachExecutor("PCA", () => {
  for (const method of ["eig", "svd"] as const) {
    it(`matches scikit-learn's PCA (components with their signs, variances, transforms) on its data sets, method "${method}"`, async () => {
      for (const [k, c] of cases.entries()) {
        const [br, bc] = fc.sample(
          fc.tuple(fc.integer({ min: 2, max: 120 }), fc.integer({ min: 1, max: 30 })),
          {
            seed: method === "eig" ? k : 100 + k,
            numRuns: 1,
          },
        )[0];
        const x = await ds.loadNpy(c.x, { blockSize: [br, bc] });
        const opts = c.nComponents === null ? { method } : { method, nComponents: c.nComponents };
        const pca = await new PCA(opts).fit(x);
        const what = `${c.name} (method ${method}, blocks ${br}x${bc})`;
        assert.equal(pca.nComponents, c.k, `${what} nComponents`);
        assertClose(pca.components.data, c.components.flat(), REL, `${what} components`);
        assertClose(pca.explainedVariance, c.explainedVariance, REL, `${what} explainedVariance`);
        assertClose(pca.explainedVarianceRatio, c.ratio, REL, `${what} ratio`);
        assertClose(pca.singularValues, c.singularValues, REL, `${what} singularValues`);
        assertClose(pca.mean, c.mean, 1e-12, `${what} mean`);
        assertClose(
          [pca.noiseVariance],
          [c.noiseVariance],
          REL * Math.max(1, c.explainedVariance[0]),
          `${what} noise`,
        );
        const head = x.slice([0, 7]);
        const t = pca.transform(head);
        assertClose((await t.collect()).data, c.transformed.flat(), REL, `${what} transform`);
        assertClose((await pca.inverseTransform(t).collect()).data, c.inverse.flat(), REL, `${what} inverse`);
        const white = await new PCA({ ...opts, whiten: true }).fit(x);
        assertClose((await white.transform(head).collect()).data, c.whitened.flat(), REL, `${what} whiten`);
        assertClose(pca.getCovariance().data, c.covariance.flat(), REL, `${what} covariance`);
        if (c.score !== null) {
          assert.ok(Math.abs((await pca.score(x)) - c.score) <= 1e-9 * Math.abs(c.score), `${what} score`);
        }
      }
    });
  }

  it('keeps the small singular values of ill-conditioned data with method "svd"', async () => {
    const x = await ds.loadNpy(ill.x, { blockSize: [37, 4] });
    const pca = await new PCA({ method: "svd" }).fit(x);
    // σ relative to itself, not to σmax: QR holds it to ~1e-16·σmax/σ (1e-9 at σ = 1e-7·σmax); the
    // covariance route squares that ratio (~1e-2 here), which this would catch.
    for (const [i, want] of ill.singularValues.entries()) {
      const got = pca.singularValues[i];
      assert.ok(Math.abs(got - want) <= 1e-7 * want, `singularValues[${i}]: ${got} vs ${want}`);
    }
    // The last axis is set apart from the one before by a gap of ~1e-6 · σmax: ~1e-10 / 1e-6 = 1e-10.
    assertClose(pca.components.data, ill.components.flat(), 1e-8, "components");
  });

  it("keeps orthonormal axes in descending order and reconstructs x exactly with every component", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        async (n, m, br, bc, seed, sparse) => {
          const dense = ds
            .random([n, m], { blockSize: [Math.min(br, n), Math.min(bc, m)], seed })
            .mul(10)
            .sub(3);
          const x = sparse ? dense.toSparse() : dense;
          const pca = await new PCA().fit(x);
          const r = Math.min(n, m);
          assert.equal(pca.nComponents, r);
          const c = pca.components;
          for (let i = 0; i < r; i++) {
            for (let j = 0; j < r; j++) {
              let dot = 0;
              for (let l = 0; l < m; l++) dot += c.data[i * m + l] * c.data[j * m + l];
              assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `C Cᵀ[${i},${j}] = ${dot}`);
            }
          }
          const ev = pca.explainedVariance;
          for (let i = 1; i < r; i++)
            assert.ok(ev[i] <= ev[i - 1], `explained variance ${ev[i]} > ${ev[i - 1]}`);
          const ratioSum = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(ratioSum - 1) < 1e-12, `ratios sum to ${ratioSum}`);
          if (n > m) {
            const back = await pca.inverseTransform(pca.transform(x)).collect();
            const want = await dense.collect();
            assertClose(back.data, want.data, 1e-12, "inverseTransform(transform(x))");
            const z = await (await new PCA().fitTransform(x)).collect();
            assertClose(z.data, (await pca.transform(x).collect()).data, 1e-12, "fitTransform");
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it("gives a sparse x the answer of its dense form without making it dense", async () => {
    const dense = ds.random([120, 7], { blockSize: [25, 3], seed: 5 });
    const values = dense.mul(dense.gt(0.7)).mul(40).add(0); // about 30% non-zeros, means well above 0
    const sparse = values.toSparse();
    await sparse.collect();
    const a = await new PCA({ nComponents: 4 }).fit(values);
    const { result, kernels } = await kernelsDuring(async () => {
      const b = await new PCA({ nComponents: 4 }).fit(sparse);
      const z = await b.transform(sparse).collect();
      return { b, z, score: await b.score(sparse) };
    });
    assert.ok(kernels.length > 0 && !kernels.includes("sparse.toDense"), `kernels: ${kernels.join(" ")}`);
    const { b, z, score } = result;
    assertClose(b.components.data, a.components.data, 1e-10, "sparse components");
    assertClose(b.explainedVariance, a.explainedVariance, 1e-10, "sparse explainedVariance");
    assertClose(b.mean, a.mean, 1e-12, "sparse mean");
    assertClose(z.data, (await a.transform(values).collect()).data, 1e-10, "sparse transform");
    assert.ok(Math.abs(score - (await a.score(values))) < 1e-9, "sparse score");
  });

  it("saves and loads as JSON, refuses to transform before fit, and checks its options and inputs", async () => {
    const x = ds.random([20, 4], { blockSize: [6, 3], seed: 2 });
    const pca = await new PCA({ nComponents: 0.9, whiten: true }).fit(x);
    const copy = PCA.fromJSON(JSON.parse(JSON.stringify(pca)));
    assert.deepEqual(await copy.transform(x).toArray(), await pca.transform(x).toArray());
    assert.equal(copy.nComponents, pca.nComponents);
    assert.throws(() => new PCA().transform(x), NotFittedError);
    assert.throws(() => new PCA().components, /PCA.components: this PCA is not fitted yet/);
    for (const bad of [0, -1, 1.5, 1.0000001, Number.NaN, "2", null]) {
      assert.throws(
        () => new PCA({ nComponents: bad as never }),
        /PCA: nComponents must be an integer >= 1 or a fraction in \(0, 1\) but was/,
        `nComponents ${String(bad)}`,
      );
    }
    assert.throws(
      () => new PCA({ method: "qr" as never }),
      /PCA: method must be "eig" or "svd" but was "qr"/,
    );
    assert.throws(() => new PCA({ whiten: 1 as never }), /PCA: whiten must be true or false but was 1/);
    assert.throws(() => new PCA({ randomState: 0.5 }), /PCA: randomState must be an integer but was 0.5/);
    assert.throws(() => new PCA({ n_components: 2 } as never), /unknown option "n_components"/);
    assert.throws(() => PCA.fromJSON({ estimator: "KMeans" }), ArgumentError);
    await assert.rejects(
      new PCA({ nComponents: 5 }).fit(x),
      /nComponents must be at most min\(n, m\) = 4 but was 5/,
    );
    await assert.rejects(new PCA().fit(x.slice([0, 1])), /x needs at least 2 rows .* but has 1/);
    await assert.rejects(new PCA().fit([[1, 2]] as never), /PCA.fit: x must be a DsArray but was object/);
    await assert.rejects(new PCA().fit(x.set(3, 1, NaN)), /PCA.fit: x contains NaN or an infinity/);
    await assert.rejects(
      new PCA({ method: "svd" }).fit(x.toSparse()),
      /PCA.fit: method "svd" centres x, which would make this sparse x of shape \[20, 4\] dense; use method "eig"/,
    );
    await assert.rejects(
      new PCA({ method: "svd" }).fit(x.set(3, 1, Infinity)),
      /PCA.fit: x contains NaN or an infinity/,
    );
    assert.throws(
      () => pca.transform(ds.ones([3, 5], { blockSize: [3, 5] })),
      /x has 5 features but the PCA was fitted with 4/,
    );
    assert.throws(
      () => pca.inverseTransform(ds.ones([3, pca.nComponents + 1], { blockSize: [3, 1] })),
      new RegExp(`x has ${pca.nComponents + 1} features but the PCA was fitted with ${pca.nComponents}`),
    );
  });
});
