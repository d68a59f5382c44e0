/**
 * The simulated network against completion times computed by hand: one flow, flows sharing a link and
 * leaving (piecewise rates), uplink bottlenecks, caps, background flows, capacity changes, partitions,
 * aborts, statistics, and only the touched component being re-shared.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.ts";
import { maxMinFair } from "../../src/sim/maxMinFair.ts";
import { Network, TransferAbortedError } from "../../src/sim/network.ts";
import type { HostSpec, TransferResult } from "../../src/sim/network.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const gbit = 1.25e8; // bytes/s
const tenG = 10 * gbit; // 1.25e9 bytes/s: 1e6 bytes take 0.8 ms

function setup(hosts: (string | HostSpec)[], latencyMs = 0): { sim: Simulator; net: Network } {
  const sim = new Simulator();
  const specs = hosts.map((h) =>
    typeof h === "string" ? { id: h, upBytesPerS: tenG, downBytesPerS: tenG } : h,
  );
  return { sim, net: new Network(sim, { hosts: specs, latencyMs }) };
}

function near(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);
}

/** Collects a transfer's result when it settles. */
function track(p: Promise<TransferResult>): { result?: TransferResult; error?: unknown } {
  const box: { result?: TransferResult; error?: unknown } = {};
  p.then(
    (r) => (box.result = r),
    (e: unknown) => (box.error = e),
  );
  return box;
}

