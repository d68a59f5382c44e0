/**
 * Attribute objects that many tasks share travel to a worker once and are then named by a number. The
 * program of a fused chain is one object for every block, and the array layer reuses one attributes object
 * for all blocks of a shape, so a batch of 1,000 small tasks does not clone the same objects 1,000 times and
 * the worker compiles a program once. An attributes object met a second time is shared whole; on its first
 * trip only its plain-object fields are (the program). Both sides keep the last `SHARED_TABLE_SIZE` values
 * in insertion order; the sender mirrors the worker's table exactly, because the worker inserts
 * definitions in the order they were sent, each task's before the task.
 */

export const SHARED_TABLE_SIZE = 1024;

const idOf = new WeakMap<object, number>();
const seen = new WeakSet<object>();
let nextId = 1;

/** Only plain objects are shared by identity; arrays and typed arrays are per task (pieces, indices). */
function shareable(v: unknown): v is object {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** How one task's attributes travel. */
export interface EncodedAttrs {
  /** The attributes to send as they are (less `fields`), or the id of the whole shared object. */
  attrs: Record<string, unknown> | number;
  /** Attribute fields resolved from the worker's table: [field, id] pairs. */
  fields: [string, number][] | undefined;
  /** Values to add to the worker's table before this task, in order: [id, value] pairs. */
  definitions: [number, unknown][] | undefined;
}

/** The main thread's record of what one worker's table holds. */
export class SharedValueSender {
  private readonly sent = new Map<number, true>();

  /** Splits `attrs` into what travels inline and references to shared values (sending new ones). */
  encode(attrs: unknown): EncodedAttrs {
    if (!shareable(attrs)) return { attrs: {}, fields: undefined, definitions: undefined };
    if (seen.has(attrs)) {
      const definitions: [number, unknown][] = [];
      return {
        attrs: this.reference(attrs, definitions),
        fields: undefined,
        definitions: orNone(definitions),
      };
    }
    seen.add(attrs);
    const source = attrs as Record<string, unknown>;
    let inline: Record<string, unknown> | undefined;
    let fields: [string, number][] | undefined;
    const definitions: [number, unknown][] = [];
    for (const key in source) {
      const v = source[key];
      if (!shareable(v)) continue;
      inline ??= {};
      (fields ??= []).push([key, this.reference(v, definitions)]);
    }
    if (inline === undefined) return { attrs: source, fields, definitions: orNone(definitions) };
    for (const key in source) if (!shareable(source[key])) inline[key] = source[key];
    return { attrs: inline, fields, definitions: orNone(definitions) };
  }

  /** The id of `v`, adding its definition to `definitions` when the worker does not have it. */
  private reference(v: object, definitions: [number, unknown][]): number {
    let id = idOf.get(v);
    if (id === undefined) idOf.set(v, (id = nextId++));
    if (!this.sent.has(id)) {
      definitions.push([id, v]);
      this.sent.set(id, true);
      if (this.sent.size > SHARED_TABLE_SIZE) this.sent.delete(this.sent.keys().next().value as number);
    }
    return id;
  }

  /** A replaced worker starts with an empty table. */
  reset(): void {
    this.sent.clear();
  }
}

function orNone<T>(list: T[]): T[] | undefined {
  return list.length === 0 ? undefined : list;
}

/** A worker's table of shared values. */
export class SharedValueTable {
  private readonly values = new Map<number, unknown>();

  /** The task's attributes with its shared parts filled in (after adding its definitions). */
  decode(encoded: EncodedAttrs): unknown {
    if (encoded.definitions !== undefined) {
      for (const [id, v] of encoded.definitions) {
        this.values.set(id, v);
        if (this.values.size > SHARED_TABLE_SIZE) {
          this.values.delete(this.values.keys().next().value as number);
        }
      }
    }
    if (typeof encoded.attrs === "number") return this.get(encoded.attrs);
    if (encoded.fields === undefined) return encoded.attrs;
    const attrs = { ...encoded.attrs };
    for (const [key, id] of encoded.fields) attrs[key] = this.get(id);
    return attrs;
  }

  private get(id: number): unknown {
    if (!this.values.has(id))
      throw new Error(`dsfabric internal error: shared value ${id} is not in the table`);
    return this.values.get(id);
  }
}
