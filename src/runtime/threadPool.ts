import { Worker } from "node:worker_threads";
import type { Block } from "../core/block.ts";
import type { Matrix } from "../core/matrix.ts";
import { RuntimeStateError } from "../core/errors.ts";
import type { Executor, RunnableTask } from "./executor.ts";
import { SharedValueSender } from "./sharedValues.ts";
import { BatchWriter, readReply, type BatchReply, type BatchRequest } from "./batchCodec.ts";
import { errorFromWire } from "./wire.ts";
import type { BufferPool } from "./bufferPool.ts";

/** A task on its way to a worker, with the blocks the main thread must map the reply onto. */
interface Dispatched {
  task: RunnableTask;
  inputs: readonly Block[];
  supplied: readonly Matrix[];
}

interface Slot {
  worker: Worker;
  batches: Map<number, Dispatched[]>;
  sender: SharedValueSender;
  /** Slabs the worker has in its table, and the ones it should drop with the next message. */
  slabs: Set<number>;
  forget: number[];
  forgetBytes: number;
}

/** A worker with no work in flight is told to drop let-go slabs at once past this many bytes. */
const FORGET_NOW_BYTES = 64 * 1024 * 1024;

/** Batches a worker holds at once: two hide the message round trip without starving the other workers. */
const BATCHES_PER_WORKER = 2;
/**
 * A batch closes at this many tasks or this many bytes of blocks, whichever comes first, and takes no
 * more than an even share of the queue, so that every worker gets work from a wave of small tasks.
 */
const BATCH_TASKS_MAX = 64;
const BATCH_BYTES_MAX = 16 * 1024 * 1024;
/** How far down the queue a worker looks for tasks whose inputs it computed. */
const LOCALITY_WINDOW = 64;

/**
 * Starts one worker thread. From dist/ the worker is the compiled workerMain.js. From the TypeScript sources
 * (tests, `tsx`), Node 20 does not carry tsx's loader into worker threads, so a tiny bootstrap registers it
 * there before importing workerMain.ts.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./workerMain.js", import.meta.url), { workerData });
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const main = new URL("./workerMain.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(main)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A pool of long-lived worker threads. Ready tasks wait in one queue; a worker with room takes a batch of
 * them (preferring tasks whose inputs it computed), so that many small tasks cost one message each way.
 * Workers are unref'd while idle so that a program that forgets `shutdown()` still exits, and ref'd while
 * work is outstanding so that pending futures keep it alive.
 */
export class ThreadPool implements Executor {
  readonly kind = "threads";
  readonly workers: number;
  private readonly slots: Slot[] = [];
  /** Ready tasks in arrival order from `head`; a taken task leaves a hole, skipped later. */
  private queue: (RunnableTask | undefined)[] = [];
  private preferred: number[] = [];
  private head = 0;
  private queued = 0;
  private nextBatch = 1;
  private pumpScheduled = false;
  private referenced = false;
  private closed = false;

  private readonly pool: BufferPool;

  constructor(workers: number, blasThreads: number, pool: BufferPool) {
    this.workers = workers;
    this.pool = pool;
    pool.onDiscard((id, bytes) => this.discard(id, bytes));
    for (let w = 0; w < workers; w++) this.slots.push(this.spawn(w, blasThreads));
  }

  private spawn(index: number, blasThreads: number): Slot {
    const worker = startWorker({ blasThreads });
    const slot: Slot = {
      worker,
      batches: new Map(),
      sender: new SharedValueSender(),
      slabs: new Set(),
      forget: [],
      forgetBytes: 0,
    };
    worker.on("message", (reply: BatchReply) => this.onReply(index, slot, reply));
    worker.on("error", (err) => this.onWorkerDeath(index, blasThreads, err));
    worker.on("exit", (code) => {
      if (!this.closed && this.slots[index] === slot) {
        this.onWorkerDeath(index, blasThreads, new Error(`worker ${index} exited with code ${code}`));
      }
    });
    worker.unref();
    return slot;
  }

  private onWorkerDeath(index: number, blasThreads: number, err: Error): void {
    const slot = this.slots[index];
    const lost = [...slot.batches.values()].flat();
    slot.batches.clear();
    if (!this.closed) {
      // Replace the worker so that the pool stays usable after a crash.
      this.slots[index] = this.spawn(index, blasThreads);
    }
    for (const d of lost) d.task.fail(err);
    if (!this.closed) this.pump();
  }

  enqueue(task: RunnableTask): void {
    if (this.closed) {
      queueMicrotask(() => task.fail(new RuntimeStateError("the worker pool has been shut down")));
      return;
    }
    this.queue.push(task);
    this.preferred.push(task.preferredWorker());
    this.queued++;
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Tasks submitted in one synchronous run (every block of an operation) go out together.
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    // Round by round, so that every worker gets its first batch before any gets a second.
    for (let round = 0; round < BATCHES_PER_WORKER; round++) {
      for (let w = 0; w < this.slots.length && this.queued > 0; w++) {
        const slot = this.slots[w];
        if (slot.batches.size <= round) this.send(w, slot);
      }
    }
    this.compact();
    this.updateRef();
  }

