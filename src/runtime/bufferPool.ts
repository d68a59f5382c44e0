/**
 * The block pool: recycled shared memory for result blocks. A fresh SharedArrayBuffer costs a page fault
 * per 4 KiB on first touch (a 32 MiB block ~7 ms here, more than the kernel that fills it), so blocks of a
 * steady loop of operations must reuse the memory of blocks that died.
 *
 * Safety comes from handing out a *twin*: the pool keeps its own SharedArrayBuffer object and gives the
 * block a second object over the same memory (`structuredClone` of a shared buffer shares it). Every view
 * of the block goes through the twin, so once the twin is garbage no one on this thread can read the
 * memory, and the pool takes it back (a FinalizationRegistry callback, or at once after a synchronous
 * collection, through a WeakRef). Worker threads only touch a block while a task that holds it runs.
 * Intermediates that the runtime knows are dead come back at once through `release`.
 */
import { Matrix } from "../core/matrix.ts";
import { collectGarbage } from "./collectGarbage.ts";

/** Blocks smaller than this come from malloc's own free lists (cheap to make); only larger ones are pooled. */
export const POOL_MIN_BYTES = 64 * 1024;

interface Slab {
  readonly id: number;
  readonly sab: SharedArrayBuffer;
  readonly bytes: number;
  /** Bumped at every hand-out, so that a late finalisation of an earlier twin is ignored. */
  generation: number;
  /** The twin now in use, while handed out. */
  twin: WeakRef<SharedArrayBuffer> | undefined;
}

/**
 * A twin knows its slab through a symbol-keyed property rather than a WeakMap: thousands of WeakMap
 * entries cost every garbage collection ephemeron processing, a property costs nothing.
 */
const SLAB = Symbol("dsfabric.slab");
type TwinBuffer = SharedArrayBuffer & { [SLAB]?: Slab };

function slabOfTwin(buffer: SharedArrayBuffer): Slab | undefined {
  return (buffer as TwinBuffer)[SLAB];
}

interface HandOut {
  slab: Slab;
  generation: number;
}

/** Counters of the pool, for tests and the bench. */
export interface BufferPoolStats {
  /** Bytes handed out and not yet known dead. */
  outstandingBytes: number;
  /** Bytes kept idle for reuse. */
  idleBytes: number;
  /** Requests served by recycled memory / by fresh memory. */
  hits: number;
  misses: number;
  /** Synchronous collections the pool asked for. */
  collections: number;
}

/**
 * A size class: the byte size rounded up to 1/8 of its power of two, so edge blocks a little smaller than
 * the rest reuse their buffers (at most 12.5% unused).
 */
