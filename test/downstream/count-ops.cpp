//===- count-ops.cpp - A downstream tool built on the installed package ---===//
//
// Imports an ONNX model with Weft's importer, runs Weft's simplification
// pipeline from its own pass manager and prints the op counts.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cstdio>

static int countOps(mlir::ModuleOp module) {
  int count = 0;
  module.walk([&](mlir::Operation *op) {
    count += llvm::isa<weft::ONNXDialect>(op->getDialect());
  });
  return count;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: count-ops model.onnx\n");
    return 2;
  }
  mlir::MLIRContext context;
  context.loadDialect<weft::ONNXDialect, mlir::func::FuncDialect>();
  auto module = weft::importONNXModel(&context, argv[1]);
  if (!module)
    return 1;
  int before = countOps(*module);
  mlir::PassManager pm(&context);
  weft::buildSimplifyONNXPipeline(pm, weft::SimplifyONNXOptions());
  if (mlir::failed(pm.run(*module)))
    return 1;
  std::printf("onnx ops: %d before, %d after simplification\n", before,
              countOps(*module));
  return 0;
}
