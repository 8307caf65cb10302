{
  "targets": [
    {
      "target_name": "ganvae_native",
      "sources": [
        "src/addon.cc",
        "src/common.cc",
        "src/shape.cc",
        "<!@(node -p \"require('fs').readdirSync('src/kernels').filter((f) => f.endsWith('.cc')).sort().map((f) => 'src/kernels/' + f).join(' ')\")"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fexceptions", "-fopenmp", "-ffp-contract=off", "-fno-math-errno", "-Werror=switch"],
      "libraries": ["-ldnnl", "-fopenmp", "-lmvec"]
    }
  ]
}
