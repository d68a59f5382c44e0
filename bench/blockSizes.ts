/**
 * The effect of block sizes on the estimators (not a bench case: the numbers behind the block-size guide in
 * docs/ml.md). Each fit runs on data already computed on the workers, blocked several ways, best of
 * `REPEATS` runs:
 *
 * - LinearRegression, KMeans and PCA on `ROWS` x 50: row blocks that span all columns, from many small ones
 *   to one per worker, and the same data cut into column blocks too;
 * - ds.svd of a 4000 x 400 array on tall, square and wide-column grids, then with several `blockCols`.
 *
 *   node --import tsx bench/blockSizes.ts [linear|kmeans|pca|svd ...]   (env: ROWS=1000000 REPEATS=3)
 */
import { ds, init, shutdown } from "../src/index.ts";
import type { DsArray } from "../src/index.ts";
import { KMeans, LinearRegression, PCA } from "../src/ml/index.ts";

const rows = Number(process.env.ROWS ?? 1_000_000);
const repeats = Number(process.env.REPEATS ?? 3);
const which = process.argv.length > 2 ? process.argv.slice(2) : ["linear", "kmeans", "pca", "svd"];
const features = 50;

/** The best of `repeats` runs, in ms. */
async function bestMs(body: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await body();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The row and column block sizes to try on `rows` x `features`. */
const blockings: [number, number][] = [
  [Math.ceil(rows / 200), features],
  [Math.ceil(rows / 32), features],
  [Math.ceil(rows / 8), features],
  [Math.ceil(rows / 2), features],
  [Math.ceil(rows / 8), features / 5],
  [Math.ceil(rows / 32), features / 5],
];

await init();
const fits: Record<string, (x: DsArray, y: DsArray) => Promise<unknown>> = {
  linear: (x, y) => new LinearRegression().fit(x, y),
  kmeans: (x) => {
    const init = ds.random([8, features], { blockSize: [8, features], seed: 9 }).collect();
    return init.then((centres) => new KMeans({ nClusters: 8, init: centres, maxIter: 10, tol: 0 }).fit(x));
  },
  pca: (x) => new PCA({ nComponents: 10 }).fit(x),
};
for (const name of Object.keys(fits).filter((n) => which.includes(n))) {
  for (const [br, bc] of blockings) {
    const x = await ds.random([rows, features], { blockSize: [br, bc], seed: 1 }).persist();
    const y = await ds.random([rows, 1], { blockSize: [br, 1], seed: 2 }).persist();
    const ms = await bestMs(() => fits[name](x, y));
    const blocks = Math.ceil(rows / br) * Math.ceil(features / bc);
    console.log(
      `${name.padEnd(7)} blocks ${String(br).padStart(7)} x ${bc} (${blocks} blocks): ${ms.toFixed(0)} ms`,
    );
    x.dispose();
    y.dispose();
  }
}
if (which.includes("svd")) {
  for (const [br, bc] of [
    [4000, 400],
    [1000, 400],
    [1000, 100],
    [400, 400],
    [500, 50],
  ]) {
    const a = await ds.random([4000, 400], { blockSize: [br, bc], seed: 3 }).persist();
    let sweeps = 0;
    const ms = await bestMs(async () => {
      sweeps = (await ds.svd(a, { computeUv: false })).nSweeps;
    });
    console.log(`svd     4000 x 400, blocks ${br} x ${bc}: ${ms.toFixed(0)} ms (${sweeps} sweeps)`);
    a.dispose();
  }
  // The Jacobi iteration's own column blocks: fewer, wider pairs against more sweeps.
  const a = await ds.random([4000, 400], { blockSize: [1000, 50], seed: 3 }).persist();
  for (const blockCols of [25, 50, 100, 200, 400]) {
    let sweeps = 0;
    const ms = await bestMs(async () => {
      sweeps = (await ds.svd(a, { computeUv: false, blockCols })).nSweeps;
    });
    console.log(`svd     4000 x 400, blockCols ${blockCols}: ${ms.toFixed(0)} ms (${sweeps} sweeps)`);
  }
}
await shutdown();
