/**
 * `dsfabric/ml`: scikit-learn-style estimators on DsArray (KMeans, linear models, PCA, scalers, ...).
 * The entry point exists so that the package's public surface is stable; the estimators arrive with the
 * estimators issue, each exported here by name.
 */
export {};
