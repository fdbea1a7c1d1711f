//===- Common.cpp - Helpers shared by the onnx-to-linalg patterns
//----------===//

#include "Common.h"

using namespace mlir;

namespace weft {

Value makeEmptyTensor(OpBuilder &builder, Location loc, RankedTensorType type,
                      ValueRange sources) {
  SmallVector<Value> dynamicSizes;
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size;
    for (Value source : sources) {
      auto sourceType = dyn_cast<RankedTensorType>(source.getType());
      if (!sourceType)
        continue;
      int64_t aligned = d - (rank - sourceType.getRank());
      if (aligned >= 0 && sourceType.isDynamicDim(aligned)) {
        size = tensor::DimOp::create(builder, loc, source, aligned);
        break;
      }
    }
    if (!size)
      return nullptr;
    dynamicSizes.push_back(size);
  }
  return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                 type.getElementType(), dynamicSizes);
}

AffineMap getBroadcastMap(RankedTensorType input, RankedTensorType result,
                          MLIRContext *context) {
  int64_t rank = result.getRank(), offset = rank - input.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    bool broadcast =
        input.getDimSize(d) == 1 && result.getDimSize(d + offset) != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(d + offset, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

} // namespace weft
