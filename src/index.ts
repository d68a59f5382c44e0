/**
 * dsfabric: distributed arrays and machine learning for TypeScript on Node.js.
 *
 * @example
 * ```ts
 * import { ds, shutdown } from "dsfabric";
 * const x = ds.random([10000, 100], { blockSize: [1000, 100], seed: 1 });
 * console.log(await x.mean());
 * await shutdown();
 * ```
 */
import { ds as arrayDs } from "./array/ds.ts";
import { datasets } from "./io/datasets/index.ts";
import { loadArrow, loadNpy, loadParquet, loadSvmlight, loadTxt, saveNpy, saveTxt } from "./io/index.ts";

/** The `ds` namespace: array creation and free-standing operations, files in and out, and `ds.datasets`. */
export const ds = {
  ...arrayDs,
  datasets,
  loadTxt,
  saveTxt,
  loadNpy,
  saveNpy,
  loadSvmlight,
  loadArrow,
  loadParquet,
};
export type {
  LoadColumnsOptions,
  LoadNpyOptions,
  LoadSvmlightOptions,
  LoadTxtOptions,
  SaveNpyOptions,
  SaveTxtOptions,
} from "./io/index.ts";
export type {
  MakeBlobsOptions,
  MakeClassificationOptions,
  MakeRegressionOptions,
  MnistData,
  MnistOptions,
  Samples,
} from "./io/datasets/index.ts";
export { DsArray } from "./array/dsArray.ts";
export type { Operand } from "./array/elementwise.ts";
export type { BlockOptions } from "./array/creation.ts";
export type { SliceSpec } from "./array/blockGrid.ts";
export type { Mask } from "./array/ops/mask.ts";
export type { MatmulOptions } from "./array/ops/matmul.ts";
export type { TsqrOptions } from "./array/linalg/tsqr.ts";
export type { SvdOptions, SvdResult } from "./array/linalg/svd.ts";
export type { RandomSvdOptions, RandomSvdResult } from "./array/linalg/randomSvd.ts";
export type { AxisArg, ReduceOptions } from "./array/reduction.ts";
export type { VarianceOptions } from "./array/ops/variance.ts";
export type { ReduceMethod } from "./array/methods/reductionMethods.ts";
export { Matrix } from "./core/matrix.ts";
export { CsrMatrix } from "./core/csrMatrix.ts";
export type { Block } from "./core/block.ts";
export {
  DsfabricError,
  ArgumentError,
  ShapeError,
  IndexError,
  TaskFailedError,
  RuntimeStateError,
  FileFormatError,
  LinalgError,
  NotFittedError,
  ResourceError,
} from "./core/errors.ts";
export { init, shutdown } from "./runtime/runtime.ts";
export type { InitOptions } from "./runtime/runtime.ts";
export { fabric } from "./fabric/index.ts";
