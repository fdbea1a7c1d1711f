//===- Diagnostics.h - Diagnostics that name models and nodes ---*- C++ -*-===//
//
// Prints diagnostics about ONNX models the way users read them:
// `resnet18.onnx:/layer1/0/conv1/Conv: error: ...` (file, then node).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_SUPPORT_DIAGNOSTICS_H
#define WEFT_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace weft {

/// Formats a location as `file`, `file:node` or `file:line:col`.
std::string formatLocation(mlir::Location loc);

/// While alive, prints every diagnostic of `context` to `os` with locations
/// formatted by formatLocation.
class ModelDiagnosticHandler : public mlir::ScopedDiagnosticHandler {
public:
  ModelDiagnosticHandler(mlir::MLIRContext *context, llvm::raw_ostream &os);
};

} // namespace weft

#endif // WEFT_SUPPORT_DIAGNOSTICS_H
