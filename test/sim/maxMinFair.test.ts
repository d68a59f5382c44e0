/**
 * Max-min fair sharing against hand-computed allocations, then properties over random topologies: no link
 * over capacity, every flow bottlenecked, and max-min optimality checked independently of the algorithm.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.ts";
import { maxMinFair } from "../../src/sim/maxMinFair.ts";
import type { MaxMinFlow } from "../../src/sim/maxMinFair.ts";

const gbit = 1.25e8; // bytes/s in 1 Gbit/s

function close(got: number[], want: number[]): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) =>
    assert.ok(
      Math.abs(g - want[i]) <= 1e-9 * Math.max(1, Math.abs(want[i])),
      `flow ${i}: got ${g}, want ${want[i]}`,
    ),
  );
}

describe("maxMinFair, hand-computed", () => {
  it("splits one 10 Gbit/s downlink three ways", () => {
    close(maxMinFair([10 * gbit], [{ links: [0] }, { links: [0] }, { links: [0] }]), [
      (10 * gbit) / 3,
      (10 * gbit) / 3,
      (10 * gbit) / 3,
    ]);
  });

  it("gives a flow held by its 1 Gbit/s uplink that much, and the rest to the others", () => {
    // links: 0 = shared 10G downlink, 1 = slow 1G uplink of flow 0, 2 and 3 = fast 10G uplinks
    const rates = maxMinFair(
      [10 * gbit, gbit, 10 * gbit, 10 * gbit],
      [{ links: [1, 0] }, { links: [2, 0] }, { links: [3, 0] }],
    );
    close(rates, [gbit, 4.5 * gbit, 4.5 * gbit]);
  });

  it("moves the bottleneck along a chain", () => {
    // Link A (cap 10) carries f0, f1; link B (cap 4) carries f1, f2, f3; link C (cap 9) carries f3, f4.
    // B fills first at 4/3 (f1, f2, f3); then A has 10 - 4/3 for f0 alone; C has 9 - 4/3 for f4.
    close(
      maxMinFair(
        [10, 4, 9],
        [{ links: [0] }, { links: [0, 1] }, { links: [1] }, { links: [1, 2] }, { links: [2] }],
      ),
      [10 - 4 / 3, 4 / 3, 4 / 3, 4 / 3, 9 - 4 / 3],
    );
  });

  it("lets a second-level bottleneck form after the first freezes", () => {
    // A (cap 3): f0, f1. B (cap 10): f1, f2, f3. A fills first at 1.5; B then shares 8.5 between f2, f3.
    close(
      maxMinFair([3, 10], [{ links: [0] }, { links: [0, 1] }, { links: [1] }, { links: [1] }]),
      [1.5, 1.5, 4.25, 4.25],
    );
  });

  it("respects per-flow caps and gives the slack to the others", () => {
    close(
      maxMinFair([10], [{ links: [0], capBytesPerS: 1 }, { links: [0], capBytesPerS: 2 }, { links: [0] }]),
      [1, 2, 7],
    );
    // A cap above the fair share changes nothing.
    close(maxMinFair([10], [{ links: [0], capBytesPerS: 6 }, { links: [0] }]), [5, 5]);
  });

  it("handles zero capacity, no flows, no links, infinite links and duplicates", () => {
    close(maxMinFair([0, 10], [{ links: [0, 1] }, { links: [1] }]), [0, 10]);
    assert.deepEqual(maxMinFair([5], []), []);
    assert.deepEqual(maxMinFair([], [{ links: [] }, { links: [], capBytesPerS: 3 }]), [Infinity, 3]);
    assert.deepEqual(maxMinFair([Infinity], [{ links: [0] }, { links: [0], capBytesPerS: 2 }]), [
      Infinity,
      2,
    ]);
    close(maxMinFair([10], [{ links: [0, 0] }, { links: [0] }]), [5, 5]);
  });

  it("rejects bad input with ArgumentError naming the place", () => {
    assert.throws(
      () => maxMinFair([-1], []),
      (e: unknown) => e instanceof ArgumentError && /links\[0\]/.test(e.message),
    );
    assert.throws(() => maxMinFair([NaN], []), ArgumentError);
    assert.throws(
      () => maxMinFair([1], [{ links: [1] }]),
      (e: unknown) =>
        e instanceof ArgumentError && /flows\[0\] crosses link 1 but there are 1 links/.test(e.message),
    );
    assert.throws(() => maxMinFair([1], [{ links: [0], capBytesPerS: -2 }]), /capBytesPerS/);
  });
});

/** A random instance: link capacities (some zero, some tiny) and flows over 1..3 links, some capped. */
const instance = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: 0.001, max: 1e10, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .chain((links) =>
    fc.tuple(
      fc.constant(links),
      fc.array(
        fc.record({
          links: fc.uniqueArray(fc.integer({ min: 0, max: links.length - 1 }), {
            minLength: 1,
            maxLength: 3,
          }),
          capBytesPerS: fc.option(fc.double({ min: 0, max: 1e10, noNaN: true }), { nil: undefined }),
        }),
        { maxLength: 30 },
      ),
    ),
  );

