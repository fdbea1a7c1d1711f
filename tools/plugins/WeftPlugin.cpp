//===- WeftPlugin.cpp - Weft's dialects and passes as mlir-opt plugins
//-----===//
//
// One shared library that is both a dialect plugin and a pass plugin, so the
// dialect and the passes share one copy of Weft in the process:
//
//   mlir-opt --load-dialect-plugin=libWeftPlugin.so \
//            --load-pass-plugin=libWeftPlugin.so --weft-simplify-onnx x.mlir
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Weft", WEFT_VERSION,
          [](mlir::DialectRegistry *registry) {
            registry->insert<weft::ONNXDialect, weft::WeftDialect>();
            weft::registerONNXCostModels(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Weft", WEFT_VERSION, []() {
            weft::registerONNXPasses();
            weft::registerWeftPlacementPasses();
          }};
}
