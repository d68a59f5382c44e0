/**
 * The one place that attaches chained methods to DsArray. The package entry imports it, so every method
 * exists before any user code runs, whatever the import order elsewhere.
 *
 * Sparse arrays: the methods in SPARSE_AWARE take sparse arrays as they are (and keep them sparse where
 * the result can be). Every other method is wrapped here to run on the dense form of a sparse `this` and of
 * sparse array arguments, so each gives the dense result scipy would, without a sparse case of its own.
 */
import { DsArray, OWN_METHODS } from "../dsArray.ts";
import { onDenseForms } from "../ops/sparse.ts";
import "./elementwiseMethods.ts";
import "./structureMethods.ts";
import "./linalgMethods.ts";
import "./indexingMethods.ts";
import "./reductionMethods.ts";
import "./sparseMethods.ts";

/** Methods with a sparse case (or that only read the structure). */
export const SPARSE_AWARE: ReadonlySet<string> = new Set([
  "mul",
  "div",
  "pow",
  "neg",
  "abs",
  "sqrt",
  "transpose",
  "slice",
  "take",
  "mask",
  "rechunk",
  "copy",
  "add",
  "sub",
  "sum",
  "mean",
  "norm",
  "countNonzero",
  "min",
  "max",
  "prod",
  "matmul",
  "toDense",
  "toSparse",
]);

const proto = DsArray.prototype as unknown as Record<string, unknown>;
for (const name of Object.getOwnPropertyNames(proto)) {
  if (OWN_METHODS.has(name) || SPARSE_AWARE.has(name)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  if (descriptor === undefined || typeof descriptor.value !== "function") continue;
  proto[name] = onDenseForms(descriptor.value as (this: unknown, ...args: unknown[]) => unknown);
}
