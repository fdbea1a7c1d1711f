//===- WeftPlugin.cpp - Weft's dialects and passes as mlir-opt plugins ----===//
//
// One shared library that is both a dialect plugin and a pass plugin, so the
// dialect and the passes share one copy of Weft in the process:
//
//   mlir-opt --load-dialect-plugin=libWeftPlugin.so \
//            --load-pass-plugin=libWeftPlugin.so --weft-simplify-onnx x.mlir
//
// Every Weft pass and pipeline is in it, the whole compile (`weft-compile`)
// and the CPU and CUDA code generators (`weft-lower-cpu`, ...) included.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Compiler/Pipeline.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Weft", WEFT_VERSION,
          [](mlir::DialectRegistry *registry) {
            // The compile pipeline translates host code and GPU kernels to
            // LLVM IR.
            weft::registerCompilerDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Weft", WEFT_VERSION,
          []() { weft::registerCompilePipelines(); }};
}
