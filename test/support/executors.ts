import { after, before, describe } from "node:test";
import { init, shutdown } from "../../src/index.ts";

/** The executors every array test runs on (cluster joins with cluster mode). */
export const executors = ["inline", "threads"] as const;

/**
 * Runs one suite once per executor, with a fresh runtime for each: the conformance habit of tfjs's
 * `describeWithFlags`. `DSF_EXECUTOR=inline` narrows the run when debugging.
 */
export function describeEachExecutor(
  name: string,
  body: (executor: (typeof executors)[number]) => void,
): void {
  const only = process.env.DSF_EXECUTOR;
  for (const executor of executors) {
    if (only !== undefined && only !== executor) continue;
    describe(`${name} [${executor}]`, () => {
      before(async () => init({ executor, workers: 2 }));
      after(async () => shutdown());
      body(executor);
    });
  }
}
