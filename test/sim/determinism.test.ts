/**
 * Seeded replay of a whole dynamic-cluster scenario: background traffic, stalls, stragglers, a partition, a
 * kill, workers pushing updates to shards, with real asynchronous work of random real duration. The same
 * seed must give the same trace, line for line; another seed another trace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLog } from "../../src/sim/events.ts";
import { scheduleFaults } from "../../src/sim/faults.ts";
import { Network } from "../../src/sim/network.ts";
import { Rng } from "../../src/sim/rng.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { backgroundTraffic, computeModel, slowHosts } from "../../src/sim/traces.ts";

const seed = Number(process.env.DSF_SEED ?? 20_240_611);

/** Real work whose real duration is random (on purpose): a chain of setImmediate turns. */
function realGradient(value: number): Promise<number> {
  const hops = Math.floor(Math.random() * 30);
  return new Promise((resolve) => {
    const step = (left: number): void =>
      left === 0 ? resolve(value) : void setImmediate(() => step(left - 1));
    step(hops);
  });
}

async function scenario(runSeed: number): Promise<EventLog> {
  const log = new EventLog({ capacityEvents: Infinity });
  const sim = new Simulator({ log });
  const rng = new Rng(runSeed);
  const shards = ["s0", "s1", "s2", "s3"];
  const workers = Array.from({ length: 12 }, (_, i) => `w${i}`);
  const net = new Network(sim, {
    latencyMs: 0.05,
    hosts: [...shards, ...workers].map((id) => ({ id, upBytesPerS: 1.25e9, downBytesPerS: 1.25e9 })),
  });
  const horizonMs = 1500;
  backgroundTraffic({
    sim,
    network: net,
    rng: rng.fork("iperf"),
    hosts: net.hostIds(),
    pairsActiveMean: 4,
    onDurationMsMean: 200,
    offDurationMsMean: 300,
    flowRateBytesPerS: 6e8,
    untilMs: horizonMs,
  });
  const stalls = slowHosts({
    rng: rng.fork("stalls"),
    hosts: workers,
    stallProbability: 0.05,
    stallMsMax: 500,
  });
  const compute = computeModel({
    rng: rng.fork("compute"),
    hosts: workers,
    computeMsPerSample: 0.2,
    stragglerFraction: 0.25,
    stragglerFactor: 2,
  });
  const dead = new Set<string>();
  scheduleFaults(
    sim,
    [
      { atMs: 400, kind: "partition", host: rng.fork("faults").pick(workers), durationMs: 150 },
      { atMs: 900, kind: "kill", role: "worker", id: 3 },
    ],
    { kill: (f) => dead.add(`w${f.id}`) },
    { network: net },
  );
  for (const w of workers) {
    const wRng = rng.fork(`worker:${w}`);
    void (async () => {
      for (let step = 0; sim.now() < horizonMs && !dead.has(w); step++) {
        const g = await sim.realWork(realGradient(wRng.int(1, 1000)));
        await sim.sleep(compute.msPerBatch(w, 32) + stalls.stallMs(w, step));
        const sent = await Promise.all(
          shards.map((s) => net.transfer({ from: w, to: s, bytes: 1e5 + g * 100, tag: "grad" })),
        );
        sim.note(`${w} step ${step} pushed at ${Math.max(...sent.map((r) => r.endMs))}`);
      }
    })();
  }
  await sim.run();
  return log;
}

describe("seeded replay", () => {
  it("gives the identical trace for the same seed and a different one for another seed", async (t) => {
    const first = await scenario(seed);
    const second = await scenario(seed);
    const other = await scenario(seed + 1);
    try {
      assert.ok(first.count > 500, `a busy scenario (${first.count} events)`);
      const kinds = new Set(first.events().map((e) => e.type));
      for (const k of ["flowStart", "flowEnd", "partition", "fault", "note"])
        assert.ok(kinds.has(k as never), k);
      assert.equal(second.text(), first.text());
      assert.equal(second.digest(), first.digest());
      assert.notEqual(other.digest(), first.digest());
    } catch (e) {
      const dir = mkdtempSync(join(tmpdir(), "dsfabric-sim-"));
      writeFileSync(join(dir, "first.log"), first.text());
      writeFileSync(join(dir, "second.log"), second.text());
      t.diagnostic(
        `reproduce with: DSF_SEED=${seed} node --import tsx --test test/sim/determinism.test.ts (traces in ${dir})`,
      );
      throw e;
    }
  });
});
