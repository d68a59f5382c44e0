/**
 * The simulated transport: its transfers are the simulator network's, to the bit; its compute delivers at
 * exactly now + modelMs of virtual time, in call order, however long the real work takes (slow busy loops,
 * fast ones, promises that settle after random real delays); a seeded run replays bit for bit.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/core/errors.ts";
import { EventLog } from "../../src/sim/events.ts";
import { Network } from "../../src/sim/network.ts";
import type { HostSpec, TransferResult } from "../../src/sim/network.ts";
import { Rng } from "../../src/sim/rng.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { createSimTransport } from "../../src/net/index.ts";
import type { SimTransport } from "../../src/net/index.ts";

const seed = Number(process.env.DSF_SEED ?? 7_1907_00434);
const gbit = 1.25e8;

function hosts(ids: readonly string[], bytesPerS = 10 * gbit): HostSpec[] {
  return ids.map((id) => ({ id, upBytesPerS: bytesPerS, downBytesPerS: bytesPerS }));
}

function setup(ids: readonly string[], log?: EventLog): SimTransport {
  const sim = new Simulator({ log });
  return createSimTransport({ sim, network: new Network(sim, { latencyMs: 0.05, hosts: hosts(ids) }) });
}

/** Spins the CPU for `ms` of real time: real work whose duration the virtual clock must ignore. */
function busy(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x;
}

/** Real asynchronous work that settles after `hops` setImmediate turns. */
function later<T>(hops: number, value: T): Promise<T> {
  return new Promise((resolve) => {
    const step = (left: number): void =>
      left === 0 ? resolve(value) : void setImmediate(() => step(left - 1));
    step(hops);
  });
}

describe("SimTransport.transfer", () => {
  it("gives exactly the simulated network's delivery times", async () => {
    const ids = ["s0", "s1", "w0", "w1", "w2", "w3", "w4"];
    const rng = new Rng(seed);
    const plan = Array.from({ length: 60 }, () => ({
      atMs: rng.int(0, 50),
      from: ids[rng.int(2, ids.length)],
      to: ids[rng.int(0, 2)],
      bytes: rng.int(1, 4e6),
    }));
    const viaTransport = setup(ids);
    const sim = new Simulator();
    const network = new Network(sim, { latencyMs: 0.05, hosts: hosts(ids) });
    const a: Promise<TransferResult>[] = [];
    const b: Promise<TransferResult>[] = [];
    for (const p of plan) {
      viaTransport.clock.schedule(p.atMs, () => a.push(viaTransport.transfer({ ...p, tag: "grad" })));
      sim.schedule(p.atMs, () => b.push(network.transfer({ ...p, tag: "grad" })));
    }
    await Promise.all([viaTransport.clock.run(), sim.run()]);
    assert.deepEqual(await Promise.all(a), await Promise.all(b));
  });

  it("shares a downlink max-min fairly: two flows into one host take twice as long", async () => {
    const t = setup(["s0", "w0", "w1"]);
    const bytes = 12.5e6; // 10 ms alone on a 10 Gbit/s link
    const [x, y] = [
      t.transfer({ from: "w0", to: "s0", bytes, tag: "grad" }),
      t.transfer({ from: "w1", to: "s0", bytes, tag: "grad" }),
    ];
    await t.clock.run();
    assert.deepEqual(await x, { startMs: 0, endMs: 20.05, bytes });
    assert.deepEqual(await y, { startMs: 0, endMs: 20.05, bytes });
  });
});

