/**
 * Registers `dsfabric train` and `dsfabric compare` on the commander program. A `DsfabricError` (a bad
 * config, an unknown policy, a shape mismatch) prints one line to stderr and exits with status 1, without a
 * stack trace; anything else is a bug and keeps its stack.
 */
import { InvalidArgumentError, type Command } from "commander";
import { DsfabricError } from "../core/errors.ts";
import { intOption } from "../core/options.ts";
import { shutdown } from "../index.ts";
import type { Clock } from "../sim/clock.ts";
import { runCompare } from "./compare.ts";
import { RunEndedEarlyError } from "./endedEarly.ts";
import { POLICIES } from "./runPolicy.ts";
import { runTrain } from "./train.ts";

/**
 * Commander's parser for an integer flag of at least `min`: the same check as an options object's
 * (core/options.ts), reported by commander as one line (`error: option '--rows <n>' argument 'abc' is
 * invalid. --rows must be an integer >= 1 but was NaN`) before any work.
 *
 * @example
 * ```ts
 * program.option("--rows <n>", "rows of the array", intArgument("--rows", 1), 8192);
 * ```
 */
export function intArgument(flag: string, min: number): (value: string) => number {
  return (value) => {
    const parsed = value.trim() === "" ? Number.NaN : Number(value);
    try {
      return intOption("dsfabric", { [flag]: parsed }, flag, 0, min);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message.replace(/^dsfabric: /, ""));
    }
  };
}

/** Commander's accumulator for a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Runs a command: a DsfabricError prints one line and sets exit status 1 (3 for a run that ended early,
 * cli/endedEarly.ts); the runtime shuts down after.
 */
export async function guarded(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (!(e instanceof DsfabricError)) throw e;
    process.stderr.write(`dsfabric: ${e.name}: ${e.message}\n`);
    process.exitCode = e instanceof RunEndedEarlyError ? e.exitCode : 1;
  } finally {
    await shutdown();
  }
}

/**
 * Adds the training commands to `program`.
 *
 * @example
 * ```ts
 * const program = new Command();
 * registerTrainingCommands(program, realClock);
 * await program.parseAsync(["node", "dsfabric", "compare", "--config", "examples/quick.json", "--out", "out"]);
 * ```
 */
export function registerTrainingCommands(program: Command, clock: Clock): void {
  program
    .command("train")
    .description("train one policy from a config file, with progress, and print its statistics")
    .requiredOption("--config <file>", "JSON config (see examples/)")
    .option(
      "--set <path=value>",
      "override a config field by dotted path, e.g. cluster.workers=48 (repeatable)",
      collect,
      [],
    )
    .option("--policy <name>", `policy to run (${POLICIES.join(", ")}); default: the config's`)
    .option("--out <dir>", "also write results.json, accuracy.svg/png and summary.md here")
    .action((opts: { config: string; set: string[]; policy?: string; out?: string }) =>
      guarded(() =>
        runTrain({
          configPath: opts.config,
          sets: opts.set,
          policy: opts.policy,
          outDir: opts.out,
          clock,
          log: (line) => console.log(line),
        }),
      ),
    );

  program
    .command("compare")
    .description(
      "run several policies on the same config and seed; write results.json, the plot and summary.md",
    )
    .requiredOption("--config <file>", "JSON config (see examples/)")
    .option("--policies <list>", "comma-separated policies", POLICIES.join(","))
    .requiredOption("--out <dir>", "output folder")
    .option(
      "--set <path=value>",
      "override a config field by dotted path, e.g. seed=7 (repeatable)",
      collect,
      [],
    )
    .action((opts: { config: string; set: string[]; policies: string; out: string }) =>
      guarded(() =>
        runCompare({
          configPath: opts.config,
          sets: opts.set,
          policies: opts.policies,
          outDir: opts.out,
          clock,
          log: (line) => console.log(line),
        }),
      ),
    );
}
