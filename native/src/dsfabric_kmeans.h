/* KMeans' fused assignment step's N-API binding (dsfabric_kmeans.c), added to the addon's exports at module init. */
#ifndef DSFABRIC_KMEANS_H
#define DSFABRIC_KMEANS_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

/* Defines kmeansAssign on exports. */
napi_status dsf_kmeans_register(napi_env env, napi_value exports);

#endif
