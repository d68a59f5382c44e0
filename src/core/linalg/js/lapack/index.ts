/**
 * Pure-TypeScript fallbacks of the LAPACK routines dsfabric needs, used when the native OpenBLAS/LAPACKE
 * addon is not available. The contracts (shapes, orderings, error types) match the native versions.
 */
export { cholesky } from "./cholesky.ts";
export { solve } from "./solve.ts";
export { solveSpd } from "./solveSpd.ts";
export { qr } from "./qr.ts";
export { symEig } from "./symEig.ts";
export { svd } from "./svd.ts";
