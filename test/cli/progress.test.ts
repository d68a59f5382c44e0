import { it } from "node:test";
import assert from "node:assert/strict";
import { createProgress, progressLine } from "../../src/cli/progress.ts";
import type { Clock } from "../../src/sim/clock.ts";

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return { now: () => now, sleep: () => Promise.resolve(), advance: (ms) => void (now += ms) };
}

it("the line form is fixed", () => {
  assert.equal(
    progressLine("mlfabric", 60, { timeS: 12.5, updates: 840, testAccuracy: 0.8123, loss: 0.61 }),
    "[mlfabric] t=12.50 s (20%) updates=840 accuracy=0.8123 loss=0.6100",
  );
  assert.equal(
    progressLine("bsp", 10, { timeS: 30, updates: 0 }),
    "[bsp] t=30.00 s (100%) updates=0 accuracy=- loss=-",
  );
});

it("without a TTY it prints a line at most every logEveryMs of real time, and the last state at stop", () => {
  const clock = manualClock();
  const out: string[] = [];
  const stream = { isTTY: false, write: (text: string) => out.push(text) };
  const p = createProgress({ label: "async", totalS: 10, clock, stream, logEveryMs: 1000 });
  p.update({ timeS: 1, updates: 10, testAccuracy: 0.5, loss: 1 }); // printed (first)
  clock.advance(400);
  p.update({ timeS: 2, updates: 20, testAccuracy: 0.6, loss: 0.9 }); // too soon
  clock.advance(600);
  p.update({ timeS: 3, updates: 30, testAccuracy: 0.7, loss: 0.8 }); // 1000 ms after the first: printed
  clock.advance(100);
  p.update({ timeS: 4, updates: 40, testAccuracy: 0.75, loss: 0.7 }); // too soon, but the last: printed at stop
  p.stop();
  assert.deepEqual(out, [
    "[async] t=1.00 s (10%) updates=10 accuracy=0.5000 loss=1.0000\n",
    "[async] t=3.00 s (30%) updates=30 accuracy=0.7000 loss=0.8000\n",
    "[async] t=4.00 s (40%) updates=40 accuracy=0.7500 loss=0.7000\n",
  ]);
});

it("stop prints nothing more when the last state was already printed", () => {
  const out: string[] = [];
  const p = createProgress({
    label: "x",
    totalS: 1,
    clock: manualClock(),
    stream: { write: (t: string) => out.push(t) },
  });
  p.update({ timeS: 1, updates: 1 });
  p.stop();
  assert.equal(out.length, 1);
});
