//===- Signless.cpp - Unsigned integer types become signless --------------===//
//
// arith and linalg compute on signless integers; the signedness of ONNX's
// uint8..uint64 lives on in the ops instead. Before the patterns run, every
// unsigned element type in a function becomes the signless type of its width
// and each onnx op that read or wrote one is marked, so that its pattern picks
// the unsigned operation (divui, maxui, cmpi ult, uitofp, ...).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace weft {

/// `type` with unsigned integer elements replaced by signless ones.
static Type dropSignedness(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  Type element = shaped ? shaped.getElementType() : type;
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer || !integer.isUnsigned())
    return type;
  Type signless = IntegerType::get(type.getContext(), integer.getWidth());
  return shaped ? Type(shaped.clone(signless)) : signless;
}

/// `value` as data of the same bits with `type`'s signless elements.
static Attribute retypeConstant(Attribute value, ShapedType type) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(type.getElementType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return nullptr;
}

bool hasUnsignedTypes(Operation *op) {
  auto isUnsigned = [](Type type) { return dropSignedness(type) != type; };
  return llvm::any_of(op->getOperandTypes(), isUnsigned) ||
         llvm::any_of(op->getResultTypes(), isUnsigned);
}

bool isUnsignedOperandOp(Operation *op) {
  auto marks = op->getAttrOfType<DenseBoolArrayAttr>(kUnsignedOperandsAttr);
  return marks && llvm::is_contained(marks.asArrayRef(), true);
}
bool isUnsignedOperand(Operation *op, unsigned index) {
  auto marks = op->getAttrOfType<DenseBoolArrayAttr>(kUnsignedOperandsAttr);
  return marks && index < marks.size() && marks[index];
}
bool isUnsignedResultOp(Operation *op) {
  return op->hasAttr(kUnsignedResultsAttr);
}

LogicalResult makeUnsignedSignless(func::FuncOp func) {
  auto isUnsigned = [](Type type) { return dropSignedness(type) != type; };
  // First the marks, while the types still say which operands are unsigned.
  func.walk([&](Operation *op) {
    if (!isa<ONNXDialect>(op->getDialect()))
      return;
    SmallVector<bool> operands;
    for (Type type : op->getOperandTypes())
      operands.push_back(isUnsigned(type));
    if (llvm::is_contained(operands, true))
      op->setAttr(kUnsignedOperandsAttr,
                  DenseBoolArrayAttr::get(op->getContext(), operands));
    if (llvm::any_of(op->getResultTypes(), isUnsigned))
      op->setAttr(kUnsignedResultsAttr, UnitAttr::get(op->getContext()));
  });
  // Unsigned constants become arith constants of the same bits.
  SmallVector<ONNXConstantOp> constants;
  func.walk([&](ONNXConstantOp op) {
    if (isUnsigned(op.getType()))
      constants.push_back(op);
  });
  for (ONNXConstantOp constant : constants) {
    auto type = cast<ShapedType>(dropSignedness(constant.getType()));
    ElementsAttr data = getConstantOpValue(constant);
    auto value = data ? dyn_cast_or_null<TypedAttr>(retypeConstant(data, type))
                      : nullptr;
    if (!value)
      return constant.emitError("unsigned constant in an unsupported form");
    OpBuilder builder(constant);
    Value replacement =
        arith::ConstantOp::create(builder, constant.getLoc(), value);
    constant.getResult().replaceAllUsesWith(replacement);
    constant.erase();
  }
  func.walk([&](Operation *op) {
    for (Value result : op->getResults())
      result.setType(dropSignedness(result.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(dropSignedness(arg.getType()));
  });
  SmallVector<Type> inputs, results;
  for (Type t : func.getArgumentTypes())
    inputs.push_back(dropSignedness(t));
  for (Type t : func.getResultTypes())
    results.push_back(dropSignedness(t));
  func.setType(FunctionType::get(func.getContext(), inputs, results));
  for (BlockArgument arg : func.getArguments())
    arg.setType(dropSignedness(arg.getType()));
  return success();
}

} // namespace weft
