/**
 * Baseline: ring all-reduce (no parameter server), the bandwidth-optimal form. The gradient is cut into n
 * chunks (n live workers); in 2(n - 1) chunk steps around the ring (reduce-scatter, then all-gather) each
 * worker sends and receives 2(n - 1)/n of the model, each step starting as soon as its input chunk has
 * arrived, so the ring runs at the pace of its slowest link without a global barrier between chunk steps.
 * Every worker then applies the averaged gradient to its own copy (all copies stay equal) and computes the
 * next gradient at once. If a worker dies mid-ring, the step is redone by the survivors with their gradients.
 * As in BSP, the averaged step takes the large-batch rate of `config.syncScaling` (by default the linear
 * scaling rule with warm-up), from the same schedule, so the two differ only in how bytes move.
 */
import { sgd, SyncSchedule } from "../model/sgd.ts";
import { HostDeadError } from "../messenger.ts";
import type { FabricRun, WorkerSlot } from "../run.ts";
import type { Policy } from "./policy.ts";

/** Bytes of each of the n ring chunks of a `paramCount` gradient (some may be 0 for tiny models). */
function chunkBytes(paramCount: number, n: number): number[] {
  const base = Math.floor(paramCount / n);
  return Array.from({ length: n }, (_, c) => 4 * (base + (c < paramCount % n ? 1 : 0)));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Runs one ring all-reduce among `members` once each member's gradient is ready; `finished(i)` is called
 * when member i holds the whole average. Resolves true when all finished, false if a member died.
 */
async function ring(
  run: FabricRun,
  members: readonly WorkerSlot[],
  ready: readonly Promise<unknown>[],
  finished: (i: number) => void,
): Promise<boolean> {
  const n = members.length;
  if (n === 1) {
    try {
      await ready[0];
    } catch (error) {
      if (error instanceof HostDeadError) return false;
      throw error;
    }
    finished(0);
    return true;
  }
  const bytes = chunkBytes(run.config.model.paramCount, n);
  const steps = 2 * (n - 1);
  const received = Array.from({ length: steps }, () => members.map(() => deferred()));
  const abort = deferred();
  let failed = false;
  const orAbort = (p: Promise<unknown>): Promise<unknown> => Promise.race([p, abort.promise]);
  const member = async (i: number): Promise<void> => {
    try {
      await orAbort(ready[i]);
    } catch (error) {
      if (!(error instanceof HostDeadError)) throw error;
      failed = true; // it died computing its gradient
      abort.resolve();
      return;
    }
    for (let k = 0; k < steps && !failed; k++) {
      if (k > 0) await orAbort(received[k - 1][i].promise);
      if (failed || run.stopped) return;
      // Reduce-scatter step k sends chunk (i - k) mod n; all-gather step j sends chunk (i + 1 - j) mod n.
      const c = k < n - 1 ? (i - k + n * steps) % n : (i + 1 - (k - n + 1) + n * steps) % n;
      const next = (i + 1) % n;
      try {
        await run.messenger.send({
          from: members[i].host,
          to: members[next].host,
          bytes: bytes[c],
          tag: "ring",
        });
      } catch (error) {
        if (!(error instanceof HostDeadError)) throw error;
        failed = true;
        abort.resolve();
        return;
      }
      received[k][next].resolve();
    }
    if (failed) return;
    await orAbort(received[steps - 1][i].promise);
    if (!failed) finished(i);
  };
  await Promise.all(members.map((_, i) => member(i)));
  return !failed;
}

/**
 * The ring all-reduce policy.
 *
 * @example
 * ```ts
 * const optimizer = { learningRate: 0.05, syncScaling: "none" } as const; // plain averaging, for contrast
 * const { stats } = await fabric.train({ ...options, optimizer, policy: "allreduce" }).result;
 * stats.maxDelay; // 0: synchronous
 * ```
 */
export function allReduce(): Policy {
  let params = new Float32Array(0);
  return {
    name: "allreduce",
    start(run) {
      params = run.init.slice();
      const optimizer = sgd(run.config.optimizer);
      const { syncScaling, rows } = run.config;
      const schedule = new SyncSchedule(syncScaling, rows);
      const runSteps = async (): Promise<void> => {
        let version = 0;
        let updates = 0;
        let members = run.aliveWorkers();
        let grads = members.map((w) => run.gradient(w, params));
        while (!run.stopped) {
          const ids = members.map((w) => run.book.create(w.host, 0, version, updates, run.now()));
          let applied = false;
          const values: Float32Array[] = [];
          const ready = grads.map((g, i) => g.then((v) => void (values[i] = v)));
          const next = new Map<WorkerSlot, Promise<Float32Array>>();
          const finished = (i: number): void => {
            if (!applied) {
              applied = true;
              const avg = new Float32Array(params.length);
              for (const g of values) for (let k = 0; k < avg.length; k++) avg[k] += g[k];
              // The optimizer applies the base rate: scaling the average gives the scheduled rate's step.
              const factor = schedule.next(members.map((w) => w.data.batchRows)) / values.length;
              for (let k = 0; k < avg.length; k++) avg[k] *= factor;
              optimizer.apply(params, avg, 0, params.length, 0);
              version++;
              updates += ids.length;
              run.book.applied(ids, 0, { host: "allreduce", version, updates }, run.now(), false);
              run.config.inspector.applied?.({
                shard: 0,
                host: "allreduce",
                role: "primary",
                version,
                ids,
                grad: avg,
              });
            }
            if (members[i].alive && !run.stopped) next.set(members[i], run.gradient(members[i], params));
          };
          const ok = await ring(run, members, ready, finished);
          if (run.stopped) return;
          if (!ok && !applied) {
            // A member died before anyone had the average: the survivors redo the step with their gradients.
            const keep = members.map((w, i) => ({ w, g: grads[i], id: ids[i] })).filter((m) => m.w.alive);
            for (const m of members)
              if (!m.alive) run.book.dropped(ids[members.indexOf(m)], "workerKilled", run.now());
            for (const m of keep) run.book.dropped(m.id, "transferFailed", run.now());
            members = keep.map((m) => m.w);
            grads = keep.map((m) => m.g);
            if (members.length === 0) return;
            continue;
          }
          // Survivors the ring did not reach after the average existed take it as delivered.
          members = run.aliveWorkers();
          grads = members.map((w) => next.get(w) ?? run.gradient(w, params));
          if (members.length === 0) return;
        }
      };
      runSteps().catch((error: unknown) => run.fail(error));
    },
    params: () => params.slice(),
    killed() {
      // The ring notices: the dead worker's transfers fail and the step is redone without it.
    },
  };
}
