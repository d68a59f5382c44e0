/**
 * Progress of a training run on the terminal: a cli-progress bar over the run's time budget when stdout is a
 * TTY, and otherwise (CI logs, a pipe) one plain line every few seconds of real time plus a last line at the
 * end, so that logs stay readable and diffable.
 */
import { SingleBar } from "cli-progress";
import type { Clock } from "../sim/clock.ts";

/** One progress report of a run (what `fabric.train`'s onProgress gives, as the CLI shows it). */
export interface ProgressEvent {
  /** Seconds since the start, on the run's clock. */
  timeS: number;
  /** Updates applied so far. */
  updates: number;
  /** Latest test accuracy, when one was measured. */
  testAccuracy?: number;
  /** Latest training loss, when one was measured. */
  loss?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Shown before the bar or at the start of each line, e.g. the policy name. */
  label: string;
  /** The run's time budget (`target.maxTimeS`): the bar's 100%. */
  totalS: number;
  /** Paces the log lines in non-TTY mode (pass `realClock`). */
  clock: Clock;
  /** Where to write (default `process.stdout`); a bar is drawn only when it is a TTY. */
  stream?: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown };
  /** Real milliseconds between two log lines in non-TTY mode (default 5000). */
  logEveryMs?: number;
}

/** A progress display; call `stop()` once the run ends (it prints the last state). */
export interface Progress {
  update(event: ProgressEvent): void;
  stop(): void;
}

const num = (v: number | undefined, digits: number) => (v === undefined ? "-" : v.toFixed(digits));

/**
 * The fixed one-line text form of a progress event (used by the non-TTY mode).
 *
 * @example
 * ```ts
 * progressLine("mlfabric", 60, { timeS: 12.5, updates: 840, testAccuracy: 0.8123, loss: 0.61 });
 * // "[mlfabric] t=12.50 s (21%) updates=840 accuracy=0.8123 loss=0.6100"
 * ```
 */
export function progressLine(label: string, totalS: number, e: ProgressEvent): string {
  const percent = totalS > 0 ? Math.min(100, Math.floor((100 * e.timeS) / totalS)) : 0;
  return `[${label}] t=${e.timeS.toFixed(2)} s (${percent}%) updates=${e.updates} accuracy=${num(e.testAccuracy, 4)} loss=${num(e.loss, 4)}`;
}

/**
 * Starts a progress display.
 *
 * @example
 * ```ts
 * const progress = createProgress({ label: "mlfabric", totalS: 60, clock: realClock });
 * progress.update({ timeS: 3, updates: 200, testAccuracy: 0.41 });
 * progress.stop();
 * ```
 */
export function createProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stdout;
  return stream.isTTY === true ? barProgress(o, stream as NodeJS.WriteStream) : lineProgress(o, stream);
}

function barProgress(o: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({
    stream,
    format: `${o.label.padEnd(10)} [{bar}] {percentage}% | t {time} s | updates {updates} | accuracy {accuracy}`,
    barsize: 30,
    hideCursor: true,
  });
  const payload = (e: ProgressEvent) => ({
    time: e.timeS.toFixed(1),
    updates: e.updates,
    accuracy: num(e.testAccuracy, 4),
  });
  bar.start(o.totalS, 0, payload({ timeS: 0, updates: 0 }));
  return {
    update: (e) => bar.update(Math.min(e.timeS, o.totalS), payload(e)),
    stop: () => bar.stop(),
  };
}

function lineProgress(o: ProgressOptions, stream: { write(text: string): unknown }): Progress {
  const every = o.logEveryMs ?? 5000;
  let lastLogMs = -Infinity;
  let last: ProgressEvent | undefined;
  let lastPrinted: ProgressEvent | undefined;
  const print = (e: ProgressEvent) => {
    stream.write(`${progressLine(o.label, o.totalS, e)}\n`);
    lastPrinted = e;
  };
  return {
    update(e) {
      last = e;
      const now = o.clock.now();
      if (now - lastLogMs >= every) {
        lastLogMs = now;
        print(e);
      }
    },
    stop() {
      if (last !== undefined && last !== lastPrinted) print(last);
    },
  };
}
