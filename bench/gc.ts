/**
 * A full garbage collection on demand (the bench script runs without `--expose-gc`), so that big freed
 * buffers (512 MiB per array at full size) are released between measurements instead of piling up.
 */
import v8 from "node:v8";
import vm from "node:vm";

export const collectGarbage: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  const gc: unknown = vm.runInNewContext("gc");
  return typeof gc === "function" ? (gc as () => void) : () => undefined;
})();
