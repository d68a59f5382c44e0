/**
 * Bad output locations and bad flags fail before any work, in one line; reports replace the old one whole;
 * a run that fails or is interrupted keeps the policies that finished, in a report marked partial. The CLI
 * runs as a user runs it (spawned through tsx on the sources).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runReported } from "../../src/cli/compare.ts";
import { assertOneLineError, cliArgs, dsfabric, root } from "../support/cli.ts";
import type { CliResult } from "../support/cli.ts";
import { loadConfig } from "../../src/cli/config.ts";
import { prepareReport } from "../../src/cli/report/reportFolder.ts";
import type { Results } from "../../src/cli/report/resultsJson.ts";
import { prepareConfig } from "../../src/cli/runPolicy.ts";
import { realClock } from "../../src/sim/clock.ts";

/** One line on stderr, no stack trace, exit status 1, and nothing of the run (no progress) on stdout. */
function assertRefused(r: CliResult, pattern: RegExp, what: string): void {
  assertOneLineError(r, 1, pattern, what);
  assert.ok(!r.stdout.includes("[mlfabric]"), `${what}: refused before training`);
}

it("refuses bad --out locations before loading or training, in one line, leaving nothing behind", () => {
  const base = mkdtempSync(join(tmpdir(), "dsfabric-out-"));
  const busy = join(base, "busy");
  mkdirSync(busy);
  writeFileSync(join(busy, "notes.txt"), "mine");
  writeFileSync(join(base, "a-file"), "x");
  const cases: [string[], string, RegExp][] = [
    [
      ["compare", "--config", "examples/quick.json"],
      "/proc/x",
      /cannot write \/proc\/x: \/proc holds no data files/,
    ],
    [["compare", "--config", "examples/quick.json"], "/sys/kernel/x", /\/sys holds no data files/],
    [
      ["train", "--config", "examples/quick.json"],
      "/etc/hostname",
      /cannot write the folder \/etc\/hostname: a file is there/,
    ],
    [
      ["train", "--config", "examples/quick.json"],
      join(base, "a-file", "sub"),
      /cannot write .*a-file\/sub: folder .*a-file: a file is in the way/,
    ],
    [["compare", "--config", "examples/quick.json"], busy, /holds other files than a report \(notes\.txt\)/],
    [["demo"], "/proc/demo", /cannot write \/proc\/demo: \/proc holds no data files/],
    // The output is checked before the config is read: a missing config is not what fails first.
    [["compare", "--config", "no-such.json"], "/proc/y", /\/proc holds no data files/],
  ];
  for (const [args, out, pattern] of cases) {
    assertRefused(dsfabric(...args, "--out", out), pattern, `${args[0]} --out ${out}`);
  }
  assert.deepEqual(readdirSync(base).sort(), ["a-file", "busy"], "no temporary folders left");
  assert.deepEqual(readdirSync(busy), ["notes.txt"]);
});

it("checks numeric flags up front (demo-arrays), with the options checker's words", () => {
  for (const [flag, value, shown] of [
    ["--rows", "abc", "NaN"],
    ["--cols", "0", "0"],
    ["--block", "1.5", "1.5"],
    ["--matmul", "", "NaN"],
  ]) {
    const r = dsfabric("demo-arrays", flag, value);
    assert.equal(r.status, 1, `${flag} ${value}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `argument '${value}' is invalid\\. ${flag} must be an integer >= 1 but was ${shown.replace(".", "\\.")}`,
      ),
    );
    assert.equal(r.stdout, "", "nothing ran");
  }
});

it("replaces an earlier report whole (no files of the old one left, no temporary folders)", () => {
  const base = mkdtempSync(join(tmpdir(), "dsfabric-replace-"));
  const out = join(base, "nested", "report");
  const first = dsfabric(
    "compare",
    "--config",
    "examples/quick.json",
    "--policies",
    "mlfabric,async",
    "--out",
    out,
  );
  assert.equal(first.status, 0, first.stderr);
  const second = dsfabric("train", "--config", "examples/quick.json", "--policy", "async", "--out", out);
  assert.equal(second.status, 0, second.stderr);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  assert.deepEqual(Object.keys(results.policies), ["async"]);
  assert.equal(results.partial, undefined);
  assert.deepEqual(readdirSync(out).sort(), ["accuracy.png", "accuracy.svg", "results.json", "summary.md"]);
  assert.deepEqual(readdirSync(join(base, "nested")), ["report"], "no temporary folders left");
});

it("writes the finished policies as a partial report when a later one fails, then rethrows", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "dsfabric-partial-")), "report");
  const prepared = prepareConfig(loadConfig(join(root, "examples/quick.json"), []));
  const report = prepareReport("test", out);
  const lines: string[] = [];
  try {
    await assert.rejects(
      runReported(
        prepared,
        ["async", "no-such-policy"],
        { clock: realClock, log: (l) => lines.push(l) },
        report,
      ),
      /no-such-policy/,
    );
  } finally {
    report.discard();
  }
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  assert.deepEqual(Object.keys(results.policies), ["async"]);
  assert.match(results.partial?.reason ?? "", /^policy no-such-policy failed: /);
  assert.deepEqual(results.partial?.unfinished, ["no-such-policy"]);
  assert.match(
    readFileSync(join(out, "summary.md"), "utf8"),
    /\*\*Partial report\*\*: policy no-such-policy failed/,
  );
  assert.ok(
    lines.some((l) => /wrote a partial report \(1 of 2 policies\)/.test(l)),
    lines.join("\n"),
  );
});

it("on SIGINT keeps the policies that finished in a partial report and exits with 130", async () => {
  const base = mkdtempSync(join(tmpdir(), "dsfabric-sigint-"));
  const out = join(base, "report");
  // In real time each policy takes about half a second to the quick target: SIGINT as mlfabric starts.
  const child = spawn(
    process.execPath,
    [
      ...cliArgs,
      "compare",
      "--config",
      "examples/quick.json",
      "--policies",
      "async,mlfabric",
      "--out",
      out,
      "--set",
      "clock=real",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no exit within 60 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on("data", (d: Buffer) => {
      const before = stdout;
      stdout += d.toString();
      if (!before.includes("[mlfabric]") && stdout.includes("[mlfabric]")) child.kill("SIGINT");
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  assert.equal(status, 130, `stdout: ${stdout}\nstderr: ${stderr}`);
  assert.match(stderr, /dsfabric: interrupted \(SIGINT\)/);
  const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  assert.ok("async" in results.policies, "async had finished");
  assert.equal(results.partial?.reason, "interrupted (SIGINT)");
  assert.deepEqual(results.partial?.unfinished, ["mlfabric"]);
  assert.ok(existsSync(join(out, "accuracy.png")));
  assert.deepEqual(readdirSync(base), ["report"], "no temporary folders left");
});
