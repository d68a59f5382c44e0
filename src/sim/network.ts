/**
 * The simulated network: a non-blocking switch with one up- and one down-link per host (the access links
 * are the bottlenecks, as in a datacenter rack), and a one-way latency. A transfer is a flow that crosses its
 * sender's uplink and its receiver's downlink; concurrent flows share links max-min fairly, recomputed
 * whenever a flow starts or ends, a capacity changes or a partition begins or ends. Only the connected
 * component of flows and links touched by the change is recomputed, and changes at one virtual time are
 * batched into one recomputation.
 *
 * Timing: a transfer starts sending when requested; its last byte leaves at the time the shared rates
 * give; it is delivered `latencyMs` later. A same-host transfer takes the latency only.
 */
import { ArgumentError } from "../core/errors.ts";
import { Flow, Host } from "./flow.ts";
import type {
  FlowHandle,
  FlowInfo,
  HostSpec,
  NetworkOptions,
  NetworkStats,
  TransferRequest,
  TransferResult,
} from "./networkTypes.ts";
import { TransferAbortedError } from "./networkTypes.ts";

export type {
  FlowHandle,
  FlowInfo,
  HostSpec,
  NetworkOptions,
  NetworkStats,
  TransferRequest,
  TransferResult,
} from "./networkTypes.ts";
export { TransferAbortedError } from "./networkTypes.ts";
import { LinkSharing } from "./linkSharing.ts";
import type { EventScheduler } from "./eventScheduler.ts";

function checkRate(op: string, name: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ArgumentError(
      `${op}: ${name} must be a number ${allowZero ? ">= 0" : "> 0"} (bytes/s, Infinity for unlimited) but was ${String(value)}`,
    );
  }
  return value;
}

/**
 * A simulated network of hosts on a virtual clock.
 *
 * @example
 * ```ts
 * const sim = new Simulator();
 * const gbit = 1.25e8; // bytes per second in 1 Gbit/s
 * const net = new Network(sim, { latencyMs: 0.1, hosts: [
 *   { id: "w0", upBytesPerS: 10 * gbit, downBytesPerS: 10 * gbit },
 *   { id: "s0", upBytesPerS: 10 * gbit, downBytesPerS: 10 * gbit },
 * ] });
 * const done = net.transfer({ from: "w0", to: "s0", bytes: 12.5e6, tag: "grad" });
 * await sim.run();
 * (await done).endMs; // 10.1: 12.5 MB at 1.25 GB/s is 10 ms, plus 0.1 ms latency
 * ```
 */
export class Network {
  readonly latencyMs: number;
  private readonly hostList: Host[] = [];
  private readonly byId = new Map<string, Host>();
  private readonly sharing: LinkSharing;
  private readonly transfers = new Set<Flow>(); // requested and not yet delivered
  private readonly tagBytes = new Map<string, number>();
  private nextFlowId = 0;
  private transfersCompleted = 0;

  constructor(
    private readonly sim: EventScheduler,
    options: NetworkOptions = {},
  ) {
    const latencyMs = options.latencyMs ?? 0;
    if (typeof latencyMs !== "number" || !(latencyMs >= 0) || latencyMs === Infinity) {
      throw new ArgumentError(`Network: latencyMs must be a finite number >= 0 but was ${String(latencyMs)}`);
    }
    this.latencyMs = latencyMs;
    this.sharing = new LinkSharing(sim, this.hostList, (flow) => {
      this.removeFlow(flow, "done");
      this.deliver(flow);
    });
    for (const spec of options.hosts ?? []) this.addHost(spec);
  }

  /**
   * Adds a host.
   *
   * @example
   * ```ts
   * net.addHost({ id: "w7", upBytesPerS: 1.25e9, downBytesPerS: 1.25e9 });
   * ```
   */
  addHost(spec: HostSpec): void {
    if (typeof spec.id !== "string" || spec.id === "") {
      throw new ArgumentError(`Network.addHost: id must be a non-empty string but was ${String(spec.id)}`);
    }
    if (this.byId.has(spec.id)) throw new ArgumentError(`Network.addHost: host "${spec.id}" already exists`);
    const up = checkRate(`Network.addHost("${spec.id}")`, "upBytesPerS", spec.upBytesPerS, true);
    const down = checkRate(`Network.addHost("${spec.id}")`, "downBytesPerS", spec.downBytesPerS, true);
    const host = new Host(this.hostList.length, spec.id, up, down);
    this.hostList.push(host);
    this.byId.set(spec.id, host);
    this.sharing.addHost();
  }

  /** The hosts' ids, in the order they were added. */
  hostIds(): string[] {
    return this.hostList.map((h) => h.id);
  }

