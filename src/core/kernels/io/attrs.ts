/**
 * Attribute types of the file kernels, on their own so that `names.ts` can use them without importing the
 * kernels (which import the registry, which imports `names.ts`).
 */

/** How a text line splits into fields, and what an empty field means. */
export interface TextDialect {
  /** Byte code of the field separator, or -1 for runs of blanks (spaces and tabs). */
  delimiter: number;
  /** Byte code that starts a comment (to the end of the line), or -1. */
  comment: number;
  /** Whether the first field is an index column to drop. */
  indexColumn: boolean;
  /** Whether an empty field reads as NaN (else it is an error). */
  emptyAsNaN: boolean;
}

/** The element types a .npy file may hold (NumPy's kind and size: `f8` is float64, `b1` bool). */
export type NpyDtype = "f8" | "f4" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" | "b1";

/** Where a .npy file's elements are and how they are stored. */
export interface NpyLayout {
  dtype: NpyDtype;
  bigEndian: boolean;
  /** Column-major (NumPy's `fortran_order`). */
  fortran: boolean;
  /** Byte offset of the first element (after the header). */
  dataOffset: number;
  rows: number;
  cols: number;
}
