/**
 * Max-min fair sharing of links among flows, by progressive filling (water-filling): every flow's rate
 * rises at the same pace until a link it crosses is full or it reaches its own cap; then it is frozen and the
 * others keep rising. The result is the unique allocation in which no flow can get more without taking from
 * a flow that has less or the same.
 *
 * Instead of raising all rates step by step (O(flows) per step, O(flows^2) in all), links wait in a heap
 * keyed by the level at which they would fill, (capacity - rates already frozen on it) / flows still
 * rising on it. That level only grows as flows freeze, so the heap pops links in the order they fill: the
 * whole allocation costs O(flows x links per flow + links log links + capped flows log flows).
 */
import { ArgumentError } from "../core/errors.ts";

/** A min-heap of (key, id) pairs in growable typed arrays. */
class KeyHeap {
  keys = new Float64Array(64);
  ids = new Int32Array(64);
  size = 0;
  topKey = 0;
  topId = 0;

  push(key: number, id: number): void {
    if (this.size === this.keys.length) this.grow();
    let i = this.size++;
    const { keys, ids } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Moves the minimum into topKey/topId (the heap must not be empty). */
  pop(): void {
    const { keys, ids } = this;
    this.topKey = keys[0];
    this.topId = ids[0];
    const n = --this.size;
    if (n === 0) return;
    const key = keys[n];
    const id = ids[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= key) break;
      keys[i] = keys[child];
      ids[i] = ids[child];
      i = child;
    }
    keys[i] = key;
    ids[i] = id;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.keys = keys;
    this.ids = ids;
  }
}

/**
 * Scratch arrays reused across calls: the network calls the allocation on every flow start and end, and
 * allocating a dozen typed arrays each time cost more than the allocation itself for small components.
 */
const scratch = {
  heap: new KeyHeap(),
  remaining: new Float64Array(64),
  count: new Int32Array(64),
  linkStart: new Int32Array(65),
  fillAt: new Int32Array(64),
  linkFlows: new Int32Array(64),
  frozen: new Uint8Array(64),
};

function ensure(n: number, m: number, k: number): void {
  const grow = (have: number, need: number): number => Math.max(need, 2 * have);
  if (scratch.remaining.length < n) {
    const size = grow(scratch.remaining.length, n);
    scratch.remaining = new Float64Array(size);
    scratch.count = new Int32Array(size);
    scratch.linkStart = new Int32Array(size + 1);
    scratch.fillAt = new Int32Array(size);
  }
  if (scratch.frozen.length < m) scratch.frozen = new Uint8Array(grow(scratch.frozen.length, m));
  if (scratch.linkFlows.length < k) scratch.linkFlows = new Int32Array(grow(scratch.linkFlows.length, k));
}

/**
 * The allocation core, on flat arrays, for the network's hot path. Flow f crosses the links
 * `flowLinks[flowLinkStart[f] .. flowLinkStart[f + 1])` (no duplicates) and may not exceed `flowCap[f]`
 * (Infinity for no cap). Writes each flow's rate into `rates`. A flow that crosses no link and has no cap
 * gets Infinity; a zero-capacity link or a zero cap gives 0.
 *
 * Heap keys are lower bounds: a link's fill level only grows as flows freeze, so instead of re-pushing every
 * link a frozen flow touches, a popped link whose level has grown since it was pushed goes back in with
 * its current level. A link is taken as the bottleneck only when popped with its current level, which is
 * then the smallest of all. This keeps pushes near the number of links instead of the number of flows.
 *
 * @example
 * ```ts
 * const rates = new Float64Array(2);
 * allocateMaxMin([10], Int32Array.of(0, 1, 2), Int32Array.of(0, 0), [Infinity, 3], rates); // rates = [7, 3]
 * ```
 */
