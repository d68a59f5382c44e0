/* The streaming kernels' N-API bindings (dsfabric_stream.c), added to the addon's exports at module init. */
#ifndef DSFABRIC_STREAM_H
#define DSFABRIC_STREAM_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

/* Defines evalProgram, evalProgramSum, copyRect and transposeRect on exports. */
napi_status dsf_stream_register(napi_env env, napi_value exports);

#endif
