/**
 * The simulator's event-scheduling surface (`now`, `schedule`, `after`, `cancel`, `sleep`, `log`) driven by
 * the machine's monotonic clock and Node's timers, so that the simulator's `Network` (max-min fair link
 * sharing, latency, partitions) runs unchanged in real time. One concept: a timed event queue whose earliest
 * entry holds exactly one armed timer.
 *
 * Timers are ref'd: the process stays alive while any event is pending (a transfer in flight, a sleep), and
 * nothing is armed once the queue is empty, so the process exits when the emulated network is idle. Node's
 * timers have millisecond granularity and may fire a little early: an event that is due within
 * {@link realTimeEarlyMs} is run at once and the clock is advanced to its due time, so a callback always sees
 * `now() >= atMs`, as on the simulator, and the clock never goes back.
 */
import { SimulationError } from "../sim/simulator.ts";
import { ArgumentError } from "../core/errors.ts";
import type { Clock } from "../sim/clock.ts";
import type { EventLog } from "../sim/events.ts";
import type { EventScheduler } from "../sim/eventScheduler.ts";
import { EventQueue, QueueEntry } from "../sim/eventQueue.ts";
import type { TimerId } from "../sim/eventQueue.ts";

/** How early (ms) a timer may fire and still run its event: about Node's timer granularity. */
export const realTimeEarlyMs = 1;

/** The longest delay Node's setTimeout honours (about 24.8 days). */
const maxTimerDelayMs = 2 ** 31 - 1;

/** Options of a {@link RealTimeScheduler}. */
export interface RealTimeSchedulerOptions {
  /** Where the network records its trace (flow starts and ends, capacity changes); none by default. */
  log?: EventLog;
  /**
   * Receives a {@link SimulationError} wrapping what an event callback threw (the other due events still
   * run). Default: rethrow it from the timer, which crashes the process like any uncaught error, since a
   * throwing network callback is a bug.
   */
  onError?: (error: SimulationError) => void;
}

function checkTime(op: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ArgumentError(`${op}: ${name} must be a finite number of ms but was ${String(value)}`);
  }
}

/**
 * A real-time event scheduler with the simulator's interface; `now()` counts ms from its creation.
 *
 * @example
 * ```ts
 * const clock = new RealTimeScheduler();
 * const network = new Network(clock, { hosts, latencyMs: 0.05 }); // the simulator's model, in real time
 * clock.schedule(clock.now() + 20, () => console.log(clock.now())); // prints about 20
 * await clock.sleep(30);
 * clock.pendingEvents; // 0: nothing keeps the process alive any more
 * ```
 */
export class RealTimeScheduler implements Clock, EventScheduler {
  readonly log: EventLog | undefined;
  private readonly originMs = performance.now();
  private readonly onError: ((error: SimulationError) => void) | undefined;
  private readonly queue = new EventQueue();
  // The due time of the event the armed timer is for: Infinity when none is armed, -Infinity for setImmediate.
  private armedAtMs = Infinity;
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private firing = false;
  // The due time of the latest event run: the clock never reads less (see realTimeEarlyMs).
  private floorMs = 0;
  private fired = 0;

  constructor(options: RealTimeSchedulerOptions = {}) {
    this.log = options.log;
    this.onError = options.onError;
  }

  /** Milliseconds since this scheduler was created (monotonic). */
  now(): number {
    return Math.max(performance.now() - this.originMs, this.floorMs);
  }

  /**
   * Resolves after `ms` (>= 0) of real time; keeps the process alive meanwhile.
   *
   * @example
   * ```ts
   * await clock.sleep(5);
   * ```
   */
  sleep(ms: number): Promise<void> {
    checkTime("RealTimeScheduler.sleep", "ms", ms);
    if (ms < 0) throw new ArgumentError(`RealTimeScheduler.sleep: ms must be >= 0 but was ${ms}`);
    return new Promise((resolve) => {
      this.schedule(this.now() + ms, resolve);
    });
  }

