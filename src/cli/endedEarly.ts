/**
 * A training run that ended before its target or maxTimeS because it could not go on (no worker left, a
 * shard with no live copy) is a result, not a crash: its report is written as usual, and then the command
 * says why in one line and exits with status 3, so that a script can tell it from a bad config (status 1).
 */
import { DsfabricError } from "../core/errors.ts";
import type { Results } from "./report/resultsJson.ts";

/** The exit status of a command whose run ended early. */
export const EXIT_ENDED_EARLY = 3;

/** A run ended early; `exitCode` is {@link EXIT_ENDED_EARLY}. */
export class RunEndedEarlyError extends DsfabricError {
  readonly exitCode = EXIT_ENDED_EARLY;
  constructor(message: string) {
    super(message);
    this.name = "RunEndedEarlyError";
  }
}

/** Reasons after which a run could not go on. */
const EARLY = new Set(["noWorkers", "shardLost"]);

/**
 * Throws RunEndedEarlyError naming every policy whose run ended early, with when and why.
 *
 * @example
 * ```ts
 * throwIfEndedEarly(results);
 * // throws: policy async ended early at 0.16 s: no worker left: w0 silent since 0.05 s, declared dead at 0.16 s
 * ```
 */
export function throwIfEndedEarly(results: Results): void {
  const early = Object.entries(results.policies).flatMap(([name, p]) =>
    p.ended !== undefined && EARLY.has(p.ended.reason)
      ? [`policy ${name} ended early at ${p.ended.atS.toFixed(2)} s: ${p.ended.message}`]
      : [],
  );
  if (early.length > 0) throw new RunEndedEarlyError(early.join("; "));
}
