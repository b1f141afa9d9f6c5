# One kernel per instruction-set variant, each its own shared object with its
# own namespace (PW_NS) and hidden symbols: a template instantiated in the
# AVX-512 build can never be picked up by the baseline one. cpu_features is
# compiled for baseline x86-64 and chooses among them (index.cjs).
{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": [
      "NAPI_VERSION=8",
      "NAPI_DISABLE_CPP_EXCEPTIONS",
      # Electron's memory cage refuses buffers allocated outside it
      "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
      # only Eigen's MPL-2.0 code may be compiled in
      "EIGEN_MPL2_ONLY",
      # one worker, one thread: no OpenMP, no Eigen threads
      "EIGEN_DONT_PARALLELIZE",
      # no assertions in the arithmetic: addon.cc checks every argument before it runs
      "EIGEN_NO_DEBUG"
    ],
    # Eigen as a system header: its own warnings are not ours to fix
    "cflags_cc": [
      "-std=c++17",
      "-O3",
      "-fvisibility=hidden",
      "-fvisibility-inlines-hidden",
      "-isystem",
      "<(module_root_dir)/vendor/eigen"
    ],
    "cflags_cc!": ["-std=gnu++17"],
    "conditions": [["OS=='linux'", { "ldflags": ["-Wl,--version-script=<(module_root_dir)/src/exports.map"] }]],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-isystem", "<(module_root_dir)/vendor/eigen"]
    },
    "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/O2", "/I<(module_root_dir)/vendor/eigen"] } }
  },
  "targets": [
    {
      "target_name": "cpu_features",
      "sources": ["src/cpu_features.cc"]
    },
    {
      "target_name": "kernel_baseline",
      "sources": ["src/lstm.cc", "src/addon.cc"],
      "defines": ["PW_NS=penwright_baseline", "PW_VARIANT=\"baseline\""]
    }
  ],
  "conditions": [
    [
      "target_arch=='x64' and OS!='win'",
      {
        "targets": [
          {
            "target_name": "kernel_avx2",
            "sources": ["src/lstm.cc", "src/addon.cc"],
            "defines": ["PW_NS=penwright_avx2", "PW_VARIANT=\"avx2\""],
            "cflags_cc": ["-mavx2", "-mfma"],
            "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-isystem", "<(module_root_dir)/vendor/eigen", "-mavx2", "-mfma"] }
          },
          {
            "target_name": "kernel_avx512",
            "sources": ["src/lstm.cc", "src/addon.cc"],
            "defines": ["PW_NS=penwright_avx512", "PW_VARIANT=\"avx512\""],
            # GCC 12's own AVX-512 intrinsics header trips -Wmaybe-uninitialized (GCC bug 105593)
            "cflags_cc": ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mavx2", "-mfma", "-Wno-maybe-uninitialized"],
            "xcode_settings": {
              "OTHER_CPLUSPLUSFLAGS": ["-O3", "-isystem", "<(module_root_dir)/vendor/eigen", "-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx512dq", "-mavx2", "-mfma"]
            }
          }
        ]
      }
    ]
  ]
}
