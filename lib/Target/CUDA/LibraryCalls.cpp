//===- LibraryCalls.cpp - float32 contractions become cuBLAS GEMMs --------===//
//
// The GEMMs weft/Target/Gemm.h finds become calls the CUDA program writer
// turns into cuBLAS commands.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/CUDA/Passes.h"
#include "weft/Target/Gemm.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

namespace weft {
#define GEN_PASS_DEF_CUDALIBRARYCALLSPASS
#include "weft/Target/CUDA/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct CUDALibraryCallsPass
    : impl::CUDALibraryCallsPassBase<CUDALibraryCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::GenericOp, SmallVector<int64_t>>> gemms;
    module.walk([&](linalg::GenericOp op) {
      if (auto gemm = matchGemm(op); succeeded(gemm))
        gemms.push_back({op, gemm->toArray()});
    });
    if (gemms.empty())
      return;
    MLIRContext *context = &getContext();
    auto unranked = UnrankedMemRefType::get(Float32Type::get(context), 0);
    if (!module.lookupSymbol(kGemmFunctionName)) {
      OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
      auto callee = func::FuncOp::create(
          builder, module.getLoc(), kGemmFunctionName,
          FunctionType::get(context, {unranked, unranked, unranked}, {}));
      callee.setPrivate();
    }
    for (auto &[op, gemm] : gemms) {
      OpBuilder builder(op);
      SmallVector<Value> operands;
      for (Value operand : op->getOperands())
        operands.push_back(
            memref::CastOp::create(builder, op.getLoc(), unranked, operand));
      auto call = func::CallOp::create(builder, op.getLoc(), kGemmFunctionName,
                                       TypeRange{}, operands);
      call->setAttr(kGemmAttrName, builder.getDenseI64ArrayAttr(gemm));
      op.erase();
      ++numCalls;
    }
  }
};

} // namespace
} // namespace weft
