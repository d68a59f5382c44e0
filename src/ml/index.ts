/**
 * `dsfabric/ml`: scikit-learn-style estimators on DsArray, one folder per family. Options are camelCase,
 * `await fit(...)` returns the estimator, fitted attributes have no trailing underscore, and every
 * estimator saves with `toJSON()` and loads with `Estimator.fromJSON()`.
 */
export { StandardScaler, type StandardScalerOptions } from "./preprocessing/standardScaler.ts";
export { LinearRegression, type LinearRegressionOptions } from "./linear/linearRegression.ts";
export { Ridge, type RidgeOptions } from "./linear/ridge.ts";
export { Lasso, type LassoOptions } from "./linear/lasso.ts";
export { ElasticNet, type ElasticNetOptions } from "./linear/elasticNet.ts";
export { KMeans, type KMeansOptions } from "./cluster/kMeans.ts";
export { LogisticRegression, type LogisticRegressionOptions } from "./linear/logisticRegression.ts";
export {
  NearestNeighbors,
  type NearestNeighborsOptions,
  type KNeighborsOptions,
} from "./neighbors/nearestNeighbors.ts";
export { KNeighborsClassifier, type KNeighborsClassifierOptions } from "./neighbors/kNeighborsClassifier.ts";
export { PCA, type PCAOptions } from "./decomposition/pca.ts";
export { MinMaxScaler, type MinMaxScalerOptions } from "./preprocessing/minMaxScaler.ts";
export type { Estimator } from "./estimator.ts";
export { shuffle, type ShuffleOptions } from "./modelSelection/shuffle.ts";
export { trainTestSplit, type TrainTestSplitOptions } from "./modelSelection/trainTestSplit.ts";
export {
  KFold,
  foldArrays,
  type KFoldOptions,
  type Fold,
  type CrossValidator,
} from "./modelSelection/kFold.ts";
export { StratifiedKFold, type StratifiedKFoldOptions } from "./modelSelection/stratifiedKFold.ts";
export {
  GridSearchCV,
  type GridSearchCVOptions,
  type CvResults,
  type EstimatorClass,
  type EstimatorFactory,
  type Scorer,
} from "./modelSelection/gridSearchCV.ts";
export type { ParamGrid, Params } from "./modelSelection/parameterGrid.ts";
