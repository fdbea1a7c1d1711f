//===- CPUCodegen.h - onnx dialect to a host shared object ---- -*- C++ -*-===//
//
// The CPU code generator: lowers `@main` from the onnx dialect through linalg
// and bufferization to the LLVM dialect, translates it to LLVM IR, optimizes
// and emits an object file for this CPU in process (LLVM's TargetMachine),
// and links it into a shared object the runtime loads.
//
// The compiled entry point is `void weft_main(void **args)`: args holds one
// pointer per input and then per output, each to a memref descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}; outputs are
// written into buffers the caller provides.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_CPU_CPUCODEGEN_H
#define WEFT_TARGET_CPU_CPUCODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace weft {

/// What the CPU code calls and how its loops run. The driver sets these
/// (weft-compile's --onednn, --openmp); they are recorded in the artifact and
/// never read from the filesystem or the environment: one command compiles
/// the same everywhere, and fails to link where a library it needs is
/// missing.
struct CPUCodegenOptions {
  /// Matrix products call oneDNN's sgemm (libdnnl.so.2).
  bool oneDNN = true;
  /// GEMMs on constant weights call weft_sgemm_packed
  /// (libweft_cpu_kernels.a, linked in), which packs them once; with oneDNN.
  bool packedWeights = true;
  /// Large loop nests run on an OpenMP team (LLVM's libomp.so.5).
  bool openMP = true;
  /// The LLVM optimization level of the object code (0-3).
  int optLevel = 3;
  /// "onednn,packed-weights,openmp" or a part of it ("-" for none): what the
  /// artifact records.
  std::string describe() const;
};

/// The code generator's choices read from pipeline options that name them
/// as `oneDNN`, `packedWeights` and `openMP`.
template <typename From>
CPUCodegenOptions readCodegenOptions(const From &from) {
  CPUCodegenOptions options;
  options.oneDNN = from.oneDNN;
  options.packedWeights = from.packedWeights;
  options.openMP = from.openMP;
  return options;
}

/// `options` into a pass's options struct with fields of those names.
template <typename To>
void writeCodegenOptions(const CPUCodegenOptions &options, To &to) {
  to.oneDNN = options.oneDNN;
  to.packedWeights = options.packedWeights;
  to.openMP = options.openMP;
}

/// The code generator's choices as textual pipeline options, for the
/// options of a pipeline (`Derived`) that runs the code generator.
template <typename Derived>
struct CPUCodegenPipelineOptions : public mlir::PassPipelineOptions<Derived> {
  template <typename T>
  using Option =
      typename mlir::PassPipelineOptions<Derived>::template Option<T>;
  Option<bool> oneDNN{*this, "onednn",
                      llvm::cl::desc("Matrix products call oneDNN's sgemm"),
                      llvm::cl::init(true)};
  Option<bool> packedWeights{
      *this, "packed-weights",
      llvm::cl::desc("GEMMs on constant weights pack them once"),
      llvm::cl::init(true)};
  Option<bool> openMP{*this, "openmp",
                      llvm::cl::desc("Large loop nests run on an OpenMP team"),
                      llvm::cl::init(true)};
};

/// The options of the registered `weft-lower-cpu` pipeline.
struct CPULoweringPipelineOptions
    : public CPUCodegenPipelineOptions<CPULoweringPipelineOptions> {};

/// Adds the passes from the onnx dialect (shapes known) to the LLVM dialect.
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUCodegenOptions &options);

/// Registers `weft-lower-cpu`, buildCPULoweringPipeline as a pass pipeline.
void registerCPULoweringPipeline();

/// Adds the passes every code generator starts with: onnx to linalg,
/// one-shot bufferization, results into caller buffers, temporaries planned
/// into one arena (`weft-plan-buffers`). `forCPU` turns on the lowerings
/// that pay on a CPU only (convert-onnx-to-linalg's `winograd` and
/// `transpose-small-convolutions`).
void buildONNXToBuffersPipeline(mlir::OpPassManager &pm, bool forCPU = true);

/// LLVM's OpenMP runtime, whose teams of threads run the CPU code's large
/// loop nests (linked with host code compiled with `openMP`), or "" if it is
/// not installed.
std::string findOpenMPLibrary();

/// oneDNN's shared library, which matrix products are handed to (linked
/// with host code compiled with `oneDNN`), or "" if it is not installed.
std::string findOneDNNLibrary();

/// libweft_cpu_kernels.a, code linked into host code that calls it (GEMMs
/// on constant weights packed once), or "" if it is not found (next to the
/// compiler's code, or where this build put it).
std::string findCPUKernelsLibrary();

/// Adds the passes from loops over buffers (scf, memref, arith, math) to the
/// LLVM dialect: the tail of buildCPULoweringPipeline.
void buildLoopsToLLVMPipeline(mlir::OpPassManager &pm);

/// The prefix of host functions that emulate a GPU kernel (see
/// weft/Target/CUDA/CUDACodegen.h); each gets a packed entry point too.
constexpr const char *kEmulatedKernelPrefix = "weft_emu_";

/// Translates an LLVM-dialect module, adds the packed entry points, optimizes
/// at `optLevel` for this host's CPU and returns the object file's bytes.
/// Each entry point `weft_<f>` is declared with the arena it needs,
/// `arenaBytes[f]` (0 if absent), as the constant `weft_<f>_arena_bytes`,
/// which the runtime checks the manifest against. `target` receives a
/// description of the CPU compiled for.
llvm::FailureOr<std::string>
emitHostObject(mlir::ModuleOp module, int optLevel,
               const llvm::StringMap<int64_t> &arenaBytes, std::string &target,
               std::string &error);

/// The CPU features the runtime can test on its host (the artifact's target
/// lists those the code uses; see docs/artifact.md).
llvm::ArrayRef<llvm::StringRef> getCheckableCPUFeatures();

/// Links `object` into a shared object with lld, with the libraries
/// `options` call; returns its bytes.
llvm::FailureOr<std::string> linkSharedObject(llvm::StringRef object,
                                              const CPUCodegenOptions &options,
                                              std::string &error);

} // namespace weft

#endif // WEFT_TARGET_CPU_CPUCODEGEN_H
