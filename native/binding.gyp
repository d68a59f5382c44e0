{
  "targets": [
    {
      "target_name": "dsfabric_blas",
      "sources": [
        "src/dsfabric_blas.c",
        "src/dsfabric_stream.c",
        "src/dsfabric_vm.c",
        "src/dsfabric_vm_sum.c",
        "src/dsfabric_copy.c",
        "src/dsfabric_csr.c",
        "src/dsfabric_kmeans.c"
      ],
      "include_dirs": ["<!@(node -p \"(process.env.DSFABRIC_BLAS_INCLUDE || '').split(':').filter(Boolean).join(' ')\")"],
      "cflags": [
        "-O3",
        "-std=c11",
        "-fno-math-errno",
        "-fno-trapping-math",
        "-ffp-contract=off",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter"
      ],
      "libraries": ["<!@(node -p \"(process.env.DSFABRIC_BLAS_LIBDIRS || '').split(':').filter(Boolean).map(d => '-L' + d + ' -Wl,-rpath,' + d).join(' ')\")", "-lopenblas", "-llapacke"]
    }
  ]
}
