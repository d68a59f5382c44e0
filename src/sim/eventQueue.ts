/**
 * The simulator's pending events: a binary min-heap ordered by (time, sequence number). The sequence number is
 * the insertion order, so events at the same time fire in the order they were scheduled and a run is
 * bit-identical each time. Cancelled entries stay in the heap (cancelling is O(1)) and are skipped when they
 * surface; the heap is compacted when they outnumber live ones, so rescheduling-heavy code (the network
 * moves its next-completion event on every rate change) cannot grow it without bound.
 */

/** A handle to a scheduled event, returned by `Simulator.schedule` and accepted by `Simulator.cancel`. */
export interface TimerId {
  /** The virtual time (ms) the event is (or was) due at. */
  readonly atMs: number;
}

/**
 * A heap entry, handed out as the `TimerId`; `fn` is null once the entry fired or was cancelled.
 *
 * @example
 * ```ts
 * const entry = new EventQueue().push(5, () => {});
 * entry.atMs; // 5
 * ```
 */
export class QueueEntry implements TimerId {
  constructor(
    readonly atMs: number,
    readonly seq: number,
    public fn: (() => void) | null,
  ) {}
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

/**
 * A (time, sequence) min-heap with lazy cancellation.
 *
 * @example
 * ```ts
 * const q = new EventQueue();
 * q.push(5, () => {});
 * const e = q.push(1, () => {});
 * q.cancel(e);
 * q.peek()?.atMs; // 5
 * ```
 */
export class EventQueue {
  private heap: QueueEntry[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Live (not cancelled, not fired) entries. */
  get size(): number {
    return this.live;
  }

  push(atMs: number, fn: () => void): QueueEntry {
    const entry = new QueueEntry(atMs, this.nextSeq++, fn);
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    this.live++;
    return entry;
  }

  /** Cancels an entry; a no-op if it already fired or was cancelled. */
  cancel(entry: QueueEntry): void {
    if (entry.fn === null) return;
    entry.fn = null;
    this.live--;
    if (this.heap.length > 1024 && this.heap.length > 2 * this.live) this.compact();
  }

  /** The earliest live entry, or undefined. */
  peek(): QueueEntry | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  /** Removes and returns the earliest live entry (its `fn` still set, for the caller to run). */
  pop(): QueueEntry | undefined {
    this.dropCancelled();
    if (this.heap.length === 0) return undefined;
    const top = this.removeTop();
    this.live--;
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].fn === null) this.removeTop();
  }

  private removeTop(): QueueEntry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as QueueEntry;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private compact(): void {
    this.heap = this.heap.filter((e) => e.fn !== null);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    const heap = this.heap;
    const e = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = e;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const e = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1], heap[child])) child++;
      if (!before(heap[child], e)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = e;
  }
}
