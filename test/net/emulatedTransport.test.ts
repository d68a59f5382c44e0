/**
 * The emulated transport: the simulator's link model in real time. Only the timing test below waits on the
 * wall clock (small durations, generous tolerances: this machine has 2 cores and other tests run beside
 * it); everything else uses events that are due at once.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ArgumentError } from "../../src/core/errors.ts";
import { SimulationError } from "../../src/sim/simulator.ts";
import { createEmulatedTransport, RealTimeScheduler } from "../../src/net/index.ts";
import type { EmulatedTransport } from "../../src/net/index.ts";

const linkBytesPerS = 1.25e8; // 1 Gbit/s

function setup(ids: readonly string[]): EmulatedTransport {
  return createEmulatedTransport({
    hosts: ids.map((id) => ({ id, upBytesPerS: linkBytesPerS, downBytesPerS: linkBytesPerS })),
  });
}

describe("EmulatedTransport: timing (real time)", () => {
  it("moves 12.5 MB over a 1.25e8 B/s link in about 100 ms, and two flows into one host in about 2x", async () => {
    const t = setup(["s0", "w0", "w1"]);
    const bytes = 12.5e6;
    let realStart = performance.now();
    const alone = await t.transfer({ from: "w0", to: "s0", bytes, tag: "grad" });
    const aloneRealMs = performance.now() - realStart;
    assert.ok(aloneRealMs >= 90 && aloneRealMs <= 400, `alone: ${aloneRealMs.toFixed(1)} ms of real time`);
    assert.ok(alone.endMs - alone.startMs >= 100, "never faster than the link");

    realStart = performance.now();
    const [x, y] = await Promise.all([
      t.transfer({ from: "w0", to: "s0", bytes, tag: "grad" }),
      t.transfer({ from: "w1", to: "s0", bytes, tag: "grad" }),
    ]);
    const sharedRealMs = performance.now() - realStart;
    for (const d of [x, y]) {
      const ms = d.endMs - d.startMs;
      assert.ok(ms >= 200 && ms <= 700, `shared: one flow took ${ms.toFixed(1)} ms`);
    }
    assert.ok(
      sharedRealMs >= 190 && sharedRealMs <= 700,
      `shared: ${sharedRealMs.toFixed(1)} ms of real time`,
    );
    const ratio = sharedRealMs / aloneRealMs;
    assert.ok(ratio > 1.5 && ratio < 3, `two flows into one downlink: ${ratio.toFixed(2)}x the time of one`);
    assert.equal(t.clock.pendingEvents, 0, "nothing left armed");
    const stats = t.network.stats();
    assert.equal(stats.hosts.s0.receivedBytes, 3 * bytes);
    assert.equal(stats.transfersCompleted, 3);
  });
});

describe("EmulatedTransport: process lifetime", () => {
  it("keeps the process alive while a transfer or stall is pending, and lets it exit when idle", () => {
    const child = fileURLToPath(new URL("./fixtures/oneTransfer.ts", import.meta.url));
    const res = spawnSync(process.execPath, ["--import", "tsx", child], {
      encoding: "utf8",
      timeout: 15_000,
    });
    assert.equal(res.error, undefined, `the child did not exit by itself: ${String(res.error)}`);
    assert.equal(res.status, 0, res.stderr);
    const lines = res.stdout.trim().split("\n");
    assert.equal(lines.length, 2, res.stdout);
    const transfer = lines.find((l) => l.startsWith("transfer "));
    assert.ok(transfer !== undefined, res.stdout);
    const d = JSON.parse(transfer.slice("transfer ".length)) as {
      startMs: number;
      endMs: number;
      bytes: number;
    };
    assert.equal(d.bytes, 6.25e6);
    assert.ok(d.endMs - d.startMs >= 51, "50 ms on the link plus 1 ms of latency");
    assert.match(lines.find((l) => l.startsWith("compute ")) ?? "", /^compute 42 at \d/);
  });
});

describe("EmulatedTransport.compute", () => {
  it("runs the work on the calling thread, awaits promises, checks its host and the stall", async () => {
    const t = createEmulatedTransport({
      hosts: [{ id: "w0", upBytesPerS: 1, downBytesPerS: 1 }],
      computeStallMs: (_host, modelMs) => (modelMs === 13 ? NaN : 0),
    });
    let ran = false;
    const sync = t.compute("w0", 5, () => {
      ran = true;
      return "done";
    });
    assert.equal(ran, true, "the work ran at the call");
    assert.equal(await sync, "done");
    assert.equal(await t.compute("w0", 5, () => Promise.resolve(7)), 7);
    await assert.rejects(
      t.compute("w0", 5, () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    await assert.rejects(
      t.compute("x", 5, () => 0),
      /unknown host "x"/,
    );
    await assert.rejects(
      t.compute("w0", 13, () => 0),
      ArgumentError,
    );
  });
});

describe("RealTimeScheduler", () => {
  it("runs due events in (time, scheduling) order; past times are allowed and run at once", async () => {
    const s = new RealTimeScheduler();
    const seen: string[] = [];
    const now = s.now();
    s.schedule(now - 5, () => seen.push("b"));
    s.schedule(now - 10, () => seen.push("a"));
    s.schedule(now - 5, () => {
      seen.push("c");
      s.schedule(now - 20, () => seen.push("c2 (overdue: before d)"));
      s.schedule(now - 1, () => seen.push("e (due with d, scheduled later)"));
    });
    const gone = s.schedule(now - 7, () => seen.push("cancelled"));
    s.schedule(now - 1, () => seen.push("d"));
    s.cancel(gone);
    s.cancel(gone); // twice is fine
    assert.equal(s.pendingEvents, 4);
    await s.sleep(0);
    assert.deepEqual(seen, ["a", "b", "c", "c2 (overdue: before d)", "d", "e (due with d, scheduled later)"]);
    assert.equal(s.pendingEvents, 0);
    assert.equal(s.eventsFired, 7, "six events and the sleep");
  });

  it("never reads a time before an event's due time inside its callback, and never goes back", async () => {
    const s = new RealTimeScheduler();
    const due = s.now() + 0.5; // within the early window: runs at once, the clock moves to its due time
    let seenAt = -1;
    s.schedule(due, () => (seenAt = s.now()));
    const before = s.now();
    await s.sleep(0);
    assert.ok(seenAt >= due && s.now() >= before);
  });

  it("hands a throwing callback's error to onError, wrapped, and goes on", async () => {
    const errors: SimulationError[] = [];
    const s = new RealTimeScheduler({ onError: (e) => errors.push(e) });
    let after = false;
    s.schedule(0, () => {
      throw new Error("boom");
    });
    s.schedule(0, () => (after = true));
    await s.sleep(0);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof SimulationError && errors[0].cause instanceof Error);
    assert.equal(after, true);
  });

  it("arms no timer past Node's limit for a far event (Node would clamp it to 1 ms)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on("warning", onWarning);
    const s = new RealTimeScheduler();
    const far = s.after(1e12, () => assert.fail("a cancelled event ran"));
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    s.cancel(far);
    process.off("warning", onWarning);
    assert.deepEqual(warnings, []);
    assert.equal(s.pendingEvents, 0);
  });

  it("checks its arguments", () => {
    const s = new RealTimeScheduler();
    assert.throws(() => s.schedule(NaN, () => {}), ArgumentError);
    assert.throws(() => s.after(-1, () => {}), ArgumentError);
    assert.throws(() => s.sleep(-1), ArgumentError);
    assert.throws(() => s.cancel({ atMs: 0 }), ArgumentError);
  });
});
