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
  // The flows on the links (swap-removed, so in an order that depends only on the run) and, at the same
  // index, their finish times: the scans for the next finish and for finished flows are tight loops.
  private readonly active: Flow[] = [];
  private finishMs = new Float64Array(64);
  readonly counters: SharingCounters = { recomputations: 0, recomputedFlows: 0, recomputedFlowsMax: 0 };
  private readonly linkFlows: Flow[][] = [];
  private readonly linkMark: number[] = [];
  private readonly dirtyLinks = new Set<number>();
  private recomputeTimer: TimerId | undefined;
  private completionTimer: TimerId | undefined;
  private stamp = 0;
  private readonly componentLinks: number[] = [];
  private readonly componentFlows: Flow[] = [];
  private readonly scratch = {
    capacity: new Float64Array(16),
    caps: new Float64Array(16),
    rates: new Float64Array(16),
    flowLinkStart: new Int32Array(17),
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
    this.linkMark.push(0, 0);
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
    if (this.active.length === this.finishMs.length) {
      const grown = new Float64Array(2 * this.finishMs.length);
      grown.set(this.finishMs);
      this.finishMs = grown;
    }
    flow.slot = this.active.push(flow) - 1;
    this.finishMs[flow.slot] = flow.finishMs;
    flow.upPos = this.linkFlows[flow.upLink].push(flow) - 1;
    flow.downPos = this.linkFlows[flow.downLink].push(flow) - 1;
    this.markDirty(flow.upLink);
    this.markDirty(flow.downLink);
  }

  /** Takes a flow off its links, its progress brought up to now. */
  remove(flow: Flow, outcome: "done" | "stopped" | "aborted"): void {
    const now = this.sim.now();
    flow.advance(now);
    flow.setRate(0, now); // so that its sentBytes stop growing
    if (outcome === "done") flow.sentBytes = flow.bytes; // the last sub-epsilon bytes
    const last = this.active.pop() as Flow;
    if (last !== flow) {
      this.active[flow.slot] = last;
      this.finishMs[flow.slot] = this.finishMs[last.slot];
      last.slot = flow.slot;
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

  private unlink(list: Flow[], pos: number, isUp: boolean): void {
    const last = list.pop() as Flow;
    if (pos < list.length) {
      list[pos] = last;
      if (isUp) last.upPos = pos;
      else last.downPos = pos;
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
    const finishMs = this.finishMs;
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
    const stamp = ++this.stamp;
    const linkMark = this.linkMark;
    // Breadth-first over links and flows from the dirty links: the component(s) whose rates may change.
    const links = this.componentLinks;
    const flows = this.componentFlows;
    links.length = 0;
    flows.length = 0;
    for (const l of this.dirtyLinks) {
      if (linkMark[l] !== stamp) {
        linkMark[l] = stamp;
        links.push(l);
      }
    }
    this.dirtyLinks.clear();
    const total = this.active.length;
    // Once every flow is in, so are all their links: stop (the common case of one big component).
    for (let i = 0; i < links.length && flows.length < total; i++) {
      const onLink = this.linkFlows[links[i]];
      for (let j = 0; j < onLink.length; j++) {
        const f = onLink[j];
        if (f.mark === stamp) continue;
        f.mark = stamp;
        flows.push(f);
        const up = f.upLink;
        if (linkMark[up] !== stamp) {
          linkMark[up] = stamp;
          links.push(up);
        }
        const down = f.downLink;
        if (linkMark[down] !== stamp) {
          linkMark[down] = stamp;
          links.push(down);
        }
      }
    }
    const nLinks = links.length;
    const nFlows = flows.length;
    if (nFlows === 0) return;
    const buf = this.buffers(nLinks, nFlows);
    // Local link numbering for the allocation: linkMark briefly holds -1 - (local index).
    for (let i = 0; i < nLinks; i++) {
      const l = links[i];
      const h = this.hosts[l >> 1];
      buf.capacity[i] = h.isPartitioned(now) ? 0 : (l & 1) === 0 ? h.upBytesPerS : h.downBytesPerS;
      linkMark[l] = -1 - i;
    }
    for (let i = 0; i < nFlows; i++) {
      const f = flows[i];
      buf.flowLinkStart[i + 1] = 2 * i + 2;
      buf.flowLinks[2 * i] = -1 - linkMark[f.upLink];
      buf.flowLinks[2 * i + 1] = -1 - linkMark[f.downLink];
      buf.caps[i] = f.capBytesPerS;
    }
    // Back to the stamp, so that later stamps (always larger) see these links as unvisited.
    for (let i = 0; i < nLinks; i++) linkMark[links[i]] = stamp;
    const rates = buf.rates.subarray(0, nFlows);
    allocateMaxMin(
      buf.capacity.subarray(0, nLinks),
      buf.flowLinkStart.subarray(0, nFlows + 1),
      buf.flowLinks.subarray(0, 2 * nFlows),
      buf.caps.subarray(0, nFlows),
      rates,
    );
    for (let i = 0; i < nFlows; i++) {
      const f = flows[i];
      // A flow whose rate did not change keeps its progress and finish time as they are: exact, and cheap.
      if (rates[i] === f.rateBytesPerS) continue;
      f.advance(now);
      f.setRate(rates[i], now);
      this.finishMs[f.slot] = f.finishMs;
    }
    this.counters.recomputations++;
    this.counters.recomputedFlows += nFlows;
    this.counters.recomputedFlowsMax = Math.max(this.counters.recomputedFlowsMax, nFlows);
  }

  /** Scratch arrays for the allocation's input, grown as components grow. */
  private buffers(nLinks: number, nFlows: number): typeof this.scratch {
    const s = this.scratch;
    if (s.capacity.length < nLinks) s.capacity = new Float64Array(Math.max(nLinks, 2 * s.capacity.length));
    if (s.caps.length < nFlows) {
      const n = Math.max(nFlows, 2 * s.caps.length);
      s.caps = new Float64Array(n);
      s.rates = new Float64Array(n);
      s.flowLinkStart = new Int32Array(n + 1);
      s.flowLinks = new Int32Array(2 * n);
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
    for (let i = 0; i < this.active.length; i++) if (this.finishMs[i] <= dueMs) done.push(this.active[i]);
    done.sort((a, b) => a.id - b.id);
    for (const f of done) this.onDone(f);
    this.recompute();
  }
}
