import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}dist/src/cli/main.js`;

function info(env: Record<string, string | undefined>) {
  assert.ok(existsSync(cli), "dist/ is built by `npm test` (pretest) before the tests run");
  const r = spawnSync(process.execPath, [cli, "info", "--json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

it("dsfabric info reports cores, workers, the BLAS backend and OPENBLAS_CORETYPE", () => {
  const report = info({ OPENBLAS_CORETYPE: "Haswell" });
  assert.equal(report.cores, availableParallelism());
  assert.equal(report.workers, availableParallelism());
  assert.equal(report.openblasCoretype, "Haswell");
  assert.match(String(report.backend), /^(openblas|js)/);
  if (process.env.CI !== undefined) assert.match(String(report.backend), /^openblas/, "CI installs OpenBLAS");
  assert.equal(typeof report.blasThreadsPerWorker, "number");
});

it("DSFABRIC_BACKEND=js forces the pure-TypeScript kernels and says so", () => {
  const report = info({ DSFABRIC_BACKEND: "js", OPENBLAS_CORETYPE: undefined });
  assert.match(String(report.backend), /^js/);
  assert.equal(report.openblasCoretype, "unset");
  assert.match(String(report.note), /DSFABRIC_BACKEND/);
});
