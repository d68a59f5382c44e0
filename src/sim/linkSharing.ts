/**
 * Keeps the rates of the flows on the simulated network max-min fair. Every change (a flow starts or ends,
 * a capacity changes, a partition begins or ends) marks the links it touches dirty; one recomputation per
 * virtual time then re-shares only the connected component(s) of flows and links reachable from the dirty
 * links (other components' rates cannot change), and re-arms a single event for the next flow to finish.
 */
import type { TimerId } from "./eventQueue.ts";
import type { Flow, Host } from "./flow.ts";
import { allocateMaxMin } from "./maxMinFair.ts";

/** A flow due to finish within this many ms of now finishes now (a nanosecond: far below any latency). */
const doneMsEpsilon = 1e-6;
import type { EventScheduler } from "./eventScheduler.ts";

/** Counters of the work done to keep rates fair. */
export interface SharingCounters {
  recomputations: number;
  recomputedFlows: number;
  recomputedFlowsMax: number;
}

/**
 * The link-sharing engine of a `Network` (internal). Link `2h` is host h's uplink, `2h + 1` its downlink.
 *
 * @example
 * ```ts
 * const sharing = new LinkSharing(sim, hosts, (flow) => network.finish(flow));
 * sharing.add(flow); // rates are recomputed at the current virtual time, once for all changes made now
 * ```
 */
export class LinkSharing {
  // The flows on the links (swap-removed, so in an order that depends only on the run), indexed by slot.
  private readonly active: Flow[] = [];
  // What the re-sharing reads of each flow, by slot, in flat arrays: at 256 workers a re-sharing walks
  // hundreds of flows, a hundred thousand times per virtual second, and chasing each Flow object for
  // these fields (cache misses) cost more than the max-min allocation itself. `Flow` keeps its own copy
  // (rate and finish time are written to both).
  private slots = new SlotArrays(64);
  readonly counters: SharingCounters = { recomputations: 0, recomputedFlows: 0, recomputedFlowsMax: 0 };
  /** The slots of the flows on each link, in the order they were added (swap-removed). */
  private readonly linkFlows: number[][] = [];
  /** Per link: the stamp of the last search that met it, and its index in that search's component. */
  private linkMark = new Int32Array(0);
  private linkLocal = new Int32Array(0);
  private readonly dirtyLinks = new Set<number>();
  private recomputeTimer: TimerId | undefined;
  private completionTimer: TimerId | undefined;
  private stamp = 0;
  /** The component's links in the order the search met them (the allocation's link order). */
  private componentLinks = new Int32Array(0);
  /** The slots of the component's flows, in the order the search met them (the allocation's flow order). */
  private componentFlows = new Int32Array(64);
  private readonly scratch = {
    capacity: new Float64Array(16),
    caps: new Float64Array(16),
    rates: new Float64Array(16),
    // Every flow crosses two links (its sender's uplink, its receiver's downlink): fixed offsets 2i.
    flowLinkStart: pairStarts(16),
    flowLinks: new Int32Array(32),
  };

  constructor(
    private readonly sim: EventScheduler,
    private readonly hosts: readonly Host[],
    /** Called at the virtual time a flow sends its last byte; it must call `remove(flow, "done")`. */
    private readonly onDone: (flow: Flow) => void,
  ) {}

  /** Makes room for the links of a newly added host. */
  addHost(): void {
    this.linkFlows.push([], []);
    const n = this.linkFlows.length;
    const mark = new Int32Array(n);
    mark.set(this.linkMark);
    this.linkMark = mark;
    this.linkLocal = new Int32Array(n);
    this.componentLinks = new Int32Array(n);
  }

  /** Whether a flow is on the network. */
  has(flow: Flow): boolean {
    return flow.slot >= 0;
  }

  /** The flows on the network, by id (= start order). */
  flows(): Flow[] {
    return [...this.active].sort((a, b) => a.id - b.id);
  }

  /** Puts a flow on its sender's uplink and receiver's downlink. */
  add(flow: Flow): void {
    if (this.active.length === this.slots.size) {
      this.slots = this.slots.grown(2 * this.slots.size);
      this.componentFlows = new Int32Array(this.slots.size);
    }
    const slot = this.active.push(flow) - 1;
    flow.slot = slot;
    this.slots.set(slot, flow);
    flow.upPos = this.linkFlows[flow.upLink].push(slot) - 1;
    flow.downPos = this.linkFlows[flow.downLink].push(slot) - 1;
    this.markDirty(flow.upLink);
    this.markDirty(flow.downLink);
  }

