import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError, ds, Matrix } from "../../src/index.ts";
import { engine } from "../../src/internal.ts";
import { describeEachExecutor } from "../support/executors.ts";

/** `make` throws a one-line ArgumentError matching `pattern` and submits nothing. */
function assertRefused(make: () => unknown, pattern: RegExp): void {
  const before = engine().stats().tasksSubmitted;
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"));
    return true;
  });
  assert.equal(engine().stats().tasksSubmitted, before, "nothing submitted");
}

describeEachExecutor("user functions (map, mapBlocks)", () => {
  it("refuse a function that uses a variable of its scope, saying how to pass it", () => {
    const x = ds.ones([4, 4], { blockSize: [2, 2] });
    const k = 3;
    const table = [1, 2];
    assertRefused(
      () => x.map((v) => v * k),
      /^map: the function uses "k" from its enclosing scope, which does not travel to the workers .*: x\.map\(\(v, c\) => v \* c\.k, \{ k \}\)$/,
    );
    assertRefused(() => x.add(1).map((v) => v + table[0]), /map: the function uses "table"/);
    assertRefused(
      () =>
        x.mapBlocks((b) => {
          b.data.fill(k);
          return b;
        }),
      /^mapBlocks: the function uses "k" .*x\.mapBlocks\(\(b, c\) => \.\.\., \{ k \}\)$/,
    );
    // Globals and Matrix are there on the workers too.
    assert.doesNotThrow(() => x.map((v) => Math.sqrt(v) + Number.EPSILON));
    assert.doesNotThrow(() => x.mapBlocks((b) => Matrix.zeros(b.rows, b.cols)));
  });

  it("pass values through a context, exactly (NaN, ±Infinity, -0, nested arrays and objects)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double(),
        fc.array(fc.double(), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        async (k, w, br, bc) => {
          const x = ds.random([5, 5], { blockSize: [br, bc], seed: 1 });
          const values = (await x.collect()).data;
          const got = (await x.map((v, c) => v * c.k + c.w[c.w.length - 1], { k, w }).collect()).data;
          values.forEach((v, i) =>
            assert.ok(Object.is(got[i], v * k + w[w.length - 1]), `${got[i]} at ${i}`),
          );
        },
      ),
      { numRuns: 25 },
    );
    const x = ds.array([[1, -2]], { blockSize: [1, 1] });
    const signs = await x
      .map((v, c) => (v > 0 ? 1 / c.zero.neg : c.inf[0] + c.zero.pos), {
        zero: { neg: -0, pos: 0 },
        inf: [Infinity],
      })
      .toArray();
    assert.deepEqual(signs, [[-Infinity, Infinity]]);
    const scaled = x.mapBlocks(
      (b, c) => {
        for (let i = 0; i < b.data.length; i++) b.data[i] = b.data[i] * c.k + c.label.length;
        return b;
      },
      { k: 10, label: "abc" },
    );
    assert.deepEqual(await scaled.toArray(), [[13, -17]]);
    // Contexts of equal text are one compiled program; different values give different results.
    const a = await x.map((v, c) => v + c.k, { k: 1 }).toArray();
    const b = await x.map((v, c) => v + c.k, { k: 2 }).toArray();
    assert.deepEqual([a, b], [[[2, -1]], [[3, 0]]]);
  });

  it("refuse contexts that cannot travel as text", () => {
    const x = ds.ones([2, 2], { blockSize: [1, 1] });
    assertRefused(
      () => x.map((v) => v, { f: () => 1 } as never),
      /^map: context\.f must hold numbers, strings, booleans, null, arrays and plain objects .* but is function$/,
    );
    assertRefused(() => x.map((v) => v, { d: new Date(0) } as never), /context\.d .* but is Date$/);
    assertRefused(
      () => x.mapBlocks((b) => b, { w: [1, undefined] } as never),
      /^mapBlocks: context\.w\[1\] .* but is undefined$/,
    );
  });
});
