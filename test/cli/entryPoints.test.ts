import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("the built package resolves its public entry points by name (dsfabric, dsfabric/ml)", () => {
  const source = `
    const main = await import("dsfabric");
    const ml = await import("dsfabric/ml");
    const x = main.ds.random([4, 3], { blockSize: [2, 2], seed: 1 });
    console.log(JSON.stringify({ names: ["ds", "init", "shutdown", "fabric", "DsfabricError"].filter((n) => n in main), shape: x.shape, ml: typeof ml }));
    await main.shutdown();
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", source], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    names: ["ds", "init", "shutdown", "fabric", "DsfabricError"],
    shape: [4, 3],
    ml: "object",
  });
});