  /** Takes a flow off its links, its progress brought up to now. */
  remove(flow: Flow, outcome: "done" | "stopped" | "aborted"): void {
    const now = this.sim.now();
    flow.advance(now);
    flow.setRate(0, now); // so that its sentBytes stop growing
    if (outcome === "done") flow.sentBytes = flow.bytes; // the last sub-epsilon bytes
    const slot = flow.slot;
    const last = this.active.pop() as Flow;
    if (last !== flow) {
      // The last flow moves into the freed slot: its arrays' entries and its links' references follow.
      this.active[slot] = last;
      this.slots.move(last.slot, slot);
      last.slot = slot;
      this.linkFlows[last.upLink][last.upPos] = slot;
      this.linkFlows[last.downLink][last.downPos] = slot;
    }
    flow.slot = -1;
    this.unlink(this.linkFlows[flow.upLink], flow.upPos, true);
    this.unlink(this.linkFlows[flow.downLink], flow.downPos, false);
    this.markDirty(flow.upLink);
    this.markDirty(flow.downLink);
  }

  /** A host's capacities or partition state changed: re-share its links. */
  hostChanged(host: Host): void {
    this.markDirty(host.upLink);
    this.markDirty(host.downLink);
  }

  private unlink(list: number[], pos: number, isUp: boolean): void {
    const lastSlot = list.pop() as number;
    if (pos < list.length) {
      list[pos] = lastSlot;
      const moved = this.active[lastSlot];
      if (isUp) moved.upPos = pos;
      else moved.downPos = pos;
    }
  }

  private markDirty(link: number): void {
    this.dirtyLinks.add(link);
    // One recomputation per virtual time, however many changes happen at it.
    this.recomputeTimer ??= this.sim.schedule(this.sim.now(), () => this.recompute());
  }

  /** Re-shares what changed, then re-arms the completion event at the earliest finish time. */
  private recompute(): void {
    if (this.recomputeTimer !== undefined) this.sim.cancel(this.recomputeTimer);
    this.recomputeTimer = undefined;
    if (this.dirtyLinks.size > 0) this.reshare();
    let nextMs = Infinity;
    const finishMs = this.slots.finishMs;
    for (let i = 0; i < this.active.length; i++) if (finishMs[i] < nextMs) nextMs = finishMs[i];
    if (this.completionTimer !== undefined && this.completionTimer.atMs === nextMs) return;
    if (this.completionTimer !== undefined) this.sim.cancel(this.completionTimer);
    this.completionTimer = undefined;
    if (nextMs < Infinity) {
      this.completionTimer = this.sim.schedule(Math.max(nextMs, this.sim.now()), () => this.complete());
    }
  }

  private reshare(): void {
    const now = this.sim.now();
    if (this.stamp === 0x7fffffff) this.resetStamps();
    const stamp = ++this.stamp;
    const { linkMark, linkLocal } = this;
    const { up, down, cap, rate, mark, finishMs } = this.slots;
    const total = this.active.length;
    // Sized for the largest component (every flow, every link), so the search can fill them as it goes.
    const buf = this.buffers(linkMark.length, total);
    const flowLinks = buf.flowLinks;
    const caps = buf.caps;
    // Breadth-first over links and flows from the dirty links: the component(s) whose rates may change.
    // Links and flows are numbered for the allocation in the order the search meets them.
    const links = this.componentLinks;
    const flows = this.componentFlows;
    let nLinks = 0;
    let nFlows = 0;
    for (const l of this.dirtyLinks) {
      if (linkMark[l] !== stamp) {
        linkMark[l] = stamp;
        linkLocal[l] = nLinks;
        links[nLinks++] = l;
      }
    }
    this.dirtyLinks.clear();
    // Once every flow is in, so are all their links: stop (the common case of one big component).
    for (let i = 0; i < nLinks && nFlows < total; i++) {
      const onLink = this.linkFlows[links[i]];
      for (let j = 0; j < onLink.length; j++) {
        const s = onLink[j];
        if (mark[s] === stamp) continue;
        mark[s] = stamp;
        const u = up[s];
        if (linkMark[u] !== stamp) {
          linkMark[u] = stamp;
          linkLocal[u] = nLinks;
          links[nLinks++] = u;
        }
        const d = down[s];
        if (linkMark[d] !== stamp) {
          linkMark[d] = stamp;
          linkLocal[d] = nLinks;
          links[nLinks++] = d;
        }
        flowLinks[2 * nFlows] = linkLocal[u];
        flowLinks[2 * nFlows + 1] = linkLocal[d];
        caps[nFlows] = cap[s];
        flows[nFlows++] = s;
      }
    }
    if (nFlows === 0) return;
    for (let i = 0; i < nLinks; i++) {
      const l = links[i];
      const h = this.hosts[l >> 1];
      buf.capacity[i] = h.isPartitioned(now) ? 0 : (l & 1) === 0 ? h.upBytesPerS : h.downBytesPerS;
    }
    const rates = buf.rates.subarray(0, nFlows);
    allocateMaxMin(
      buf.capacity.subarray(0, nLinks),
      buf.flowLinkStart.subarray(0, nFlows + 1),
      flowLinks.subarray(0, 2 * nFlows),
      caps.subarray(0, nFlows),
      rates,
    );
    for (let i = 0; i < nFlows; i++) {
      const s = flows[i];
      // A flow whose rate did not change keeps its progress and finish time as they are: exact, and cheap.
      if (rates[i] === rate[s]) continue;
      const f = this.active[s];
      f.advance(now);
      f.setRate(rates[i], now);
      rate[s] = f.rateBytesPerS;
      finishMs[s] = f.finishMs;
    }
    this.counters.recomputations++;
    this.counters.recomputedFlows += nFlows;
    this.counters.recomputedFlowsMax = Math.max(this.counters.recomputedFlowsMax, nFlows);
  }

