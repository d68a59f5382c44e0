/**
 * The deterministic discrete-event simulator: a virtual clock in milliseconds and a queue of timed events,
 * processed in (time, insertion order), so that a run replays bit for bit.
 *
 * The code that runs on it is ordinary async/await code (the fabric's actors), and some of it does real
 * asynchronous work (gradients computed on worker threads). Two rules keep virtual time independent of real
 * timing:
 * - after each batch of events at one virtual time, the loop lets every reaction run (microtasks, then rounds
 *   of `setImmediate` until a round schedules nothing new) before it looks at the queue again;
 * - real work goes through `realWork(promise)`: time does not advance while any is pending, and results are
 *   handed back in registration order (not in the order the real work happened to finish), so the
 *   continuations run in the same order on every run.
 */
import { assert } from "../core/assert.ts";
import { ArgumentError, DsfabricError, RuntimeStateError } from "../core/errors.ts";
import type { Clock } from "./clock.ts";
import type { EventLog } from "./events.ts";
import type { EventScheduler } from "./eventScheduler.ts";
import { EventQueue, QueueEntry } from "./eventQueue.ts";
import type { TimerId } from "./eventQueue.ts";

export type { TimerId } from "./eventQueue.ts";

/** Options of a {@link Simulator}. */
export interface SimulatorOptions {
  /** Virtual time at the start (default 0). */
  startMs?: number;
  /** Where the network, faults and notes record the trace; none by default (tracing costs time). */
  log?: EventLog;
}

/** Options of {@link Simulator.run}. */
export interface RunOptions {
  /** Process events due at or before this time, then stop with `now() === untilMs`. */
  untilMs?: number;
}

/**
 * An event callback threw; `cause` is what it threw, `atMs` when.
 *
 * @example
 * ```ts
 * sim.schedule(7, () => { throw new Error("boom"); });
 * await sim.run(); // rejects: SimulationError "simulated event at 7 ms failed: boom"
 * ```
 */
export class SimulationError extends DsfabricError {
  readonly atMs: number;
  constructor(atMs: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`simulated event at ${atMs} ms failed: ${why}`, { cause });
    this.name = "SimulationError";
    this.atMs = atMs;
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface RealWork {
  settled: Promise<void>;
  deliver(): void;
}

function checkTime(op: string, name: string, value: number): void {
  if (typeof value !== "number" || Number.isNaN(value) || value === Infinity || value === -Infinity) {
    throw new ArgumentError(`${op}: ${name} must be a finite number of ms but was ${String(value)}`);
  }
}

/**
 * A virtual-time clock and event loop.
 *
 * @example
 * ```ts
 * const sim = new Simulator();
 * const seen: number[] = [];
 * void (async () => {
 *   await sim.sleep(5);
 *   seen.push(sim.now());
 *   const g = await sim.realWork(computeGradientOnAWorkerThread()); // virtual time stands still meanwhile
 *   await sim.sleep(10); // the modelled compute time
 *   seen.push(sim.now());
 * })();
 * await sim.run();
 * seen; // [5, 15]
 * ```
 */
export class Simulator implements Clock, EventScheduler {
  readonly log: EventLog | undefined;
  private nowMs: number;
  private readonly queue = new EventQueue();
  private real: RealWork[] = [];
  // Bumped by every call that changes what the loop must do; quiesce() waits until it stops moving.
  private activity = 0;
  private running = false;
  private stopRequested = false;
  private fired = 0;

  constructor(options: SimulatorOptions = {}) {
    const startMs = options.startMs ?? 0;
    checkTime("Simulator", "startMs", startMs);
    this.nowMs = startMs;
    this.log = options.log;
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.nowMs;
  }

  /**
   * Resolves when virtual time reaches `now() + ms` (`ms` >= 0; 0 yields to the other events due now).
   *
   * @example
   * ```ts
   * await sim.sleep(250); // sim.now() grew by exactly 250
   * ```
   */
  sleep(ms: number): Promise<void> {
    checkTime("Simulator.sleep", "ms", ms);
    if (ms < 0) throw new ArgumentError(`Simulator.sleep: ms must be >= 0 but was ${ms}`);
    return new Promise((resolve) => {
      this.schedule(this.nowMs + ms, resolve);
    });
  }

  /**
   * Runs `fn` when virtual time reaches `atMs` (>= now). Events at the same time run in scheduling order.
   *
   * @example
   * ```ts
   * const id = sim.schedule(100, () => console.log("at", sim.now())); // prints "at 100" during run()
   * sim.cancel(id); // or not
   * ```
   */
  schedule(atMs: number, fn: () => void): TimerId {
    checkTime("Simulator.schedule", "atMs", atMs);
    if (atMs < this.nowMs) {
      throw new ArgumentError(
        `Simulator.schedule: atMs=${atMs} is in the past (now=${this.nowMs}); events cannot go back in time`,
      );
    }
    this.activity++;
    return this.queue.push(atMs, fn);
  }

