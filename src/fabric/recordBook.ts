/**
 * Where a run writes its decisions: it creates the record of each update, marks it applied, dropped or
 * lost, logs every application at a store, and tells the event stream. One instance per run.
 */
import { assert } from "../core/assert.ts";
import type { FabricEventSink } from "./events.ts";
import type { ApplyEntry, DropReason, UpdateRecord } from "./records.ts";

/**
 * The records of one run.
 *
 * @example
 * ```ts
 * const book = new RecordBook(sink);
 * const id = book.create("w0", 0, 3, 10.5);
 * book.applied([id], 0, "s0", 5, [3], 11.2); // delay 5 - 1 - 3 = 1
 * book.records[id].path; // "direct"
 * ```
 */
export class RecordBook {
  readonly records: UpdateRecord[] = [];
  readonly applies: ApplyEntry[] = [];
  /** Updates applied (as the primary lineage sees it) so far. */
  appliedCount = 0;

  constructor(private readonly sink: FabricEventSink) {}

  /** A new update of `worker` for `shard`, computed on `baseVersion`. */
  create(worker: string, shard: number, baseVersion: number, atMs: number): number {
    const id = this.records.length;
    this.records.push({
      id,
      worker,
      shard,
      baseVersion,
      appliedVersion: null,
      delay: null,
      path: "pending",
      aggregatedWith: [],
      replicated: false,
      atMs,
      dropReason: null,
    });
    return id;
  }

  /**
   * A primary applied the message made of `ids` and reached `version`; each member's delay is
   * `version - 1 - base`. Aggregated when `aggregated` (an aggregator's sum), otherwise direct; BSP passes
   * its step's members with `aggregated` false.
   */
  applied(
    ids: readonly number[],
    shard: number,
    host: string,
    version: number,
    atMs: number,
    aggregated: boolean,
  ): void {
    this.applies.push({ atMs, shard, host, role: "primary", version, ids: [...ids] });
    this.markApplied(ids, version, atMs, aggregated);
    this.sink.emit({ type: "apply", atMs, shard, host, version, ids: [...ids], aggregated });
  }

  /** Writes the records of an application (without logging it: see `adopt`). */
  private markApplied(ids: readonly number[], version: number, atMs: number, aggregated: boolean): void {
    for (const id of ids) {
      const r = this.records[id];
      assert(r.path === "pending", () => `update ${id} applied twice (path ${r.path})`);
      r.path = aggregated ? "aggregated" : "direct";
      r.appliedVersion = version;
      r.delay = version - 1 - r.baseVersion;
      r.atMs = atMs;
      r.aggregatedWith = ids.length > 1 ? ids.filter((other) => other !== id) : [];
      this.appliedCount++;
    }
  }

  /** A replica applied the message made of `ids` and reached `version`. */
  replicated(ids: readonly number[], shard: number, host: string, version: number, atMs: number): void {
    this.applies.push({ atMs, shard, host, role: "replica", version, ids: [...ids] });
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
   * The promoted replica had applied these before the dead primary did (their primary copies were still in
   * flight): they stand, at the version the replica gave them (already in the log, as the replica's).
   */
  adopt(ids: readonly number[], version: number, atMs: number, aggregated: boolean): void {
    const pending = ids.filter((id) => this.records[id].path === "pending");
    if (pending.length === ids.length) this.markApplied(ids, version, atMs, aggregated);
  }
}