  /** Stamps would overflow the marks' Int32Array: start them again (no search is running). */
  private resetStamps(): void {
    this.stamp = 0;
    this.slots.mark.fill(0);
    this.linkMark.fill(0);
  }

  /** Scratch arrays for the allocation's input, grown as components grow. */
  private buffers(nLinks: number, nFlows: number): typeof this.scratch {
    const s = this.scratch;
    if (s.capacity.length < nLinks) s.capacity = new Float64Array(Math.max(nLinks, 2 * s.capacity.length));
    if (s.caps.length < nFlows) {
      const n = Math.max(nFlows, 2 * s.caps.length);
      s.caps = new Float64Array(n);
      s.rates = new Float64Array(n);
      s.flowLinks = new Int32Array(2 * n);
      s.flowLinkStart = pairStarts(n);
    }
    return s;
  }

  /** The completion event: hands over every flow that has sent its last byte, then re-shares. */
  private complete(): void {
    this.completionTimer = undefined;
    const now = this.sim.now();
    // Flows due within doneMsEpsilon of now finish now, so that near-simultaneous ends share one event.
    const dueMs = now + doneMsEpsilon;
    const done: Flow[] = [];
    const finishMs = this.slots.finishMs;
    for (let i = 0; i < this.active.length; i++) if (finishMs[i] <= dueMs) done.push(this.active[i]);
    done.sort((a, b) => a.id - b.id);
    for (const f of done) this.onDone(f);
    this.recompute();
  }
}

/** `[0, 2, 4, ..., 2n]`: the link offsets of n flows that cross two links each. */
function pairStarts(n: number): Int32Array {
  const starts = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) starts[i] = 2 * i;
  return starts;
}

/** The per-slot arrays of {@link LinkSharing}: what re-sharing reads and writes of each active flow. */
class SlotArrays {
  readonly finishMs: Float64Array;
  readonly rate: Float64Array;
  readonly cap: Float64Array;
  readonly up: Int32Array;
  readonly down: Int32Array;
  /** The stamp of the last search that met the flow. */
  readonly mark: Int32Array;

  constructor(readonly size: number) {
    this.finishMs = new Float64Array(size);
    this.rate = new Float64Array(size);
    this.cap = new Float64Array(size);
    this.up = new Int32Array(size);
    this.down = new Int32Array(size);
    this.mark = new Int32Array(size);
  }

  /** A copy with room for `size` slots. */
  grown(size: number): SlotArrays {
    const g = new SlotArrays(size);
    g.finishMs.set(this.finishMs);
    g.rate.set(this.rate);
    g.cap.set(this.cap);
    g.up.set(this.up);
    g.down.set(this.down);
    g.mark.set(this.mark);
    return g;
  }

  /** Fills a slot from its flow (a flow just added, not yet met by any search). */
  set(slot: number, flow: Flow): void {
    this.finishMs[slot] = flow.finishMs;
    this.rate[slot] = flow.rateBytesPerS;
    this.cap[slot] = flow.capBytesPerS;
    this.up[slot] = flow.upLink;
    this.down[slot] = flow.downLink;
    this.mark[slot] = 0;
  }

  /** Moves slot `from`'s entries to slot `to`. */
  move(from: number, to: number): void {
    this.finishMs[to] = this.finishMs[from];
    this.rate[to] = this.rate[from];
    this.cap[to] = this.cap[from];
    this.up[to] = this.up[from];
    this.down[to] = this.down[from];
    this.mark[to] = this.mark[from];
  }
}
