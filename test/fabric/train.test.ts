/**
 * `fabric.train` end to end: every policy converges on an easy problem; the same options and seed give
 * bit-identical records and history (another seed does not); the result and events have the documented
 * shape; aggregation really happens under a bottlenecked shard and an aggregator's death is survived.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fabric } from "../../src/fabric/index.ts";
import type { FabricEvent, PolicySpec, TrainOptions } from "../../src/fabric/index.ts";
import { baseOptions, run } from "./support/scenario.ts";

/** A shard whose downlink is 20x slower than the workers' links: aggregation pays. */
async function bottleneckOptions(): Promise<TrainOptions> {
  const o = await baseOptions();
  return {
    ...o,
    cluster: { workers: 12, shards: 1, replicas: 1 },
    delayBound: 32,
    replicaLag: 16,
    network: {
      hostBytesPerS: 2e6,
      latencyMs: 0.05,
      hosts: { s0: { downBytesPerS: 1e5 }, r0: { downBytesPerS: 1e5 } },
    },
    target: { maxTimeS: 0.2 },
  };
}

describe("every policy converges on well-separated blobs", () => {
  const policies: PolicySpec[] = [
    "mlfabric",
    { name: "mlfabric", ordering: false },
    { name: "mlfabric", aggregation: false, replication: false },
    "async",
    "bsp",
    { name: "ssp", stalenessBoundSteps: 2 },
    "allreduce",
  ];
  for (const policy of policies) {
    it(JSON.stringify(policy), async () => {
      const o = await baseOptions();
      const result = await run({ ...o, policy, target: { accuracy: 0.95, maxTimeS: 3 } });
      assert.ok(result.stats.finalAccuracy > 0.9, JSON.stringify(result.stats));
      assert.ok(result.stats.timeToTarget !== null && result.stats.timeToTarget <= 3);
      assert.ok(result.stats.updatesApplied > 0);
    });
  }
});

describe("determinism", () => {
  it("same options and seed give identical records, applications and history", async () => {
    const o = {
      ...(await baseOptions()),
      network: {
        hostBytesPerS: 2e5,
        latencyMs: 0.05,
        background: { pairsActiveMean: 2, onDurationMsMean: 30, offDurationMsMean: 30 },
        slowHosts: { stallProbability: 0.2, stallMsMax: 3 },
      },
    };
    const a = await run({ ...o, faults: [{ atMs: 150, kind: "kill", role: "shard", id: 1 }] });
    const b = await run({ ...o, faults: [{ atMs: 150, kind: "kill", role: "shard", id: 1 }] });
    assert.deepEqual(a.records, b.records);
    assert.deepEqual(a.applies, b.applies);
    assert.deepEqual(a.history, b.history);
    assert.deepEqual(a.params, b.params);
    const c = await run({ ...o, seed: 2, faults: [{ atMs: 150, kind: "kill", role: "shard", id: 1 }] });
    assert.notDeepEqual(a.records, c.records);
  });

  it("every policy replays bit for bit", async () => {
    const o = await baseOptions();
    for (const policy of ["async", "bsp", "ssp", "allreduce"] as const) {
      const a = await run({ ...o, policy, target: { maxTimeS: 0.1 } });
      const b = await run({ ...o, policy, target: { maxTimeS: 0.1 } });
      assert.deepEqual(a.history, b.history, policy);
      assert.deepEqual(a.records, b.records, policy);
    }
  });
});

describe("result and events", () => {
  it("has the documented shape, one-line event texts, and progress callbacks", async () => {
    const o = await baseOptions();
    const progress: number[] = [];
    const trainRun = fabric.train({
      ...o,
      onProgress: (p) => progress.push(p.timeS),
      target: { accuracy: 0.99, maxTimeS: 1 },
    });
    const events: FabricEvent[] = [];
    const reading = (async () => {
      for await (const e of trainRun.events) events.push(e);
    })();
    const result = await trainRun.result;
    await reading;
    assert.deepEqual(Object.keys(result.stats).sort(), [
      "aggregatedUpdates",
      "bytesByKind",
      "bytesMoved",
      "durationS",
      "finalAccuracy",
      "lostUpdates",
      "maxDelay",
      "maxStalenessUpdates",
      "meanDelay",
      "meanStalenessUpdates",
      "replicaMaxLag",
      "timeToTarget",
      "updatesApplied",
      "updatesDropped",
    ]);
    assert.equal(result.params.length, 36);
    assert.deepEqual(
      progress,
      result.history.map((h) => h.timeS),
    );
    assert.deepEqual(result.history.map((h) => h.timeS).slice(0, 2), [0, 0.1]);
    const last = events[events.length - 1];
    assert.ok(last.type === "done" && (last.reason === "target" || last.reason === "maxTime"));
    assert.ok(events.some((e) => e.type === "apply"));
    for (const e of events) assert.doesNotMatch(fabric.formatEvent(e), /\n/);
    assert.equal(
      result.stats.updatesApplied,
      result.records.filter((r) => r.path === "direct" || r.path === "aggregated").length,
    );
  });

  it("stop() ends a run early", async () => {
    const o = await baseOptions();
    const trainRun = fabric.train({
      ...o,
      target: { maxTimeS: 100 },
      onProgress: (p) => p.timeS >= 0.2 && trainRun.stop(),
    });
    const result = await trainRun.result;
    assert.equal(result.stats.durationS, 0.2);
  });
});

