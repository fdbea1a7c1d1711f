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

/// Parses `bytes` into `model` and prepares it for import. `baseDir` is the
/// folder external data must stay inside ("" forbids external data).
/// Returns false and fills `error` on failure.
bool prepareModel(llvm::StringRef bytes, llvm::StringRef baseDir,
                  int64_t targetOpset, const ImportOptions &options,
                  onnx::ModelProto &model, PreparationError &error);

} // namespace weft

#endif // WEFT_LIB_TARGET_ONNX_MODELPREPARATION_H
