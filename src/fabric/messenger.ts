/**
 * The fabric's side of the transport: every transfer of a run goes through here, so that dead hosts send and
 * receive nothing, the bytes moved are counted, and each delivery can be reported to the scheduler's
 * bandwidth estimate with the number of fabric flows that shared its two link ends.
 */
import { DsfabricError } from "../core/errors.ts";
import type { Transport } from "../net/transport.ts";
import type { DeliveryReport } from "./bandwidth.ts";

/**
 * A transfer involved a host that had been killed.
 *
 * @example
 * ```ts
 * try { await messenger.send({ from: "w0", to: "s1", bytes: 4096, tag: "push" }); }
 * catch (e) { if (e instanceof HostDeadError) { // re-route or give up
 * } }
 * ```
 */
export class HostDeadError extends DsfabricError {
  constructor(host: string) {
    super(`fabric: host "${host}" is dead`);
    this.name = "HostDeadError";
  }
}

/** A delivered transfer and what the scheduler learns from it. */
export interface Sent {
  startMs: number;
  endMs: number;
  report: DeliveryReport;
}

/**
 * Sends through a transport on behalf of the fabric's hosts.
 *
 * @example
 * ```ts
 * const messenger = new Messenger(transport, 0.05);
 * const { endMs, report } = await messenger.send({ from: "w0", to: "s0", bytes: 4e5, tag: "push" });
 * await messenger.control("w0", "sched"); // a control message: latency only
 * ```
 */
export class Messenger {
  /** Bytes delivered by `send` (control messages excluded). */
  bytesMoved = 0;
  /** The same bytes by the tag of their transfer (push, pull, relay, replica, ...). */
  readonly bytesByKind = new Map<string, number>();
  private readonly dead = new Set<string>();
  private readonly upFlows = new Map<string, number>();
  private readonly downFlows = new Map<string, number>();

  constructor(
    readonly transport: Transport,
    private readonly latencyMs: number,
  ) {}

  /** Now on the run's clock (ms). */
  now(): number {
    return this.transport.clock.now();
  }

  isDead(host: string): boolean {
    return this.dead.has(host);
  }

  /** Marks a host dead: it sends and receives nothing from now on. */
  kill(host: string): void {
    this.dead.add(host);
  }

  /** Moves `bytes` from one host to another; rejects with HostDeadError if either end is or becomes dead. */
  async send(spec: { from: string; to: string; bytes: number; tag: string }): Promise<Sent> {
    this.checkAlive(spec.from, spec.to);
    if (spec.from === spec.to) {
      const t = this.now();
      return { startMs: t, endMs: t, report: this.reportOf(spec, t, t, 0) };
    }
    this.bump(this.upFlows, spec.from, 1);
    this.bump(this.downFlows, spec.to, 1);
    let flows: { from: number; to: number } | undefined;
    try {
      const d = await this.transport.transfer(spec);
      flows = { from: this.upFlows.get(spec.from) ?? 1, to: this.downFlows.get(spec.to) ?? 1 };
      this.checkAlive(spec.from, spec.to);
      this.bytesMoved += spec.bytes;
      this.bytesByKind.set(spec.tag, (this.bytesByKind.get(spec.tag) ?? 0) + spec.bytes);
      const wireMs = Math.max(0, d.endMs - d.startMs - this.latencyMs);
      const report = this.reportOf(spec, d.startMs, d.endMs, wireMs, flows);
      return { startMs: d.startMs, endMs: d.endMs, report };
    } catch (error) {
      throw this.translate(error, spec.from, spec.to);
    } finally {
      this.bump(this.upFlows, spec.from, -1);
      this.bump(this.downFlows, spec.to, -1);
    }
  }

  /** A control message (a request, a decision, a report): no payload, it costs the latency. */
  async control(from: string, to: string): Promise<void> {
    this.checkAlive(from, to);
    try {
      await this.transport.transfer({ from, to, bytes: 0, tag: "control" });
    } catch (error) {
      throw this.translate(error, from, to);
    }
    this.checkAlive(from, to);
  }

  /** A transfer failed: if an end is dead, that is why (HostDeadError); otherwise the error stands. */
  private translate(error: unknown, from: string, to: string): unknown {
    if (error instanceof HostDeadError) return error;
    const gone = this.dead.has(from) ? from : this.dead.has(to) ? to : null;
    return gone === null ? error : new HostDeadError(gone);
  }

  private checkAlive(from: string, to: string): void {
    if (this.dead.has(from)) throw new HostDeadError(from);
    if (this.dead.has(to)) throw new HostDeadError(to);
  }

  private bump(map: Map<string, number>, host: string, by: number): void {
    map.set(host, (map.get(host) ?? 0) + by);
  }

  private reportOf(
    spec: { from: string; to: string; bytes: number },
    startMs: number,
    endMs: number,
    durationMs: number,
    flows = { from: 1, to: 1 },
  ): DeliveryReport {
    return {
      from: spec.from,
      to: spec.to,
      bytes: spec.bytes,
      startMs,
      endMs,
      durationMs,
      fromFlows: flows.from,
      toFlows: flows.to,
    };
  }
}
