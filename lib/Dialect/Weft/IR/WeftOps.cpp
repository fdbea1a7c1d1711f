//===- WeftOps.cpp - Operations of the weft dialect -----------------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace weft;

#define GET_OP_CLASSES
#include "weft/Dialect/Weft/IR/WeftOps.cpp.inc"

void PartitionOp::build(OpBuilder &builder, OperationState &state,
                        DeviceAttr device, ValueRange inputs,
                        TypeRange outputTypes) {
  state.addAttribute(getDeviceAttrName(state.name), device);
  state.addOperands(inputs);
  state.addTypes(outputTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
}

LogicalResult PartitionOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("has ") << getInputs().size() << " inputs but its body "
                               << body.getNumArguments() << " arguments";
  for (auto [input, arg] : llvm::zip(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError("input of type ")
             << input.getType() << " is bound to an argument of type "
             << arg.getType();
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().getTypes() != getOutputs().getTypes())
    return emitOpError("yields ")
           << yield.getValues().getTypes() << " but its results are "
           << getOutputs().getTypes();
  return success();
}

LogicalResult TransferOp::verify() {
  if (getFrom() == getTo())
    return emitOpError("moves a value from ")
           << getFrom().getName() << " to itself";
  return success();
}

LogicalResult TaskOp::verify() {
  auto start = getStartUs(), finish = getFinishUs();
  if (start && finish &&
      (start->convertToDouble() < 0 ||
       finish->convertToDouble() < start->convertToDouble()))
    return emitOpError(
        "predicted times must satisfy 0 <= start_us <= finish_us");
  return success();
}

LogicalResult TaskOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto callee =
      symbols.lookupNearestSymbolFrom<func::FuncOp>(*this, getCalleeAttr());
  if (!callee)
    return emitOpError("calls '")
           << getCallee() << "', which is not a func.func in the module";
  FunctionType type = callee.getFunctionType();
  if (TypeRange(type.getInputs()) != TypeRange(getInputs().getTypes()) ||
      TypeRange(type.getResults()) != TypeRange(getOutputs().getTypes()))
    return emitOpError("has type ")
           << FunctionType::get(getContext(), getInputs().getTypes(),
                                getOutputs().getTypes())
           << " but '" << getCallee() << "' has type " << type;
  return success();
}

LogicalResult BinaryOp::verify() {
  StringRef kind = getKind();
  if (kind != "host-code" && kind != "gpu-code" && kind != "weights")
    return emitOpError("kind must be host-code, gpu-code or weights, got '")
           << kind << "'";
  if (getEntries() && kind != "host-code")
    return emitOpError("only host code has entries");
  if (DictionaryAttr entries = getEntriesAttr())
    for (NamedAttribute entry : entries) {
      auto bytes = dyn_cast<IntegerAttr>(entry.getValue());
      if (!bytes || bytes.getInt() < 0)
        return emitOpError("entry '")
               << entry.getName().getValue()
               << "' must give its arena as a non-negative integer";
    }
  if (getCodegen() && kind != "host-code")
    return emitOpError("only host code has code generator options");
  if (getFile() && kind != "weights")
    return emitOpError("only weights go to a file of their own");
  return success();
}
