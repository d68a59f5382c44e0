/** Trace generators: background traffic statistics, stalls as a pure function of (host, step), compute model. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../../src/core/errors.ts";
import { EventLog } from "../../src/sim/events.ts";
import { Network } from "../../src/sim/network.ts";
import { Rng } from "../../src/sim/rng.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { backgroundTraffic, computeModel, slowHosts } from "../../src/sim/traces.ts";

const hostIds = Array.from({ length: 8 }, (_, i) => `h${i}`);

function cluster(log?: EventLog): { sim: Simulator; net: Network } {
  const sim = new Simulator({ log });
  const net = new Network(sim, {
    hosts: hostIds.map((id) => ({ id, upBytesPerS: 1.25e9, downBytesPerS: 1.25e9 })),
  });
  return { sim, net };
}

describe("backgroundTraffic", () => {
  it("keeps pairsActiveMean pairs busy on average, between distinct listed hosts", async () => {
    const log = new EventLog({
      capacityEvents: 0,
      onEvent: (e) => {
        if (e.type === "flowStart") {
          assert.notEqual(e.from, e.to);
          assert.ok(hostIds.includes(e.from) && hostIds.includes(e.to));
        }
      },
    });
    const { sim, net } = cluster(log);
    const traffic = backgroundTraffic({
      sim,
      network: net,
      rng: new Rng(5),
      hosts: hostIds,
      pairsActiveMean: 3,
      onDurationMsMean: 1000,
      offDurationMsMean: 1500,
      flowRateBytesPerS: 6.25e8,
    });
    assert.equal(traffic.slots, 8); // ceil(3 / 0.4)
    let samples = 0;
    let activeSum = 0;
    const sample = (): void => {
      samples++;
      activeSum += traffic.activePairs();
      if (sim.now() < 2_000_000) sim.after(100, sample);
    };
    sample();
    await sim.run({ untilMs: 2_000_000 });
    traffic.stop();
    await sim.run();
    const mean = activeSum / samples;
    assert.ok(Math.abs(mean - 3) < 0.15, `mean active pairs ${mean}`);
    assert.equal(traffic.activePairs(), 0);
    assert.equal(net.flowInfo().length, 0);
    assert.equal(sim.pendingEvents, 0, "stop() leaves nothing scheduled");
    assert.ok(net.stats().tags.background > 0);
  });

  it("stops by itself at untilMs", async () => {
    const { sim, net } = cluster();
    const traffic = backgroundTraffic({
      sim,
      network: net,
      rng: new Rng(1),
      hosts: hostIds,
      pairsActiveMean: 2,
      onDurationMsMean: 50,
      offDurationMsMean: 50,
      untilMs: 1000,
    });
    await sim.run(); // ends: nothing is generated after 1000 ms
    assert.ok(sim.now() <= 1000);
    assert.equal(traffic.activePairs(), 0);
    assert.equal(net.flowInfo().length, 0);
  });

  it("rejects bad options", () => {
    const { sim, net } = cluster();
    const base = {
      sim,
      network: net,
      rng: new Rng(1),
      hosts: hostIds,
      pairsActiveMean: 1,
      onDurationMsMean: 1,
      offDurationMsMean: 1,
    };
    assert.throws(() => backgroundTraffic({ ...base, hosts: ["h0"] }), /at least two hosts/);
    assert.throws(() => backgroundTraffic({ ...base, hosts: ["h0", "nope"] }), /unknown host "nope"/);
    assert.throws(() => backgroundTraffic({ ...base, pairsActiveMean: -1 }), ArgumentError);
    assert.throws(() => backgroundTraffic({ ...base, onDurationMsMean: 0 }), /onDurationMsMean/);
  });
});

describe("slowHosts", () => {
  it("is a pure function of (seed, host, step) with the requested stall rate and range", () => {
    const make = () =>
      slowHosts({ rng: new Rng(11).fork("stalls"), hosts: ["w0", "w1"], stallProbability: 0.2 });
    const a = make();
    const b = make();
    const forward = Array.from({ length: 5000 }, (_, s) => a.stallMs("w0", s));
    const backward = Array.from({ length: 5000 }, (_, s) => b.stallMs("w0", 4999 - s)).reverse();
    assert.deepEqual(backward, forward, "call order does not matter");
    const stalls = forward.filter((x) => x > 0);
    assert.ok(Math.abs(stalls.length / 5000 - 0.2) < 0.03, `stall rate ${stalls.length / 5000}`);
    assert.ok(stalls.every((x) => x <= 500));
    assert.ok(Math.max(...stalls) > 400 && Math.min(...stalls) < 100, "spread over 0..500");
    assert.notDeepEqual(
      Array.from({ length: 50 }, (_, s) => a.stallMs("w1", s)),
      forward.slice(0, 50),
    );
    assert.equal(a.stallMs("s0", 3), 0, "unlisted hosts never stall");
    assert.throws(() => a.stallMs("w0", -1), ArgumentError);
    assert.throws(() => slowHosts({ rng: new Rng(1), hosts: [], stallProbability: 2 }), /stallProbability/);
  });
});

describe("computeModel", () => {
  it("gives (overhead + batch x per-sample) x factor, with seeded stragglers", () => {
    const hosts = Array.from({ length: 20 }, (_, i) => `w${i}`);
    const options = {
      hosts,
      computeMsPerSample: 0.05,
      overheadMsPerBatch: 1,
      stragglerFraction: 0.25,
      stragglerFactor: 3,
    };
    const m = computeModel({ rng: new Rng(2), ...options });
    const factors = hosts.map((h) => m.factorOf(h));
    assert.equal(factors.filter((f) => f === 3).length, 5);
    assert.equal(factors.filter((f) => f === 1).length, 15);
    const straggler = hosts[factors.indexOf(3)];
    assert.equal(m.msPerBatch(straggler, 64), (1 + 64 * 0.05) * 3);
    assert.deepEqual(
      hosts.map((h) => computeModel({ rng: new Rng(2), ...options }).factorOf(h)),
      factors,
    );
    assert.notDeepEqual(
      hosts.map((h) => computeModel({ rng: new Rng(3), ...options }).factorOf(h)),
      factors,
    );
    const spread = computeModel({ rng: new Rng(2), hosts, computeMsPerSample: 1, speedSpread: 0.2 });
    assert.ok(new Set(hosts.map((h) => spread.factorOf(h))).size === hosts.length);
    assert.throws(() => m.msPerBatch("x", 1), /unknown host "x"/);
    assert.throws(() => m.msPerBatch("w0", 1.5), /batchSize/);
    assert.throws(
      () => computeModel({ rng: new Rng(1), hosts, computeMsPerSample: 1, stragglerFactor: 0.5 }),
      /stragglerFactor/,
    );
  });
});
