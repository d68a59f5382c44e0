/**
 * The policies' pure decisions, on hand-computed cases: earliest-deadline-first order and the delay
 * bound, the aggregation plan, the replication gate, the bandwidth estimate, the cluster arithmetic.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BandwidthEstimator } from "../../src/fabric/bandwidth.ts";
import { clusterLayout, splitEvenly } from "../../src/fabric/cluster.ts";
import {
  chooseAggregator,
  groupToJoin,
  roundMs,
  shardIsBottleneck,
} from "../../src/fabric/policies/aggregation.ts";
import {
  earliestDeadlineFirst,
  orderingRules,
  overBound,
  predictedStaleness,
} from "../../src/fabric/policies/ordering.ts";
import { replicaAllows } from "../../src/fabric/policies/replication.ts";

describe("ordering", () => {
  it("serves the oldest base version first, then the earlier request", () => {
    const queue = [
      { arrival: 0, base: 9 },
      { arrival: 1, base: 4 },
      { arrival: 2, base: 4 },
      { arrival: 3, base: 7 },
    ];
    assert.deepEqual(
      [...queue].sort(earliestDeadlineFirst).map((q) => q.arrival),
      [1, 2, 3, 0],
    );
  });

  it("predicts the delay from the grants ahead and drops only what exceeds the bound", () => {
    assert.equal(predictedStaleness(12, 9), 3);
    assert.equal(overBound(25, 9, 16), false); // delay 16: allowed
    assert.equal(overBound(26, 9, 16), true);
  });

  it("keeps a queue without the bound when only aggregation is on", () => {
    const base = {
      name: "mlfabric" as const,
      replication: false,
      inFlightPerShard: 3,
      aggregationGroupMax: 8,
      pullRelay: false,
    };
    assert.deepEqual(
      [orderingRules({ ...base, ordering: true, aggregation: false })].map((r) => [
        r.inFlightMax,
        r.enforceBound,
      ]),
      [[3, true]],
    );
    const aggOnly = orderingRules({ ...base, ordering: false, aggregation: true });
    assert.deepEqual([aggOnly.inFlightMax, aggOnly.enforceBound], [3, false]);
    assert.equal(orderingRules({ ...base, ordering: false, aggregation: false }).inFlightMax, Infinity);
  });
});

describe("aggregation", () => {
  const worker = (host: string, bps: number, loadInBytes = 0) => ({
    host,
    upBytesPerS: bps,
    downBytesPerS: bps,
    loadInBytes,
    loadOutBytes: 0,
  });

  it("estimates a round from the aggregator's links and load", () => {
    // 3 updates of 1000 B in at 1 MB/s (3 ms), one out (1 ms), three latencies.
    assert.ok(Math.abs(roundMs(worker("w1", 1e6), 3, 1000, 0.05) - 4.15) < 1e-9);
    assert.ok(Math.abs(roundMs(worker("w1", 1e6, 2000), 3, 1000, 0.05) - 6.15) < 1e-9);
  });

  it("picks the worker with the shortest round for a full group, load included", () => {
    const candidates = [worker("w0", 1e6), worker("w1", 4e6), worker("w2", 4e6, 1e5)];
    assert.deepEqual(chooseAggregator(candidates, 1000, 8, 0)?.host, "w1");
    assert.equal(chooseAggregator([], 1000, 8, 0), null);
  });

  it("aggregates only when the shard's queue drains slower than a round", () => {
    assert.equal(shardIsBottleneck({ queuedBytes: 8000, shardDownBytesPerS: 1e6, roundMs: 4.15 }), true);
    assert.equal(shardIsBottleneck({ queuedBytes: 4000, shardDownBytesPerS: 1e6, roundMs: 4.15 }), false);
  });

  it("joins the first group in grant order that has room", () => {
    assert.equal(groupToJoin([{ members: 8 }, { members: 3 }, { members: 1 }], 8), 1);
    assert.equal(groupToJoin([{ members: 8 }], 8), -1);
    assert.equal(groupToJoin([], 8), -1);
  });
});

describe("replication gate", () => {
  it("lets the primary lead by at most replicaLag", () => {
    assert.equal(replicaAllows(10, 6, 4), true);
    assert.equal(replicaAllows(10, 5, 4), false);
    assert.equal(replicaAllows(3, 3, 0), true);
  });
});

describe("bandwidth estimate", () => {
  const hosts = [
    { id: "w0", upBytesPerS: 1e9, downBytesPerS: 1e9 },
    { id: "s0", upBytesPerS: 1e9, downBytesPerS: 1e9 },
  ];

  it("blames the busy shard, not the worker whose flow it slowed", () => {
    const bw = new BandwidthEstimator(hosts, 0.5);
    // 1 MB in 4 ms = 2.5e8 B/s while the shard received 2 flows: the shard's link gave 5e8.
    bw.observe({
      from: "w0",
      to: "s0",
      bytes: 1e6,
      startMs: 0,
      endMs: 4,
      durationMs: 4,
      fromFlows: 1,
      toFlows: 2,
    });
    assert.equal(bw.down("s0"), 7.5e8);
    assert.equal(bw.up("w0"), 1e9);
  });

  it("raises an estimate that a delivery beat, ignores empty deliveries", () => {
    const bw = new BandwidthEstimator(hosts, 1);
    bw.observe({
      from: "w0",
      to: "s0",
      bytes: 1e6,
      startMs: 0,
      endMs: 10,
      durationMs: 10,
      fromFlows: 1,
      toFlows: 1,
    });
    assert.equal(bw.up("w0"), 1e8); // both ends equally loaded: the sender's end is blamed
    bw.observe({
      from: "w0",
      to: "s0",
      bytes: 1e6,
      startMs: 0,
      endMs: 2,
      durationMs: 2,
      fromFlows: 1,
      toFlows: 1,
    });
    assert.equal(bw.up("w0"), 5e8);
    bw.observe({
      from: "w0",
      to: "s0",
      bytes: 0,
      startMs: 0,
      endMs: 0,
      durationMs: 0,
      fromFlows: 1,
      toFlows: 1,
    });
    assert.equal(bw.up("w0"), 5e8);
  });
});

describe("cluster", () => {
  it("names the hosts of every role", () => {
    const layout = clusterLayout({ workers: 2, shards: 2, replicas: 1 });
    assert.deepEqual(layout.hosts, ["w0", "w1", "s0", "s1", "r0", "r1", "sched"]);
    assert.deepEqual(clusterLayout({ workers: 1, shards: 1, replicas: 0 }).replicas, [null]);
  });

  it("splits into contiguous ranges whose sizes differ by at most one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 40 }), (total, parts) => {
        fc.pre(parts <= total);
        const ranges = splitEvenly(total, parts);
        let at = 0;
        for (const r of ranges) {
          assert.equal(r.offset, at);
          at += r.length;
        }
        assert.equal(at, total);
        const lengths = ranges.map((r) => r.length);
        assert.ok(Math.max(...lengths) - Math.min(...lengths) <= 1);
      }),
    );
    assert.throws(() => splitEvenly(2, 3), /cannot split 2 items into 3/);
  });
});
