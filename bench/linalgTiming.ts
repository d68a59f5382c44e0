/**
 * Rough timings of the distributed factorisations (not a bench case): ds.tsqr of a tall array and ds.svd of
 * a 4000 x 500 one, each after its input is computed, with the accuracy of the result, and NumPy's time for
 * the same factorisation when /usr/bin/python3 is there.
 *
 *   node --import tsx bench/linalgTiming.ts [tsqr|svd|qr|cholesky|solve|randomSvd ...]
 *   (env: TSQR_ROWS=1000000 TSQR_COLS=100 TSQR_BLOCK_ROWS=62500 SVD_ROWS=4000 SVD_COLS=500 SVD_BLOCK=1000,100)
 */
import { execFileSync } from "node:child_process";
import { ds, init, shutdown } from "../src/index.ts";
import { backendInfo } from "../src/core/linalg/selectBackend.ts";
import type { DsArray } from "../src/index.ts";

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const which = process.argv.length > 2 ? process.argv.slice(2) : ["tsqr", "svd"];

async function timed<T>(label: string, body: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await body();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return result;
}

function numpyTime(script: string): string {
  try {
    return execFileSync("/usr/bin/python3", ["-c", `import time, numpy as np\n${script}`], {
      encoding: "utf8",
    }).trim();
  } catch {
    return "numpy unavailable";
  }
}

function bytesOf(d: Float64Array): Buffer {
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

/** max |QᵀQ - I| through the distributed product. */
async function orthogonality(q: DsArray): Promise<number> {
  const g = await ds.matmul(q, q, { transposeA: true }).collect();
  let worst = 0;
  for (let i = 0; i < g.rows; i++) {
    for (let j = 0; j < g.cols; j++) worst = Math.max(worst, Math.abs(g.get(i, j) - (i === j ? 1 : 0)));
  }
  return worst;
}

await init();
const info = backendInfo();
console.log(`backend ${info.name} (${info.corename ?? "-"}), OPENBLAS_CORETYPE=${info.coretype ?? "unset"}`);

if (which.includes("tsqr")) {
  const [m, n, rows] = [env("TSQR_ROWS", 1_000_000), env("TSQR_COLS", 100), env("TSQR_BLOCK_ROWS", 62_500)];
  const a = await ds.random([m, n], { blockSize: [rows, n], seed: 1 }).persist();
  const { q, r } = await timed(`ds.tsqr ${m} x ${n} (blocks ${rows} x ${n})`, async () => {
    const f = ds.tsqr(a);
    await Promise.all([f.q.persist(), f.r.persist()]);
    return f;
  });
  const residual = await ds.matmul(q, r).sub(a).abs().max();
  console.log(
    `  max|QR - a| = ${residual.toExponential(2)}, max|QᵀQ - I| = ${(await orthogonality(q)).toExponential(2)}`,
  );
  await timed(`ds.tsqr ${m} x ${n} mode "r"`, async () => ds.tsqr(a, { mode: "r" }).r.persist());
  console.log(
    `  numpy.linalg.qr: ${numpyTime(`a = np.random.default_rng(1).random((${m}, ${n}))\nt = time.perf_counter(); np.linalg.qr(a); print(f"{time.perf_counter() - t:.2f} s")`)}`,
  );
}

if (which.includes("svd")) {
  const [m, n] = [env("SVD_ROWS", 4000), env("SVD_COLS", 500)];
  const [br, bc] = (process.env.SVD_BLOCK ?? "1000,100").split(",").map(Number);
  const a = await ds.random([m, n], { blockSize: [br, bc], seed: 2 }).persist();
  const { u, s, v, nSweeps } = await timed(`ds.svd ${m} x ${n} (blocks ${br} x ${bc})`, () => ds.svd(a));
  const ref = JSON.parse(
    execFileSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, json, numpy as np\na = np.frombuffer(sys.stdin.buffer.read()).reshape(" +
          `${m}, ${n}` +
          ")\nprint(json.dumps(np.linalg.svd(a, compute_uv=False).tolist()))",
      ],
      {
        input: bytesOf((await a.collect()).data),
        maxBuffer: 1 << 26,
      },
    ).toString(),
  ) as number[];
  let worst = 0;
  s.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - ref[i]) / ref[i])));
  console.log(
    `  ${nSweeps} sweeps; max relative |s - numpy| = ${worst.toExponential(2)}; max|UᵀU - I| = ${(await orthogonality(u)).toExponential(2)}, max|VᵀV - I| = ${(await orthogonality(v)).toExponential(2)}`,
  );
  await timed(`ds.svd ${m} x ${n} computeUv=false`, () => ds.svd(a, { computeUv: false }));
  console.log(
    `  numpy.linalg.svd: ${numpyTime(`a = np.random.default_rng(2).random((${m}, ${n}))\nt = time.perf_counter(); np.linalg.svd(a, full_matrices=False); print(f"{time.perf_counter() - t:.2f} s")`)}`,
  );
}

const square = env("SQUARE", 2000);
const block = env("SQUARE_BLOCK", 500);
if (which.includes("qr")) {
  const a = await ds.random([square, square], { blockSize: [block, block], seed: 3 }).persist();
  const { q } = await timed(`ds.qr ${square} x ${square} (blocks ${block})`, async () => {
    const f = ds.qr(a);
    await Promise.all([f.q.persist(), f.r.persist()]);
    return f;
  });
  console.log(`  max|QᵀQ - I| = ${(await orthogonality(q)).toExponential(2)}`);
}
if (which.includes("cholesky") || which.includes("solve")) {
  const x = ds.random([square, square], { blockSize: [block, block], seed: 4 });
  const a = await ds
    .matmul(x, x, { transposeB: true })
    .add(ds.identity(square, { blockSize: [block, block] }))
    .persist();
  const b = await ds.random([square, 1], { blockSize: [block, 1], seed: 5 }).persist();
  if (which.includes("cholesky"))
    await timed(`ds.cholesky ${square} x ${square} (blocks ${block})`, () => ds.cholesky(a));
  if (which.includes("solve")) {
    const sol = await timed(`ds.solve ${square} x ${square} (blocks ${block})`, () => ds.solve(a, b));
    console.log(`  max|a x - b| = ${(await ds.matmul(a, sol).sub(b).abs().max()).toExponential(2)}`);
  }
}
if (which.includes("randomSvd")) {
  const a = await ds.random([100_000, 500], { blockSize: [10_000, 500], seed: 6 }).persist();
  await timed("ds.randomSvd 100000 x 500, k = 10", () => ds.randomSvd(a, 10, { randomState: 0 }));
}
await shutdown();
