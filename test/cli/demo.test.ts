import { it } from "node:test";
import assert from "node:assert/strict";
import { runDemo } from "../../src/cli/demo.ts";
import type { Clock } from "../../src/sim/clock.ts";

/** A clock that advances 1 ms per reading: timings in the demo's output become predictable. */
function steppingClock(): Clock {
  let t = 0;
  return { now: () => (t += 1), sleep: () => Promise.resolve() };
}

it("the demo computes what it prints: the matmul check matches its dense dot product", async () => {
  const lines: string[] = [];
  await runDemo({
    rows: 96,
    cols: 40,
    block: 16,
    matmulSize: 48,
    clock: steppingClock(),
    log: (l) => lines.push(l),
  });
  const text = lines.join("\n");
  const check = /check c\[47, 0\] = ([\d.]+) vs dense dot ([\d.]+)/.exec(text);
  assert.ok(check !== null, text);
  assert.equal(check[1], check[2]);
  const std = /std of all elements[^\n]*\n {2}= ([\d.]+)/.exec(text);
  assert.ok(std !== null && Math.abs(Number(std[1]) - 1 / Math.sqrt(12)) < 0.02, text);
  const sum = /= (\d+) \(expected about (\d+)/.exec(text);
  assert.ok(sum !== null && Math.abs(Number(sum[1]) / Number(sum[2]) - 1) < 0.02, text);
  assert.match(text, /BLAS backend: +(openblas|js)/);
});
