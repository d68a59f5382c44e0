/**
 * Readers and writers: text (CSV, TSV, whitespace), .npy and svmlight, parsed and written by the workers in parallel.
 */
export { loadTxt, saveTxt, type LoadTxtOptions, type SaveTxtOptions } from "./text.ts";
export { loadNpy, saveNpy, type LoadNpyOptions, type SaveNpyOptions } from "./npy.ts";
export { loadSvmlight, type LoadSvmlightOptions } from "./svmlight.ts";
