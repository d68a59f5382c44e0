/**
 * The CLI as a user runs it: `dsfabric` spawned through tsx on the sources, in the repository, with a
 * time limit (a hang fails the test instead of the suite), and the checks every refusal shares.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository's root. */
export const root = fileURLToPath(new URL("../..", import.meta.url));

/** Node's arguments that run the CLI from the sources. */
export const cliArgs = ["--import", "tsx", "src/cli/main.ts"];

/** What a finished command gave. */
export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `dsfabric ...args` and waits (killed after `timeoutMs`). */
export function dsfabric(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [...cliArgs, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `dsfabric ...args` without blocking, so that several can run at once; SIGKILL after `timeoutMs`. */
export function dsfabricAsync(args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgs, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/**
 * The command ended with `status` and exactly one line on stderr matching `pattern`, without a stack trace.
 *
 * @example
 * ```ts
 * assertOneLineError(dsfabric("train", "--config", "nope.json"), 1, /cannot read nope\.json/, "missing config");
 * ```
 */
export function assertOneLineError(r: CliResult, status: number, pattern: RegExp, what: string): void {
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} (a hang?); stderr: ${r.stderr}`);
  assert.equal(r.status, status, `${what}: status (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `${what}: one line, got ${r.stderr}`);
  assert.match(lines[0], pattern, what);
  assert.ok(!/\n\s+at /.test(r.stderr), `${what}: no stack trace`);
}
