//===- EmulatedKernels.cpp - GPU kernels as host functions, for testing ---===//
//
// A kernel's body does one thread's work; with the thread's and block's ids
// and sizes as parameters it is a plain host function. The kernel's own
// parameters keep their order, so after lowering (memrefs expanded into
// pointer, pointer, offset, sizes, strides) the host function takes the same
// parameters as the PTX entry: the runtime runs a CUDA program's launches on
// the CPU with exactly the bytes it would pass the GPU.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CUDA/CUDACodegen.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace weft {

FailureOr<OwningOpRef<ModuleOp>> extractEmulatedKernels(ModuleOp module) {
  MLIRContext *context = module.getContext();
  OpBuilder builder(context);
  OwningOpRef<ModuleOp> host = ModuleOp::create(module.getLoc());
  builder.setInsertionPointToEnd(host->getBody());
  Type index = builder.getIndexType();
  for (auto kernels : module.getOps<gpu::GPUModuleOp>())
    for (auto kernel : kernels.getOps<gpu::GPUFuncOp>()) {
      if (!kernel.isKernel())
        continue;
      // Ids and sizes first: block id, thread id, block size, grid size.
      SmallVector<Type> types(12, index);
      llvm::append_range(types, kernel.getArgumentTypes());
      std::string name = (kEmulatedKernelPrefix + kernels.getSymName() + "__" +
                          kernel.getName())
                             .str();
      auto func = func::FuncOp::create(builder, kernel.getLoc(), name,
                                       builder.getFunctionType(types, {}));
      Block *entry = func.addEntryBlock();
      IRMapping mapping;
      for (auto [old, replacement] : llvm::zip(
               kernel.getArguments(), entry->getArguments().drop_front(12)))
        mapping.map(old, replacement);
      if (!kernel.getBody().hasOneBlock())
        return kernel.emitOpError("has control flow between blocks, which "
                                  "the CPU emulation does not take");
      OpBuilder body = OpBuilder::atBlockEnd(entry);
      auto id = [&](int group, gpu::Dimension dimension) {
        return entry->getArgument(group * 3 + int(dimension));
      };
      for (Operation &op : kernel.getBody().front()) {
        if (isa<gpu::ReturnOp>(op)) {
          func::ReturnOp::create(body, op.getLoc());
          continue;
        }
        Value replacement;
        if (auto block = dyn_cast<gpu::BlockIdOp>(op))
          replacement = id(0, block.getDimension());
        else if (auto thread = dyn_cast<gpu::ThreadIdOp>(op))
          replacement = id(1, thread.getDimension());
        else if (auto size = dyn_cast<gpu::BlockDimOp>(op))
          replacement = id(2, size.getDimension());
        else if (auto grid = dyn_cast<gpu::GridDimOp>(op))
          replacement = id(3, grid.getDimension());
        if (replacement) {
          mapping.map(op.getResult(0), replacement);
          continue;
        }
        bool usesGPU = false;
        op.walk([&](Operation *inner) {
          usesGPU |= isa<gpu::GPUDialect>(inner->getDialect());
        });
        if (usesGPU)
          return op.emitOpError("uses GPU operations the CPU emulation of "
                                "a kernel does not take");
        body.clone(op, mapping);
      }
    }
  return host;
}

} // namespace weft
