/**
 * Warms the runtime's worker-thread pool before a real-time run: from the TypeScript sources every worker
 * thread registers tsx and compiles the kernels when it starts (about 2 s), which a run of a fraction of a
 * second would otherwise spend waiting for its first gradient.
 */
import { Matrix } from "../../../src/core/matrix.ts";
import { poolGradient } from "../../../src/fabric/gradientExecutor.ts";
import { fabric } from "../../../src/fabric/index.ts";
import { engine } from "../../../src/runtime/runtime.ts";

/** Runs tiny gradients until every worker of the pool has run one (two per worker: each takes two tasks). */
export async function warmPool(): Promise<void> {
  const model = fabric.softmaxRegression({ inputs: 2, classes: 2 });
  const tasks = 2 * engine().executor.workers;
  await Promise.all(
    Array.from({ length: tasks }, () =>
      poolGradient({
        model,
        params: new Float32Array(model.paramCount),
        x: Matrix.zeros(1, 2),
        y: new Int32Array(1),
      }),
    ),
  );
}
