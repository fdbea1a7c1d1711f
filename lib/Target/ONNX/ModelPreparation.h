//===- ModelPreparation.h - Read, check and normalize a model ---*- C++ -*-===//
//
// The steps before IR is built: parse, refuse what cannot be imported,
// load external data safely, inline model-local functions, check, lift to the
// dialect's opset and infer types. Internal to the ONNX target.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_TARGET_ONNX_MODELPREPARATION_H
#define WEFT_LIB_TARGET_ONNX_MODELPREPARATION_H

#include "weft/Target/ONNX/Import.h"

#include "onnx/onnx_pb.h"

#include <string>

namespace weft {

/// Where a preparation step failed: the message, and the node it concerns
/// ("" when it concerns the whole model).
struct PreparationError {
  std::string node;
  std::string message;
};

/// Parses `bytes` into `model`; false and `error` if it is not a model.
bool parseModel(llvm::StringRef bytes, onnx::ModelProto &model,
                const ImportOptions &options, PreparationError &error);

/// Parses the model file at `path`, reading it in chunks (the serialized
/// bytes are never resident next to the parsed model).
bool parseModelFile(llvm::StringRef path, onnx::ModelProto &model,
                    const ImportOptions &options, PreparationError &error);

/// Prepares a parsed model for import: refuses what cannot be imported,
/// loads external data from inside `baseDir` ("" forbids external data),
/// inlines local functions, checks the model, lifts it to `targetOpset` and
/// infers types. Returns false and fills `error` on failure.
bool prepareModel(onnx::ModelProto &model, llvm::StringRef baseDir,
                  int64_t targetOpset, const ImportOptions &options,
                  PreparationError &error);

} // namespace weft

#endif // WEFT_LIB_TARGET_ONNX_MODELPREPARATION_H
