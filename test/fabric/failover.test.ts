/**
 * Faults under MLfabric: a shard's primary killed mid-run (its replica is promoted, at most replicaLag
 * updates are lost, none is applied twice, training goes on), workers and aggregators killed, hosts
 * partitioned; and every policy surviving a worker's death.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fabric } from "../../src/fabric/index.ts";
import type { FabricEvent, PolicyName } from "../../src/fabric/index.ts";
import type { Fault } from "../../src/sim/faults.ts";
import { baseOptions, baseSeed, randomOptions, reproduce, saveTrace } from "./support/scenario.ts";

describe("failover (property)", () => {
  it("a killed primary loses at most replicaLag updates, applies none twice, and training goes on", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 30, max: 250 }),
        fc.constantFrom<"none" | "worker" | "aggregator" | "partition">(
          "none",
          "worker",
          "aggregator",
          "partition",
        ),
        async (caseSeed, killAtMs, extra) => {
          const seed = baseSeed + caseSeed;
          const options = await randomOptions(seed);
          const shards = options.cluster.shards ?? 1;
          const faults: Fault[] = [{ atMs: killAtMs, kind: "kill", role: "shard", id: seed % shards }];
          if (extra === "worker") faults.push({ atMs: killAtMs / 2, kind: "kill", role: "worker", id: 0 });
          if (extra === "aggregator")
            faults.push({ atMs: killAtMs + 5, kind: "kill", role: "aggregator", id: 0 });
          if (extra === "partition")
            faults.push({ atMs: killAtMs - 10, kind: "partition", host: "w1", durationMs: 30 });
          const trainRun = fabric.train({ ...options, faults, target: { maxTimeS: 0.5 } });
          const events: FabricEvent[] = [];
          const reading = (async () => {
            for await (const e of trainRun.events)
              if (e.type === "promote" || e.type === "kill") events.push(e);
          })();
          const result = await trainRun.result;
          await reading;
          const why = reproduce(seed, "killed primary");
          const report = fabric.checkInvariants(result);
          if (!report.ok)
            console.log(
              `trace: ${await saveTrace({ ...options, faults, target: { maxTimeS: 0.5 } }, `case-${seed}`)}`,
            );
          assert.ok(report.ok, `${report.violations.map((v) => v.message).join("\n")}\n${why}`);
          const promote = events.find((e) => e.type === "promote");
          assert.ok(promote !== undefined && promote.type === "promote", why);
          assert.ok(promote.lost.length <= (options.replicaLag ?? 4), why);
          assert.equal(result.stats.lostUpdates, promote.lost.length, why);
          const lost = new Set(promote.lost);
          for (const r of result.records) if (lost.has(r.id)) assert.equal(r.path, "lost", why);
          // The promoted replica goes on applying fresh updates as the shard's primary.
          const after = result.applies.filter((e) => e.role === "primary" && e.host === promote.host);
          assert.ok(after.length > 0, `the new primary applied nothing\n${why}`);
          assert.ok(result.stats.finalAccuracy > 0.9, why);
        },
      ),
      { numRuns: 16, seed: baseSeed },
    );
  });

  it("reaches the target with one shard's primary killed mid-run", async () => {
    const options = await baseOptions();
    const result = await fabric.train({
      ...options,
      cluster: { workers: 8, shards: 3, replicas: 1 },
      faults: [{ atMs: 60, kind: "kill", role: "shard", id: 1 }],
      target: { accuracy: 0.97, maxTimeS: 2 },
    }).result;
    assert.ok(result.stats.timeToTarget !== null);
    assert.ok(result.stats.lostUpdates <= 3);
    assert.ok(result.history[0].timeS === 0 && result.history.length > 1);
    assert.ok(fabric.checkInvariants(result).ok);
  });
});

describe("every policy survives a worker's death", () => {
  for (const policy of ["mlfabric", "async", "bsp", "ssp", "allreduce"] as PolicyName[]) {
    it(policy, async () => {
      const options = await baseOptions();
      const result = await fabric.train({
        ...options,
        policy,
        cluster: { workers: 5, shards: 2, replicas: policy === "mlfabric" ? 1 : 0 },
        faults: [
          { atMs: 40, kind: "kill", role: "worker", id: 3 },
          { atMs: 70, kind: "partition", host: "w1", durationMs: 20 },
        ],
        target: { accuracy: 0.95, maxTimeS: 2 },
      }).result;
      assert.ok(result.stats.timeToTarget !== null, `${policy}: ${JSON.stringify(result.stats)}`);
      const late = result.records.filter((r) => r.worker === "w3" && r.atMs > 40 && r.path !== "dropped");
      assert.deepEqual(
        late.map((r) => r.id),
        [],
        "the dead worker's updates after its death",
      );
      assert.ok(fabric.checkInvariants(result).ok);
    });
  }
});
