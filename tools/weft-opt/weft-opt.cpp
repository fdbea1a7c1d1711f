//===- weft-opt.cpp - Run Weft's and MLIR's passes on .mlir files
//----------===//

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  weft::registerONNXPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<weft::ONNXDialect, weft::WeftDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Weft optimizer driver\n", registry));
}
