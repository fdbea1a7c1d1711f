//===- Manifest.h - The manifest of a compiled module --------- -*- C++ -*-===//
//
// Internal to the artifact translation.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_TARGET_ARTIFACT_MANIFEST_H
#define WEFT_LIB_TARGET_ARTIFACT_MANIFEST_H

#include "weft/Dialect/Weft/IR/WeftOps.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace weft {

/// The `weft.binary` ops of a compiled module, by kind (null if absent).
struct CompiledCode {
  BinaryOp host, gpu, weights;
};

/// Finds the binaries of `module`; fails (with an error) on a kind twice.
mlir::FailureOr<CompiledCode> findCompiledCode(mlir::ModuleOp module);

/// The manifest (docs/artifact.md) of a module compiled by the weft-compile
/// pipeline, or failure with an error on the module.
mlir::FailureOr<std::string> buildManifest(mlir::ModuleOp module,
                                           CompiledCode code);

} // namespace weft

#endif // WEFT_LIB_TARGET_ARTIFACT_MANIFEST_H
