//===- SerializeCUDACode.cpp - The GPU module as CUDA programs ------------===//
//
// Writes the lowered `@weft_cuda` module as the CUDA programs the runtime's
// driver executes and the weights they read, which replace the module as
// `weft.binary` ops the artifact translation writes as they are.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Target/CUDA/CUDACodegen.h"
#include "weft/Target/CUDA/Passes.h"

namespace weft {
#define GEN_PASS_DEF_SERIALIZECUDACODEPASS
#include "weft/Target/CUDA/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct SerializeCUDACodePass
    : impl::SerializeCUDACodePassBase<SerializeCUDACodePass> {
  using SerializeCUDACodePassBase::SerializeCUDACodePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto cuda = module.lookupSymbol<ModuleOp>(WeftDialect::getCUDAModuleName());
    if (!cuda)
      return;
    CUDAProgramText programs;
    if (failed(writeCUDAPrograms(cuda, programs)))
      return signalPassFailure();
    Builder b(&getContext());
    OpBuilder builder(cuda);
    BinaryOp::create(builder, cuda.getLoc(), b.getStringAttr("gpu-code"),
                     b.getStringAttr(programs.code), /*target=*/nullptr,
                     /*entries=*/nullptr,
                     b.getStringAttr(getPTX(cuda, "sm_90")),
                     /*file=*/nullptr, /*codegen=*/nullptr);
    StringAttr file;
    if (!weightsFile.empty() && !programs.weights.empty())
      file = b.getStringAttr(weightsFile);
    BinaryOp::create(builder, cuda.getLoc(), b.getStringAttr("weights"),
                     b.getStringAttr(programs.weights), /*target=*/nullptr,
                     /*entries=*/nullptr, /*ptx=*/nullptr, file,
                     /*codegen=*/nullptr);
    cuda.erase();
  }
};

} // namespace
} // namespace weft
