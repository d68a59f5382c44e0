/**
 * The `heartbeat` option of a run: how often hosts send heartbeats and how long silence lasts before the
 * scheduler declares a host dead (failureDetector.ts does the detecting).
 */
import { checkKeys, need, numberIn, OP, optionalObject } from "./configChecks.ts";

/** How often hosts send heartbeats and how long silence lasts before a host is declared dead. */
export interface HeartbeatOptions {
  /** Milliseconds between two heartbeats of a host (default 50). */
  intervalMs: number;
  /** Silence, in ms, after which the scheduler declares a host dead (default 500). */
  timeoutMs: number;
}

/** The defaults: ten missed heartbeats. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 50, timeoutMs: 500 };

/**
 * Checks the `heartbeat` option against the clock and the network: the interval must be at least the
 * clock's resolution (or time would not advance), and the timeout must leave room for a heartbeat's trip
 * (interval plus latency), or healthy hosts would be declared dead.
 *
 * @example
 * ```ts
 * resolveHeartbeat({ intervalMs: 100, timeoutMs: 50 }, "virtual", 1);
 * // throws: fabric.train: heartbeat.timeoutMs is 50 ms but a heartbeat takes up to 101 ms (intervalMs + network.latencyMs): ...
 * ```
 */
export function resolveHeartbeat(
  raw: unknown,
  clock: "virtual" | "real",
  latencyMs: number,
): HeartbeatOptions {
  const o = optionalObject("heartbeat", raw) ?? {};
  checkKeys("heartbeat", o, ["intervalMs", "timeoutMs"]);
  const intervalMs = numberIn("heartbeat.intervalMs", o.intervalMs, DEFAULT_HEARTBEAT.intervalMs, 0, false);
  const timeoutMs = numberIn("heartbeat.timeoutMs", o.timeoutMs, DEFAULT_HEARTBEAT.timeoutMs, 0, false);
  const resolutionMs = clock === "real" ? 1 : 1e-3;
  need(
    intervalMs >= resolutionMs,
    () =>
      `${OP}: heartbeat.intervalMs is ${intervalMs} ms, below the ${clock} clock's resolution of ${resolutionMs} ms: heartbeats would not let time advance`,
  );
  const tripMs = intervalMs + latencyMs;
  need(
    timeoutMs > tripMs,
    () =>
      `${OP}: heartbeat.timeoutMs is ${timeoutMs} ms but a heartbeat takes up to ${tripMs} ms (intervalMs + network.latencyMs): every host would be declared dead`,
  );
  return { intervalMs, timeoutMs };
}
