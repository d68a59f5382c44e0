import { engine } from "../../src/internal.ts";

/**
 * The kernels of every task submitted while `body` runs (awaited): how a test sees that a computation took
 * a path (a sparse array never made dense, one task per strip, ...).
 */
export async function kernelsDuring<T>(body: () => Promise<T>): Promise<{ result: T; kernels: string[] }> {
  const e = engine();
  const kernels: string[] = [];
  const submit = e.submit.bind(e);
  e.submit = (spec) => {
    kernels.push(spec.kernel);
    return submit(spec);
  };
  try {
    return { result: await body(), kernels };
  } finally {
    Reflect.deleteProperty(e, "submit");
  }
}
