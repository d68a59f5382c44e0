/**
 * Readers and writers. Text (CSV, TSV, whitespace), .npy and svmlight are parsed and written by the workers
 * in parallel; Arrow IPC and Parquet are decoded on the calling thread and cut into blocks.
 */
export { loadTxt, saveTxt, type LoadTxtOptions, type SaveTxtOptions } from "./text.ts";
export { loadNpy, saveNpy, type LoadNpyOptions, type SaveNpyOptions } from "./npy.ts";
export { loadSvmlight, type LoadSvmlightOptions } from "./svmlight.ts";
export { loadArrow, type LoadColumnsOptions } from "./arrow.ts";
export { loadParquet } from "./parquet.ts";
