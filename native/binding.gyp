{
  "targets": [
    {
      "target_name": "ganvae_native",
      "sources": [
        "src/addon.cc",
        "src/common.cc",
        "src/shape.cc",
        "src/kernels/binary.cc",
        "src/kernels/reduce.cc",
        "src/kernels/unary.cc",
        "src/kernels/tile.cc",
        "src/kernels/adam.cc",
        "src/kernels/batch_norm.cc",
        "src/kernels/batch_norm_training.cc",
        "src/kernels/conv2d.cc",
        "src/kernels/conv2d_backprop_input.cc",
        "src/kernels/conv2d_backprop_filter.cc",
        "src/kernels/batch_matmul.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fexceptions", "-fopenmp", "-ffp-contract=off"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
