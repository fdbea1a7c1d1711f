//===- MultiDevice.h - Models placed on CPUs and GPUs -----------*- C++ -*-===//
//
// Internal to the compiler library; see MultiDevice.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_COMPILER_MULTIDEVICE_H
#define WEFT_LIB_COMPILER_MULTIDEVICE_H

#include "weft/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"

namespace weft {

/// Places `module`'s ops (onnx dialect, shapes inferred) on the devices of
/// `options.devices`, compiles each partition for its device (and GPU
/// partitions for the CPU too with `options.allVariants`), and returns the
/// artifact, whose manifest starts with `manifest` (inputs and outputs) and
/// lists the values, tasks and transfers the runtime runs. With
/// `options.emit` PTX, returns the GPU partitions' PTX instead.
llvm::FailureOr<std::string> compilePlacedModel(mlir::ModuleOp module,
                                                const CompileOptions &options,
                                                std::string manifest);

} // namespace weft

#endif // WEFT_LIB_COMPILER_MULTIDEVICE_H
