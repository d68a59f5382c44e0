/**
 * The simulator's trace: what happened on the simulated network and when, as a discriminated union with a
 * fixed one-line text form, so that two runs can be diffed line by line (`diff a.log b.log`) and a failing
 * seed's trace saved. The log keeps only a bounded window of recent events but fingerprints every event it
 * ever saw, so that long runs compare in constant memory.
 */
import { ArgumentError } from "../core/errors.ts";
import type { Fault } from "./faults.ts";

/** A flow entered the network (`bytes` is null for a background flow, whose demand is unbounded). */
export interface FlowStartEvent {
  type: "flowStart";
  atMs: number;
  flow: number;
  from: string;
  to: string;
  bytes: number | null;
  tag: string;
}

/** A flow left the network: its last byte was sent ("done"), it was stopped, or it was aborted. */
export interface FlowEndEvent {
  type: "flowEnd";
  atMs: number;
  flow: number;
  from: string;
  to: string;
  /** Bytes the flow moved in total. */
  bytes: number;
  tag: string;
  outcome: "done" | "stopped" | "aborted";
}

/** A host's link capacities changed (the values after the change). */
export interface CapacityEvent {
  type: "capacity";
  atMs: number;
  host: string;
  upBytesPerS: number;
  downBytesPerS: number;
}

/** A host was cut off from the network until `untilMs`. */
export interface PartitionEvent {
  type: "partition";
  atMs: number;
  host: string;
  untilMs: number;
}

/** A scheduled fault fired. */
export interface FaultEvent {
  type: "fault";
  atMs: number;
  fault: Fault;
}

/** Free text that a layer above (the fabric, a test) adds to the same trace. */
export interface NoteEvent {
  type: "note";
  atMs: number;
  text: string;
}

/**
 * Everything the simulator records. Switch on `type`.
 *
 * @example
 * ```ts
 * for (const e of log.events()) if (e.type === "flowEnd" && e.outcome === "aborted") console.log(e.flow);
 * ```
 */
export type SimEvent =
  FlowStartEvent | FlowEndEvent | CapacityEvent | PartitionEvent | FaultEvent | NoteEvent;

// String(x) is the shortest text that reads back as the same double, so equal lines mean bit-equal numbers.
const num = (x: number): string => String(x);

/**
 * The fixed one-line text form of an event: time first, then the type, then its fields in a fixed order.
 * Numbers print exactly (shortest round-trip form), so equal text means bit-identical values.
 *
 * @example
 * ```ts
 * formatEvent({ type: "flowStart", atMs: 1.5, flow: 3, from: "w0", to: "s1", bytes: 4096, tag: "grad" });
 * // "1.5 flowStart #3 w0->s1 bytes=4096 tag=grad"
 * formatEvent({ type: "partition", atMs: 0, host: "s1", untilMs: 250 });
 * // "0 partition s1 until=250"
 * ```
 */
export function formatEvent(e: SimEvent): string {
  switch (e.type) {
    case "flowStart":
      return `${num(e.atMs)} flowStart #${e.flow} ${e.from}->${e.to} bytes=${e.bytes === null ? "inf" : num(e.bytes)} tag=${e.tag}`;
    case "flowEnd":
      return `${num(e.atMs)} flowEnd #${e.flow} ${e.from}->${e.to} bytes=${num(e.bytes)} tag=${e.tag} ${e.outcome}`;
    case "capacity":
      return `${num(e.atMs)} capacity ${e.host} up=${num(e.upBytesPerS)} down=${num(e.downBytesPerS)}`;
    case "partition":
      return `${num(e.atMs)} partition ${e.host} until=${num(e.untilMs)}`;
    case "fault": {
      const f = e.fault;
      const what =
        f.kind === "kill" ? `kill ${f.role} ${String(f.id)}` : `partition ${f.host} for=${num(f.durationMs)}`;
      return `${num(e.atMs)} fault ${what}`;
    }
    case "note":
      return `${num(e.atMs)} note ${e.text.replace(/\n/g, "\\n")}`;
  }
}

/** Options of an {@link EventLog}. */
export interface EventLogOptions {
  /** How many recent events to keep (default 10,000; `Infinity` keeps all, for short runs only). */
  capacityEvents?: number;
  /** Called with every event as it is appended (e.g. to stream the trace to a file). */
  onEvent?: (event: SimEvent) => void;
}

/**
 * A bounded trace: the last `capacityEvents` events, a count of all of them, and a running fingerprint of
 * every event's text form (FNV-1a, two 32-bit lanes), so that two long runs compare by `digest()` alone.
 *
 * @example
 * ```ts
 * const log = new EventLog({ capacityEvents: 2 });
 * log.append({ type: "note", atMs: 0, text: "a" });
 * log.append({ type: "note", atMs: 1, text: "b" });
 * log.append({ type: "note", atMs: 2, text: "c" });
 * log.count; // 3
 * log.text(); // "1 note b\n2 note c" (the oldest was dropped)
 * log.digest(); // a 16-hex-digit fingerprint of all three
 * ```
 */
export class EventLog {
  readonly capacityEvents: number;
  private readonly onEvent: ((event: SimEvent) => void) | undefined;
  private ring: SimEvent[] = [];
  private head = 0; // index of the oldest kept event once the ring is full
  private total = 0;
  private h0 = 0x811c9dc5;
  private h1 = 0x5bd1e995;

  constructor(options: EventLogOptions = {}) {
    const capacity = options.capacityEvents ?? 10_000;
    if (!(capacity >= 0) || (Number.isFinite(capacity) && !Number.isInteger(capacity))) {
      throw new ArgumentError(
        `EventLog: capacityEvents must be a non-negative integer or Infinity but was ${String(capacity)}`,
      );
    }
    this.capacityEvents = capacity;
    this.onEvent = options.onEvent;
  }

  /** Records an event (the simulator, the network and fault injection call this). */
  append(event: SimEvent): void {
    this.total++;
    const line = formatEvent(event);
    let h0 = this.h0;
    let h1 = this.h1;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      h0 = Math.imul(h0 ^ c, 0x01000193);
      h1 = Math.imul(h1 ^ c, 0x5bd1e995) ^ (h1 >>> 15);
    }
    // A separator so that line boundaries are part of the fingerprint.
    this.h0 = Math.imul(h0 ^ 10, 0x01000193);
    this.h1 = Math.imul(h1 ^ 10, 0x5bd1e995) ^ (h1 >>> 15);
    if (this.capacityEvents > 0) {
      if (this.ring.length < this.capacityEvents) {
        this.ring.push(event);
      } else {
        this.ring[this.head] = event;
        this.head = (this.head + 1) % this.ring.length;
      }
    }
    this.onEvent?.(event);
  }

  /** How many events were appended in total (kept or not). */
  get count(): number {
    return this.total;
  }

  /** How many events were dropped from the window. */
  get dropped(): number {
    return this.total - this.ring.length;
  }

  /** The kept events, oldest first. */
  events(): SimEvent[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  /** The kept events in their one-line text form, joined by newlines. */
  text(): string {
    return this.events().map(formatEvent).join("\n");
  }

  /** A fingerprint of every event ever appended (16 hex digits): equal digests mean equal traces. */
  digest(): string {
    const hex = (h: number): string => (h >>> 0).toString(16).padStart(8, "0");
    return hex(this.h0) + hex(this.h1);
  }
}
