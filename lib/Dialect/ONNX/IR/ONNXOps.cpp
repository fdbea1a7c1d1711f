//===- ONNXOps.cpp - Shared pieces of the onnx ops
//-------------------------===//
//
// The element-type agreement check every generated verifier calls, and the
// structural ops written by hand.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace weft {

Type getONNXElementType(Type type) {
  if (auto seq = dyn_cast<SeqType>(type))
    return getONNXElementType(seq.getElementType());
  if (auto opt = dyn_cast<OptType>(type))
    return getONNXElementType(opt.getElementType());
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return nullptr;
}

/// Erases shapes from a type so that two values of one ONNX type variable can
/// be compared: tensor<2x?xf32> and tensor<*xf32> both become tensor<*xf32>.
static Type eraseShape(Type type) {
  if (auto seq = dyn_cast<SeqType>(type))
    return SeqType::get(type.getContext(), eraseShape(seq.getElementType()));
  if (auto opt = dyn_cast<OptType>(type))
    return OptType::get(type.getContext(), eraseShape(opt.getElementType()));
  if (auto tensor = dyn_cast<TensorType>(type))
    return UnrankedTensorType::get(tensor.getElementType());
  return type;
}

llvm::LogicalResult verifyElementTypeGroups(Operation *op, StringRef spec) {
  SmallVector<StringRef> groups;
  spec.split(groups, ';');
  for (StringRef group : groups) {
    SmallVector<StringRef> members;
    group.split(members, ',');
    Type expected;
    std::string expectedWhat;
    for (StringRef member : members) {
      bool isResult = member.consume_front("o");
      if (!isResult)
        member.consume_front("i");
      bool variadicTail = member.consume_back("+");
      unsigned index = 0;
      if (member.getAsInteger(10, index))
        return op->emitOpError("has a malformed type group spec: ") << spec;
      unsigned count = isResult ? op->getNumResults() : op->getNumOperands();
      unsigned end = variadicTail ? count : std::min(index + 1, count);
      for (unsigned i = index; i < end; ++i) {
        Type type =
            isResult ? op->getResult(i).getType() : op->getOperand(i).getType();
        if (isa<NoneType>(type))
          continue;
        Type erased = eraseShape(type);
        std::string what =
            (isResult ? "result #" : "operand #") + std::to_string(i);
        if (!expected) {
          expected = erased;
          expectedWhat = what;
          continue;
        }
        if (erased != expected)
          return op->emitOpError("requires ")
                 << what << " to have the same element type as " << expectedWhat
                 << " (they share one ONNX type variable), got " << type
                 << " and " << expected;
      }
    }
  }
  return success();
}

OpFoldResult ONNXNoValueOp::fold(FoldAdaptor) {
  return UnitAttr::get(getContext());
}

} // namespace weft
