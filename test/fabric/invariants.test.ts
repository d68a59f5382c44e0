/**
 * Property tests over random clusters, traces and seeds (all drawn from one seed per case): under MLfabric
 * no applied update exceeds the delay bound, the replica never trails by more than replicaLag, every
 * aggregated update is exactly the float32 sum of its members (checked on the vectors), no update is
 * applied twice, and the records tell one consistent story.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fabric } from "../../src/fabric/index.ts";
import type { AggregationSeen, ApplySeen, TrainResult } from "../../src/fabric/index.ts";
import { checkAggregatedSum } from "../../src/fabric/invariants.ts";
import { baseSeed, randomOptions, reproduce, run, saveTrace } from "./support/scenario.ts";

/** Records agree with the application log: each applied update appears once among its shard's primaries. */
function checkRecords(result: TrainResult): void {
  const appliedAt = new Map<number, number>();
  for (const e of result.applies)
    if (e.role === "primary") for (const id of e.ids) appliedAt.set(id, e.version);
  for (const r of result.records) {
    if (r.path === "direct" || r.path === "aggregated") {
      assert.ok(
        r.appliedVersion !== null && r.delay === r.appliedVersion - 1 - r.baseVersion,
        `record ${r.id}`,
      );
      assert.equal(appliedAt.get(r.id), r.appliedVersion, `record ${r.id} vs the log`);
      for (const other of r.aggregatedWith)
        assert.equal(result.records[other].appliedVersion, r.appliedVersion);
    }
    if (r.path === "dropped") {
      assert.equal(r.appliedVersion, null);
      assert.ok(!appliedAt.has(r.id), `dropped update ${r.id} was applied`);
    }
  }
}

describe("MLfabric invariants (property)", () => {
  it("delay bound, replica lag, aggregated sums, no double apply", async () => {
    let aggregations = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.record({ ordering: fc.boolean(), aggregation: fc.boolean(), replication: fc.boolean() }),
        async (caseSeed, switches) => {
          const seed = baseSeed + caseSeed;
          const sums: AggregationSeen[] = [];
          const applied: ApplySeen[] = [];
          const options = await randomOptions(seed);
          const result = await run({
            ...options,
            policy: { name: "mlfabric", ...switches },
            inspector: {
              aggregated: (a) =>
                sums.push({ ...a, members: a.members.map((m) => m.slice()), sum: a.sum.slice() }),
              applied: (a) => applied.push({ ...a, grad: a.grad.slice() }),
            },
          });
          const report = fabric.checkInvariants(result);
          if (!report.ok)
            console.log(
              `trace: ${await saveTrace({ ...options, policy: { name: "mlfabric", ...switches } }, `case-${seed}`)}`,
            );
          assert.ok(
            report.ok,
            `${report.violations.map((v) => v.message).join("\n")}\n${reproduce(seed, "delay bound")}`,
          );
          if (switches.ordering) assert.ok(result.stats.maxDelay <= (options.delayBound ?? 16));
          if (switches.replication) assert.ok(result.stats.replicaMaxLag <= (options.replicaLag ?? 4));
          for (const a of sums) {
            assert.deepEqual(checkAggregatedSum(a), []);
            // What the shard applied for this group is that very sum.
            const atShard = applied.find((x) => x.role === "primary" && x.ids.join() === a.memberIds.join());
            if (atShard !== undefined) assert.deepEqual(atShard.grad, a.sum);
          }
          aggregations += sums.length;
          checkRecords(result);
        },
      ),
      { numRuns: 24, seed: baseSeed },
    );
    assert.ok(aggregations > 0, "no case aggregated anything: the scenarios are too easy");
  });

  it("drops updates rather than apply them late when the bound is tight", async () => {
    const options = await randomOptions(baseSeed);
    const result = await run({
      ...options,
      cluster: { workers: 12, shards: 1, replicas: 1 },
      delayBound: 1,
      network: { hostBytesPerS: 1e5, latencyMs: 0.05 },
    });
    assert.ok(result.stats.updatesDropped > 0);
    assert.ok(result.stats.maxDelay <= 1);
    assert.ok(result.records.filter((r) => r.dropReason === "delayBound").length > 0);
  });
});
