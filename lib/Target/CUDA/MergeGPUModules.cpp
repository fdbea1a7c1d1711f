//===- MergeGPUModules.cpp - Every outlined kernel in one gpu.module ------===//

#include "weft/Target/CUDA/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace weft {
#define GEN_PASS_DEF_MERGEGPUMODULESPASS
#include "weft/Target/CUDA/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct MergeGPUModulesPass
    : impl::MergeGPUModulesPassBase<MergeGPUModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto modules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
    if (modules.size() < 2)
      return;
    gpu::GPUModuleOp target = modules.front();
    // Each kernel is named after its module; module names are unique.
    llvm::StringMap<std::string> renamed; // "module::kernel" -> new kernel
    for (gpu::GPUModuleOp source : modules) {
      for (auto kernel :
           llvm::make_early_inc_range(source.getOps<gpu::GPUFuncOp>())) {
        std::string key = (source.getSymName() + "::" + kernel.getName()).str();
        std::string name = source == target ? kernel.getName().str()
                                            : source.getSymName().str();
        if (source != target) {
          if (target.lookupSymbol(name)) {
            source.emitOpError("has a kernel whose new name '")
                << name << "' is taken";
            return signalPassFailure();
          }
          kernel->moveBefore(target.getBody()->getTerminator());
          SymbolTable::setSymbolName(kernel, name);
        }
        renamed[key] = name;
      }
    }
    for (gpu::GPUModuleOp source : llvm::drop_begin(modules)) {
      if (!source.getBody()->without_terminator().empty()) {
        source.emitOpError("holds more than kernels, which cannot be merged");
        return signalPassFailure();
      }
      source.erase();
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      std::string key = (launch.getKernelModuleName().getValue() +
                         "::" + launch.getKernelName().getValue())
                            .str();
      auto it = renamed.find(key);
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          target.getSymNameAttr(),
          {FlatSymbolRefAttr::get(&getContext(), it->second)}));
    });
  }
};

} // namespace
} // namespace weft
