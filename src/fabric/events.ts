/**
 * The fabric's events: its decisions (grant, aggregate, drop, apply, promote), faults and evaluations, as a
 * discriminated union on `type` with a fixed one-line text form for diffing two runs, delivered on an
 * `AsyncIterable`.
 */
import type { DropReason, EndReason } from "./records.ts";

/** The scheduler decided where an update goes. */
export interface DecisionEvent {
  type: "decision";
  atMs: number;
  id: number;
  worker: string;
  shard: number;
  destination: string;
  replicate: boolean;
}

/** An aggregator forwarded the sum of a group of updates. */
export interface AggregateEvent {
  type: "aggregate";
  atMs: number;
  shard: number;
  aggregator: string;
  ids: number[];
}

/** A primary applied a message. */
export interface ApplyEvent {
  type: "apply";
  atMs: number;
  shard: number;
  host: string;
  version: number;
  ids: number[];
  aggregated: boolean;
}

/** An update was dropped. */
export interface DropEvent {
  type: "drop";
  atMs: number;
  id: number;
  worker: string;
  shard: number;
  reason: DropReason;
}

/** A host was cut off: a kill fault, or the scheduler declared it dead after missed heartbeats. */
export interface KillEvent {
  type: "kill";
  atMs: number;
  role: "shard" | "worker" | "aggregator";
  host: string;
  cause: "fault" | "heartbeat";
  /** For cause "heartbeat": when the scheduler last heard from the host. */
  lastHeardMs: number | null;
}

/** A replica became its shard's primary; `lost` lists the updates only the dead primary had applied. */
export interface PromoteEvent {
  type: "promote";
  atMs: number;
  shard: number;
  host: string;
  version: number;
  lost: number[];
}

/** The model was evaluated. */
export interface EvalEvent {
  type: "eval";
  atMs: number;
  updates: number;
  loss: number;
  testAccuracy: number;
}

/** The run ended. */
export interface DoneEvent {
  type: "done";
  atMs: number;
  reason: EndReason;
}

/** Any fabric event; switch on `type`. */
export type FabricEvent =
  DecisionEvent | AggregateEvent | ApplyEvent | DropEvent | KillEvent | PromoteEvent | EvalEvent | DoneEvent;

/** Where the fabric emits events. */
export interface FabricEventSink {
  emit(event: FabricEvent): void;
}

const ms = (t: number): string => t.toFixed(3).padStart(11);

/**
 * The fixed one-line text form of an event.
 *
 * @example
 * ```ts
 * formatFabricEvent({ type: "apply", atMs: 12.5, shard: 0, host: "s0", version: 7, ids: [3, 9], aggregated: true });
 * // "     12.500 apply shard=0 host=s0 version=7 ids=3,9 aggregated"
 * ```
 */
export function formatFabricEvent(e: FabricEvent): string {
  switch (e.type) {
    case "decision":
      return `${ms(e.atMs)} decision id=${e.id} worker=${e.worker} shard=${e.shard} to=${e.destination}${e.replicate ? " replicate" : ""}`;
    case "aggregate":
      return `${ms(e.atMs)} aggregate shard=${e.shard} at=${e.aggregator} ids=${e.ids.join(",")}`;
    case "apply":
      return `${ms(e.atMs)} apply shard=${e.shard} host=${e.host} version=${e.version} ids=${e.ids.join(",")}${e.aggregated ? " aggregated" : ""}`;
    case "drop":
      return `${ms(e.atMs)} drop id=${e.id} worker=${e.worker} shard=${e.shard} reason=${e.reason}`;
    case "kill":
      return `${ms(e.atMs)} kill ${e.role} host=${e.host}${e.cause === "heartbeat" ? ` silentSince=${(e.lastHeardMs ?? 0).toFixed(3)}` : ""}`;
    case "promote":
      return `${ms(e.atMs)} promote shard=${e.shard} host=${e.host} version=${e.version} lost=${e.lost.join(",")}`;
    case "eval":
      return `${ms(e.atMs)} eval updates=${e.updates} loss=${e.loss.toFixed(6)} accuracy=${e.testAccuracy.toFixed(4)}`;
    case "done":
      return `${ms(e.atMs)} done ${e.reason}`;
  }
}

/**
 * An event sink that is also an `AsyncIterable`: each iterator receives every event emitted after it was
 * created, until `close()`. Nothing is buffered while no iterator exists, so an unread stream costs nothing;
 * to see a run's every event, start iterating before the run's first await (right after `train()` returns).
 *
 * @example
 * ```ts
 * const stream = new EventStream();
 * const lines: string[] = [];
 * const reading = (async () => { for await (const e of stream) lines.push(formatFabricEvent(e)); })();
 * stream.emit({ type: "done", atMs: 1, reason: "target" });
 * stream.close();
 * await reading; // lines: ["      1.000 done target"]
 * ```
 */
export class EventStream implements FabricEventSink, AsyncIterable<FabricEvent> {
  private readonly readers = new Set<{ queue: FabricEvent[]; wake: (() => void) | null }>();
  private closed = false;

  emit(event: FabricEvent): void {
    for (const r of this.readers) {
      r.queue.push(event);
      r.wake?.();
    }
  }

  close(): void {
    this.closed = true;
    for (const r of this.readers) r.wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<FabricEvent> {
    const reader: { queue: FabricEvent[]; wake: (() => void) | null } = { queue: [], wake: null };
    if (!this.closed) this.readers.add(reader);
    let head = 0;
    return {
      next: async (): Promise<IteratorResult<FabricEvent>> => {
        while (head >= reader.queue.length) {
          if (this.closed) {
            this.readers.delete(reader);
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => {
            reader.wake = resolve;
          });
          reader.wake = null;
        }
        const value = reader.queue[head++];
        if (head > 1024 && head * 2 > reader.queue.length) {
          reader.queue.splice(0, head);
          head = 0;
        }
        return { done: false, value };
      },
      return: (): Promise<IteratorResult<FabricEvent>> => {
        this.readers.delete(reader);
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