  /**
   * Runs `fn` after `delayMs` (>= 0) of virtual time.
   *
   * @example
   * ```ts
   * sim.after(10, () => {}); // same as sim.schedule(sim.now() + 10, ...)
   * ```
   */
  after(delayMs: number, fn: () => void): TimerId {
    checkTime("Simulator.after", "delayMs", delayMs);
    if (delayMs < 0) throw new ArgumentError(`Simulator.after: delayMs must be >= 0 but was ${delayMs}`);
    return this.schedule(this.nowMs + delayMs, fn);
  }

  /**
   * Cancels a scheduled event; a no-op if it already ran or was cancelled.
   *
   * @example
   * ```ts
   * sim.cancel(sim.schedule(5, () => {})); // never runs
   * ```
   */
  cancel(id: TimerId): void {
    if (!(id instanceof QueueEntry))
      throw new ArgumentError("Simulator.cancel: not a TimerId of a Simulator");
    this.activity++;
    this.queue.cancel(id);
  }

  /**
   * Registers real asynchronous work (a computation on a worker thread, file I/O). Virtual time does not
   * advance until it settles, and its result is delivered, in registration order with any other real work
   * pending at the same time, only once all of them have settled: so neither the virtual timestamps nor the
   * order of continuations depend on how fast the real work ran. The work must not wait on virtual time
   * (that would deadlock) and should be registered from simulated code, not from inside other real work.
   *
   * @example
   * ```ts
   * const gradient = await sim.realWork(pool.run(batch)); // sim.now() is unchanged afterwards
   * ```
   */
  realWork<T>(work: Promise<T>): Promise<T> {
    if (!(work instanceof Promise)) throw new ArgumentError("Simulator.realWork: expected a Promise");
    this.activity++;
    let outcome: Outcome<T> | undefined;
    return new Promise<T>((resolve, reject) => {
      const settled = work.then(
        (value) => {
          outcome = { ok: true, value };
        },
        (error: unknown) => {
          outcome = { ok: false, error };
        },
      );
      this.real.push({
        settled,
        deliver: () => {
          assert(outcome !== undefined, () => "Simulator: real work delivered before it settled");
          if (outcome.ok) resolve(outcome.value);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the real work's own reason, unchanged
          else reject(outcome.error);
        },
      });
    });
  }

  /**
   * Adds a free-text note to the trace (if the simulator has a log).
   *
   * @example
   * ```ts
   * sim.note("shard 3 promoted its replica");
   * ```
   */
  note(text: string): void {
    this.log?.append({ type: "note", atMs: this.nowMs, text });
  }

  /**
   * Processes events until none remain and no real work is pending, or until `untilMs` (then `now()` is
   * `untilMs`), or until `stop()`. Rejects with a {@link SimulationError} if an event callback throws.
   *
   * @example
   * ```ts
   * await sim.run({ untilMs: 60_000 }); // one simulated minute
   * await sim.run(); // the rest
   * ```
   */
  async run(options: RunOptions = {}): Promise<void> {
    const untilMs = options.untilMs;
    if (untilMs !== undefined) checkTime("Simulator.run", "untilMs", untilMs);
    if (this.running) throw new RuntimeStateError("Simulator.run: the simulator is already running");
    this.running = true;
    this.stopRequested = false;
    try {
      for (;;) {
        await this.quiesce();
        if (this.stopRequested) return;
        const top = this.queue.peek();
        if (top !== undefined && top.atMs <= this.nowMs) {
          this.fireDue();
          continue;
        }
        // Nothing else is due now: before time moves on, all real work must be back.
        if (this.real.length > 0) {
          const batch = this.real;
          this.real = [];
          await Promise.all(batch.map((w) => w.settled));
          for (const w of batch) w.deliver();
          continue;
        }
        if (top === undefined || (untilMs !== undefined && top.atMs > untilMs)) break;
        this.nowMs = top.atMs;
        this.fireDue();
      }
      if (untilMs !== undefined && this.nowMs < untilMs) this.nowMs = untilMs;
    } finally {
      this.running = false;
    }
  }

  /** Makes `run()` return after the current batch of events (pending events stay queued). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Events scheduled and not yet run or cancelled. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Real work registered and not yet delivered. */
  get pendingRealWork(): number {
    return this.real.length;
  }

  /** Events run so far. */
  get eventsFired(): number {
    return this.fired;
  }

  private fireDue(): void {
    for (let top = this.queue.peek(); top !== undefined && top.atMs <= this.nowMs; top = this.queue.peek()) {
      this.queue.pop();
      const fn = top.fn as () => void;
      top.fn = null;
      this.fired++;
      try {
        fn();
      } catch (error) {
        throw new SimulationError(this.nowMs, error);
      }
    }
  }

  /** Lets every reaction to the last batch run: rounds of setImmediate until one schedules nothing new. */
  private async quiesce(): Promise<void> {
    let seen: number;
    do {
      seen = this.activity;
      await new Promise<void>((resolve) => setImmediate(resolve));
    } while (seen !== this.activity);
  }
}
