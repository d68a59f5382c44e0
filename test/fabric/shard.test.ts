/**
 * Shards on their own: grant-order application with early arrivals held back, skipped sequence numbers,
 * replica lag tracking, and what a promotion loses, keeps and discards. Also the event stream.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventStream, formatFabricEvent } from "../../src/fabric/events.ts";
import type { FabricEvent } from "../../src/fabric/events.ts";
import type { ParamStore, UpdateMessage } from "../../src/fabric/paramStore.ts";
import { Shard } from "../../src/fabric/shard.ts";
import type { SequencedMessage, ShardListener } from "../../src/fabric/shard.ts";

function recorder(): ShardListener & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    applied(_shard, store: ParamStore, role, message: UpdateMessage) {
      log.push(`${role}:${store.version}:${message.ids.join("+")}`);
    },
  };
}

const msg = (seq: number, ids: number[], epoch = 0, value = 1): SequencedMessage => ({
  epoch,
  seq,
  ids,
  grad: new Float32Array([value, value]),
  baseVersion: 0,
  aggregated: ids.length > 1,
});

describe("shard", () => {
  it("applies in grant order, holding early arrivals back", () => {
    const l = recorder();
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      "r0",
      l,
    );
    shard.deliver("primary", msg(2, [20]), 1);
    assert.deepEqual(l.log, []);
    shard.deliver("primary", msg(1, [10]), 2);
    assert.deepEqual(l.log, ["primary:1:10", "primary:2:20"]);
    assert.equal(shard.replicaMaxLag, 2);
    shard.deliver("replica", msg(1, [10]), 3);
    assert.deepEqual([...shard.primary.params], [-2, -2]);
  });

  it("skips a sequence number that will never arrive", () => {
    const l = recorder();
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      null,
      l,
    );
    shard.deliver("primary", msg(2, [20]), 1);
    shard.skip("primary", 0, 1, 2);
    assert.deepEqual(l.log, ["primary:1:20"]);
    shard.deliver("primary", msg(1, [10]), 3); // too late: ignored
    assert.deepEqual(l.log, ["primary:1:20"]);
  });

  it("keeps primary and replica bit-identical at equal versions", () => {
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array([0.3, -0.7]),
      { learningRate: 0.1, momentum: 0.9 },
      "s0",
      "r0",
      recorder(),
    );
    for (let seq = 1; seq <= 5; seq++) {
      const m = msg(seq, [seq], 0, Math.fround(seq / 7));
      shard.deliver("primary", m, seq);
      shard.deliver("replica", m, seq);
    }
    assert.deepEqual(shard.replica?.params, shard.primary.params);
  });

  it("promotes the replica: the updates only the primary applied are lost, held ones discarded", () => {
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      "r0",
      recorder(),
    );
    shard.deliver("primary", msg(1, [1]), 1);
    shard.deliver("replica", msg(1, [1]), 1);
    shard.deliver("primary", msg(2, [2, 3]), 2); // its replica copy is still on its way
    shard.deliver("primary", msg(4, [5]), 3); // held back at the primary: seq 3 is missing
    shard.deliver("replica", msg(4, [5]), 3); // held back at the replica too
    const p = shard.promote();
    assert.deepEqual(p.lost.sort(), [2, 3]);
    assert.deepEqual(p.adopted, []);
    assert.deepEqual(p.discarded, [5]);
    assert.equal(shard.primary.host, "r0");
    assert.equal(shard.replica, null);
    assert.equal(shard.epoch, 1);
    assert.equal(shard.primary.version, 1);
    assert.equal(shard.deliver("primary", msg(2, [2, 3], 0), 4), false); // an old epoch's message is refused
    assert.equal(shard.deliver("primary", msg(1, [6], 1), 4), true);
    assert.equal(shard.primary.version, 2);
  });

  it("promotes a replica that was ahead: what it applied alone stands", () => {
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      "r0",
      recorder(),
    );
    shard.deliver("primary", msg(1, [1]), 1);
    shard.deliver("replica", msg(1, [1]), 1);
    shard.deliver("replica", msg(2, [2]), 2); // the primary copy is still on its way
    const p = shard.promote();
    assert.deepEqual(p.lost, []);
    assert.deepEqual(
      p.adopted.map((e) => [e.version, ...e.ids]),
      [[2, 2]],
    );
    assert.equal(shard.primary.version, 2);
  });
});

describe("replica gate", () => {
  it("holds a primary application until the replica keeps it within replicaLag updates", () => {
    const l = recorder();
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      "r0",
      l,
      1,
    );
    shard.deliver("primary", msg(1, [1, 2]), 1); // 2 updates: would lead the replica by 2 > 1
    assert.deepEqual(l.log, []);
    shard.deliver("replica", msg(1, [1, 2]), 2);
    assert.deepEqual(l.log, ["replica:1:1+2"]);
    shard.replicaAck(0, 2, 3); // the acknowledgement reaches the primary
    assert.deepEqual(l.log, ["replica:1:1+2", "primary:1:1+2"]);
    shard.deliver("primary", msg(2, [3]), 4); // leads by 1: allowed at once
    assert.deepEqual(l.log.slice(2), ["primary:2:3"]);
    assert.equal(shard.replicaMaxLag, 1);
  });

  it("keeps the primary's copy of a message until the replica has it (for a repair)", () => {
    const shard = new Shard(
      0,
      { offset: 0, length: 2 },
      new Float32Array(2),
      { learningRate: 1 },
      "s0",
      "r0",
      recorder(),
      4,
    );
    const m = msg(1, [1]);
    shard.deliver("primary", m, 1);
    assert.equal(shard.copyFor(0, 1), m);
    shard.deliver("replica", m, 2);
    assert.equal(shard.copyFor(0, 1), null);
  });
});

describe("event stream", () => {
  it("delivers events emitted after iteration began, in order, until closed", async () => {
    const stream = new EventStream();
    stream.emit({ type: "done", atMs: 0, reason: "stopped" }); // nobody listens: dropped
    const seen: FabricEvent[] = [];
    const reading = (async () => {
      for await (const e of stream) seen.push(e);
    })();
    stream.emit({ type: "drop", atMs: 1.5, id: 3, worker: "w1", shard: 0, reason: "delayBound" });
    stream.emit({ type: "apply", atMs: 2, shard: 1, host: "s1", version: 4, ids: [5, 6], aggregated: true });
    stream.close();
    await reading;
    assert.deepEqual(seen.map(formatFabricEvent), [
      "      1.500 drop id=3 worker=w1 shard=0 reason=delayBound",
      "      2.000 apply shard=1 host=s1 version=4 ids=5,6 aggregated",
    ]);
  });
});
