//===- Placement.cpp - Where a model's ops would run, and why -------------===//

#include "weft/Compiler/Placement.h"
#include "weft/Compiler/Compile.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Dialect/Weft/IR/WeftAttrs.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace weft {

std::string placeModel(const std::string &modelPath, const std::string &devices,
                       const std::string &strategy, PlacementReport &report) {
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string errors;
  llvm::raw_string_ostream os(errors);
  ModelDiagnosticHandler handler(&context, os);
  auto fail = [&]() {
    return errors.empty() ? std::string("placement failed")
                          : StringRef(errors).rtrim().str();
  };
  auto module = importONNXModel(&context, modelPath);
  if (!module)
    return fail();
  PassManager pm(&context);
  buildSimplifyONNXPipeline(pm, SimplifyONNXOptions());
  AttachDevicesPassOptions attach;
  attach.description = devices;
  pm.addPass(createAttachDevicesPass(attach));
  PlacePassOptions place;
  place.strategy = strategy;
  pm.addPass(createPlacePass(place));
  if (failed(pm.run(*module)))
    return fail();
  auto main = module->lookupSymbol<func::FuncOp>("main");
  main.walk([&](Operation *op) {
    auto device =
        op->getAttrOfType<DeviceAttr>(WeftDialect::getDeviceAttrName());
    if (!device || isa<ONNXConstantOp, ONNXNoValueOp>(op))
      return;
    PlacedOp placed;
    placed.node = getReportName(op);
    placed.op = op->getName().stripDialect().str();
    placed.device = device.getName();
    if (auto why =
            op->getAttrOfType<ChoiceAttr>(WeftDialect::getChoiceAttrName())) {
      // "cpu:0 2.1 us, cuda:0 5.0 us; inputs moved in 0.3 us (heft)"
      llvm::raw_string_ostream reason(placed.reason);
      llvm::interleave(
          why.getEstimates(), reason,
          [&](NamedAttribute estimate) {
            reason << estimate.getName().getValue() << " ";
            if (auto us = dyn_cast<FloatAttr>(estimate.getValue()))
              reason << llvm::format("%.1f", us.getValueAsDouble()) << " us";
            else
              reason << "cannot run it";
          },
          ", ");
      reason << "; inputs moved in "
             << llvm::format("%.1f", why.getTransferUs().getValueAsDouble())
             << " us (" << why.getStrategy().getValue() << ")";
    }
    report.ops.push_back(std::move(placed));
  });
  if (auto makespan = (*module)->getAttrOfType<FloatAttr>(
          WeftDialect::getMakespanAttrName()))
    report.makespanMicroseconds = makespan.getValueAsDouble();
  return "";
}

} // namespace weft
