/**
 * Where a run writes its decisions: it creates the record of each update, marks it applied, dropped or
 * lost, logs every application at a store, and tells the event stream. One instance per run.
 */
import { assert } from "../core/assert.ts";
import type { FabricEventSink } from "./events.ts";
import type { ApplyEntry, DropReason, UpdateRecord } from "./records.ts";

/** A store's host and counters after an application. */
export interface StoreState {
  host: string;
  version: number;
  updates: number;
}

/**
 * The records of one run.
 *
 * @example
 * ```ts
 * const book = new RecordBook(sink);
 * const id = book.create("w0", 0, 3, 3, 10.5);
 * book.applied([id], 0, { host: "s0", version: 5, updates: 5 }, 11.2, false); // delay 5 - 1 - 3 = 1
 * book.records[id].path; // "direct"
 * ```
 */
export class RecordBook {
  readonly records: UpdateRecord[] = [];
  readonly applies: ApplyEntry[] = [];
  /** Updates applied (as the primary lineage sees it) so far. */
  appliedCount = 0;

  constructor(private readonly sink: FabricEventSink) {}

  /** A new update of `worker` for `shard`, computed on `baseVersion` (when the shard had `baseUpdates`). */
  create(worker: string, shard: number, baseVersion: number, baseUpdates: number, atMs: number): number {
    const id = this.records.length;
    this.records.push({
      id,
      worker,
      shard,
      baseVersion,
      baseUpdates,
      appliedVersion: null,
      delay: null,
      stalenessUpdates: null,
      path: "pending",
      aggregatedWith: [],
      replicated: false,
      atMs,
      dropReason: null,
    });
    return id;
  }

  /**
   * A primary (`store`: its host and counters after the application) applied the message made of `ids`.
   * Each member's delay is `version - 1 - baseVersion` and its staleness `updates before - baseUpdates`.
   * Aggregated when `aggregated` (an aggregator's sum), otherwise direct; BSP passes its step's members with
   * `aggregated` false.
   */
  applied(ids: readonly number[], shard: number, store: StoreState, atMs: number, aggregated: boolean): void {
    const { host, version, updates } = store;
    this.applies.push({ atMs, shard, host, role: "primary", version, updates, ids: [...ids] });
    this.markApplied(ids, version, updates - ids.length, atMs, aggregated);
    this.sink.emit({ type: "apply", atMs, shard, host, version, ids: [...ids], aggregated });
  }

  /** Writes the records of an application (without logging it: see `adopt`). */
  private markApplied(
    ids: readonly number[],
    version: number,
    updatesBefore: number,
    atMs: number,
    aggregated: boolean,
  ): void {
    for (const id of ids) {
      const r = this.records[id];
      assert(r.path === "pending", () => `update ${id} applied twice (path ${r.path})`);
      r.path = aggregated ? "aggregated" : "direct";
      r.appliedVersion = version;
      r.delay = version - 1 - r.baseVersion;
      r.stalenessUpdates = updatesBefore - r.baseUpdates;
      r.atMs = atMs;
      r.aggregatedWith = ids.length > 1 ? ids.filter((other) => other !== id) : [];
      this.appliedCount++;
    }
  }

  /** A replica (`store`: its host and counters after the application) applied the message made of `ids`. */
  replicated(ids: readonly number[], shard: number, store: StoreState, atMs: number): void {
    const { host, version, updates } = store;
    this.applies.push({ atMs, shard, host, role: "replica", version, updates, ids: [...ids] });
    for (const id of ids) this.records[id].replicated = true;
  }

  /** The update was never applied (and will not be). */
  dropped(id: number, reason: DropReason, atMs: number): void {
    const r = this.records[id];
    if (r.path !== "pending") return; // already decided (a failover may drop what a failed transfer dropped)
    r.path = "dropped";
    r.dropReason = reason;
    r.atMs = atMs;
    this.sink.emit({ type: "drop", atMs, id, worker: r.worker, shard: r.shard, reason });
  }

  /** The primary that applied these died before its replica applied them. */
  lost(ids: readonly number[], atMs: number): void {
    for (const id of ids) {
      const r = this.records[id];
      assert(r.path === "direct" || r.path === "aggregated", () => `update ${id} lost but was ${r.path}`);
      r.path = "lost";
      r.atMs = atMs;
      this.appliedCount--;
    }
  }

  /**
   * The promoted replica had applied this message before the dead primary did (its primary copy was still
   * in flight): its updates stand as the replica applied them (already in the log, as the replica's).
   */
  adopt(entry: {
    ids: readonly number[];
    version: number;
    updates: number;
    atMs: number;
    aggregated: boolean;
  }): void {
    if (entry.ids.some((id) => this.records[id].path !== "pending")) return;
    this.markApplied(
      entry.ids,
      entry.version,
      entry.updates - entry.ids.length,
      entry.atMs,
      entry.aggregated,
    );
  }
}
