/**
 * The failure detector: a partitioned (or hung) shard primary or worker is declared dead within a bounded
 * time of going silent, from missed heartbeats alone; the replica is promoted, the host stays cut off when
 * the partition heals, and the run's guarantees hold. Healthy hosts are never declared dead: not on a
 * congested or slow link, not in a partition shorter than the timeout. A run left without workers, or with
 * a shard that has no live copy, ends early and says why.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fabric } from "../../src/fabric/index.ts";
import type { FabricEvent, TrainOptions } from "../../src/fabric/index.ts";
import { silentTooLong } from "../../src/fabric/failureDetector.ts";
import { baseOptions, baseSeed, randomOptions, reproduce } from "./support/scenario.ts";

async function trainWithEvents(options: TrainOptions) {
  const run = fabric.train(options);
  const events: FabricEvent[] = [];
  const reading = (async () => {
    for await (const e of run.events) if (e.type === "kill" || e.type === "promote") events.push(e);
  })();
  const result = await run.result;
  await reading;
  return { result, events };
}

describe("failure detector", () => {
  it("silentTooLong: dead only after more than timeoutMs of silence", () => {
    const o = { intervalMs: 50, timeoutMs: 500 };
    assert.equal(silentTooLong(1500, 1000, o), false);
    assert.equal(silentTooLong(1500.001, 1000, o), true);
    assert.equal(silentTooLong(1000, 1000, o), false);
  });

  it("declares a partitioned primary dead within timeout + interval + latency and promotes its replica (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 3, max: 8 }),
        async (caseSeed, partitionAtMs, intervalMs, beats) => {
          const seed = baseSeed + caseSeed;
          const options = await randomOptions(seed);
          const shards = options.cluster.shards ?? 1;
          const shard = seed % shards;
          const timeoutMs = intervalMs * beats;
          const latencyMs = options.network?.latencyMs ?? 0;
          const { result, events } = await trainWithEvents({
            ...options,
            heartbeat: { intervalMs, timeoutMs },
            faults: [
              { atMs: partitionAtMs, kind: "partition", host: `s${shard}`, durationMs: 150 + timeoutMs },
            ],
            target: { maxTimeS: 0.5 },
          });
          const why = `${reproduce(seed, "partitioned primary")}; interval ${intervalMs} timeout ${timeoutMs}`;
          const kills = events.filter((e) => e.type === "kill");
          assert.equal(kills.length, 1, `${JSON.stringify(kills)}\n${why}`);
          const kill = kills[0];
          assert.ok(kill.type === "kill" && kill.host === `s${shard}` && kill.cause === "heartbeat", why);
          const afterMs = kill.atMs - partitionAtMs;
          assert.ok(afterMs > timeoutMs - intervalMs - latencyMs, `declared after ${afterMs} ms\n${why}`);
          assert.ok(
            afterMs <= timeoutMs + intervalMs + latencyMs + 1e-9,
            `declared after ${afterMs} ms\n${why}`,
          );
          assert.ok(kill.lastHeardMs !== null && kill.lastHeardMs <= partitionAtMs + latencyMs + 1e-9, why);
          const promote = events.find((e) => e.type === "promote");
          assert.ok(
            promote?.type === "promote" && promote.shard === shard && promote.atMs === kill.atMs,
            why,
          );
          assert.ok(promote.lost.length <= (options.replicaLag ?? 4), why);
          // Fenced for good: the old primary applies nothing after it was declared dead, even once the
          // partition has healed (150 ms + timeout after it began, inside the 500 ms run).
          const late = result.applies.filter((a) => a.host === `s${shard}` && a.atMs > kill.atMs);
          assert.deepEqual(late, [], why);
          assert.ok(
            result.applies.some((a) => a.host === promote.host && a.role === "primary"),
            why,
          );
          assert.deepEqual(
            result.failures.map((f) => [f.host, f.cause]),
            [[`s${shard}`, "heartbeat"]],
            why,
          );
          assert.equal(result.ended.reason, "maxTime", why);
          const report = fabric.checkInvariants(result);
          assert.ok(report.ok, `${report.violations.map((v) => v.message).join("\n")}\n${why}`);
        },
      ),
      { numRuns: 12, seed: baseSeed },
    );
  });

  it("never declares a healthy host dead: congestion, slow hosts, stalls, short partitions (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (caseSeed) => {
        const seed = baseSeed + caseSeed;
        const options = await randomOptions(seed);
        const intervalMs = 5;
        const timeoutMs = 60;
        const { result, events } = await trainWithEvents({
          ...options,
          heartbeat: { intervalMs, timeoutMs },
          // Silence of a short partition: its length plus up to one interval and two latencies.
          faults: [
            { atMs: 50, kind: "partition", host: "s0", durationMs: timeoutMs / 2 },
            { atMs: 120, kind: "partition", host: "w0", durationMs: timeoutMs / 2 },
          ],
          target: { maxTimeS: 0.3 },
        });
        assert.deepEqual(events, [], reproduce(seed, "healthy host"));
        assert.deepEqual(result.failures, []);
        assert.equal(result.ended.reason, "maxTime");
      }),
      { numRuns: 12, seed: baseSeed },
    );
  });

  it("a worker partitioned for good is declared dead and its updates stop; the others train on", async () => {
    const options = await baseOptions();
    const { result, events } = await trainWithEvents({
      ...options,
      heartbeat: { intervalMs: 10, timeoutMs: 50 },
      faults: [{ atMs: 100, kind: "partition", host: "w2", durationMs: 10_000 }],
      target: { maxTimeS: 0.6 },
    });
    const kill = events.find((e) => e.type === "kill");
    assert.ok(kill?.type === "kill" && kill.host === "w2" && kill.role === "worker");
    assert.ok(kill.atMs > 100 + 50 - 10 && kill.atMs <= 100 + 50 + 10 + 0.05 + 1e-9, String(kill.atMs));
    const late = result.records.filter(
      (r) => r.worker === "w2" && r.atMs > kill.atMs && r.path !== "dropped",
    );
    assert.deepEqual(late, []);
    const others = result.records.filter(
      (r) => r.worker !== "w2" && r.atMs > kill.atMs && r.path === "direct",
    );
    assert.ok(others.length > 0, "the other workers went on");
    assert.equal(result.ended.reason, "maxTime");
    assert.ok(fabric.checkInvariants(result).ok);
  });

  it("a run whose workers all go silent ends early: reason noWorkers, with every loss named", async () => {
    const options = await baseOptions();
    const workers = options.cluster.workers;
    const { result } = await trainWithEvents({
      ...options,
      heartbeat: { intervalMs: 10, timeoutMs: 50 },
      faults: [
        { atMs: 60, kind: "kill", role: "worker", id: 0 },
        ...Array.from({ length: workers - 1 }, (_, i) => ({
          atMs: 100,
          kind: "partition" as const,
          host: `w${i + 1}`,
          durationMs: 10_000,
        })),
      ],
      target: { maxTimeS: 2 },
    });
    assert.equal(result.ended.reason, "noWorkers");
    assert.ok(result.ended.atS > 0.14 && result.ended.atS <= 0.17, String(result.ended.atS));
    assert.match(
      result.ended.message,
      /^no worker left: w0 killed by the fault plan at 0\.06 s; w1 silent since/,
    );
    assert.match(result.ended.message, new RegExp(`and ${workers - 3} more$`));
    assert.deepEqual(
      result.failures.map((f) => f.cause),
      ["fault", ...Array.from({ length: workers - 1 }, () => "heartbeat")],
    );
    assert.ok(result.stats.durationS < 0.2, "the run stopped when the last worker was lost");
  });

  it("a shard with no replica that goes silent ends the run early: reason shardLost", async () => {
    const options = await baseOptions();
    for (const policy of ["async", "bsp", "ssp"] as const) {
      const { result } = await trainWithEvents({
        ...options,
        policy,
        cluster: { workers: 4, shards: 2, replicas: 0 },
        heartbeat: { intervalMs: 10, timeoutMs: 50 },
        faults: [{ atMs: 0, kind: "partition", host: "s1", durationMs: 10_000 }],
        target: { maxTimeS: 2 },
      });
      assert.equal(result.ended.reason, "shardLost", policy);
      assert.match(
        result.ended.message,
        /^shard 1 has no live copy: its primary s1 silent since 0\.00 s, declared dead at 0\.06 s, and it has no replica to promote$/,
        policy,
      );
    }
  });

  it("refuses heartbeat settings that cannot work, naming the option", async () => {
    const options = await baseOptions();
    const refuses = (heartbeat: unknown, pattern: RegExp) =>
      assert.throws(() => fabric.train({ ...options, heartbeat } as TrainOptions), pattern);
    refuses({ intervalMs: 0 }, /heartbeat\.intervalMs must be a finite number > 0 but was 0/);
    refuses(
      { intervalMs: 1e-4 },
      /heartbeat\.intervalMs is 0\.0001 ms, below the virtual clock's resolution/,
    );
    refuses(
      { intervalMs: 50, timeoutMs: 50 },
      /heartbeat\.timeoutMs is 50 ms but a heartbeat takes up to 50\.05 ms/,
    );
    refuses({ intervalMs: Number.NaN }, /heartbeat\.intervalMs must be a finite number > 0 but was NaN/);
    refuses({ every: 5 }, /heartbeat has an unknown option "every" \(known: intervalMs, timeoutMs\)/);
    refuses(5, /heartbeat must be an object/);
  });
});
