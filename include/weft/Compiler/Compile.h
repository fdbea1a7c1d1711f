//===- Compile.h - An ONNX model to a .weft artifact ------------*- C++ -*-===//
//
// The compiler's pipeline as one call: import, simplify, lower to native
// code for this CPU, and pack the artifact (manifest, target, host code).
// weft-compile and the test runners use it.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_COMPILER_COMPILE_H
#define WEFT_COMPILER_COMPILE_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/LogicalResult.h"

#include <string>

namespace weft {

/// What the compiler writes.
enum class EmitKind {
  Artifact,    ///< a .weft artifact
  PTX,         ///< the PTX of the GPU partitions (for sm_90), for inspection
  Manifest,    ///< the artifact's manifest (text), for inspection
  CUDAProgram, ///< the GPU partitions' CUDA programs (text), for inspection
};

/// How to compile.
struct CompileOptions {
  /// LLVM optimization level (0-3).
  int optLevel = 3;
  /// Split a fixed batch into this many chunks, each a task the runtime
  /// schedules (0: run whole).
  int64_t splitBatch = 0;
  /// A device description (built-in name or JSON file) whose devices the
  /// artifact names for the runtime; "" for none.
  std::string devices;
  /// How ops are placed on the devices of a description with a GPU (a
  /// `weft-place` strategy).
  std::string strategy = "heft";
  /// Whether partitions placed on a GPU also get CPU code the runtime runs
  /// where the GPU is absent.
  bool allVariants = false;
  /// Whether the host code also gets each GPU kernel as a host function,
  /// so the runtime can run the GPU partitions' CUDA programs on the CPU
  /// (WEFT_GPU_EMULATION=1): to test them where no GPU is.
  bool emulatedKernels = false;
  /// Where GPU partitions' constants go instead of the artifact (a file
  /// next to it, which the runtime reads and checks); "" to embed them.
  /// Artifacts of one model at several batch sizes share one such file.
  std::string weightsFile;
  /// What to write.
  EmitKind emit = EmitKind::Artifact;
};

/// Compiles the ONNX model at `modelPath` and returns the serialized
/// artifact. Errors are emitted as diagnostics on `context` (naming the
/// model and node) and yield failure.
llvm::FailureOr<std::string> compileModel(mlir::MLIRContext &context,
                                          llvm::StringRef modelPath,
                                          const CompileOptions &options = {});

/// Compiles the ONNX model at `modelPath` in a context of its own into
/// `artifact`; returns "" or the diagnostics, one per line.
std::string compileModelToBytes(const std::string &modelPath,
                                std::string &artifact,
                                const CompileOptions &options = {});

/// Registers every dialect and extension the compiler uses with `registry`.
void registerCompilerDialects(mlir::DialectRegistry &registry);

} // namespace weft

#endif // WEFT_COMPILER_COMPILE_H
