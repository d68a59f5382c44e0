/**
 * NumPy as the independent reference: runs a Python script with /usr/bin/python3 (Debian's python3-numpy,
 * which .ci/run installs) and returns what it printed. A failing script fails the test with its stderr.
 */
import { execFileSync } from "node:child_process";

/**
 * Runs `script` (Python source) with `args` in `sys.argv[1:]`; returns its standard output.
 *
 * @example
 * ```ts
 * python("import sys, numpy; print(numpy.load(sys.argv[1]).shape)", ["/tmp/x.npy"]); // "(3, 4)\n"
 * ```
 */
export function python(script: string, args: readonly string[] = []): string {
  return execFileSync("/usr/bin/python3", ["-c", script, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs `script` and parses the JSON it prints. */
export function pythonJson<T>(script: string, args: readonly string[] = []): T {
  return JSON.parse(python(script, args)) as T;
}

/**
 * The 64 bits of each double, as decimal strings: how float64 values cross from Python exactly (JSON has no
 * NaN, infinities or negative zero). Python prints the same with `[str(b) for b in a.view(numpy.uint64).ravel()]`.
 */
export function float64Bits(values: Float64Array): string[] {
  const bits = new BigUint64Array(values.buffer, values.byteOffset, values.length);
  return Array.from(bits, (b) => b.toString());
}
