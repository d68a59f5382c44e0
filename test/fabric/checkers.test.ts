/**
 * The invariant checkers catch what they are meant to: hand-made records and logs that break each
 * invariant, and ones that do not.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  checkAggregatedSum,
  checkDelayBound,
  checkFailoverLoss,
  checkNoDoubleApply,
  checkReplicaLag,
} from "../../src/fabric/invariants.ts";
import type { ApplyEntry, UpdateRecord } from "../../src/fabric/index.ts";

const record = (over: Partial<UpdateRecord>): UpdateRecord => ({
  id: 0,
  worker: "w0",
  shard: 0,
  baseVersion: 0,
  baseUpdates: 0,
  appliedVersion: 1,
  delay: 0,
  stalenessUpdates: 0,
  path: "direct",
  aggregatedWith: [],
  replicated: true,
  atMs: 0,
  dropReason: null,
  ...over,
});

const apply = (over: Partial<ApplyEntry>): ApplyEntry => ({
  atMs: 0,
  shard: 0,
  host: "s0",
  role: "primary",
  version: 1,
  updates: 1,
  ids: [0],
  ...over,
});

describe("invariant checkers", () => {
  it("delay bound: in versions and in updates", () => {
    assert.deepEqual(checkDelayBound([record({ delay: 4, stalenessUpdates: 4 })], 4), []);
    assert.equal(checkDelayBound([record({ delay: 5, stalenessUpdates: 5 })], 4).length, 1);
    assert.equal(checkDelayBound([record({ delay: 1, stalenessUpdates: 9 })], 4).length, 1);
  });

  it("replica lag: replays the log, stops at the promotion", () => {
    const log = [
      apply({ updates: 2, version: 1, ids: [0, 1] }),
      apply({ host: "r0", role: "replica", updates: 2, version: 1, ids: [0, 1] }),
      apply({ updates: 5, version: 2, ids: [2, 3, 4] }),
    ];
    assert.deepEqual(checkReplicaLag(log, ["r0"], 3), []);
    assert.equal(checkReplicaLag(log, ["r0"], 2).length, 1);
    const promoted = [apply({ host: "r0", role: "primary", updates: 9 }), ...log];
    assert.deepEqual(checkReplicaLag(promoted, ["r0"], 0), []);
  });

  it("no double apply: at one store, or by two primaries of a shard", () => {
    const ok = [apply({ ids: [1] }), apply({ host: "r0", role: "replica", ids: [1] })];
    assert.deepEqual(checkNoDoubleApply(ok), []);
    assert.ok(checkNoDoubleApply([apply({ ids: [1] }), apply({ ids: [1], version: 2 })]).length > 0);
    assert.equal(checkNoDoubleApply([apply({ ids: [1] }), apply({ host: "r0", ids: [1] })]).length, 1);
  });

  it("failover loss: at most replicaLag lost per shard, each once applied", () => {
    const lost = [1, 2, 3].map((id) => record({ id, path: "lost" }));
    assert.deepEqual(checkFailoverLoss(lost, 3), []);
    assert.equal(checkFailoverLoss(lost, 2).length, 1);
    assert.equal(checkFailoverLoss([record({ path: "lost", appliedVersion: null })], 5).length, 1);
  });

  it("aggregated sum: bit for bit in member order", () => {
    const members = [new Float32Array([0.1, 1e8]), new Float32Array([0.2, 1]), new Float32Array([0.3, -1e8])];
    const sum = new Float32Array(2);
    for (const m of members) for (let k = 0; k < 2; k++) sum[k] += m[k];
    const seen = { shard: 0, aggregator: "w1", memberIds: [1, 2, 3], members, sum };
    assert.deepEqual(checkAggregatedSum(seen), []);
    const off = sum.slice();
    off[1] += 1;
    assert.equal(checkAggregatedSum({ ...seen, sum: off }).length, 1);
  });
});
