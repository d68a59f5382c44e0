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
import { ReplyWriter, SlabTable, type BatchRequest } from "./batchCodec.ts";
import { collectGarbage } from "./collectGarbage.ts";
import { SharedValueTable } from "./sharedValues.ts";
import { errorToWire } from "./wire.ts";

interface WorkerConfig {
  blasThreads: number;
}

const config = workerData as WorkerConfig;
linalg().setBlasThreads(config.blasThreads);
const values = new SharedValueTable();
const slabs = new SlabTable();

parentPort?.on("message", (request: BatchRequest) => {
  if (request.forget !== undefined) slabs.forget(request.forget);
  if (request.collect) collectGarbage();
  if (request.kernels.length === 0) return;
  const reply = new ReplyWriter();
  let tasks;
  try {
    tasks = slabs.read(request);
  } catch (e) {
    for (let k = 0; k < request.kernels.length; k++) reply.failed(errorToWire(e));
    parentPort?.postMessage(reply.finish(request.batch));
    return;
  }
  for (const task of tasks) {
    try {
      const attrs = values.decode(task.encoded);
      const outputs = runKernel(
        task.kernel as KernelName,
        task.inputs,
        attrs as never,
        new SuppliedOutputs(task.supplied, task.fresh),
      );
      reply.ok(outputs, task.inputs, task.supplied);
    } catch (e) {
      reply.failed(errorToWire(e));
    }
  }
  parentPort?.postMessage(reply.finish(request.batch));
});
