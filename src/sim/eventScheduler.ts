/**
 * What the network model needs from a clock: the current time, timed callbacks and cancellation, and an
 * optional trace. The `Simulator` implements it on virtual time; `net/realTimeScheduler.ts` on real time,
 * so that one link model (max-min fair sharing, latency, partitions) serves both clocks.
 */
import type { EventLog } from "./events.ts";
import type { TimerId } from "./eventQueue.ts";

/**
 * A clock that runs callbacks at given times.
 *
 * @example
 * ```ts
 * function inTenMs(s: EventScheduler, fn: () => void): TimerId {
 *   return s.schedule(s.now() + 10, fn); // the same call on a Simulator or a RealTimeScheduler
 * }
 * ```
 */
export interface EventScheduler {
  /** The current time in ms. */
  now(): number;
  /** Runs `fn` when the time reaches `atMs`. */
  schedule(atMs: number, fn: () => void): TimerId;
  /** Runs `fn` after `delayMs`. */
  after(delayMs: number, fn: () => void): TimerId;
  /** Cancels a scheduled callback; a no-op if it already ran or was cancelled. */
  cancel(id: TimerId): void;
  /** Where events are recorded, if anywhere. */
  readonly log: EventLog | undefined;
}