export function allocateMaxMin(
  capacity: ArrayLike<number>,
  flowLinkStart: Int32Array,
  flowLinks: Int32Array,
  flowCap: ArrayLike<number>,
  rates: Float64Array,
): void {
  const nLinks = capacity.length;
  const nFlows = flowLinkStart.length - 1;
  const nRefs = flowLinkStart[nFlows];
  ensure(nLinks, nFlows, nRefs);
  const { heap, remaining, count, linkStart, fillAt, linkFlows, frozen } = scratch;
  count.fill(0, 0, nLinks);
  frozen.fill(0, 0, nFlows);
  heap.size = 0;
  for (let k = 0; k < nRefs; k++) count[flowLinks[k]]++;
  // Link -> flows adjacency (CSR), built by counting.
  linkStart[0] = 0;
  for (let l = 0; l < nLinks; l++) {
    linkStart[l + 1] = linkStart[l] + count[l];
    fillAt[l] = linkStart[l];
    remaining[l] = capacity[l];
    if (count[l] > 0) heap.push(remaining[l] / count[l], l);
  }
  for (let f = 0; f < nFlows; f++) {
    for (let k = flowLinkStart[f]; k < flowLinkStart[f + 1]; k++) linkFlows[fillAt[flowLinks[k]]++] = f;
  }
  let unfrozen = nFlows;
  for (let f = 0; f < nFlows; f++) {
    if (flowCap[f] < Infinity) heap.push(flowCap[f], nLinks + f);
    else if (flowLinkStart[f] === flowLinkStart[f + 1]) {
      rates[f] = Infinity;
      frozen[f] = 1;
      unfrozen--;
    }
  }

  let level = 0;
  while (heap.size > 0 && unfrozen > 0) {
    heap.pop();
    const id = heap.topId;
    let key = heap.topKey;
    if (id < nLinks) {
      if (count[id] === 0) continue;
      const current = remaining[id] / count[id];
      if (current > key) {
        heap.push(current, id); // its level grew since it was pushed: a lower bound no more
        continue;
      }
      key = current;
    } else if (frozen[id - nLinks] === 1) continue;
    if (key === Infinity) break; // only unbounded links and caps are left: the rest is unbounded
    // Rounding can make a level dip below the current one; rates never go down.
    if (key > level) level = key;
    const first = id < nLinks ? linkStart[id] : 0;
    const last = id < nLinks ? linkStart[id + 1] : 1;
    for (let j = first; j < last; j++) {
      const f = id < nLinks ? linkFlows[j] : id - nLinks;
      if (frozen[f] === 1) continue;
      frozen[f] = 1;
      unfrozen--;
      rates[f] = level;
      for (let k = flowLinkStart[f]; k < flowLinkStart[f + 1]; k++) {
        const l = flowLinks[k];
        remaining[l] -= level;
        count[l]--;
      }
    }
  }
  if (unfrozen > 0) for (let f = 0; f < nFlows; f++) if (frozen[f] === 0) rates[f] = Infinity;
}

/** One flow of {@link maxMinFair}: the indices of the links it crosses, and an optional rate cap. */
export interface MaxMinFlow {
  links: readonly number[];
  capBytesPerS?: number;
}

/**
 * Max-min fair rates for flows sharing links with the given capacities (any unit; bytes/s in the network).
 * Each flow gets a rate such that no link carries more than its capacity, no flow exceeds its cap, and no
 * flow could get more without taking from one that has no more than it. A flow that crosses no link and has
 * no cap gets Infinity; a flow listing a link twice crosses it once.
 *
 * @example
 * ```ts
 * // Three flows into one 10 Gbit/s downlink (link 0); the second also crosses a 1 Gbit/s uplink (link 1).
 * maxMinFair([10, 1], [{ links: [0] }, { links: [0, 1] }, { links: [0] }]); // [4.5, 1, 4.5]
 * maxMinFair([10], [{ links: [0], capBytesPerS: 2 }, { links: [0] }]); // [2, 8]
 * ```
 */
export function maxMinFair(links: readonly number[], flows: readonly MaxMinFlow[]): number[] {
  links.forEach((c, l) => {
    if (typeof c !== "number" || !(c >= 0)) {
      throw new ArgumentError(`maxMinFair: links[${l}] must be a capacity >= 0 but was ${String(c)}`);
    }
  });
  const flowLinkStart = new Int32Array(flows.length + 1);
  const linkList: number[] = [];
  const caps = new Float64Array(flows.length);
  flows.forEach((flow, f) => {
    const seen = new Set<number>();
    for (const l of flow.links) {
      if (!Number.isInteger(l) || l < 0 || l >= links.length) {
        throw new ArgumentError(
          `maxMinFair: flows[${f}] crosses link ${String(l)} but there are ${links.length} links (0..${links.length - 1})`,
        );
      }
      if (!seen.has(l)) linkList.push(l);
      seen.add(l);
    }
    flowLinkStart[f + 1] = linkList.length;
    const cap = flow.capBytesPerS ?? Infinity;
    if (typeof cap !== "number" || !(cap >= 0)) {
      throw new ArgumentError(`maxMinFair: flows[${f}].capBytesPerS must be >= 0 but was ${String(cap)}`);
    }
    caps[f] = cap;
  });
  const rates = new Float64Array(flows.length);
  allocateMaxMin(links, flowLinkStart, Int32Array.from(linkList), caps, rates);
  return Array.from(rates);
}
