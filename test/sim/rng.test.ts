/** The seeded generator: replay, independence of forks, distributions, argument checks. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.ts";
import { Rng } from "../../src/sim/rng.ts";

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe("Rng", () => {
  it("replays: the same seed gives the same sequence, another seed another", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (a, b) => {
        assert.deepEqual(draw(new Rng(a), 20), draw(new Rng(a), 20));
        if (a !== b) assert.notDeepEqual(draw(new Rng(a), 20), draw(new Rng(b), 20));
      }),
    );
  });

  it("keeps its sequence across versions (pinned values)", () => {
    // If this fails, every recorded seed in bug reports and docs replays differently: change it knowingly.
    const rng = new Rng(42);
    const got = [rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];
    assert.deepEqual(got, PINNED_42);
  });

  it("forks independent streams keyed by the label, not by the parent's position", () => {
    const root = new Rng(7);
    const a1 = draw(root.fork("traffic"), 10);
    draw(root, 1000);
    const a2 = draw(root.fork("traffic"), 10);
    assert.deepEqual(a2, a1);
    assert.notDeepEqual(draw(root.fork("stalls"), 10), a1);
    assert.notDeepEqual(draw(new Rng(8).fork("traffic"), 10), a1);
    assert.notDeepEqual(draw(root.fork("a").fork("b"), 10), draw(root.fork("b").fork("a"), 10));
    assert.notDeepEqual(draw(root.fork("ab"), 10), draw(root.fork("a").fork("b"), 10));
    assert.equal(root.fork("a").fork("b").path, "a/b");
    assert.equal(root.fork("a").seed, 7);
    // A fork does not shift the parent either.
    const p = new Rng(9);
    const q = new Rng(9);
    p.fork("x");
    assert.equal(p.next(), q.next());
  });

  it("draws with the right distributions", () => {
    const rng = new Rng(1234);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let expSum = 0;
    const counts = new Array<number>(10).fill(0);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      counts[rng.int(0, 10)]++;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      expSum += rng.exponential(3);
    }
    assert.ok(lo >= 0 && hi < 1);
    for (const c of counts) assert.ok(Math.abs(c - n / 10) < 5 * Math.sqrt(n / 10), `int bucket ${c}`);
    assert.ok(Math.abs(sum / n) < 0.02, "normal mean");
    assert.ok(Math.abs(sumSq / n - 1) < 0.03, "normal variance");
    assert.ok(Math.abs(expSum / n - 3) < 0.06, "exponential mean");
    assert.equal(rng.normal(5, 0), 5);
    assert.equal(rng.exponential(0), 0);
  });

  it("picks, shuffles and flips coins", () => {
    const rng = new Rng(3);
    const items = ["a", "b", "c"];
    for (let i = 0; i < 50; i++) assert.ok(items.includes(rng.pick(items)));
    const perm = rng.shuffle([1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...perm].sort(), [1, 2, 3, 4, 5, 6]);
    assert.equal(rng.chance(0), false);
    assert.equal(rng.chance(1), true);
    for (const seed of [-1, 0, 2 ** 53 - 1, -(2 ** 53 - 1)]) assert.ok(new Rng(seed).next() >= 0);
  });

  it("rejects bad arguments", () => {
    assert.throws(() => new Rng(1.5), ArgumentError);
    assert.throws(() => new Rng(NaN), ArgumentError);
    const rng = new Rng(1);
    assert.throws(() => rng.int(5, 5), /lo < hiExclusive/);
    assert.throws(() => rng.int(0, 2.5), ArgumentError);
    assert.throws(() => rng.pick([]), /empty/);
    assert.throws(() => rng.exponential(-1), ArgumentError);
    assert.throws(() => rng.normal(0, -1), ArgumentError);
    assert.throws(() => rng.chance(2), ArgumentError);
  });
});

const PINNED_42 = [2467990993, 2790755424, 104875879];