describe("SimTransport.compute", () => {
  it("resolves at exactly now + modelMs, in call order, whatever the real duration", async () => {
    const t = setup(["w0", "w1", "w2"]);
    const seen: string[] = [];
    const record = (name: string) => (v: unknown) => seen.push(`${t.clock.now()} ${name}=${String(v)}`);
    t.clock.schedule(5, () => {
      void t.compute("w0", 12.5, () => (busy(40), "slow")).then(record("slow"));
      void t.compute("w1", 12.5, () => "fast").then(record("fast"));
      void t.compute("w2", 12.5, () => later(200, "async-slow")).then(record("async-slow"));
      void t.compute("w0", 12.5, () => later(0, "async-fast")).then(record("async-fast"));
      void t.compute("w1", 3, () => (busy(20), "short")).then(record("short"));
      void t.compute("w2", 0, () => "instant").then(record("instant"));
    });
    const realStart = performance.now();
    await t.clock.run();
    assert.ok(performance.now() - realStart >= 60, "the slow work really ran");
    assert.deepEqual(seen, [
      "5 instant=instant",
      "8 short=short",
      "17.5 slow=slow",
      "17.5 fast=fast",
      "17.5 async-slow=async-slow",
      "17.5 async-fast=async-fast",
    ]);
  });

  it("gives the same timestamps and order when the real durations are swapped", async () => {
    const run = async (slowFirst: boolean): Promise<string[]> => {
      const t = setup(["w0", "w1"]);
      const seen: string[] = [];
      const work = (name: string, slow: boolean) => () => (busy(slow ? 25 : 0), later(slow ? 100 : 0, name));
      void t
        .compute("w0", 7, work("a", slowFirst))
        .then((v: unknown) => seen.push(`${t.clock.now()} ${String(v)}`));
      void t
        .compute("w1", 7, work("b", !slowFirst))
        .then((v: unknown) => seen.push(`${t.clock.now()} ${String(v)}`));
      await t.clock.run();
      return seen;
    };
    const one = await run(true);
    assert.deepEqual(one, ["7 a", "7 b"]);
    assert.deepEqual(await run(false), one);
  });

  it("delivers failures at now + modelMs too, and checks its arguments", async () => {
    const t = setup(["w0"]);
    const seen: string[] = [];
    const fail = (name: string) => (e: unknown) =>
      seen.push(`${t.clock.now()} ${name}: ${(e as Error).message}`);
    void t
      .compute("w0", 4, () => {
        throw new Error("sync");
      })
      .catch(fail("a"));
    void t
      .compute("w0", 6, () => later(10, 0).then(() => Promise.reject(new Error("async"))))
      .catch(fail("b"));
    await t.clock.run();
    assert.deepEqual(seen, ["4 a: sync", "6 b: async"]);
    await assert.rejects(
      t.compute("nope", 1, () => 0),
      (e: unknown) => e instanceof ArgumentError && /unknown host "nope"/.test(e.message),
    );
    await assert.rejects(
      t.compute("w0", -1, () => 0),
      ArgumentError,
    );
    t.network.addHost({ id: "late", upBytesPerS: gbit, downBytesPerS: gbit });
    const late = t.compute("late", 1, () => 1);
    await t.clock.run();
    assert.equal(await late, 1, "a host added after the transport was made is known");
  });
});

describe("SimTransport: determinism", () => {
  /** Workers compute (real work of random real duration) and push updates to shards, forever in a loop. */
  async function scenario(runSeed: number): Promise<{ trace: string[]; digest: string }> {
    const log = new EventLog({ capacityEvents: Infinity });
    const shards = ["s0", "s1"];
    const workers = ["w0", "w1", "w2", "w3", "w4", "w5"];
    const t = setup([...shards, ...workers], log);
    const rng = new Rng(runSeed);
    const trace: string[] = [];
    for (const w of workers) {
      const wr = rng.fork(w);
      void (async () => {
        for (let step = 0; step < 5; step++) {
          const g = await t.compute(w, 5 + wr.int(0, 20), () =>
            wr.chance(0.5) ? later(Math.floor(Math.random() * 20), step) : (busy(Math.random()), step),
          );
          const shard = shards[wr.int(0, shards.length)];
          const d = await t.transfer({ from: w, to: shard, bytes: wr.int(1e5, 5e6), tag: "grad" });
          trace.push(`${t.clock.now()} ${w} step=${g} ->${shard} ${d.startMs}..${d.endMs}`);
        }
      })();
    }
    await t.clock.run();
    return { trace, digest: log.digest() };
  }

  it("same seed, same trace bit for bit; another seed, another trace", async () => {
    const a = await scenario(seed);
    const b = await scenario(seed);
    assert.equal(a.trace.length, 30);
    assert.deepEqual(
      b.trace,
      a.trace,
      `reproduce with: DSF_SEED=${seed} node --import tsx --test test/net/simTransport.test.ts`,
    );
    assert.equal(b.digest, a.digest);
    assert.notDeepEqual((await scenario(seed + 1)).trace, a.trace);
  });
});
