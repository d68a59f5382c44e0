/**
 * Entry point of each worker thread: loads the kernel list once, then runs tasks as messages arrive.
 * Workers hold no state between tasks; blocks live in shared memory owned by the main thread's references.
 */
import { parentPort, workerData } from "node:worker_threads";
import "../core/kernels/registerAll.ts";
import type { KernelName } from "../core/kernels/names.ts";
import { runKernel } from "../core/kernels/registry.ts";
import { linalg } from "../core/linalg/selectBackend.ts";
import { errorToWire, fromWire, shared, toWire, type TaskReply, type TaskRequest } from "./wire.ts";

interface WorkerConfig {
  blasThreads: number;
}

const config = workerData as WorkerConfig;
linalg().setBlasThreads(config.blasThreads);

parentPort?.on("message", (request: TaskRequest) => {
  let reply: TaskReply;
  try {
    const outputs = runKernel(
      request.kernel as KernelName,
      request.inputs.map(fromWire),
      request.attrs as never,
    );
    reply = { id: request.id, ok: true, outputs: outputs.map((m) => toWire(shared(m))) };
  } catch (e) {
    reply = { id: request.id, ok: false, error: errorToWire(e) };
  }
  parentPort?.postMessage(reply);
});
