//===- Pipeline.h - The whole compile as registered pipelines - -*- C++ -*-===//
//
// What weft-compile runs between importing a model and writing its
// artifact, as pass pipelines over one module: `weft-compile` and its four
// stages, each registered so that weft-opt or mlir-opt (with the plugin)
// runs exactly what weft-compile runs (docs/design/pipeline.md):
//
//   weft-prepare       batch specialization, simplification, per-sample check
//   weft-place-tasks   devices, placement, partitions, transfers, task graph
//   weft-lower-devices per-device modules, CUDA and CPU code generation
//   weft-serialize     object code, shared object, CUDA programs
//
// The `weft-to-artifact` translation then writes the .weft file.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_COMPILER_PIPELINE_H
#define WEFT_COMPILER_PIPELINE_H

#include "weft/Target/CPU/CPUCodegen.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace weft {

/// How to compile: the options of every stage.
struct CompilePipelineConfig {
  /// A device description (built-in name or JSON file) the artifact lists
  /// for the runtime; "" for this host, listing none (the runtime then
  /// uses one CPU device per core).
  std::string devices;
  /// How ops are placed on a description with a GPU (a `weft-place`
  /// strategy); descriptions of CPUs only run the model whole on the first.
  std::string strategy = "heft";
  /// "placed" or "all": whether GPU partitions also get CPU code.
  std::string variants = "placed";
  /// Split a fixed batch into this many chunks (0: run whole).
  int64_t splitBatch = 0;
  /// Also compile each GPU kernel for the host (WEFT_GPU_EMULATION=1).
  bool emulateGPU = false;
  /// Where GPU partitions' constants go instead of the artifact ("": in it).
  std::string weightsFile;
  /// What the CPU code calls, its threads, its optimization level.
  CPUCodegenOptions codegen;
};

/// The textual options of the registered pipelines.
struct CompilePipelineOptions
    : public CPUCodegenPipelineOptions<CompilePipelineOptions> {
  Option<std::string> devices{
      *this, "devices",
      llvm::cl::desc("Device description (built-in name or JSON file); "
                     "empty: this host, not listed in the artifact"),
      llvm::cl::init("")};
  Option<std::string> strategy{
      *this, "strategy",
      llvm::cl::desc("Placement on a description with a GPU: heft, exact, "
                     "chain-dp, min-cut, greedy or single=<device>"),
      llvm::cl::init("heft")};
  Option<std::string> variants{
      *this, "variants",
      llvm::cl::desc("placed, or all (GPU partitions get CPU code too)"),
      llvm::cl::init("placed")};
  Option<int64_t> splitBatch{
      *this, "split-batch",
      llvm::cl::desc("Split the fixed batch into N chunks (0: run whole)"),
      llvm::cl::init(0)};
  Option<bool> emulateGPU{
      *this, "gpu-emulation",
      llvm::cl::desc("Also compile each GPU kernel for the host"),
      llvm::cl::init(false)};
  Option<std::string> weightsFile{
      *this, "weights-file",
      llvm::cl::desc("Write the GPU code's constants to this file"),
      llvm::cl::init("")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("LLVM optimization level (0-3)"),
                       llvm::cl::init(3)};
  /// These options as a config.
  CompilePipelineConfig get() const;
};

/// weft-prepare: the batch specialized, the graph simplified, checked.
void buildPreparePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineConfig &config);
/// weft-place-tasks: @main placed on the devices and made a task graph.
void buildPlaceTasksPipeline(mlir::OpPassManager &pm,
                             const CompilePipelineConfig &config);
/// weft-lower-devices: the tasks' code lowered per device kind.
void buildLowerDevicesPipeline(mlir::OpPassManager &pm,
                               const CompilePipelineConfig &config);
/// weft-serialize: the lowered code as `weft.binary` ops.
void buildSerializePipeline(mlir::OpPassManager &pm,
                            const CompilePipelineConfig &config);
/// weft-compile: the four stages in order.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineConfig &config);

/// Registers the five pipelines, the per-device pipelines and every Weft
/// pass (once; later calls do nothing).
void registerCompilePipelines();

} // namespace weft

#endif // WEFT_COMPILER_PIPELINE_H
