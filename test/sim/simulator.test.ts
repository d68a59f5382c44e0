/**
 * The event loop: ordering, cancellation, untilMs and stop, errors, draining of async reactions, and real
 * work that must neither let virtual time advance nor change the results by how fast it runs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { ArgumentError, RuntimeStateError } from "../../src/core/errors.ts";
import { EventLog } from "../../src/sim/events.ts";
import { Rng } from "../../src/sim/rng.ts";
import { SimulationError, Simulator } from "../../src/sim/simulator.ts";

/** Real asynchronous work: resolves with `value` after `hops` real setImmediate turns. */
function realDelay<T>(hops: number, value: T): Promise<T> {
  return new Promise((resolve) => {
    const step = (left: number): void => {
      if (left === 0) resolve(value);
      else setImmediate(() => step(left - 1));
    };
    step(hops);
  });
}

describe("Simulator: events", () => {
  it("fires events in time order, ties in scheduling order", async () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(5, () => seen.push("b@5"));
    sim.schedule(1, () => seen.push("a@1"));
    sim.schedule(5, () => seen.push("c@5"));
    sim.schedule(5, () => sim.schedule(5, () => seen.push("e@5 (scheduled at 5)")));
    sim.schedule(5, () => seen.push("d@5"));
    await sim.run();
    assert.deepEqual(seen, ["a@1", "b@5", "c@5", "d@5", "e@5 (scheduled at 5)"]);
    assert.equal(sim.now(), 5);
    assert.equal(sim.eventsFired, 6);
  });

  it("cancels, runs until a time, resumes and stops", async () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const id = sim.schedule(3, () => seen.push(3));
    for (const t of [1, 2, 4, 8]) sim.schedule(t, () => seen.push(t));
    sim.cancel(id);
    sim.cancel(id); // twice is fine
    await sim.run({ untilMs: 5 });
    assert.deepEqual(seen, [1, 2, 4]);
    assert.equal(sim.now(), 5, "the clock reaches untilMs");
    assert.equal(sim.pendingEvents, 1);
    sim.schedule(6, () => sim.stop());
    await sim.run();
    assert.equal(sim.now(), 6);
    assert.deepEqual(seen, [1, 2, 4], "stop() returns before the event at 8");
    await sim.run();
    assert.deepEqual(seen, [1, 2, 4, 8]);
  });

  it("stays correct and compact when most events are cancelled", async () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const ids = Array.from({ length: 20_000 }, (_, i) =>
      sim.schedule(20_000 - i, () => seen.push(20_000 - i)),
    );
    ids.forEach((id, i) => {
      if (i % 10 !== 0) sim.cancel(id);
    });
    assert.equal(sim.pendingEvents, 2_000);
    await sim.run();
    assert.equal(seen.length, 2_000);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });

  it("rejects bad times and concurrent runs", async () => {
    const sim = new Simulator({ startMs: 10 });
    assert.throws(
      () => sim.schedule(9, () => {}),
      (e: unknown) => e instanceof ArgumentError && /in the past/.test(e.message),
    );
    assert.throws(() => sim.schedule(NaN, () => {}), ArgumentError);
    assert.throws(() => sim.sleep(-1), ArgumentError);
    assert.throws(() => sim.after(Infinity, () => {}), ArgumentError);
    assert.throws(() => new Simulator({ startMs: NaN }), ArgumentError);
    sim.schedule(11, () => {});
    const first = sim.run();
    await assert.rejects(sim.run(), RuntimeStateError);
    await first;
  });

  it("reports a throwing event as a SimulationError with the time and cause", async () => {
    const sim = new Simulator();
    sim.schedule(7, () => {
      throw new Error("boom");
    });
    await assert.rejects(sim.run(), (e: unknown) => {
      assert.ok(e instanceof SimulationError);
      assert.equal(e.atMs, 7);
      assert.match(e.message, /at 7 ms failed: boom/);
      return true;
    });
  });

  it("lets every async reaction run before time advances", async () => {
    const sim = new Simulator();
    const seen: string[] = [];
    void (async () => {
      await sim.sleep(10);
      // A long chain of awaits and a nextTick: all of it happens at virtual time 10.
      for (let k = 0; k < 200; k++) await Promise.resolve();
      await new Promise<void>((r) => process.nextTick(r));
      seen.push(`a at ${sim.now()}`);
      await sim.sleep(0);
      seen.push(`a again at ${sim.now()}`);
    })();
    sim.schedule(11, () => seen.push(`event at ${sim.now()}`));
    await sim.run();
    assert.deepEqual(seen, ["a at 10", "a again at 10", "event at 11"]);
  });
});

