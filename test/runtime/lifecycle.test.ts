import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function runScript(source: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
}

it("a program that never calls shutdown() still exits once its work is done", () => {
  const r = runScript(`
    import { ds } from "./src/index.ts";
    const x = ds.random([200, 200], { blockSize: [50, 50], seed: 1 });
    const m = await x.add(1).collect();
    console.log("rows", m.rows);
  `);
  assert.equal(r.signal, null, `killed by ${String(r.signal)}: the worker threads kept the process alive`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /rows 200/);
});

it("pending work keeps the process alive until it completes, even without await", () => {
  const r = runScript(`
    import { ds } from "./src/index.ts";
    ds.random([300, 300], { blockSize: [100, 100], seed: 2 }).mul(2).collect().then((m) => console.log("done", m.cols));
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done 300/);
});

it("work pending at shutdown() or init() fails with one RuntimeStateError, not a chain, and the runtime goes on", async () => {
  const { ds, init, shutdown, RuntimeStateError } = await import("../../src/index.ts");
  const cancelled = (e: unknown) => {
    assert.ok(e instanceof RuntimeStateError, String(e));
    assert.equal(
      e.message,
      "work cancelled: shutdown() or init() stopped the worker pool before it finished (await the results first)",
    );
    return true;
  };
  for (const stop of [() => shutdown(), () => init({ workers: 2 })]) {
    await init({ workers: 2 });
    const x = ds.random([1500, 1500], { blockSize: [500, 500], seed: 1 });
    // Chains of several steps: each result's error is the cancellation itself, whatever it depended on.
    const pending = [
      x.matmul(x).add(1).sum(),
      x.T.rechunk([250, 250]).matmul(x).collect(),
      x.mean(0).collect(),
    ];
    const settled = Promise.allSettled(pending);
    await stop();
    for (const r of await settled) {
      assert.equal(r.status, "rejected");
      if (r.status === "rejected") cancelled(r.reason);
    }
    assert.equal(await ds.ones([4, 4], { blockSize: [2, 2] }).sum(), 16);
  }
  await shutdown();
});