describe("aggregation under a bottlenecked shard", () => {
  it("sums full groups and applies several times more updates than without it", async () => {
    const o = await bottleneckOptions();
    const sums: number[] = [];
    // Without relays, members pull at once and are soon back with the next update: groups fill.
    const withAgg = await run({
      ...o,
      policy: { name: "mlfabric", pullRelay: false },
      inspector: { aggregated: (a) => sums.push(a.memberIds.length) },
    });
    const without = await run({ ...o, policy: { name: "mlfabric", aggregation: false } });
    assert.ok(
      sums.length > 10 && sums.filter((k) => k === 8).length > sums.length / 2,
      `group sizes ${sums.join(",")}`,
    );
    assert.ok(
      withAgg.stats.updatesApplied > 3 * without.stats.updatesApplied,
      `${withAgg.stats.updatesApplied} vs ${without.stats.updatesApplied}`,
    );
    assert.ok(fabric.checkInvariants(withAgg).ok);
  });

  for (const pullRelay of [false, true]) {
    it(`survives its aggregators' deaths (pull relays ${pullRelay ? "on" : "off"})`, async () => {
      const o = await bottleneckOptions();
      const trainRun = fabric.train({
        ...o,
        policy: { name: "mlfabric", pullRelay },
        faults: [
          { atMs: 50, kind: "kill", role: "aggregator", id: 0 },
          { atMs: 90, kind: "kill", role: "aggregator", id: 3 },
        ],
      });
      const kills: string[] = [];
      const reading = (async () => {
        for await (const e of trainRun.events) if (e.type === "kill") kills.push(e.host);
      })();
      const result = await trainRun.result;
      await reading;
      assert.equal(kills.length, 2);
      // Without relays the kills catch members on their way to the aggregator; with relays the members
      // mostly wait for the slice instead, and must not wait forever: every surviving worker goes on.
      if (!pullRelay) assert.ok(result.records.some((r) => r.dropReason === "aggregatorFailed"));
      const survivors = new Set(result.records.map((r) => r.worker).filter((w) => !kills.includes(w)));
      for (const w of survivors) {
        assert.ok(
          result.records.some((r) => r.worker === w && r.path !== "dropped" && r.atMs > 120),
          `${w} made progress after the kills`,
        );
      }
      const afterwards = result.applies.filter((e) => e.role === "primary" && e.atMs > 100);
      assert.ok(afterwards.length > 5);
      assert.ok(fabric.checkInvariants(result).ok);
    });
  }

  it("pull relays: an aggregator pulls once for its group, and members get the slice from it", async () => {
    const o = await bottleneckOptions();
    // The shard's uplink is the bottleneck as well as its downlink: every pull crosses it.
    const network = { ...o.network, hosts: { s0: { downBytesPerS: 1e5, upBytesPerS: 1e5 } } };
    const relayed = await run({ ...o, network, policy: { name: "mlfabric", pullRelay: true } });
    const direct = await run({ ...o, network, policy: { name: "mlfabric", pullRelay: false } });
    const kinds = (r: typeof relayed) => r.stats.bytesByKind;
    for (const r of [relayed, direct]) {
      const total = Object.values(kinds(r)).reduce((a, b) => a + b, 0);
      assert.equal(total, r.stats.bytesMoved, "bytes by kind add up to the bytes moved");
      assert.ok(fabric.checkInvariants(r).ok);
    }
    assert.ok((kinds(relayed).relay ?? 0) > 0, JSON.stringify(kinds(relayed)));
    assert.equal(kinds(direct).relay, undefined);
    // The shard's uplink carries fewer pulls per applied update when its groups' members are relayed.
    const pullsPerUpdate = (r: typeof relayed) => (kinds(r).pull ?? 0) / r.stats.updatesApplied;
    assert.ok(
      pullsPerUpdate(relayed) < 0.8 * pullsPerUpdate(direct),
      `${pullsPerUpdate(relayed)} vs ${pullsPerUpdate(direct)} pull bytes per applied update`,
    );
  });
});
