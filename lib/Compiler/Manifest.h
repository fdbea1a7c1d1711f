//===- Manifest.h - Lines of an artifact's manifest -------------*- C++ -*-===//
//
// Internal to the compiler library: how types are written in the manifest
// the runtime reads (docs/artifact.md).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_COMPILER_MANIFEST_H
#define WEFT_LIB_COMPILER_MANIFEST_H

#include "mlir/IR/Types.h"

#include <string>

namespace weft {

/// The manifest's name of an element type ("f32", "i64", "bool", ...), or ""
/// if the runtime has none.
std::string getManifestDType(mlir::Type type);

/// "<dtype> <d0,d1,...|scalar>" for a static-shaped tensor of a type the
/// runtime has, with dim 0 written "?" if `batched`; "" otherwise.
std::string getManifestTensorType(mlir::Type type, bool batched = false);

} // namespace weft

#endif // WEFT_LIB_COMPILER_MANIFEST_H
