/**
 * The MLfabric demo (`npm start`): it runs MLfabric against async PS in real time on emulated links and
 * ends with one line comparing the two, which must say what results.json says. The demo's own scenario
 * takes about a minute; the test runs it on examples/quick.json (same code path, a few seconds).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_CONFIG, runFabricDemo, speedupLine } from "../../src/cli/fabricDemo.ts";
import type { Results } from "../../src/cli/report/resultsJson.ts";
import { realClock } from "../../src/sim/clock.ts";

function resultsWith(mlfabric: number | null, async: number | null): Results {
  const entry = (t: number | null) => ({
    timeToTarget: t,
    finalAccuracy: 0.9,
    updatesApplied: 1,
    updatesDropped: 0,
    maxDelay: 0,
    meanDelay: 0,
    aggregatedUpdates: 0,
    replicaMaxLag: 0,
    lostUpdates: 0,
    bytesMoved: 0,
    history: [],
    wallTimeS: 1,
  });
  return {
    clock: "real",
    seed: 1,
    target: 0.9,
    config: {},
    policies: { mlfabric: entry(mlfabric), async: entry(async) },
  };
}

it("speedupLine states the ratio of the times to target, and which policy missed", () => {
  assert.equal(speedupLine(resultsWith(2, 5)), "mlfabric reached 90% in 2.0 s, async in 5.0 s: 2.50x sooner");
  assert.equal(speedupLine(resultsWith(4, 2)), "mlfabric reached 90% in 4.0 s, async in 2.0 s: 0.50x later");
  assert.equal(
    speedupLine(resultsWith(3, null)),
    "mlfabric reached 90% in 3.0 s, async not within the budget",
  );
});

it("the demo's config is the experiment's file, found from the sources", () => {
  assert.ok(existsSync(DEMO_CONFIG), DEMO_CONFIG);
  assert.match(DEMO_CONFIG, /examples[/\\]dynamic-cluster\.json$/);
});

it("the demo runs both policies in real time, writes the report and ends with the comparison", async () => {
  const out = mkdtempSync(join(tmpdir(), "dsfabric-demo-"));
  const lines: string[] = [];
  const results = await runFabricDemo({
    outDir: out,
    configPath: "examples/quick.json",
    sets: ["target.maxTimeS=20"],
    clock: realClock,
    log: (line) => lines.push(line),
    progressStream: { isTTY: false, write: () => true },
  });
  assert.equal(results.clock, "real");
  assert.deepEqual(Object.keys(results.policies), ["mlfabric", "async"]);
  for (const file of ["results.json", "accuracy.svg", "accuracy.png", "summary.md"]) {
    assert.ok(existsSync(join(out, file)), `${file} written`);
  }
  const text = lines.join("\n");
  assert.match(text, /BLAS backend/);
  assert.ok(lines.includes(speedupLine(results)), text);
});
