/**
 * Attribute objects that many tasks share (the program of a fused chain is one object for every block)
 * are sent to a worker once and then named by a number, so a batch of 1,000 small tasks does not clone
 * the same expression tree 1,000 times, and the worker compiles it once. Both sides keep the last
 * `SHARED_TABLE_SIZE` values in insertion order; the sender mirrors the worker's table exactly, because the
 * worker inserts definitions in the order they were sent.
 */
import type { SharedDefinitions, WireTask } from "./wire.ts";

export const SHARED_TABLE_SIZE = 1024;

const idOf = new WeakMap<object, number>();
let nextId = 1;

/** Only plain objects are shared by identity; arrays and typed arrays are per task (pieces, indices). */
function shareable(v: unknown): v is object {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The main thread's record of what one worker's table holds. */
export class SharedValueSender {
  private readonly sent = new Map<number, true>();

  /** Splits `attrs` into what travels inline and references to shared values (sending new ones). */
  encode(attrs: unknown): Pick<WireTask, "attrs" | "shared" | "definitions"> {
    if (typeof attrs !== "object" || attrs === null)
      return { attrs: {}, shared: undefined, definitions: undefined };
    const source = attrs as Record<string, unknown>;
    let inline: Record<string, unknown> | undefined;
    let shared: [string, number][] | undefined;
    let definitions: SharedDefinitions | undefined;
    for (const key in source) {
      const v = source[key];
      if (!shareable(v)) continue;
      let id = idOf.get(v);
      if (id === undefined) idOf.set(v, (id = nextId++));
      if (!this.sent.has(id)) {
        (definitions ??= []).push([id, v]);
        this.sent.set(id, true);
        if (this.sent.size > SHARED_TABLE_SIZE) this.sent.delete(this.sent.keys().next().value as number);
      }
      inline ??= { ...source };
      delete inline[key];
      (shared ??= []).push([key, id]);
    }
    return { attrs: inline ?? source, shared, definitions };
  }

  /** A replaced worker starts with an empty table. */
  reset(): void {
    this.sent.clear();
  }
}

/** A worker's table of shared values. */
export class SharedValueTable {
  private readonly values = new Map<number, unknown>();

  /** The task's attributes with its shared fields filled in (after adding its definitions). */
  decode(task: WireTask): unknown {
    if (task.definitions !== undefined) {
      for (const [id, v] of task.definitions) {
        this.values.set(id, v);
        if (this.values.size > SHARED_TABLE_SIZE)
          this.values.delete(this.values.keys().next().value as number);
      }
    }
    if (task.shared === undefined) return task.attrs;
    const attrs = { ...task.attrs };
    for (const [key, id] of task.shared) {
      if (!this.values.has(id))
        throw new Error(`dsfabric internal error: shared value ${id} is not in the table`);
      attrs[key] = this.values.get(id);
    }
    return attrs;
  }
}
