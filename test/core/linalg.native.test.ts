// The native OpenBLAS addon itself: argument validation, use from worker threads, and the build script.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import {
  loadNativeAddon,
  nativeAddonPath,
  nativeLoadFailure,
  packageRoot,
} from "../../src/core/linalg/nativeAddon.ts";

const addon = loadNativeAddon();
if (addon === undefined && process.env.CI !== undefined) {
  throw new Error(`CI: the native OpenBLAS addon must be built here: ${nativeLoadFailure()}`);
}
const skip = addon === undefined ? `native addon not built: ${nativeLoadFailure()}` : false;
const root = packageRoot() ?? ".";

test("packageRoot finds the dsfabric package from src/ and from deeper folders", () => {
  assert.equal(packageRoot(join(root, "dist", "src", "core", "linalg")), root);
  assert.equal(packageRoot("/"), undefined);
});

test("addon validates argument types and array lengths instead of reading out of bounds", { skip }, () => {
  if (addon === undefined) return;
  const a = new Float64Array([1, 2, 3, 4]);
  const c = new Float64Array(4);
  const bad = [1, 2, 3, 4] as unknown as Float64Array;
  assert.throws(() => addon.gemm(false, false, 2, 2, 2, 1, bad, 2, a, 2, 0, c, 2), TypeError);
  assert.throws(() => addon.gemm(false, false, 2, 2, 2, 1, new Float32Array(4) as unknown as Float64Array, 2, a, 2, 0, c, 2), TypeError); // prettier-ignore
  assert.throws(() => addon.gemm(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, c, 2), RangeError);
  assert.throws(() => addon.gemm(false, false, 2.5, 2, 2, 1, a, 2, a, 2, 0, c, 2), TypeError);
  assert.throws(() => addon.potrf(3, a, 3), RangeError);
  assert.throws(() => addon.setThreads(0), TypeError);
  addon.gemm(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2);
  assert.deepEqual(Array.from(c), [7, 10, 15, 22]);
});

test("addon honours byteOffset of SharedArrayBuffer subarrays", { skip }, () => {
  if (addon === undefined) return;
  const buf = new SharedArrayBuffer(8 * 16);
  const all = new Float64Array(buf).fill(Number.NaN);
  const a = all.subarray(3, 7);
  a.set([1, 2, 3, 4]);
  const c = all.subarray(9, 13);
  addon.gemm(true, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2); // a^T a
  assert.deepEqual(Array.from(c), [10, 14, 14, 20]);
  assert.ok(Number.isNaN(all[8]) && Number.isNaN(all[13]), "nothing written outside c");
});

// Plain CommonJS run inside the worker: loads the .node file directly and runs a gemm on shared memory.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const blas = require(workerData.path);
const n = workerData.n;
const a = new Float64Array(workerData.a);
const c = new Float64Array(workerData.c);
blas.gemm(false, true, n, n, n, 1, a, n, a, n, 0, c, n);
parentPort.postMessage({ threads: blas.getThreads(), config: blas.config() });
`;

function runWorker(path: string, n: number, a: SharedArrayBuffer, c: SharedArrayBuffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { path, n, a, c } });
    w.once("message", (msg: unknown) => {
      resolve(msg);
      void w.terminate();
    });
    w.once("error", reject);
  });
}

test(
  "addon loads and runs gemm in worker threads (two at once, after the main thread)",
  { skip },
  async () => {
    const path = nativeAddonPath();
    if (addon === undefined || path === undefined) return;
    const n = 64;
    const a = new SharedArrayBuffer(n * n * 8);
    const av = new Float64Array(a);
    for (let i = 0; i < av.length; i++) av[i] = ((i * 7919) % 13) - 6;
    const expected = new Float64Array(n * n);
    addon.gemm(false, true, n, n, n, 1, av, n, av, n, 0, expected, n);
    const outs = [new SharedArrayBuffer(n * n * 8), new SharedArrayBuffer(n * n * 8)];
    const replies = await Promise.all(outs.map((c) => runWorker(path, n, a, c)));
    for (const reply of replies) assert.match((reply as { config: string }).config, /OpenBLAS/);
    for (const c of outs) assert.deepEqual(new Float64Array(c), expected);
  },
);

test("build-native.mjs never fails the install: one line and exit 0 when it cannot build", () => {
  const skipped = spawnSync(process.execPath, [join(root, "scripts", "build-native.mjs")], {
    encoding: "utf8",
    env: { ...process.env, DSFABRIC_SKIP_NATIVE: "1" },
  });
  assert.equal(skipped.status, 0);
  assert.equal(
    skipped.stdout,
    "dsfabric: native BLAS not built (DSFABRIC_SKIP_NATIVE=1); the pure-TypeScript kernels will be used\n",
  );

  // A copy of the package without node_modules: node-gyp cannot be found.
  const dir = mkdtempSync(join(tmpdir(), "dsfabric-build-"));
  try {
    cpSync(join(root, "package.json"), join(dir, "package.json"));
    cpSync(join(root, "scripts", "build-native.mjs"), join(dir, "scripts", "build-native.mjs"));
    cpSync(join(root, "native", "binding.gyp"), join(dir, "native", "binding.gyp"));
    const env = { ...process.env };
    delete env.npm_config_node_gyp;
    delete env.DSFABRIC_SKIP_NATIVE;
    const r = spawnSync(process.execPath, [join(dir, "scripts", "build-native.mjs")], {
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0);
    assert.match(
      r.stdout,
      /^dsfabric: native BLAS not built \(.+\); the pure-TypeScript kernels will be used\n$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
