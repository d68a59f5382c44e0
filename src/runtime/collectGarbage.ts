/**
 * A synchronous garbage collection, when this process can have one. The block pool calls it before it
 * would fault in fresh pages: a full collection of the small JavaScript heap costs 1-5 ms here, while
 * 256 MiB of new pages cost ~150 ms of page faults. Node exposes `gc` only behind `--expose-gc`; the flag
 * can still be set at run time, and the function is then reachable from a fresh context.
 */
import v8 from "node:v8";
import vm from "node:vm";

type Collector = () => void;
let cached: Collector | null | undefined;

function load(): Collector | null {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === "function") return existing as Collector;
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn: unknown = vm.runInNewContext("gc");
    return typeof fn === "function" ? (fn as Collector) : null;
  } catch {
    return null;
  }
}

/**
 * Runs a full collection and returns true, or returns false where no collector can be reached.
 *
 * @example
 * ```ts
 * if (collectGarbage()) pool.scan(); // dead blocks are now detectable through their WeakRefs
 * ```
 */
export function collectGarbage(): boolean {
  if (cached === undefined) cached = load();
  if (cached === null) return false;
  cached();
  return true;
}
