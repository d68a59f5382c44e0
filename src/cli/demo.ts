import { ds, init, shutdown } from "../index.ts";
import type { Clock } from "../sim/clock.ts";
import { formatInfo, infoReport } from "./info.ts";

/** Options of the foundation demo (`npm start`). */
export interface DemoOptions {
  rows: number;
  cols: number;
  block: number;
  matmulSize: number;
  clock: Clock;
  log: (line: string) => void;
}

async function timed<T>(
  clock: Clock,
  log: (line: string) => void,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const start = clock.now();
  const result = await work();
  const ms = clock.now() - start;
  log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms`);
  return result;
}

/**
 * A short real run on the embedded default: a large random array on worker threads, a fused elementwise
 * chain, reductions, a transpose, and a blocked matmul checked against a few dense dot products.
 */
export async function runDemo(o: DemoOptions): Promise<void> {
  const { clock, log } = o;
  log(formatInfo(infoReport()));
  await init();
  const mb = (o.rows * o.cols * 8) / 2 ** 20;
  log(`\narray ${o.rows} x ${o.cols} (${mb.toFixed(0)} MiB) in ${o.block} x ${o.block} blocks\n`);
  const x = await timed(clock, log, "ds.random", () =>
    ds.random([o.rows, o.cols], { blockSize: [o.block, o.block], seed: 42 }).persist(),
  );
  const y = ds.random([o.rows, o.cols], { blockSize: [o.block, o.block], seed: 43 });
  await y.persist();
  const z = await timed(clock, log, "sqrt((x + y) * 2), fused", () => x.add(y).mul(2).sqrt().persist());
  const total = await timed(clock, log, "sum of all elements", () => z.sum());
  // E[sqrt(2 (U1 + U2))] for independent uniforms U1, U2 is (32 - 8 sqrt 2) / 15.
  const expectedMean = (32 - 8 * Math.SQRT2) / 15;
  log(
    `  = ${total.toFixed(0)} (expected about ${(o.rows * o.cols * expectedMean).toFixed(0)}: n m (32 - 8 sqrt 2) / 15)`,
  );
  const colMeans = await timed(clock, log, "mean over axis 0 (1 x m)", () => x.mean(0).collect());
  log(`  first column means: ${Array.from(colMeans.data.subarray(0, 4), (v) => v.toFixed(4)).join(", ")}`);
  const sd = await timed(clock, log, "std of all elements", () => x.std());
  log(`  = ${sd.toFixed(5)} (uniform: 1/sqrt(12) = ${(1 / Math.sqrt(12)).toFixed(5)})`);
  await timed(clock, log, "transpose", () => x.T.persist());
  const n = o.matmulSize;
  const a = ds.random([n, n], { blockSize: [o.block, o.block], seed: 1 });
  const b = ds.random([n, n], { blockSize: [o.block, o.block], seed: 2 });
  await Promise.all([a.persist(), b.persist()]);
  const startMm = clock.now();
  const c = await a.matmul(b).persist();
  const seconds = (clock.now() - startMm) / 1000;
  log(
    `${`matmul ${n} x ${n}`.padEnd(44)} ${(seconds * 1000).toFixed(1).padStart(9)} ms  (${((2 * n ** 3) / seconds / 1e9).toFixed(1)} GFLOP/s)`,
  );
  const check = await c.item(n - 1, 0);
  const rowA = await a.slice(n - 1, null).collect();
  const colB = await b.slice(null, 0).collect();
  let dot = 0;
  for (let k = 0; k < n; k++) dot += rowA.data[k] * colB.data[k];
  log(`  check c[${n - 1}, 0] = ${check.toFixed(6)} vs dense dot ${dot.toFixed(6)}`);
  await shutdown();
}
