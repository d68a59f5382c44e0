/**
 * The network's internal state of hosts and flows. A flow's progress is kept lazily: `remainingBytes` and
 * `sentBytes` are exact at `lastMs`, and between rate changes the flow moves `rateBytesPerS` linearly, so
 * only the flows whose rate changes need to be touched on an event.
 */
import type { TimerId } from "./eventQueue.ts";
import type { TransferResult } from "./networkTypes.ts";

/**
 * A flow with fewer bytes than this left is done (rates and times are floating point, and a remainder of
 * 1e-12 bytes must not cost an event of its own).
 */
export const doneBytesEpsilon = 1e-6;

/**
 * A host's links and counters (internal to the network). Link `2 * index` is its uplink, `2 * index + 1`
 * its downlink.
 *
 * @example
 * ```ts
 * const h = new Host(3, "w3", 1.25e9, 1.25e9);
 * h.upLink; // 6
 * h.isPartitioned(0); // false
 * ```
 */
export class Host {
  partitionedUntilMs = -Infinity;
  sentBytes = 0;
  receivedBytes = 0;
  localBytes = 0;
  constructor(
    readonly index: number,
    readonly id: string,
    public upBytesPerS: number,
    public downBytesPerS: number,
  ) {}

  get upLink(): number {
    return 2 * this.index;
  }

  get downLink(): number {
    return 2 * this.index + 1;
  }

  isPartitioned(nowMs: number): boolean {
    return nowMs < this.partitionedUntilMs;
  }
}

/**
 * One flow on the network (internal): a transfer with a finite number of bytes, or a background flow
 * (Infinity bytes). Its progress is lazy: exact at `lastMs`, linear at `rateBytesPerS` since.
 *
 * @example
 * ```ts
 * const f = new Flow(0, a, b, 1e6, Infinity, "grad", 0, 1e6, 0);
 * f.setRate(1e9, 0); // f.finishMs === 1
 * f.advance(0.5); // f.remainingBytes === 5e5
 * ```
 */
export class Flow {
  rateBytesPerS = 0;
  sentBytes = 0;
  finishMs = Infinity;
  /** Position in the network's list of active flows (-1 when not on the network) and in its links' lists. */
  slot = -1;
  upPos = -1;
  downPos = -1;
  deliveryTimer: TimerId | undefined = undefined;
  settle: { resolve(result: TransferResult): void; reject(error: Error): void } | undefined = undefined;
  /** The sender's uplink and the receiver's downlink, cached off the hosts for the re-sharing loops. */
  readonly upLink: number;
  readonly downLink: number;

  constructor(
    readonly id: number,
    readonly from: Host,
    readonly to: Host,
    /** Requested bytes; Infinity for a background flow. */
    readonly bytes: number,
    readonly capBytesPerS: number,
    readonly tag: string,
    readonly startMs: number,
    public remainingBytes: number,
    public lastMs: number,
  ) {
    this.upLink = from.upLink;
    this.downLink = to.downLink;
  }

  get background(): boolean {
    return this.bytes === Infinity;
  }

  /** Brings `remainingBytes`/`sentBytes` up to `nowMs` at the current rate. */
  advance(nowMs: number): void {
    const dtMs = nowMs - this.lastMs;
    if (dtMs > 0 && this.rateBytesPerS > 0) {
      const moved = Math.min((this.rateBytesPerS * dtMs) / 1000, this.remainingBytes);
      this.remainingBytes -= moved;
      this.sentBytes += moved;
    }
    this.lastMs = nowMs;
  }

  /** Bytes sent by `nowMs`, without changing any state (so that reading statistics cannot change a run). */
  sentBytesAt(nowMs: number): number {
    const moved = (this.rateBytesPerS * Math.max(0, nowMs - this.lastMs)) / 1000;
    return this.sentBytes + Math.min(moved, this.remainingBytes);
  }

  /** Sets a new rate from `nowMs` (the flow must be advanced to `nowMs`) and the finish time it implies. */
  setRate(rateBytesPerS: number, nowMs: number): void {
    this.rateBytesPerS = rateBytesPerS;
    if (this.background) this.finishMs = Infinity;
    else if (this.remainingBytes < doneBytesEpsilon) this.finishMs = rateBytesPerS > 0 ? nowMs : Infinity;
    else this.finishMs = rateBytesPerS > 0 ? nowMs + (this.remainingBytes / rateBytesPerS) * 1000 : Infinity;
  }
}
