//===- MemRefCopyToLinalg.cpp - memref.copy as linalg.copy
//-----------------===//

#include "weft/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_CONVERTMEMREFCOPYTOLINALGPASS
#include "weft/Conversion/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {
struct ConvertMemRefCopyToLinalgPass
    : impl::ConvertMemRefCopyToLinalgPassBase<ConvertMemRefCopyToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      if (!source) // unranked copies keep their runtime call
        continue;
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};
} // namespace
} // namespace weft
