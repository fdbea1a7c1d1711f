//===- ArtifactTranslation.h - Compiled module to .weft ---------*- C++ -*-===//
//
// The last step of compilation: the module the `weft-compile` pipeline
// leaves (@main as a task graph, `weft.binary` ops holding the compiled
// code) becomes an artifact: its manifest is written from @main, its
// sections from the binaries (docs/artifact.md). Registered as translations
// (`--weft-to-artifact`, `--weft-to-manifest`, `--weft-to-ptx`,
// `--weft-to-cuda-program`) for weft-translate and other drivers.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_ARTIFACT_ARTIFACTTRANSLATION_H
#define WEFT_TARGET_ARTIFACT_ARTIFACTTRANSLATION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace weft {

/// What to write of a compiled module.
enum class ArtifactPart {
  Artifact,   ///< the .weft artifact
  Manifest,   ///< its manifest (text), for inspection
  PTX,        ///< the PTX of the GPU code (sm_90), for inspection
  CUDAProgram ///< the GPU code's CUDA programs (text), for inspection
};

/// Writes `part` of `module`, compiled by the `weft-compile` pipeline, to
/// `os`. An artifact whose GPU weights go to a file of their own writes that
/// file too. Errors are emitted on the module.
mlir::LogicalResult writeArtifact(mlir::ModuleOp module, ArtifactPart part,
                                  llvm::raw_ostream &os);

/// The manifest's name of an element type ("f32", "i64", "bool", ...), or ""
/// if the runtime has none.
std::string getManifestDType(mlir::Type type);

/// "<dtype> <d0,d1,...|scalar>" for a static-shaped tensor of a type the
/// runtime has, with dim 0 written "?" if `batched`; "" otherwise.
std::string getManifestTensorType(mlir::Type type, bool batched = false);

/// Registers the four translations with MLIR's translation registry.
void registerArtifactTranslations();

} // namespace weft

#endif // WEFT_TARGET_ARTIFACT_ARTIFACTTRANSLATION_H
