/**
 * Failure detection by heartbeats: every worker, shard primary and replica sends a control message to the
 * scheduler every `intervalMs`; the scheduler declares a worker or a shard's current primary dead once it
 * has heard nothing from it for more than `timeoutMs`. A kill fault is announced (its connections reset at
 * once); a host that is partitioned or hung announces nothing, and this is how the run finds out.
 *
 * Why heartbeats travel as ordinary control messages: a partitioned host's messages wait on its links like
 * any other transfer, so a heartbeat is late for exactly the reason the host's real work is late, on both
 * clocks. A slow link does not delay them (a control message carries no payload), so congestion is never
 * mistaken for death. Why a declared host is fenced (cut off for good, see kill.ts) rather than waited for:
 * once its replica is promoted, a primary coming back would be a second writer of the same shard.
 */
import type { HeartbeatOptions } from "./configHeartbeat.ts";
import { HostDeadError } from "./messenger.ts";
import type { KillTarget } from "./policies/policy.ts";
import type { FabricRun } from "./run.ts";

/**
 * Whether a host heard from last at `lastHeardMs` is dead at `nowMs`: silence longer than the timeout.
 *
 * @example
 * ```ts
 * silentTooLong(1_600, 1_000, { intervalMs: 50, timeoutMs: 500 }); // true: 600 ms of silence
 * silentTooLong(1_400, 1_000, { intervalMs: 50, timeoutMs: 500 }); // false
 * ```
 */
export function silentTooLong(nowMs: number, lastHeardMs: number, options: HeartbeatOptions): boolean {
  return nowMs - lastHeardMs > options.timeoutMs;
}

/**
 * Starts the heartbeats of every host and the scheduler's watch over them; `declareDead` is called once
 * per host found silent (a worker, or a shard's primary at that moment), with when it was last heard.
 * Everything stops with the run.
 *
 * @example
 * ```ts
 * startFailureDetector(run, { intervalMs: 50, timeoutMs: 500 }, (target, lastHeardMs) =>
 *   cutOff(run, policy, target, { cause: "heartbeat", lastHeardMs }),
 * );
 * ```
 */
export function startFailureDetector(
  run: FabricRun,
  options: HeartbeatOptions,
  declareDead: (target: KillTarget, lastHeardMs: number) => void,
): void {
  const { layout } = run.config;
  const clock = run.env.transport.clock;
  const lastHeardMs = new Map<string, number>();
  const start = run.now();
  const senders = [...layout.workers, ...layout.shards, ...layout.replicas.filter((r) => r !== null)];
  for (const host of senders) lastHeardMs.set(host, start);

  const beat = async (host: string): Promise<void> => {
    while (!run.stopped && !run.messenger.isDead(host)) {
      try {
        await run.messenger.control(host, layout.scheduler);
      } catch (error) {
        if (error instanceof HostDeadError) return; // fenced or killed: it sends nothing more
        throw error;
      }
      lastHeardMs.set(host, run.now());
      await clock.sleep(options.intervalMs);
    }
  };

  const watched = (): KillTarget[] => [
    ...run.aliveWorkers().map((w) => ({ role: "worker" as const, host: w.host, index: w.index })),
    ...run.shards.map((s) => ({ role: "shard" as const, host: s.primary.host, index: s.index })),
  ];

  const watch = async (): Promise<void> => {
    while (!run.stopped) {
      await clock.sleep(options.intervalMs);
      if (run.stopped) return;
      const now = run.now();
      for (const target of watched()) {
        if (run.stopped) return;
        if (run.messenger.isDead(target.host)) continue;
        const heard = lastHeardMs.get(target.host) ?? start;
        if (silentTooLong(now, heard, options)) declareDead(target, heard);
      }
    }
  };

  const failRun = (error: unknown): void => {
    if (!run.stopped) run.fail(error);
  };
  for (const host of senders) beat(host).catch(failRun);
  watch().catch(failRun);
}
