/**
 * The same fabric code on real time: `clock: "real"` with the real-time environment (emulated links,
 * net/emulatedTransport.ts) through the `transport` factory option. A short run (a fraction of a second)
 * that checks the plug-in path, not performance, and that the gradients ran on the worker-thread pool.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fabric } from "../../src/fabric/index.ts";
import { realTimeEnvironment } from "../../src/fabric/realTimeEnvironment.ts";
import { engine } from "../../src/runtime/runtime.ts";
import { warmPool } from "./support/pool.ts";
import { baseOptions } from "./support/scenario.ts";

describe("real clock", () => {
  // Gradients run on the worker-thread pool: started beforehand, so that the run measures training.
  before(warmPool);

  it("runs MLfabric on the emulated transport, with gradients on the pool, and stops at maxTimeS", async () => {
    const gradientTasks = (): number => engine().stats().byKernel["model.denseNetworkGradient"] ?? 0;
    const pooledBefore = gradientTasks();
    const o = await baseOptions();
    const result = await fabric.train({
      ...o,
      clock: "real",
      transport: realTimeEnvironment,
      compute: { msPerBatch: 2 },
      network: { hostBytesPerS: 1e6, latencyMs: 0.05 },
      target: { maxTimeS: 0.25 },
      evalEveryS: 0.05,
    }).result;
    assert.ok(result.stats.updatesApplied > 20, JSON.stringify(result.stats));
    assert.ok(result.stats.finalAccuracy > 0.5);
    assert.ok(result.stats.durationS >= 0.25 && result.stats.durationS < 2);
    assert.ok(fabric.checkInvariants(result).ok);
    // Every gradient sent becomes one update record per shard; some pooled ones were still in flight.
    const pooled = gradientTasks() - pooledBefore;
    const sent = result.records.filter((r) => r.shard === 0).length;
    assert.ok(pooled >= sent && sent > 10, `${pooled} gradients pooled, ${sent} sent`);
  });

  it("fires faults due at the start (atMs 0) at the start, as in virtual time", async () => {
    const o = await baseOptions();
    const options = {
      ...o,
      compute: { msPerBatch: 2 },
      network: { hostBytesPerS: 1e6, latencyMs: 0.05 },
      target: { maxTimeS: 0.2 },
      evalEveryS: 0.05,
      faults: [
        { atMs: 0, kind: "kill" as const, role: "worker" as const, id: 1 },
        { atMs: 0, kind: "kill" as const, role: "shard" as const, id: 0 },
      ],
    };
    for (const clock of ["virtual", "real"] as const) {
      const run = fabric.train({
        ...options,
        clock,
        transport: clock === "real" ? realTimeEnvironment : undefined,
      });
      const kills: string[] = [];
      const listening = (async () => {
        for await (const e of run.events) if (e.type === "kill") kills.push(`${e.role} ${e.host}`);
      })();
      const result = await run.result;
      await listening;
      assert.deepEqual(kills.sort(), ["shard s0", "worker w1"], clock);
      assert.ok(result.stats.updatesApplied > 0, `${clock}: ${JSON.stringify(result.stats)}`);
    }
  });
});