export function sizeClass(bytes: number): number {
  const step = 2 ** Math.max(0, Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/** Options of the pool. */
export interface BufferPoolOptions {
  /** Most bytes kept idle; returned buffers beyond it are left to the garbage collector. */
  maxIdleBytes: number;
  /**
   * A miss asks for a collection once this many bytes, or half the bytes that were live after the last
   * one if that is more, have been handed out since: memory stays within ~1.5x of what is live, and
   * collections stay rare next to the work.
   */
  collectMinBytes: number;
}

/**
 * Recycles the memory of dead blocks by size class.
 *
 * @example
 * ```ts
 * const pool = new BufferPool({ maxIdleBytes: 1 << 30, collectMinBytes: 1 << 25 });
 * const { matrix } = pool.acquire(2048, 2048); // 32 MiB, from recycled memory when any is idle
 * pool.release(matrix); // only when nothing can read it any more
 * ```
 */
export class BufferPool {
  private readonly idle = new Map<number, Slab[]>();
  private readonly outstanding = new Set<Slab>();
  private readonly registry = new FinalizationRegistry<HandOut>((h) => this.reclaim(h.slab, h.generation));
  private readonly options: BufferPoolOptions;
  private idleBytes = 0;
  private outstandingBytes = 0;
  private handedOutSinceCollection = 0;
  private liveAfterCollection = 0;
  private readonly counters = { hits: 0, misses: 0, collections: 0 };
  private nextSlabId = 1;
  private readonly discardListeners: ((slabId: number, bytes: number) => void)[] = [];

  constructor(options: BufferPoolOptions) {
    this.options = options;
  }

  /**
   * A `rows` x `cols` block. `fresh` is true when its memory was never used (all zeros); recycled memory
   * holds old values.
   */
  acquire(rows: number, cols: number): { matrix: Matrix; fresh: boolean } {
    const bytes = rows * cols * 8;
    if (bytes < POOL_MIN_BYTES) return { matrix: Matrix.zeros(rows, cols), fresh: true };
    const size = sizeClass(bytes);
    let slab = this.takeIdle(size);
    const due = Math.max(this.options.collectMinBytes, this.liveAfterCollection / 2);
    if (slab === undefined && this.handedOutSinceCollection >= due) {
      // Before faulting in new pages, find the blocks that died since the last collection.
      this.handedOutSinceCollection = 0;
      // A full collection: a young-generation one finds few dead blocks, whose twins have usually
      // outlived a scavenge or two (a block lives for at least one operation) and sit in the old space.
      if (collectGarbage()) {
        this.counters.collections++;
        this.scan();
        this.liveAfterCollection = this.outstandingBytes;
        slab = this.takeIdle(size);
      }
    }
    this.handedOutSinceCollection += size;
    const fresh = slab === undefined;
    if (slab === undefined) {
      this.counters.misses++;
      this.evictOtherClasses(size);
      slab = {
        id: this.nextSlabId++,
        sab: new SharedArrayBuffer(size),
        bytes: size,
        generation: 0,
        twin: undefined,
      };
    } else {
      this.counters.hits++;
    }
    return { matrix: this.handOut(slab, rows, cols), fresh };
  }

  /** Takes back a block that nothing will read again (an intermediate the runtime consumed). */
  release(m: Matrix): void {
    const twin = m.data.buffer;
    if (!(twin instanceof SharedArrayBuffer)) return;
    const slab = slabOfTwin(twin);
    if (slab === undefined || !this.outstanding.has(slab)) return;
    delete (twin as TwinBuffer)[SLAB];
    this.reclaim(slab, slab.generation);
  }

  /**
   * The pool's memory under a block it handed out: the slab's id, its own buffer object and where the block
   * starts in it, or undefined for a block the pool did not make. Worker threads keep slabs by id, so a
   * block of pooled memory crosses the thread boundary as a number after its first trip.
   */
  slabOf(m: Matrix): { id: number; sab: SharedArrayBuffer } | undefined {
    const twin = m.data.buffer;
    if (!(twin instanceof SharedArrayBuffer)) return undefined;
    return slabOfTwin(twin);
  }

  /** Calls `listener` with the id of every slab the pool lets go (past its idle budget). */
  onDiscard(listener: (slabId: number, bytes: number) => void): void {
    this.discardListeners.push(listener);
  }

  /** Moves every handed-out buffer whose twin has been collected back to the idle lists. */
  scan(): void {
    for (const slab of [...this.outstanding]) {
      if (slab.twin !== undefined && slab.twin.deref() === undefined) this.reclaim(slab, slab.generation);
    }
  }

  stats(): BufferPoolStats {
    return { outstandingBytes: this.outstandingBytes, idleBytes: this.idleBytes, ...this.counters };
  }

  private handOut(slab: Slab, rows: number, cols: number): Matrix {
    const twin = structuredClone(slab.sab);
    slab.generation++;
    slab.twin = new WeakRef(twin);
    const handOut: HandOut = { slab, generation: slab.generation };
    this.registry.register(twin, handOut, slab);
    (twin as TwinBuffer)[SLAB] = slab;
    this.outstanding.add(slab);
    this.outstandingBytes += slab.bytes;
    return new Matrix(rows, cols, new Float64Array(twin, 0, rows * cols));
  }

  private takeIdle(size: number): Slab | undefined {
    const list = this.idle.get(size);
    const slab = list?.pop();
    if (slab !== undefined) this.idleBytes -= slab.bytes;
    return slab;
  }

  /**
   * On a miss, idle memory of other sizes is let go for as many bytes as the new buffer takes: memory that
   * a loop's new block size will not reuse must not stay on top of what it allocates.
   */
  private evictOtherClasses(size: number): void {
    let freed = 0;
    for (const [bytes, list] of this.idle) {
      if (bytes === size) continue;
      while (freed < size && list.length > 0) {
        const slab = list.pop() as Slab;
        this.idleBytes -= slab.bytes;
        freed += slab.bytes;
        this.discard(slab);
      }
      if (list.length === 0) this.idle.delete(bytes);
      if (freed >= size) return;
    }
  }

  /** Left to the collector, once the workers forget it too. */
  private discard(slab: Slab): void {
    for (const listener of this.discardListeners) listener(slab.id, slab.bytes);
  }

  private reclaim(slab: Slab, generation: number): void {
    if (slab.generation !== generation || !this.outstanding.has(slab)) return;
    this.registry.unregister(slab);
    this.outstanding.delete(slab);
    this.outstandingBytes -= slab.bytes;
    slab.twin = undefined;
    if (this.idleBytes + slab.bytes > this.options.maxIdleBytes) {
      this.discard(slab);
      return;
    }
    let list = this.idle.get(slab.bytes);
    if (list === undefined) this.idle.set(slab.bytes, (list = []));
    list.push(slab);
    this.idleBytes += slab.bytes;
  }
}
