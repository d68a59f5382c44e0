/**
 * The NumPy / dask.array peers: makes sure Debian's packages are installed, then runs bench/peers.py in its
 * own process (own memory, never at the same time as the dsfabric cases) and parses its JSON.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CaseSpec } from "./cases.ts";
import type { Loaded } from "./dsapi.ts";

/** Always Debian's interpreter: the `python3` first on PATH may be another one without these packages. */
export const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./peers.py", import.meta.url));
const IMPORT_CHECK = "import numpy, dask, dask.array, distributed, pandas";
const APT_PACKAGES = [
  "python3-numpy",
  "python3-dask",
  "python3-distributed",
  "python3-scipy",
  "python3-sklearn",
  "python3-pandas",
];

export type PeerName = "numpy" | "dask";

export type PeerTiming =
  | {
      samples_ms: number[];
      median_ms: number;
      min_ms: number;
      /** Peak RSS of the Python process over the timed runs (VmHWM after clear_refs), when measurable. */
      peak_rss_bytes?: number;
      /** What the peer ran, when it says (logistic-regression: the solver's iterations). */
      note?: string;
    }
  | { error: string };

export interface PeerResult {
  name: string;
  numpy?: PeerTiming;
  dask?: PeerTiming;
}

export interface PeerRun {
  env: Record<string, unknown>;
  results: PeerResult[];
}

function importCheck(): { ok: boolean; detail: string } {
  const r = spawnSync(PYTHON, ["-c", IMPORT_CHECK], { encoding: "utf8" });
  if (r.error) return { ok: false, detail: r.error.message };
  return { ok: r.status === 0, detail: (r.stderr || "").trim().split("\n").pop() ?? "" };
}

function aptGet(args: string[]): boolean {
  console.error(`$ apt-get ${args.join(" ")}`);
  const r = spawnSync("apt-get", args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status === 0;
}

/** Checks that NumPy and dask import in /usr/bin/python3; installs them with apt-get if root. */
export function ensurePeers(allowInstall: boolean): Loaded<void> {
  const first = importCheck();
  if (first.ok) return { ok: true, value: undefined };
  const howTo = `apt-get update && apt-get install -y ${APT_PACKAGES.join(" ")}`;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!allowInstall || !isRoot) {
    return {
      ok: false,
      reason: `${PYTHON} -c "${IMPORT_CHECK}" failed (${first.detail}); install the peers as root with: ${howTo}`,
    };
  }
  console.error(`peers missing (${first.detail}); installing Debian packages`);
  if (!aptGet(["update"]) || !aptGet(["install", "-y", ...APT_PACKAGES])) {
    return { ok: false, reason: `apt-get failed; install by hand with: ${howTo}` };
  }
  const second = importCheck();
  return second.ok
    ? { ok: true, value: undefined }
    : { ok: false, reason: `still cannot import after apt-get: ${second.detail}` };
}

interface RunOptions {
  args: string[];
  stdin?: string;
  timeoutMs: number;
}

function runPython({ args, stdin, timeoutMs }: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`peers.py took longer than ${Math.round(timeoutMs / 1000)} s and was killed`));
    }, timeoutMs);
    timer.unref();
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`peers.py exited with ${signal ?? `code ${code}`}`));
    });
    child.stdin.end(stdin ?? "");
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseTiming(v: unknown): PeerTiming | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v["error"] === "string") return { error: v["error"] };
  const samples = v["samples_ms"];
  if (
    Array.isArray(samples) &&
    samples.every((s): s is number => typeof s === "number") &&
    typeof v["median_ms"] === "number" &&
    typeof v["min_ms"] === "number"
  ) {
    const peak = v["peak_rss_bytes"];
    return {
      samples_ms: samples,
      median_ms: v["median_ms"],
      min_ms: v["min_ms"],
      peak_rss_bytes: typeof peak === "number" ? peak : undefined,
      note: typeof v["note"] === "string" ? v["note"] : undefined,
    };
  }
  return { error: "peers.py printed a malformed timing" };
}

function parseOutput(text: string): PeerRun {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc) || !isRecord(doc["env"])) throw new Error("peers.py printed no env object");
  const rawResults = Array.isArray(doc["results"]) ? (doc["results"] as unknown[]) : [];
  const results: PeerResult[] = rawResults.filter(isRecord).map((r) => ({
    name: String(r["name"]),
    numpy: parseTiming(r["numpy"]),
    dask: parseTiming(r["dask"]),
  }));
  return { env: doc["env"], results };
}

/** NumPy / dask versions and BLAS, without running any case. */
export async function peerEnv(cores: number): Promise<Record<string, unknown>> {
  return parseOutput(await runPython({ args: ["--env-only", "--cores", String(cores)], timeoutMs: 120_000 }))
    .env;
}

/** Runs every case with NumPy and dask.array; timings in ms. */
export async function runPeers(
  cases: readonly CaseSpec[],
  opts: { repeats: number; cores: number; peers: readonly PeerName[]; timeoutMs: number },
): Promise<PeerRun> {
  const text = await runPython({
    args: [
      "--cases",
      "-",
      "--repeats",
      String(opts.repeats),
      "--cores",
      String(opts.cores),
      "--peers",
      opts.peers.join(","),
    ],
    stdin: JSON.stringify(cases),
    timeoutMs: opts.timeoutMs,
  });
  return parseOutput(text);
}
