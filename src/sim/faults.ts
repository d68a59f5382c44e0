/**
 * Fault injection: a schedule of kills and partitions, validated up front (a typo in a config file fails
 * before the run, naming the entry and the field), then fired on the simulator at their virtual times. The
 * fabric registers what a kill means (promote a replica, re-pull); a partition defaults to cutting the host
 * off the simulated network.
 */
import { ArgumentError } from "../core/errors.ts";
import type { Network } from "./network.ts";
import type { EventScheduler } from "./eventScheduler.ts";
import { describeValue } from "../core/options.ts";

/** The fabric roles a kill can target. */
export type FaultRole = "shard" | "worker" | "aggregator";

/** Kill one actor (a shard's primary, a worker, an aggregator) at `atMs`. */
export interface KillFault {
  atMs: number;
  kind: "kill";
  role: FaultRole;
  /** The actor's index or name within its role. */
  id: number | string;
}

/** Cut a host off the network at `atMs` for `durationMs`. */
export interface PartitionFault {
  atMs: number;
  kind: "partition";
  host: string;
  durationMs: number;
}

/**
 * One entry of a fault schedule. Switch on `kind`.
 *
 * @example
 * ```ts
 * const faults: Fault[] = [
 *   { atMs: 30_000, kind: "kill", role: "shard", id: 0 },
 *   { atMs: 45_000, kind: "partition", host: "w7", durationMs: 2_000 },
 * ];
 * ```
 */
export type Fault = KillFault | PartitionFault;

const roles: readonly FaultRole[] = ["shard", "worker", "aggregator"];
const fieldsOf = { kill: ["atMs", "kind", "role", "id"], partition: ["atMs", "kind", "host", "durationMs"] };

function validateOne(raw: unknown, where: string): Fault {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ArgumentError(`${where}: a fault must be an object but was ${describeValue(raw)}`);
  }
  const entry = raw as Record<string, unknown>;
  const kind = entry.kind;
  if (kind !== "kill" && kind !== "partition") {
    throw new ArgumentError(`${where}: kind must be "kill" or "partition" but was ${describeValue(kind)}`);
  }
  const allowed = fieldsOf[kind];
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) {
      throw new ArgumentError(`${where}: unknown field "${key}" (a ${kind} fault has ${allowed.join(", ")})`);
    }
  }
  const atMs = entry.atMs;
  if (typeof atMs !== "number" || !Number.isFinite(atMs) || atMs < 0) {
    throw new ArgumentError(`${where}: atMs must be a finite number >= 0 but was ${describeValue(atMs)}`);
  }
  if (kind === "kill") {
    const role = entry.role;
    if (!roles.includes(role as FaultRole)) {
      throw new ArgumentError(
        `${where}: role must be "shard", "worker" or "aggregator" but was ${describeValue(role)}`,
      );
    }
    const id = entry.id;
    const okId =
      (typeof id === "number" && Number.isInteger(id) && id >= 0) || (typeof id === "string" && id !== "");
    if (!okId) {
      throw new ArgumentError(
        `${where}: id must be a non-negative integer or a non-empty string but was ${describeValue(id)}`,
      );
    }
    return { atMs, kind, role: role as FaultRole, id };
  }
  const host = entry.host;
  if (typeof host !== "string" || host === "") {
    throw new ArgumentError(`${where}: host must be a non-empty string but was ${describeValue(host)}`);
  }
  const durationMs = entry.durationMs;
  if (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs <= 0) {
    throw new ArgumentError(
      `${where}: durationMs must be a finite number > 0 but was ${describeValue(durationMs)}`,
    );
  }
  return { atMs, kind, host, durationMs };
}

/**
 * Checks a fault schedule (from a config file or code) and returns it typed, sorted by time (stable).
 * Throws ArgumentError naming the entry and the field on anything unexpected, unknown fields included.
 *
 * @example
 * ```ts
 * validateFaults([{ atMs: 30_000, kind: "kill", role: "shard", id: 0 }]); // ok
 * validateFaults([{ atMs: 5, kind: "kill", role: "server", id: 0 }]);
 * // throws ArgumentError: faults[0]: role must be "shard", "worker" or "aggregator" but was "server"
 * ```
 */
export function validateFaults(faults: unknown, where = "faults"): Fault[] {
  if (!Array.isArray(faults)) {
    throw new ArgumentError(`${where} must be an array of faults but was ${describeValue(faults)}`);
  }
  const checked = (faults as unknown[]).map((raw, i) => validateOne(raw, `${where}[${i}]`));
  return checked
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i)
    .map(({ f }) => f);
}

/** What the fabric does when a fault fires. Without `partition`, a partition cuts the host off `network`. */
export interface FaultHandlers {
  kill(fault: KillFault): void;
  partition?(fault: PartitionFault): void;
}

/**
 * Validates `faults` and schedules them on `sim`; each is recorded in the trace when it fires. Returns a
 * handle that cancels the faults not fired yet.
 *
 * @example
 * ```ts
 * scheduleFaults(sim, config.faults, { kill: (f) => fabric.kill(f.role, f.id) }, { network: net });
 * ```
 */
export function scheduleFaults(
  sim: EventScheduler,
  faults: unknown,
  handlers: FaultHandlers,
  options: { network?: Network } = {},
): { cancel(): void } {
  const checked = validateFaults(faults);
  // A fault due at or before now (a real-time run starts a few ms after its clock) fires at the start, as
  // it would in virtual time, where runs start at 0.
  const now = sim.now();
  const network = options.network;
  if (
    handlers.partition === undefined &&
    network === undefined &&
    checked.some((f) => f.kind === "partition")
  ) {
    throw new ArgumentError("scheduleFaults: a partition fault needs handlers.partition or options.network");
  }
  const timers = checked.map((fault) =>
    sim.schedule(Math.max(now, fault.atMs), () => {
      sim.log?.append({ type: "fault", atMs: sim.now(), fault });
      if (fault.kind === "kill") handlers.kill(fault);
      else if (handlers.partition !== undefined) handlers.partition(fault);
      else network?.partition(fault.host, fault.atMs + fault.durationMs);
    }),
  );
  return {
    cancel: () => {
      for (const t of timers) sim.cancel(t);
    },
  };
}
