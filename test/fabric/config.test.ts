/**
 * Bad configurations fail before training starts, with an error that names the option and the value.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, ShapeError } from "../../src/core/errors.ts";
import { Matrix } from "../../src/core/matrix.ts";
import { fabric } from "../../src/fabric/index.ts";
import type { TrainOptions } from "../../src/fabric/index.ts";
import { baseOptions, FEATURES } from "./support/scenario.ts";

/** Calls train() and expects it to throw at once (no run, no result). */
function rejects(
  options: TrainOptions,
  type: typeof ArgumentError | typeof ShapeError,
  message: RegExp,
): void {
  let progress = 0;
  assert.throws(
    () => fabric.train({ ...options, onProgress: () => progress++ }),
    (e: unknown) => {
      assert.ok(e instanceof type, `expected ${type.name} but got ${String(e)}`);
      assert.match(e.message, message);
      return true;
    },
  );
  assert.equal(progress, 0);
}

describe("bad configurations", () => {
  it("zero workers", async () => {
    const o = await baseOptions();
    rejects(
      { ...o, cluster: { workers: 0 } },
      ArgumentError,
      /cluster\.workers must be an integer >= 1 but was 0/,
    );
  });

  it("delay bound below 1", async () => {
    const o = await baseOptions();
    rejects({ ...o, delayBound: 0 }, ArgumentError, /delayBound must be an integer >= 1 but was 0/);
    rejects({ ...o, delayBound: 2.5 }, ArgumentError, /delayBound must be an integer >= 1 but was 2\.5/);
  });

  it("unknown policy", async () => {
    const o = await baseOptions();
    rejects(
      { ...o, policy: "sync" as "bsp" },
      ArgumentError,
      /policy must be one of mlfabric, async, bsp, ssp, allreduce .*"sync"/,
    );
    rejects(
      { ...o, policy: { name: "mlfabric", order: true } as never },
      ArgumentError,
      /policy has an unknown option "order"/,
    );
  });

  it("a model whose shape does not match the data", async () => {
    const o = await baseOptions();
    rejects(
      { ...o, model: fabric.mlp({ layers: [FEATURES + 1, 4, 4] }) },
      ShapeError,
      new RegExp(`model takes ${FEATURES + 1} inputs but data.x has ${FEATURES} columns`),
    );
    rejects(
      { ...o, data: { x: Matrix.zeros(10, FEATURES), y: new Int32Array(9) } },
      ShapeError,
      /data.x has 10 rows but data.y has 9 labels/,
    );
  });

  it("replica lag, shards, replicas, workers beyond the data", async () => {
    const o = await baseOptions();
    rejects({ ...o, replicaLag: -1 }, ArgumentError, /replicaLag must be an integer >= 0 but was -1/);
    rejects(
      { ...o, cluster: { workers: 2, shards: 1000 } },
      ArgumentError,
      /cluster\.shards is 1000 but the model has only 36 parameters/,
    );
    rejects(
      { ...o, cluster: { workers: 2, replicas: 2 } },
      ArgumentError,
      /cluster\.replicas must be 0 or 1/,
    );
    rejects(
      { ...o, cluster: { workers: 5000 } },
      ArgumentError,
      /cluster\.workers is 5000 but data\.x has only 2400 rows/,
    );
    rejects(
      { ...o, cluster: { workers: 2, replicas: 0 }, policy: { name: "mlfabric", replication: true } },
      ArgumentError,
      /replication is on but cluster\.replicas is 0/,
    );
    rejects(
      { ...o, policy: { name: "mlfabric", aggregation: false, pullRelay: true } },
      ArgumentError,
      /policy\.pullRelay relays through aggregators but policy\.aggregation is off/,
    );
  });

  it("typos, bad numbers and impossible faults", async () => {
    const o = await baseOptions();
    rejects(
      { ...o, cluster: { workers: 2, shard: 1 } as never },
      ArgumentError,
      /cluster has an unknown option "shard"/,
    );
    rejects(
      { ...o, network: { latencyMs: -1 } },
      ArgumentError,
      /network\.latencyMs must be a finite number >= 0 but was -1/,
    );
    rejects(
      { ...o, target: { accuracy: 1.5 } },
      ArgumentError,
      /target\.accuracy must be in \(0, 1\] but was 1\.5/,
    );
    rejects(
      { ...o, optimizer: { learningRate: 0 } },
      ArgumentError,
      /learningRate must be a finite number > 0 but was 0/,
    );
    rejects({ ...o, clock: "real" }, ArgumentError, /clock "real" needs options\.transport/);
    rejects(
      { ...o, policy: "async", faults: [{ atMs: 5, kind: "kill", role: "shard", id: 0 }] },
      ArgumentError,
      /faults\[0\] kills shard 0, which needs replication \(policy "async" has none\)/,
    );
    rejects(
      { ...o, faults: [{ atMs: 5, kind: "kill", role: "worker", id: 9 }] },
      ArgumentError,
      /faults\[0\] kills worker 9 but there are 6 workers/,
    );
    rejects(
      { ...o, faults: [{ atMs: 5, kind: "partition", host: "w99", durationMs: 1 }] },
      ArgumentError,
      /partitions an unknown host "w99"/,
    );
  });

  it("configs and fault plans that cannot make progress", async () => {
    const o = await baseOptions();
    const kill = (atMs: number, role: "worker" | "shard", id: number | string) => ({
      atMs,
      kind: "kill" as const,
      role,
      id,
    });
    rejects(
      { ...o, faults: [kill(5, "worker", 2), kill(9, "worker", "w2")] },
      ArgumentError,
      /faults\[1\] kills worker w2 a second time \(faults\[0\] killed it at 5 ms\)/,
    );
    rejects(
      { ...o, faults: [kill(5, "shard", 1), kill(7, "shard", "s1")] },
      ArgumentError,
      /faults\[1\] kills shard 1 a second time \(faults\[0\] killed it at 5 ms\): with one replica per shard, no live copy of it would be left/,
    );
    rejects(
      { ...o, faults: [0, 1, 2, 3, 4, 5].map((w) => kill(10 + w, "worker", w)) },
      ArgumentError,
      /the faults kill all 6 workers: none would be left to train/,
    );
    rejects(
      { ...o, compute: { msPerBatch: 0 }, network: { ...o.network, latencyMs: 0 } },
      ArgumentError,
      /compute\.msPerBatch and network\.latencyMs are both 0: virtual time would not advance/,
    );
    rejects(
      { ...o, evalEveryS: 1e-9 },
      ArgumentError,
      /evalEveryS is 1e-9 s, below the virtual clock's resolution of 0\.001 ms: evaluations would not let time advance/,
    );
    // Five of six workers, and each shard once, are fine.
    const survivable = [0, 1, 2, 3, 4].map((w) => kill(10 + w, "worker", w));
    assert.doesNotThrow(() =>
      fabric.train({ ...o, faults: [...survivable, kill(3, "shard", 0), kill(4, "shard", 1)] }).stop(),
    );
  });

  it("bad label values reject the result before the run starts", async () => {
    const o = await baseOptions();
    let progress = 0;
    const run = fabric.train({
      ...o,
      data: { x: Matrix.zeros(10, FEATURES), y: new Int32Array([0, 1, 2, 3, 4, 0, 0, 0, 0, 0]) },
      onProgress: () => progress++,
    });
    await assert.rejects(run.result, /data\.y\[4\] = 4 is not a class label 0\.\.3/);
    assert.equal(progress, 0);
  });
});
