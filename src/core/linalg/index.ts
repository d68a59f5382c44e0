/**
 * Local dense linear algebra on `Matrix` blocks: a `LinalgBackend` (OpenBLAS via a native addon, or pure
 * TypeScript) chosen by `linalg()`.
 */
export type { LinalgBackend, GemmOptions, GemvOptions, SyrkOptions } from "./backend.ts";
export { chooseBlasThreads } from "./blasThreads.ts";
export { linalg, jsLinalg, nativeLinalg, backendInfo } from "./selectBackend.ts";
export type { BackendInfo } from "./selectBackend.ts";
