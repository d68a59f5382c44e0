/**
 * Entry point of each worker thread: loads the kernel list once, then runs batches of tasks as messages
 * arrive and answers each batch with one message. Workers hold no blocks between tasks; block memory is
 * owned by the main thread's references (and its block pool).
 */
import { parentPort, workerData } from "node:worker_threads";
import "../core/kernels/registerAll.ts";
import type { KernelName } from "../core/kernels/names.ts";
import { SuppliedOutputs } from "../core/kernels/outputs.ts";
import { runKernel } from "../core/kernels/registry.ts";
import { linalg } from "../core/linalg/selectBackend.ts";
import { collectGarbage } from "./collectGarbage.ts";
import { SharedValueTable } from "./sharedValues.ts";
import { errorToWire, outputToWire, SlabTable } from "./wire.ts";
import type { BatchReply, BatchRequest, WireResult, WireTask } from "./wire.ts";

interface WorkerConfig {
  blasThreads: number;
}

const config = workerData as WorkerConfig;
linalg().setBlasThreads(config.blasThreads);
const table = new SharedValueTable();
const slabs = new SlabTable();

function runTask(task: WireTask): WireResult {
  try {
    const attrs = table.decode(task);
    const inputs = task.inputs.map((w) => slabs.block(w));
    const supplied = task.outputs.map((w) => slabs.block(w));
    const outputs = runKernel(
      task.kernel as KernelName,
      inputs,
      attrs as never,
      new SuppliedOutputs(supplied, task.fresh),
    );
    return { ok: true, outputs: outputs.map((m) => outputToWire(m, inputs, supplied)) };
  } catch (e) {
    return { ok: false, error: errorToWire(e) };
  }
}

parentPort?.on("message", (request: BatchRequest) => {
  if (request.forget !== undefined) slabs.forget(request.forget);
  if (request.collect) collectGarbage();
  if (request.tasks.length === 0) return;
  const reply: BatchReply = { batch: request.batch, results: request.tasks.map(runTask) };
  parentPort?.postMessage(reply);
});
