/**
 * Attribute types of the sparse kernels, on their own so that `names.ts` can use them without importing the
 * kernels (which import the registry, which imports `names.ts`).
 */

/** The elementwise maps with f(0) = 0, which keep a sparse block sparse. */
export type SparseValueMap = "mul" | "div" | "neg" | "abs" | "sqrt" | "pow";
