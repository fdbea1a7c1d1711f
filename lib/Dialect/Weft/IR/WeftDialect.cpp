//===- WeftDialect.cpp - The weft dialect ---------------------------------===//

#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Dialect/Weft/IR/WeftAttrs.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"

#include "mlir/IR/BuiltinOps.h"

#include <cmath>

using namespace mlir;
using namespace weft;

#include "weft/Dialect/Weft/IR/WeftDialect.cpp.inc"

void WeftDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "weft/Dialect/Weft/IR/WeftOps.cpp.inc"
      >();
}

/// Checks that a `weft.*` attribute of `op` is a unit attribute.
static LogicalResult expectUnit(Operation *op, NamedAttribute attr) {
  if (isa<UnitAttr>(attr.getValue()))
    return success();
  return op->emitOpError("attribute '")
         << attr.getName().getValue() << "' takes no value";
}

LogicalResult WeftDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  auto fail = [&](const Twine &expected) {
    return op->emitOpError("attribute '")
           << name << "' must be " << expected << ", got " << value;
  };
  auto onModule = [&]() -> LogicalResult {
    if (isa<ModuleOp>(op))
      return success();
    return op->emitOpError("attribute '") << name << "' belongs on a module";
  };
  if (name == getDeviceAttrName())
    return isa<DeviceAttr>(value) ? success() : fail("a #weft.device");
  if (name == getChoiceAttrName())
    return isa<ChoiceAttr>(value) ? success() : fail("a #weft.choice");
  if (name == getStartAttrName() || name == getFinishAttrName() ||
      name == getMakespanAttrName()) {
    auto time = dyn_cast<FloatAttr>(value);
    if (!time || !time.getType().isF64() ||
        !std::isfinite(time.getValueAsDouble()) || time.getValueAsDouble() < 0)
      return fail("a finite, non-negative f64 (microseconds)");
    return name == getMakespanAttrName() ? onModule() : success();
  }
  if (name == getDevicesAttrName()) {
    if (!isa<DevicesAttr>(value))
      return fail("a #weft.devices");
    return onModule();
  }
  if (name == getChunkAttrName() || name == getBatchAttrName()) {
    auto rows = dyn_cast<IntegerAttr>(value);
    if (!rows || !rows.getType().isInteger(64) || rows.getInt() < 1)
      return fail("a positive i64 (rows)");
    return onModule();
  }
  if (name == getTargetAttrName()) {
    auto kind = dyn_cast<StringAttr>(value);
    if (!kind || (kind.getValue() != "cpu" && kind.getValue() != "cuda"))
      return fail("\"cpu\" or \"cuda\"");
    return onModule();
  }
  if (name == getEntryAttrName())
    return expectUnit(op, attr);
  if (name == getListedDevicesAttrName())
    return failed(expectUnit(op, attr)) ? failure() : onModule();
  // Marks set and read within one code generator's passes.
  if (llvm::is_contained({"weft.arena_bytes", "weft.gemm", "weft.pack_weights",
                          "weft.unsigned_operands", "weft.unsigned_results",
                          "weft.fixed_batch"},
                         name))
    return success();
  return op->emitOpError("unknown attribute '")
         << name << "' of the weft dialect";
}