  /** A host's current link capacities. */
  capacityOf(host: string): { upBytesPerS: number; downBytesPerS: number } {
    const h = this.host("Network.capacityOf", host);
    return { upBytesPerS: h.upBytesPerS, downBytesPerS: h.downBytesPerS };
  }

  /** Whether a host is partitioned now. */
  isPartitioned(host: string): boolean {
    return this.host("Network.isPartitioned", host).isPartitioned(this.sim.now());
  }

  /**
   * Sends `bytes` from one host to another; resolves when the last byte has arrived.
   *
   * @example
   * ```ts
   * const { startMs, endMs } = await net.transfer({ from: "w0", to: "s0", bytes: 1e6, tag: "grad" });
   * ```
   */
  transfer(request: TransferRequest): Promise<TransferResult> {
    const op = "Network.transfer";
    const from = this.host(op, request.from);
    const to = this.host(op, request.to);
    const bytes = request.bytes;
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) {
      throw new ArgumentError(`${op}: bytes must be a finite number >= 0 but was ${String(bytes)}`);
    }
    const cap = checkRate(op, "maxRateBytesPerS", request.maxRateBytesPerS ?? Infinity, false);
    const now = this.sim.now();
    const flow = new Flow(
      this.nextFlowId++,
      from,
      to,
      bytes,
      cap,
      request.tag ?? "transfer",
      now,
      bytes,
      now,
    );
    return new Promise<TransferResult>((resolve, reject) => {
      flow.settle = { resolve, reject };
      this.transfers.add(flow);
      const blocked = from.isPartitioned(now) || to.isPartitioned(now);
      if (from === to || (bytes === 0 && !blocked)) {
        // Nothing crosses a link: the transfer costs the latency only.
        if (from === to) from.localBytes += bytes;
        flow.remainingBytes = 0;
        flow.sentBytes = bytes;
        this.deliver(flow);
      } else {
        this.addFlow(flow);
      }
    });
  }

  /**
   * Starts a flow with unbounded demand from `from` to `to` (another host), as an iperf pair would.
   *
   * @example
   * ```ts
   * const iperf = net.startBackgroundFlow("w3", "s0", { maxRateBytesPerS: 5e8 });
   * // ... later
   * iperf.stop();
   * ```
   */
  startBackgroundFlow(
    from: string,
    to: string,
    options: { maxRateBytesPerS?: number; tag?: string } = {},
  ): FlowHandle {
    const op = "Network.startBackgroundFlow";
    const src = this.host(op, from);
    const dst = this.host(op, to);
    if (src === dst) throw new ArgumentError(`${op}: from and to are the same host "${from}"`);
    const cap = checkRate(op, "maxRateBytesPerS", options.maxRateBytesPerS ?? Infinity, false);
    const now = this.sim.now();
    const flow = new Flow(
      this.nextFlowId++,
      src,
      dst,
      Infinity,
      cap,
      options.tag ?? "background",
      now,
      Infinity,
      now,
    );
    this.addFlow(flow);
    return {
      id: flow.id,
      from,
      to,
      stop: () => {
        if (this.sharing.has(flow)) this.removeFlow(flow, "stopped");
      },
      rateBytesPerS: () => (this.sharing.has(flow) ? flow.rateBytesPerS : 0),
      sentBytes: () => flow.sentBytesAt(this.sim.now()),
    };
  }

  /**
   * Changes a host's link capacities (either or both); the flows on them are re-shared at once.
   *
   * @example
   * ```ts
   * net.setCapacity("s0", { downBytesPerS: 1.25e8 }); // its downlink drops to 1 Gbit/s
   * ```
   */
  setCapacity(host: string, capacity: { upBytesPerS?: number; downBytesPerS?: number }): void {
    const op = `Network.setCapacity("${host}")`;
    const h = this.host("Network.setCapacity", host);
    const up = checkRate(op, "upBytesPerS", capacity.upBytesPerS ?? h.upBytesPerS, true);
    const down = checkRate(op, "downBytesPerS", capacity.downBytesPerS ?? h.downBytesPerS, true);
    h.upBytesPerS = up;
    h.downBytesPerS = down;
    this.sim.log?.append({
      type: "capacity",
      atMs: this.sim.now(),
      host,
      upBytesPerS: up,
      downBytesPerS: down,
    });
    this.sharing.hostChanged(h);
  }

  /**
   * Cuts a host off until `untilMs` (Infinity: for good): its flows make no progress meanwhile (rate 0)
   * and resume afterwards. Overlapping partitions extend each other.
   *
   * @example
   * ```ts
   * net.partition("w5", sim.now() + 200);
   * ```
   */
  partition(host: string, untilMs: number): void {
    const h = this.host("Network.partition", host);
    const now = this.sim.now();
    if (typeof untilMs !== "number" || Number.isNaN(untilMs) || untilMs < now) {
      throw new ArgumentError(
        `Network.partition: untilMs must be >= now (${now}) but was ${String(untilMs)}`,
      );
    }
    h.partitionedUntilMs = Math.max(h.partitionedUntilMs, untilMs);
    this.sim.log?.append({ type: "partition", atMs: now, host, untilMs });
    this.sharing.hostChanged(h);
    if (untilMs !== Infinity) {
      this.sim.schedule(untilMs, () => {
        if (!h.isPartitioned(this.sim.now())) this.sharing.hostChanged(h);
      });
    }
  }

  /**
   * Rejects every transfer from or to `host` that has not been delivered, with a TransferAbortedError
   * (for a killed host); background flows go on. Returns how many were aborted.
   *
   * @example
   * ```ts
   * net.abortTransfers("s2"); // the shard died
   * ```
   */
  abortTransfers(host: string): number {
    const h = this.host("Network.abortTransfers", host);
    const now = this.sim.now();
    let aborted = 0;
    for (const flow of [...this.transfers]) {
      if (flow.from !== h && flow.to !== h) continue;
      if (this.sharing.has(flow)) this.removeFlow(flow, "aborted");
      if (flow.deliveryTimer !== undefined) this.sim.cancel(flow.deliveryTimer);
      this.transfers.delete(flow);
      flow.settle?.reject(
        new TransferAbortedError(
          `transfer #${flow.id} ${flow.from.id}->${flow.to.id} (${flow.bytes} bytes, tag ${flow.tag}) aborted at ${now} ms: host "${host}" was cut off`,
        ),
      );
      aborted++;
    }
    return aborted;
  }

  /** A snapshot of the flows on the network, in start order. */
  flowInfo(): FlowInfo[] {
    const now = this.sim.now();
    return this.sharing.flows().map((f) => ({
      id: f.id,
      from: f.from.id,
      to: f.to.id,
      tag: f.tag,
      background: f.background,
      rateBytesPerS: f.rateBytesPerS,
      remainingBytes: f.background ? Infinity : f.bytes - f.sentBytesAt(now),
    }));
  }

  /** Bytes moved so far (including the progress of flows still running) and recomputation counters. */
  stats(): NetworkStats {
    const now = this.sim.now();
    const hosts: NetworkStats["hosts"] = {};
    for (const h of this.hostList) {
      hosts[h.id] = { sentBytes: h.sentBytes, receivedBytes: h.receivedBytes, localBytes: h.localBytes };
    }
    const tags: Record<string, number> = Object.fromEntries(this.tagBytes);
    for (const f of this.sharing.flows()) {
      const sent = f.sentBytesAt(now);
      hosts[f.from.id].sentBytes += sent;
      hosts[f.to.id].receivedBytes += sent;
      tags[f.tag] = (tags[f.tag] ?? 0) + sent;
    }
    return { hosts, tags, transfersCompleted: this.transfersCompleted, ...this.sharing.counters };
  }

  private host(op: string, id: string): Host {
    const h = this.byId.get(id);
    if (h === undefined) {
      const known = this.hostList.length <= 8 ? ` (hosts: ${this.hostIds().join(", ")})` : "";
      throw new ArgumentError(`${op}: unknown host "${String(id)}"${known}`);
    }
    return h;
  }

  private addFlow(flow: Flow): void {
    this.sharing.add(flow);
    this.sim.log?.append({
      type: "flowStart",
      atMs: flow.startMs,
      flow: flow.id,
      from: flow.from.id,
      to: flow.to.id,
      bytes: flow.background ? null : flow.bytes,
      tag: flow.tag,
    });
  }

  private removeFlow(flow: Flow, outcome: "done" | "stopped" | "aborted"): void {
    this.sharing.remove(flow, outcome);
    flow.from.sentBytes += flow.sentBytes;
    flow.to.receivedBytes += flow.sentBytes;
    this.tagBytes.set(flow.tag, (this.tagBytes.get(flow.tag) ?? 0) + flow.sentBytes);
    this.sim.log?.append({
      type: "flowEnd",
      atMs: this.sim.now(),
      flow: flow.id,
      from: flow.from.id,
      to: flow.to.id,
      bytes: flow.sentBytes,
      tag: flow.tag,
      outcome,
    });
  }

  private deliver(flow: Flow): void {
    flow.deliveryTimer = this.sim.schedule(this.sim.now() + this.latencyMs, () => {
      this.transfers.delete(flow);
      this.transfersCompleted++;
      flow.settle?.resolve({ startMs: flow.startMs, endMs: this.sim.now(), bytes: flow.bytes });
    });
  }
}
