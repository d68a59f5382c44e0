import { Worker } from "node:worker_threads";
import type { KernelAttrs, KernelName } from "../core/kernels/names.ts";
import type { Matrix } from "../core/matrix.ts";
import { RuntimeStateError } from "../core/errors.ts";
import type { Executor, TaskResult } from "./executor.ts";
import { errorFromWire, fromWire, toWire, type TaskReply, type TaskRequest } from "./wire.ts";

interface PendingTask {
  request: TaskRequest;
  preferredWorker: number;
  resolve: (r: TaskResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, PendingTask>;
}

/** Tasks a worker holds at once: two hide the message round trip without starving the other workers. */
const DEPTH_PER_WORKER = 2;
/** How far down the queue a free worker looks for a task whose inputs it computed. */
const LOCALITY_WINDOW = 16;

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
 * A pool of long-lived worker threads. Tasks wait in one queue; a free worker takes the first task that
 * prefers it (within a window), else the oldest. Workers are unref'd while idle so that a program that
 * forgets `shutdown()` still exits, and ref'd while work is outstanding so that pending futures keep it alive.
 */
export class ThreadPool implements Executor {
  readonly kind = "threads";
  readonly workers: number;
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  private nextId = 1;
  private referenced = false;
  private closed = false;

  constructor(workers: number, blasThreads: number) {
    this.workers = workers;
    for (let w = 0; w < workers; w++) this.slots.push(this.spawn(w, blasThreads));
  }

  private spawn(index: number, blasThreads: number): Slot {
    const worker = startWorker({ blasThreads });
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on("message", (reply: TaskReply) => this.onReply(slot, reply));
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
    for (const task of slot.inFlight.values()) task.reject(err);
    slot.inFlight.clear();
    if (!this.closed) {
      // Replace the worker so that the pool stays usable after a crash.
      this.slots[index] = this.spawn(index, blasThreads);
      this.pump();
    }
  }

  run<N extends KernelName>(
    kernel: N,
    inputs: readonly Matrix[],
    attrs: KernelAttrs<N>,
    preferredWorker: number,
  ): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new RuntimeStateError("the worker pool has been shut down"));
    return new Promise<TaskResult>((resolve, reject) => {
      const request: TaskRequest = { id: this.nextId++, kernel, inputs: inputs.map(toWire), attrs };
      this.queue.push({ request, preferredWorker, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (let w = 0; w < this.slots.length && this.queue.length > 0; w++) {
      const slot = this.slots[w];
      while (slot.inFlight.size < DEPTH_PER_WORKER && this.queue.length > 0) {
        const task = this.take(w);
        slot.inFlight.set(task.request.id, task);
        slot.worker.postMessage(task.request);
      }
    }
    this.updateRef();
  }

  private take(worker: number): PendingTask {
    const window = Math.min(this.queue.length, LOCALITY_WINDOW);
    for (let k = 0; k < window; k++) {
      if (this.queue[k].preferredWorker === worker) return this.queue.splice(k, 1)[0];
    }
    return this.queue.shift() as PendingTask;
  }

  private onReply(slot: Slot, reply: TaskReply): void {
    if (this.closed) return; // close() already rejected every task in flight
    const task = slot.inFlight.get(reply.id);
    if (task === undefined) return;
    slot.inFlight.delete(reply.id);
    const worker = this.slots.indexOf(slot);
    if (reply.ok) task.resolve({ outputs: reply.outputs.map(fromWire), worker });
    else task.reject(errorFromWire(reply.error));
    this.pump();
  }

  private updateRef(): void {
    // Once closing, close() holds the workers until they exit; a late reply must not unref them.
    if (this.closed) return;
    const busy = this.queue.length > 0 || this.slots.some((s) => s.inFlight.size > 0);
    if (busy === this.referenced) return;
    this.referenced = busy;
    for (const s of this.slots) {
      if (busy) s.worker.ref();
      else s.worker.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new RuntimeStateError("the worker pool was shut down before the task ran");
    for (const task of this.queue.splice(0)) task.reject(error);
    for (const s of this.slots) for (const task of s.inFlight.values()) task.reject(error);
    // Held while terminating: an unref'd worker would let the event loop end before close() resolves.
    for (const s of this.slots) s.worker.ref();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
