import { engine } from "../../src/internal.ts";

/** Records the kernel of every task submitted from now until `stop()`. */
function watchKernels(): { kernels: string[]; stop(): void } {
  const e = engine();
  const kernels: string[] = [];
  const submit = e.submit.bind(e);
  e.submit = (spec) => {
    kernels.push(spec.kernel);
    return submit(spec);
  };
  return { kernels, stop: () => Reflect.deleteProperty(e, "submit") };
}

/**
 * The kernels of every task submitted while `body` runs (awaited): how a test sees that a computation took
 * a path (a sparse array never made dense, one task per strip, ...).
 */
export async function kernelsDuring<T>(body: () => Promise<T>): Promise<{ result: T; kernels: string[] }> {
  const watch = watchKernels();
  try {
    return { result: await body(), kernels: watch.kernels };
  } finally {
    watch.stop();
  }
}

/** As `kernelsDuring`, for a body that only submits (nothing awaited). */
export function kernelsSubmittedBy<T>(body: () => T): { result: T; kernels: string[] } {
  const watch = watchKernels();
  try {
    return { result: body(), kernels: watch.kernels };
  } finally {
    watch.stop();
  }
}