  /** Builds one batch for worker `w` and posts it. */
  private send(w: number, slot: Slot): void {
    const batch: Dispatched[] = [];
    let bytes = 0;
    const share = Math.ceil(this.queued / (this.slots.length * BATCHES_PER_WORKER));
    const most = Math.max(1, Math.min(BATCH_TASKS_MAX, share));
    const full = (): boolean => batch.length >= most || bytes >= BATCH_BYTES_MAX;
    const add = (k: number): void => {
      const task = this.queue[k] as RunnableTask;
      this.queue[k] = undefined;
      this.queued--;
      bytes += task.bytes;
      batch.push({ task, inputs: task.inputs, supplied: [] });
    };
    // First the tasks that prefer this worker (within the window), then the oldest of the rest.
    const end = Math.min(this.queue.length, this.head + LOCALITY_WINDOW);
    for (let k = this.head; k < end && !full(); k++) {
      if (this.queue[k] !== undefined && this.preferred[k] === w) add(k);
    }
    for (let k = this.head; k < this.queue.length && !full(); k++) if (this.queue[k] !== undefined) add(k);
    while (this.head < this.queue.length && this.queue[this.head] === undefined) this.head++;

    const writer: BatchWriter = new BatchWriter((m) => this.slabAt(slot, writer, m));
    for (let k = 0; k < batch.length; k++) {
      const d = batch[k];
      const supplied = d.task.supplyOutputs();
      if (supplied === undefined) {
        // The task has failed (no memory for its output): it leaves the batch.
        batch.splice(k--, 1);
        continue;
      }
      d.supplied = supplied.blocks;
      writer.add(d.task.kernel, slot.sender.encode(d.task.attrs), d.inputs, supplied.blocks, supplied.fresh);
    }
    if (batch.length === 0) return;
    const id = this.nextBatch++;
    slot.batches.set(id, batch);
    const { forget, collect } = this.takeForget(slot);
    slot.worker.postMessage(writer.finish(id, forget, collect));
  }

  /** Pooled memory goes by slab id, with the slab itself the first time this worker meets it. */
  private slabAt(slot: Slot, writer: BatchWriter, m: Matrix): { slab: number; offset: number } | undefined {
    const slab = this.pool.slabOf(m);
    if (slab === undefined) return undefined;
    if (!slot.slabs.has(slab.id)) {
      slot.slabs.add(slab.id);
      writer.slabs.push([slab.id, slab.sab]);
    }
    return { slab: slab.id, offset: m.data.byteOffset / 8 };
  }

  /** The pool let a slab go: every worker that has it must drop it, or its memory stays alive. */
  private discard(id: number, bytes: number): void {
    for (const slot of this.slots) {
      if (!slot.slabs.delete(id)) continue;
      slot.forget.push(id);
      slot.forgetBytes += bytes;
      if (slot.batches.size === 0 && slot.forgetBytes >= FORGET_NOW_BYTES && !this.closed) {
        const { forget, collect } = this.takeForget(slot);
        slot.worker.postMessage(new BatchWriter(() => undefined).finish(0, forget, collect));
      }
    }
  }

  private takeForget(slot: Slot): Pick<BatchRequest, "forget" | "collect"> {
    if (slot.forget.length === 0) return { forget: undefined, collect: false };
    const forget = slot.forget;
    const collect = slot.forgetBytes >= FORGET_NOW_BYTES;
    slot.forget = [];
    slot.forgetBytes = 0;
    return { forget, collect };
  }

  /** Drops the consumed front of the queue now and then, so it does not grow without bound. */
  private compact(): void {
    if (this.head < 1024 && this.head < this.queue.length) return;
    this.queue = this.queue.slice(this.head);
    this.preferred = this.preferred.slice(this.head);
    this.head = 0;
  }

  private onReply(index: number, slot: Slot, reply: BatchReply): void {
    if (this.closed) return; // close() already failed every task in flight
    const batch = slot.batches.get(reply.batch);
    if (batch === undefined) return;
    slot.batches.delete(reply.batch);
    const outcomes = readReply(
      reply,
      batch.map((d) => d.inputs),
      batch.map((d) => d.supplied),
    );
    outcomes.forEach((outcome, k) => {
      const { task } = batch[k];
      if (outcome.ok) task.complete(outcome.outputs, index);
      else task.fail(errorFromWire(outcome.error));
    });
    this.pump();
  }

  private updateRef(): void {
    // Once closing, close() holds the workers until they exit; a late reply must not unref them.
    if (this.closed) return;
    const busy = this.queued > 0 || this.slots.some((s) => s.batches.size > 0);
    if (busy === this.referenced) return;
    this.referenced = busy;
    for (const s of this.slots) {
      if (busy) s.worker.ref();
      else s.worker.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new RuntimeStateError(
      "work cancelled: shutdown() or init() stopped the worker pool before it finished (await the results first)",
    );
    const waiting = this.queue.filter((t): t is RunnableTask => t !== undefined);
    this.queue = [];
    this.preferred = [];
    this.head = 0;
    this.queued = 0;
    const inFlight = this.slots.flatMap((s) => [...s.batches.values()].flat().map((d) => d.task));
    for (const s of this.slots) s.batches.clear();
    for (const task of [...waiting, ...inFlight]) task.fail(error);
    // Held while terminating: an unref'd worker would let the event loop end before close() resolves.
    for (const s of this.slots) s.worker.ref();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