describe("Simulator: real work", () => {
  it("does not advance virtual time while real work is pending", async () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.schedule(10, () => seen.push(`event at ${sim.now()}`));
    void (async () => {
      const v = await sim.realWork(realDelay(2000, 42)); // thousands of real event-loop turns
      seen.push(`real work gave ${v} at ${sim.now()}`);
    })();
    await sim.run();
    assert.deepEqual(seen, ["real work gave 42 at 0", "event at 10"]);
  });

  it("runs real work registered at the same time concurrently, delivered in registration order", async () => {
    const sim = new Simulator();
    const order: string[] = [];
    const finishedReally: string[] = [];
    const work = (name: string, hops: number) =>
      realDelay(hops, name).then((v) => {
        finishedReally.push(v);
        return v;
      });
    void sim.realWork(work("slow", 300)).then((v) => order.push(v));
    void sim.realWork(work("fast", 1)).then((v) => order.push(v));
    await sim.run();
    assert.deepEqual(finishedReally, ["fast", "slow"], "both ran at once");
    assert.deepEqual(order, ["slow", "fast"], "continuations in registration order");
  });

  it("delivers a rejection", async () => {
    const sim = new Simulator();
    let caught: unknown;
    void (async () => {
      try {
        await sim.realWork(realDelay(5, 0).then(() => Promise.reject(new Error("worker died"))));
      } catch (e) {
        caught = e;
      }
    })();
    await sim.run();
    assert.ok(caught instanceof Error && caught.message === "worker died");
  });

  it("waits for a real worker-thread computation", async () => {
    const sim = new Simulator();
    const compute = (n: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const w = new Worker(
          `const { parentPort, workerData } = require("node:worker_threads");
           let s = 0; for (let i = 0; i < workerData; i++) s += i % 7;
           parentPort.postMessage(s);`,
          { eval: true, workerData: n },
        );
        w.once("message", (v: number) => {
          resolve(v);
          void w.terminate();
        });
        w.once("error", reject);
      });
    const seen: string[] = [];
    sim.schedule(1, () => seen.push("tick at 1"));
    void (async () => {
      const s = await sim.realWork(compute(2_000_000));
      seen.push(`sum ${s} at ${sim.now()}`);
      await sim.sleep(3); // the modelled compute time
      seen.push(`done at ${sim.now()}`);
    })();
    await sim.run();
    let want = 0;
    for (let i = 0; i < 2_000_000; i++) want += i % 7;
    assert.deepEqual(seen, [`sum ${want} at 0`, "tick at 1", "done at 3"]);
  });

  it("gives identical virtual timestamps whether the real work is fast, slow or random", async () => {
    // Eight actors alternate real work and virtual sleeps that depend on the work's result; the trace
    // must not depend on how many real event-loop turns each piece of work took.
    const scenario = async (realHops: (actor: number, step: number) => number): Promise<string> => {
      const log = new EventLog({ capacityEvents: Infinity });
      const sim = new Simulator({ log });
      const rng = new Rng(99);
      for (let a = 0; a < 8; a++) {
        const actorRng = rng.fork(`actor${a}`);
        void (async () => {
          for (let step = 0; step < 20; step++) {
            const value = await sim.realWork(realDelay(realHops(a, step), actorRng.int(0, 100)));
            sim.note(`actor ${a} step ${step} got ${value}`);
            await sim.sleep(value % 7 === 0 ? 0 : value / 10);
          }
        })();
      }
      await sim.run();
      return log.text();
    };
    const fast = await scenario(() => 0);
    const slow = await scenario((a) => 50 * (8 - a));
    const chaos = await scenario(() => Math.floor(Math.random() * 40)); // real nondeterminism, on purpose
    assert.equal(fast.split("\n").length, 160);
    assert.equal(slow, fast);
    assert.equal(chaos, fast);
  });
});