  /**
   * Runs `fn` when the clock reaches `atMs`; a time already past runs as soon as possible (real time moves
   * on while the caller computes). Events due together run in (time, scheduling) order.
   *
   * @example
   * ```ts
   * const id = clock.schedule(clock.now() + 100, () => {});
   * clock.cancel(id);
   * ```
   */
  schedule(atMs: number, fn: () => void): TimerId {
    checkTime("RealTimeScheduler.schedule", "atMs", atMs);
    const entry = this.queue.push(atMs, fn);
    this.arm();
    return entry;
  }

  /**
   * Runs `fn` after `delayMs` (>= 0).
   *
   * @example
   * ```ts
   * clock.after(10, () => {});
   * ```
   */
  after(delayMs: number, fn: () => void): TimerId {
    checkTime("RealTimeScheduler.after", "delayMs", delayMs);
    if (delayMs < 0)
      throw new ArgumentError(`RealTimeScheduler.after: delayMs must be >= 0 but was ${delayMs}`);
    return this.schedule(this.now() + delayMs, fn);
  }

  /**
   * Cancels an event; a no-op if it already ran or was cancelled. With nothing left, no timer stays armed.
   *
   * @example
   * ```ts
   * clock.cancel(clock.after(5, () => {})); // never runs; the process may exit
   * ```
   */
  cancel(id: TimerId): void {
    if (!(id instanceof QueueEntry)) {
      throw new ArgumentError("RealTimeScheduler.cancel: not a TimerId of a RealTimeScheduler");
    }
    this.queue.cancel(id);
    if (this.queue.size === 0) this.disarm();
  }

  /**
   * Adds a free-text note to the trace (if there is a log), as `Simulator.note` does.
   *
   * @example
   * ```ts
   * clock.note("epoch 3 done");
   * ```
   */
  note(text: string): void {
    this.log?.append({ type: "note", atMs: this.now(), text });
  }

  /**
   * Drops every pending event and disarms the timer: for the end of a run, whose actors' sleeps, link
   * completions and partition ends would otherwise keep the process alive until they fall due. Their
   * promises never settle, as with `Simulator.stop`. Events scheduled afterwards run as usual.
   *
   * @example
   * ```ts
   * clock.after(60_000, () => {});
   * clock.stop(); // the process may exit now
   * ```
   */
  stop(): void {
    while (this.queue.pop() !== undefined);
    this.disarm();
  }

  /** Events scheduled and not yet run or cancelled. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Events run so far. */
  get eventsFired(): number {
    return this.fired;
  }

  /** Arms one timer for the earliest event, unless one is armed for it or earlier already. */
  private arm(): void {
    if (this.firing) return; // fire() arms when its batch is done
    const top = this.queue.peek();
    if (top === undefined) {
      this.disarm();
      return;
    }
    if (top.atMs >= this.armedAtMs) return;
    this.disarm();
    const delayMs = top.atMs - this.now();
    if (delayMs <= realTimeEarlyMs) {
      this.armedAtMs = -Infinity;
      this.immediate = setImmediate(this.fire);
    } else {
      this.armedAtMs = top.atMs;
      // Node clamps delays over 2^31 - 1 ms to 1 ms; a far event re-arms when the longest timer fires.
      this.timeout = setTimeout(this.fire, Math.min(Math.round(delayMs), maxTimerDelayMs));
    }
  }

  private disarm(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
    this.armedAtMs = Infinity;
  }

  /** Runs every event due (within realTimeEarlyMs), in order, then re-arms for the next. */
  private readonly fire = (): void => {
    this.timeout = undefined;
    this.immediate = undefined;
    this.armedAtMs = Infinity;
    let failure: SimulationError | undefined;
    this.firing = true;
    try {
      for (let top = this.queue.peek(); top !== undefined; top = this.queue.peek()) {
        if (top.atMs > performance.now() - this.originMs + realTimeEarlyMs) break;
        this.queue.pop();
        if (top.atMs > this.floorMs) this.floorMs = top.atMs;
        const fn = top.fn as () => void;
        top.fn = null;
        this.fired++;
        try {
          fn();
        } catch (error) {
          const wrapped = new SimulationError(this.now(), error);
          if (this.onError === undefined) failure ??= wrapped;
          else this.onError(wrapped);
        }
      }
    } finally {
      this.firing = false;
      this.arm();
    }
    if (failure !== undefined) throw failure;
  };
}
