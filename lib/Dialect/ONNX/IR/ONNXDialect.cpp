//===- ONNXDialect.cpp - The onnx dialect
//----------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/IR/ONNXTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace weft;

#include "weft/Dialect/ONNX/IR/ONNXDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "weft/Dialect/ONNX/IR/ONNXTypes.cpp.inc"

void ONNXDialect::initialize() {
  registerTypes();
  registerONNXDialectOperations(this);
}

void ONNXDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "weft/Dialect/ONNX/IR/ONNXTypes.cpp.inc"
      >();
}

int64_t ONNXDialect::getOpsetVersion() { return WEFT_ONNX_OPSET; }

Operation *ONNXDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  if (isa<NoneType>(type))
    return ONNXNoValueOp::create(builder, loc);
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ONNXConstantOp::create(
      builder, loc, TypeRange{type}, ValueRange{},
      ArrayRef<NamedAttribute>{builder.getNamedAttr("value", elements)});
}