describe("Network: hand-computed transfer times", () => {
  it("one flow takes bytes / capacity plus the latency", async () => {
    const { sim, net } = setup(["w0", "s0"], 0.1);
    const t = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6 }));
    await sim.run();
    assert.equal(t.result?.startMs, 0);
    near(t.result?.endMs ?? NaN, 0.8 + 0.1, "endMs");
    assert.equal(t.result?.bytes, 1e6);
  });

  it("two flows share a downlink, then the survivor speeds up", async () => {
    const { sim, net } = setup(["w0", "w1", "s0"]);
    const a = track(net.transfer({ from: "w0", to: "s0", bytes: 2e6 }));
    const b = track(net.transfer({ from: "w1", to: "s0", bytes: 1e6 }));
    await sim.run();
    // Both at 6.25e8 B/s: b ends at 1e6 / 6.25e8 = 1.6 ms; a has 1e6 left, alone at 1.25e9: 0.8 ms more.
    near(b.result?.endMs ?? NaN, 1.6, "b");
    near(a.result?.endMs ?? NaN, 2.4, "a");
  });

  it("a late joiner slows the first flow from the moment it joins", async () => {
    const { sim, net } = setup(["w0", "w1", "s0"]);
    const a = track(net.transfer({ from: "w0", to: "s0", bytes: 2e6 }));
    let b: ReturnType<typeof track> = {};
    sim.schedule(0.8, () => (b = track(net.transfer({ from: "w1", to: "s0", bytes: 0.5e6 }))));
    await sim.run();
    // At 0.8 a has 1e6 left; shared, b's 0.5e6 take 0.8 ms (ends 1.6) while a sends 0.5e6; a's last 0.5e6 alone: 0.4.
    near(b.result?.endMs ?? NaN, 1.6, "b");
    assert.equal(b.result?.startMs, 0.8);
    near(a.result?.endMs ?? NaN, 2.0, "a");
  });

  it("a slow uplink limits its flow and the others take the rest (max-min, not equal shares)", async () => {
    const { sim, net } = setup([{ id: "slow", upBytesPerS: gbit, downBytesPerS: tenG }, "w1", "w2", "s0"]);
    const slow = track(net.transfer({ from: "slow", to: "s0", bytes: 1e6 }));
    const w1 = track(net.transfer({ from: "w1", to: "s0", bytes: 4.5e6 }));
    const w2 = track(net.transfer({ from: "w2", to: "s0", bytes: 4.5e6 }));
    await sim.run();
    // slow gets 1.25e8 (8 ms for 1e6); w1 and w2 get (1.25e9 - 1.25e8) / 2 = 5.625e8: 4.5e6 take 8 ms.
    near(slow.result?.endMs ?? NaN, 8, "slow");
    near(w1.result?.endMs ?? NaN, 8, "w1");
    near(w2.result?.endMs ?? NaN, 8, "w2");
  });

  it("one sender to two receivers splits its uplink", async () => {
    const { sim, net } = setup([{ id: "w0", upBytesPerS: gbit, downBytesPerS: tenG }, "s0", "s1"]);
    const a = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6 }));
    const b = track(net.transfer({ from: "w0", to: "s1", bytes: 1e6 }));
    await sim.run();
    near(a.result?.endMs ?? NaN, 16, "a");
    near(b.result?.endMs ?? NaN, 16, "b");
  });

  it("respects a per-flow rate cap and gives the slack away", async () => {
    const { sim, net } = setup(["w0", "w1", "s0"]);
    const capped = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6, maxRateBytesPerS: 2.5e8 }));
    const free = track(net.transfer({ from: "w1", to: "s0", bytes: 4e6 }));
    await sim.run();
    near(capped.result?.endMs ?? NaN, 4, "capped: 1e6 at 2.5e8");
    near(free.result?.endMs ?? NaN, 4, "free: 4e6 at 1e9");
  });

  it("same-host and zero-byte transfers take the latency only", async () => {
    const { sim, net } = setup(["w0", "s0"], 0.25);
    const local = track(net.transfer({ from: "w0", to: "w0", bytes: 1e9 }));
    const empty = track(net.transfer({ from: "w0", to: "s0", bytes: 0 }));
    await sim.run();
    assert.equal(local.result?.endMs, 0.25);
    assert.equal(empty.result?.endMs, 0.25);
    assert.equal(net.stats().hosts.w0.localBytes, 1e9);
    assert.equal(net.stats().hosts.w0.sentBytes, 0);
  });

  it("a background flow takes its share until stopped", async () => {
    const { sim, net } = setup(["w0", "w1", "s0"]);
    const iperf = net.startBackgroundFlow("w1", "s0");
    const t = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6, tag: "grad" }));
    sim.schedule(0.8, () => {
      assert.equal(iperf.rateBytesPerS(), 6.25e8);
      iperf.stop();
      iperf.stop();
    });
    await sim.run();
    // 0.5e6 in the first 0.8 ms at half rate, the other 0.5e6 at full rate: 0.4 ms.
    near(t.result?.endMs ?? NaN, 1.2, "transfer");
    near(iperf.sentBytes(), 0.5e6, "background bytes");
    assert.equal(iperf.rateBytesPerS(), 0);
    const stats = net.stats();
    near(stats.tags.background, 0.5e6, "background tag");
    near(stats.tags.grad, 1e6, "grad tag");
    near(stats.hosts.s0.receivedBytes, 1.5e6, "s0 received");
    near(stats.hosts.w1.sentBytes, 0.5e6, "w1 sent");
  });

  it("re-shares when a capacity changes mid-transfer", async () => {
    const { sim, net } = setup(["w0", "s0"]);
    const t = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6 }));
    sim.schedule(0.4, () => net.setCapacity("s0", { downBytesPerS: tenG / 4 }));
    await sim.run();
    // 0.5e6 in 0.4 ms, then 0.5e6 at 3.125e8: 1.6 ms.
    near(t.result?.endMs ?? NaN, 2.0, "endMs");
    assert.deepEqual(net.capacityOf("s0"), { upBytesPerS: tenG, downBytesPerS: tenG / 4 });
  });

  it("a partition stalls a host's transfers until it ends", async () => {
    const { sim, net } = setup(["w0", "w1", "s0"], 0.1);
    const a = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6 }));
    const other = track(net.transfer({ from: "w1", to: "s0", bytes: 1e6 }));
    sim.schedule(0.4, () => {
      net.partition("w0", 1.4);
      assert.equal(net.isPartitioned("w0"), true);
    });
    let late: ReturnType<typeof track> = {};
    sim.schedule(0.5, () => (late = track(net.transfer({ from: "s0", to: "w0", bytes: 0 }))));
    await sim.run();
    // Until 0.4 both at 6.25e8 (0.25e6 each). Then w1 alone at 1.25e9: 0.75e6 in 0.6 ms, ends at 1.0.
    // w0 resumes at 1.4 alone with 0.75e6 left: 0.6 ms, last byte at 2.0.
    near(other.result?.endMs ?? NaN, 1.1, "other");
    near(a.result?.endMs ?? NaN, 2.1, "partitioned");
    near(late.result?.endMs ?? NaN, 1.5, "a zero-byte message waits for the partition too");
    assert.equal(net.isPartitioned("w0"), false);
  });

  it("aborts a killed host's transfers, in flight or being delivered, and leaves the others", async () => {
    const { sim, net } = setup(["w0", "w1", "s0", "s1"], 1);
    const inFlight = track(net.transfer({ from: "w0", to: "s0", bytes: 1e6 }));
    const delivering = track(net.transfer({ from: "w1", to: "s0", bytes: 1 }));
    const elsewhere = track(net.transfer({ from: "w1", to: "s1", bytes: 1e6 }));
    const iperf = net.startBackgroundFlow("w1", "s0");
    sim.schedule(0.5, () => assert.equal(net.abortTransfers("s0"), 2));
    sim.schedule(10, () => iperf.stop());
    await sim.run();
    assert.ok(inFlight.error instanceof TransferAbortedError);
    assert.match(String(inFlight.error), /#0 w0->s0 .* aborted at 0.5 ms: host "s0" was cut off/);
    assert.ok(delivering.error instanceof TransferAbortedError);
    assert.ok(elsewhere.result !== undefined);
    assert.ok(iperf.sentBytes() > 0);
  });

  it("re-shares only the component a change touches", async () => {
    const { sim, net } = setup(["a0", "a1", "b0", "b1", "c0", "c1"]);
    net.startBackgroundFlow("a0", "a1");
    net.startBackgroundFlow("b0", "b1");
    await sim.run(); // both start at 0: one recomputation of the two components together
    const before = net.stats();
    void net.transfer({ from: "c0", to: "c1", bytes: 1e6 });
    await sim.run();
    const after = net.stats();
    assert.equal(after.recomputedFlows - before.recomputedFlows, 1, "only the new flow's component (itself)");
    assert.equal(net.flowInfo().length, 2);
  });
});

