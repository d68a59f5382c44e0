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
