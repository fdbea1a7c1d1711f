//===- Passes.h - Placement passes ---------------------------- -*- C++ -*-===//

#ifndef WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_H
#define WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_H

#include "weft/Analysis/DeviceModel.h"

#include "weft/Dialect/Weft/IR/WeftAttrs.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <optional>

namespace weft {

#define GEN_PASS_DECL
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"

/// The device description attached to `module` by --weft-devices (parsed
/// once, held by its #weft.devices); emits an error on the module and
/// returns null if there is none.
const DeviceModel *getModuleDevices(mlir::ModuleOp module);

/// The function the placement passes work on (`@main`); emits an error
/// naming `pass` and returns null if there is none.
mlir::func::FuncOp getMainFunction(mlir::ModuleOp module, llvm::StringRef pass);

/// The #weft.device of a described device.
DeviceAttr getDeviceAttr(mlir::MLIRContext *context,
                         const DeviceDescription &device);

/// The name an op goes by in reports: its node name and op type.
std::string getReportName(mlir::Operation *op);

#define GEN_PASS_REGISTRATION
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"

} // namespace weft

#endif // WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_H
