//===- LowerCUDACode.cpp - The CUDA code generator on the GPU module ------===//
//
// Runs the CUDA kernel pipeline and then the PTX pipeline on the nested
// `@weft_cuda` module that weft-outline-device-code made. With `emulate`,
// the kernels are also compiled for the host in between, into a nested
// `@weft_emulated` module that weft-lower-host-code adds to the host code.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CUDA/CUDACodegen.h"
#include "weft/Target/CUDA/Passes.h"

namespace weft {
#define GEN_PASS_DEF_LOWERCUDACODEPASS
#include "weft/Target/CUDA/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct LowerCUDACodePass : impl::LowerCUDACodePassBase<LowerCUDACodePass> {
  using LowerCUDACodePassBase::LowerCUDACodePassBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    OpPassManager kernels(ModuleOp::getOperationName()),
        ptx(ModuleOp::getOperationName()),
        emulated(ModuleOp::getOperationName());
    buildCUDAKernelPipeline(kernels);
    buildCUDAToPTXPipeline(ptx, CUDAPipelineOptions());
    buildLoopsToLLVMPipeline(emulated);
    for (OpPassManager *pipeline : {&kernels, &ptx, &emulated})
      pipeline->getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto cuda = module.lookupSymbol<ModuleOp>(WeftDialect::getCUDAModuleName());
    if (!cuda)
      return;
    OpPassManager kernels(ModuleOp::getOperationName());
    buildCUDAKernelPipeline(kernels);
    if (failed(runPipeline(kernels, cuda)))
      return signalPassFailure();
    if (emulate) {
      auto extracted = extractEmulatedKernels(cuda);
      if (failed(extracted))
        return signalPassFailure();
      if (!(*extracted)->getBody()->empty()) { // else no kernel (no work)
        ModuleOp host = extracted->release();
        host.setSymName(WeftDialect::getEmulatedModuleName());
        module.getBody()->push_back(host);
        OpPassManager lower(ModuleOp::getOperationName());
        buildLoopsToLLVMPipeline(lower);
        if (failed(runPipeline(lower, host)))
          return signalPassFailure();
      }
    }
    OpPassManager ptx(ModuleOp::getOperationName());
    buildCUDAToPTXPipeline(ptx, CUDAPipelineOptions());
    if (failed(runPipeline(ptx, cuda)))
      return signalPassFailure();
  }
};

} // namespace
} // namespace weft