describe("Network: scale", () => {
  it("256 workers x 16 shards pushing at once finish together, at the shard downlinks' pace", async () => {
    const workers = Array.from({ length: 256 }, (_, i) => `w${i}`);
    const shards = Array.from({ length: 16 }, (_, i) => `s${i}`);
    const { sim, net } = setup([...workers, ...shards], 0.05);
    const ends: number[] = [];
    for (const w of workers) {
      for (const s of shards)
        void net.transfer({ from: w, to: s, bytes: 25_000 }).then((r) => ends.push(r.endMs));
    }
    await sim.run();
    // Each shard downlink receives 256 x 25 kB = 6.4 MB at 1.25 GB/s: 5.12 ms; the uplinks (16 flows) are idle-ish.
    assert.equal(ends.length, 4096);
    for (const e of ends) near(e, 5.12 + 0.05, "endMs");
    const stats = net.stats();
    assert.equal(stats.recomputedFlowsMax, 4096);
    assert.ok(
      stats.recomputations <= 3,
      `equal flows end in one batch (${stats.recomputations} recomputations)`,
    );
  });
});

describe("Network: validation", () => {
  it("rejects unknown hosts, bad sizes and rates, duplicates", () => {
    const { net } = setup(["w0", "s0"]);
    assert.throws(
      () => net.transfer({ from: "w0", to: "s9", bytes: 1 }),
      /unknown host "s9" \(hosts: w0, s0\)/,
    );
    assert.throws(() => net.transfer({ from: "w0", to: "s0", bytes: -1 }), ArgumentError);
    assert.throws(() => net.transfer({ from: "w0", to: "s0", bytes: NaN }), ArgumentError);
    assert.throws(
      () => net.transfer({ from: "w0", to: "s0", bytes: 1, maxRateBytesPerS: 0 }),
      /maxRateBytesPerS/,
    );
    assert.throws(() => net.addHost({ id: "w0", upBytesPerS: 1, downBytesPerS: 1 }), /already exists/);
    assert.throws(() => net.addHost({ id: "x", upBytesPerS: -1, downBytesPerS: 1 }), /upBytesPerS/);
    assert.throws(() => net.setCapacity("w0", { downBytesPerS: NaN }), /downBytesPerS/);
    assert.throws(() => net.startBackgroundFlow("w0", "w0"), /same host/);
    assert.throws(() => net.partition("w0", -1), /untilMs/);
    assert.throws(() => new Network(new Simulator(), { latencyMs: -1 }), ArgumentError);
  });
});

