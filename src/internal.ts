/**
 * Internals for dsfabric's own tests and benchmarks; not part of the public API and may change.
 */
export { engine } from "./runtime/runtime.ts";
export type { EngineStats } from "./runtime/engine.ts";
export * as blockGrid from "./array/blockGrid.ts";
export { programSource } from "./core/kernels/elementwise/compile.ts";
export { uniformAt } from "./core/kernels/fill.ts";
