{
  "targets": [
    {
      "target_name": "dsfabric_blas",
      "sources": ["src/dsfabric_blas.c"],
      "include_dirs": ["<!@(node -p \"(process.env.DSFABRIC_BLAS_INCLUDE || '').split(':').filter(Boolean).join(' ')\")"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["<!@(node -p \"(process.env.DSFABRIC_BLAS_LIBDIRS || '').split(':').filter(Boolean).map(d => '-L' + d + ' -Wl,-rpath,' + d).join(' ')\")", "-lopenblas", "-llapacke"]
    }
  ]
}
