/**
 * Attribute types of the reduction kernels, on their own so that `names.ts` can use them without importing
 * the kernels (which import the registry, which imports `names.ts`).
 */

/** The axis a chunk kernel reduces over: 0 (down each column), 1 (along each row) or every element. */
export type ReduceAxis = 0 | 1 | "all";

/** Layout of a partial: 0 = fields x lanes, 1 = lanes x fields. */
export type PartialLayout = 0 | 1;

/** What each value adds to a lane's total in the sum family. */
export type SumMap = "value" | "square" | "nonzero";

/** How the sum family's aggregate turns `{count, total}` into the result. */
export type SumFinish = "total" | "mean" | "sqrt";

/** The fold of min, max and prod. */
export type FoldOp = "min" | "max" | "prod";

/** argmin or argmax. */
export type ArgKind = "min" | "max";

/** var or std (the square root of var). */
export type MomentsFinish = "var" | "std";
