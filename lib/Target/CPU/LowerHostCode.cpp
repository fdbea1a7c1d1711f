//===- LowerHostCode.cpp - The CPU code generator on the host module ------===//
//
// Runs the CPU lowering pipeline on the nested `@weft_host` module that
// weft-outline-device-code made, then adds the GPU kernels compiled for the
// host (`@weft_emulated`), already in the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace weft {
#define GEN_PASS_DEF_LOWERHOSTCODEPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Moves the ops of `from` into `into`, but for declarations `into`
/// already has (the C library functions both call).
void mergeSymbols(ModuleOp from, ModuleOp into) {
  SymbolTable symbols(into);
  for (Operation &op : llvm::make_early_inc_range(*from.getBody())) {
    auto name = op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    if (name && symbols.lookup(name))
      continue;
    op.moveBefore(into.getBody(), into.getBody()->end());
  }
}

struct LowerHostCodePass : impl::LowerHostCodePassBase<LowerHostCodePass> {
  using LowerHostCodePassBase::LowerHostCodePassBase;

  CPUCodegenOptions getCodegenOptions() const {
    return CPUCodegenOptions{oneDNN, packedWeights, openMP};
  }

  void getDependentDialects(DialectRegistry &registry) const override {
    LowerHostCodePassBase::getDependentDialects(registry);
    OpPassManager pipeline(ModuleOp::getOperationName());
    buildCPULoweringPipeline(pipeline, getCodegenOptions());
    pipeline.getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto host = module.lookupSymbol<ModuleOp>(WeftDialect::getHostModuleName());
    auto emulated =
        module.lookupSymbol<ModuleOp>(WeftDialect::getEmulatedModuleName());
    if (!host && !emulated)
      return;
    if (!host) { // only the kernels compiled for the host
      OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
      host = ModuleOp::create(builder, module.getLoc(),
                              WeftDialect::getHostModuleName());
      host->setAttr(WeftDialect::getTargetAttrName(),
                    builder.getStringAttr("cpu"));
    }
    OpPassManager pipeline(ModuleOp::getOperationName());
    buildCPULoweringPipeline(pipeline, getCodegenOptions());
    if (failed(runPipeline(pipeline, host)))
      return signalPassFailure();
    if (emulated) {
      mergeSymbols(emulated, host);
      emulated.erase();
    }
  }
};

} // namespace
} // namespace weft
