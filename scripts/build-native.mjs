#!/usr/bin/env node
// Builds the optional OpenBLAS/LAPACKE addon (native/build/Release/dsfabric_blas.node) with node-gyp.
//
// Runs as the package's "install" script. It must never make `npm install` fail: when a header, the library,
// node-gyp or the compiler is missing, or the build fails, it prints ONE line saying why and exits 0; dsfabric
// then uses its pure-TypeScript kernels. The full node-gyp output goes to native/build/build.log.
//
// Environment:
//   DSFABRIC_SKIP_NATIVE=1         do not build (the pure-TypeScript kernels will be used)
//   DSFABRIC_BLAS_INCLUDE=a:b      extra include directories (read by native/binding.gyp)
//   DSFABRIC_BLAS_LIBDIRS=a:b      extra library directories (read by native/binding.gyp, also added as rpath)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "native");
const output = join(nativeDir, "build", "Release", "dsfabric_blas.node");

function skip(reason) {
  process.stdout.write(
    `dsfabric: native BLAS not built (${reason}); the pure-TypeScript kernels will be used\n`,
  );
  process.exit(0);
}

function splitDirs(value) {
  return (value ?? "").split(":").filter((d) => d.length > 0);
}

function multiarch() {
  const r = spawnSync("gcc", ["-print-multiarch"], { encoding: "utf8" });
  const triple = r.status === 0 ? r.stdout.trim() : "";
  return triple.length > 0 ? [triple] : ["x86_64-linux-gnu", "aarch64-linux-gnu"];
}

const arches = multiarch();
const includeDirs = [
  ...splitDirs(process.env.DSFABRIC_BLAS_INCLUDE),
  "/usr/include",
  ...arches.map((a) => `/usr/include/${a}`),
  "/usr/include/openblas",
  "/usr/local/include",
  "/opt/homebrew/opt/openblas/include",
];
const libDirs = [
  ...splitDirs(process.env.DSFABRIC_BLAS_LIBDIRS),
  ...arches.map((a) => `/usr/lib/${a}`),
  "/usr/lib64",
  "/usr/lib",
  "/usr/local/lib",
  "/opt/homebrew/opt/openblas/lib",
];

function findFile(dirs, names) {
  for (const d of dirs) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return undefined;
}

/** Node's headers: node-gyp cannot download them here, so point it at an installed copy (--nodedir). */
function findNodeDir() {
  const candidates = [resolve(dirname(process.execPath), ".."), "/usr", "/usr/local"];
  return candidates.find((d) => existsSync(join(d, "include", "node", "node_api.h")));
}

/** node-gyp from our devDependencies, else the copy npm bundles (npm sets npm_config_node_gyp). */
function findNodeGyp() {
  try {
    return createRequire(join(root, "package.json")).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const fromNpm = process.env.npm_config_node_gyp;
    return fromNpm !== undefined && existsSync(fromNpm) ? fromNpm : undefined;
  }
}

if (process.env.DSFABRIC_SKIP_NATIVE === "1") skip("DSFABRIC_SKIP_NATIVE=1");
if (!existsSync(join(nativeDir, "binding.gyp"))) skip("native/binding.gyp is missing");
if (findFile(includeDirs, ["cblas.h"]) === undefined) skip("cblas.h not found: install libopenblas-dev");
if (findFile(includeDirs, ["lapacke.h"]) === undefined) skip("lapacke.h not found: install liblapacke-dev");
if (findFile(libDirs, ["libopenblas.so", "libopenblas.dylib", "libopenblas.a"]) === undefined) {
  skip("libopenblas not found: install libopenblas-dev");
}
if (findFile(libDirs, ["liblapacke.so", "liblapacke.dylib", "liblapacke.a"]) === undefined) {
  skip("liblapacke not found: install liblapacke-dev");
}
const nodeDir = findNodeDir();
if (nodeDir === undefined) skip("Node's C headers (include/node/node_api.h) not found");
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) skip("node-gyp not found");

const result = spawnSync(process.execPath, [nodeGyp, "rebuild", `--nodedir=${nodeDir}`], {
  cwd: nativeDir,
  encoding: "utf8",
  env: { ...process.env, DSFABRIC_BLAS_LIBDIRS: splitDirs(process.env.DSFABRIC_BLAS_LIBDIRS).join(":") },
});
const log = `${result.stdout ?? ""}\n${result.stderr ?? ""}`;
try {
  mkdirSync(join(nativeDir, "build"), { recursive: true });
  writeFileSync(join(nativeDir, "build", "build.log"), log);
} catch {
  // The log is a convenience; failing to write it must not fail the install.
}
if (result.error !== undefined) skip(`node-gyp could not start: ${result.error.message}`);
if (result.status !== 0 || !existsSync(output)) {
  const firstError = log
    .split("\n")
    .find((l) => /error|not found|No such file/i.test(l) && !/gyp info/.test(l));
  skip(`node-gyp failed: ${(firstError ?? `exit code ${result.status}`).trim()}; see native/build/build.log`);
}

// Load it once in a child process, so that a library that links but does not load is reported now.
const probe = spawnSync(
  process.execPath,
  ["-e", `const b = require(${JSON.stringify(output)}); process.stdout.write(b.config());`],
  { encoding: "utf8" },
);
if (probe.status !== 0) {
  const why =
    (probe.stderr ?? "").split("\n").find((l) => l.trim().length > 0) ?? `exit code ${probe.status}`;
  skip(`built but failed to load: ${why.trim()}`);
}
process.stdout.write(`dsfabric: native BLAS built (${probe.stdout.trim()})\n`);