describe("Network: properties", () => {
  it("delivers every byte, conserves totals and never beats the links", async () => {
    const transfer = fc.record({
      atMs: fc.double({ min: 0, max: 20, noNaN: true }),
      from: fc.integer({ min: 0, max: 4 }),
      to: fc.integer({ min: 0, max: 4 }),
      bytes: fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e7, noNaN: true })),
    });
    const caps = fc.array(fc.double({ min: 1e3, max: 1e10, noNaN: true }), { minLength: 10, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(transfer, { minLength: 1, maxLength: 25 }),
        caps,
        async (transfers, capList) => {
          const hosts = [0, 1, 2, 3, 4].map((i) => ({
            id: `h${i}`,
            upBytesPerS: capList[2 * i],
            downBytesPerS: capList[2 * i + 1],
          }));
          const sim = new Simulator();
          const net = new Network(sim, { hosts, latencyMs: 0.01 });
          const results: { t: (typeof transfers)[number]; r?: TransferResult }[] = transfers.map((t) => ({
            t,
          }));
          for (const item of results) {
            sim.schedule(item.t.atMs, () => {
              void net
                .transfer({ from: `h${item.t.from}`, to: `h${item.t.to}`, bytes: item.t.bytes })
                .then((r) => (item.r = r));
            });
          }
          await sim.run();
          let networkBytes = 0;
          for (const { t, r } of results) {
            assert.ok(r !== undefined, "every transfer completes");
            near(r.startMs, t.atMs, "startMs");
            if (t.from !== t.to) networkBytes += t.bytes;
            const fastestMs =
              t.from === t.to
                ? 0
                : (t.bytes / Math.min(hosts[t.from].upBytesPerS, hosts[t.to].downBytesPerS)) * 1000;
            assert.ok(
              r.endMs - r.startMs >= fastestMs + 0.01 - 1e-6 * Math.max(1, fastestMs),
              "no faster than the links",
            );
          }
          const stats = net.stats();
          const sent = Object.values(stats.hosts).reduce((s, h) => s + h.sentBytes, 0);
          const received = Object.values(stats.hosts).reduce((s, h) => s + h.receivedBytes, 0);
          near(sent, networkBytes, "sent");
          near(received, networkBytes, "received");
          assert.equal(stats.transfersCompleted, transfers.length);
          assert.equal(net.flowInfo().length, 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("Network: re-sharing bookkeeping", () => {
  it("keeps every flow's rate max-min fair through many starts, ends and stops", async () => {
    // Many flows join and leave, so flows keep moving between slots of the re-sharing's arrays; at random
    // times the rates must equal a from-scratch max-min allocation of every flow on the network.
    const event = fc.record({
      atMs: fc.double({ min: 0, max: 30, noNaN: true }),
      from: fc.integer({ min: 0, max: 5 }),
      to: fc.integer({ min: 0, max: 5 }),
      bytes: fc.double({ min: 1e3, max: 2e7, noNaN: true }),
      background: fc.boolean(),
      capBytesPerS: fc.option(fc.double({ min: 1e7, max: 2e9, noNaN: true }), { nil: undefined }),
      forMs: fc.double({ min: 0.5, max: 15, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 5, maxLength: 60 }), async (events) => {
        const hosts = [0, 1, 2, 3, 4, 5].map((i) => ({
          id: `h${i}`,
          upBytesPerS: (1 + (i % 3)) * tenG,
          downBytesPerS: (3 - (i % 3)) * tenG,
        }));
        const sim = new Simulator();
        const net = new Network(sim, { hosts, latencyMs: 0.01 });
        const caps = new Map<number, number>();
        for (const e of events) {
          if (e.from === e.to) continue;
          sim.schedule(e.atMs, () => {
            if (!e.background) {
              void net.transfer({ from: `h${e.from}`, to: `h${e.to}`, bytes: e.bytes });
              return;
            }
            const opts = e.capBytesPerS === undefined ? {} : { maxRateBytesPerS: e.capBytesPerS };
            const flow = net.startBackgroundFlow(`h${e.from}`, `h${e.to}`, opts);
            if (e.capBytesPerS !== undefined) caps.set(flow.id, e.capBytesPerS);
            sim.after(e.forMs, () => flow.stop());
          });
        }
        let checks = 0;
        // Odd times, so that no check coincides with a flow's start or end (their re-sharing comes after).
        for (let t = 0.0137; t < 45; t += 0.731) {
          sim.schedule(t, () => {
            const flows = net.flowInfo();
            const links = hosts.flatMap((h) => [h.upBytesPerS, h.downBytesPerS]);
            const want = maxMinFair(
              links,
              flows.map((f) => ({
                links: [2 * Number(f.from.slice(1)), 2 * Number(f.to.slice(1)) + 1],
                capBytesPerS: f.background ? caps.get(f.id) : undefined,
              })),
            );
            flows.forEach((f, i) => near(f.rateBytesPerS, want[i], `rate of flow ${f.id} at ${t} ms`));
            checks++;
          });
        }
        await sim.run();
        assert.ok(checks > 0);
        assert.equal(net.flowInfo().length, 0);
      }),
      { numRuns: 100 },
    );
  });
});
