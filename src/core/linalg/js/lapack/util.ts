/**
 * What the pure-TypeScript LAPACK fallbacks share: the float64 epsilon, and the argument checks of
 * `core/linalg/checks.ts` (the same messages as the native backend's, so an error reads the same whichever
 * backend raised it).
 */
export { requireFinite, requireRhs, requireSquare, shapeOf } from "../../checks.ts";

/** Machine epsilon of float64 (unit roundoff times two), the scale of every tolerance below. */
export const EPS = 2 ** -52;
