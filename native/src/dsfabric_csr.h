/* The sparse x dense product's N-API binding (dsfabric_csr.c), added to the addon's exports at module init. */
#ifndef DSFABRIC_CSR_H
#define DSFABRIC_CSR_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

/* Defines csrMatmulAccumulate on exports. */
napi_status dsf_csr_register(napi_env env, napi_value exports);

#endif