const tol = (x: number) => 1e-9 * Math.max(1, Math.abs(x));

function loads(links: number[], flows: MaxMinFlow[], rates: number[]): number[] {
  const load = links.map(() => 0);
  flows.forEach((f, i) => f.links.forEach((l) => (load[l] += rates[i])));
  return load;
}

describe("maxMinFair, properties", () => {
  it("puts no link over capacity and no flow over its cap", () => {
    fc.assert(
      fc.property(instance, ([links, flows]) => {
        const rates = maxMinFair(links, flows);
        rates.forEach((r, i) => {
          assert.ok(r >= 0 && Number.isFinite(r));
          assert.ok(r <= (flows[i].capBytesPerS ?? Infinity) + tol(r));
        });
        loads(links, flows, rates).forEach((load, l) =>
          assert.ok(load <= links[l] + tol(links[l]), `link ${l} over`),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("bottlenecks every flow: at its cap, or on a full link where no flow gets more than it", () => {
    fc.assert(
      fc.property(instance, ([links, flows]) => {
        const rates = maxMinFair(links, flows);
        const load = loads(links, flows, rates);
        flows.forEach((f, i) => {
          const atCap = f.capBytesPerS !== undefined && rates[i] >= f.capBytesPerS - tol(f.capBytesPerS);
          const onBottleneck = f.links.some(
            (l) =>
              load[l] >= links[l] - 1e-7 * Math.max(1, links[l]) &&
              flows.every((g, j) => !g.links.includes(l) || rates[j] <= rates[i] + tol(rates[i]) * 10),
          );
          assert.ok(atCap || onBottleneck, `flow ${i} (rate ${rates[i]}) is not bottlenecked`);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("is max-min optimal: raising any flow forces a smaller-or-equal flow down", () => {
    // The definition, checked directly: x is max-min fair if no feasible y has y_i > x_i while every flow
    // with x_j <= x_i keeps y_j >= x_j. The most room flow i can get is by taking richer flows to 0, so on
    // some link of i the non-richer flows (i included) must already fill it, or i must be at its cap.
    fc.assert(
      fc.property(instance, ([links, flows]) => {
        const rates = maxMinFair(links, flows);
        flows.forEach((f, i) => {
          if (f.capBytesPerS !== undefined && rates[i] >= f.capBytesPerS - tol(f.capBytesPerS)) return;
          const blocked = f.links.some((l) => {
            let poorer = 0;
            flows.forEach((g, j) => {
              if (g.links.includes(l) && rates[j] <= rates[i] + 1e-9 * Math.max(1, rates[i]))
                poorer += rates[j];
            });
            return poorer >= links[l] - 1e-7 * Math.max(1, links[l]);
          });
          assert.ok(blocked, `flow ${i} (rate ${rates[i]}) could grow by taking only from richer flows`);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("matches a slow reference (step-by-step progressive filling)", () => {
    fc.assert(
      fc.property(instance, ([links, flows]) => {
        const want = referenceFilling(links, flows);
        const got = maxMinFair(links, flows);
        got.forEach((g, i) =>
          assert.ok(Math.abs(g - want[i]) <= 1e-7 * Math.max(1, want[i]), `flow ${i}: ${g} vs ${want[i]}`),
        );
      }),
      { numRuns: 500 },
    );
  });
});

/** Textbook progressive filling: raise all unfrozen flows by the smallest slack, freeze, repeat. */
function referenceFilling(links: number[], flows: MaxMinFlow[]): number[] {
  const rates = flows.map(() => 0);
  const frozen = flows.map(() => false);
  for (;;) {
    const active = flows.map((_, i) => i).filter((i) => !frozen[i]);
    if (active.length === 0) return rates;
    const load = loads(links, flows, rates);
    let step = Infinity;
    links.forEach((c, l) => {
      const n = active.filter((i) => flows[i].links.includes(l)).length;
      if (n > 0) step = Math.min(step, (c - load[l]) / n);
    });
    for (const i of active) step = Math.min(step, (flows[i].capBytesPerS ?? Infinity) - rates[i]);
    step = Math.max(0, step);
    for (const i of active) rates[i] += step;
    const after = loads(links, flows, rates);
    for (const i of active) {
      const full = flows[i].links.some((l) => after[l] >= links[l] - 1e-9 * Math.max(1, links[l]));
      const capped = rates[i] >= (flows[i].capBytesPerS ?? Infinity) - 1e-12;
      if (full || capped) frozen[i] = true;
    }
  }
}
