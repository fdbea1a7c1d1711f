//===- Pipeline.cpp - The whole compile as registered pipelines -----------===//

#include "weft/Compiler/Pipeline.h"
#include "weft/Conversion/Passes.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/CUDA/CUDACodegen.h"
#include "weft/Target/CUDA/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace weft {

CompilePipelineConfig CompilePipelineOptions::get() const {
  CompilePipelineConfig config;
  config.devices = devices;
  config.strategy = strategy;
  config.variants = variants;
  config.splitBatch = splitBatch;
  config.emulateGPU = emulateGPU;
  config.weightsFile = weightsFile;
  config.codegen = readCodegenOptions(*this);
  config.codegen.optLevel = optLevel;
  return config;
}

void buildPreparePipeline(OpPassManager &pm,
                          const CompilePipelineConfig &config) {
  SpecializeBatchPassOptions batch;
  batch.splitBatch = config.splitBatch;
  pm.addPass(createSpecializeBatchPass(batch));
  buildSimplifyONNXPipeline(pm, SimplifyONNXOptions());
  pm.addPass(createCheckPerSamplePass());
}

void buildPlaceTasksPipeline(OpPassManager &pm,
                             const CompilePipelineConfig &config) {
  AttachDevicesPassOptions devices;
  devices.description = config.devices.empty() ? "host" : config.devices;
  devices.list = !config.devices.empty();
  pm.addPass(createAttachDevicesPass(devices));
  pm.addPass(createMaterializeOutputsPass());
  PlacePassOptions place;
  place.strategy = config.strategy;
  place.singleOnCPUOnly = true;
  pm.addPass(createPlacePass(place));
  pm.addPass(createPartitionPass());
  pm.addPass(createInsertTransfersPass());
  pm.addPass(createSchedulePass());
  pm.addPass(createSinkConstantsPass());
}

void buildLowerDevicesPipeline(OpPassManager &pm,
                               const CompilePipelineConfig &config) {
  OutlineDeviceCodePassOptions outline;
  outline.variants = config.variants;
  pm.addPass(createOutlineDeviceCodePass(outline));
  LowerCUDACodePassOptions cuda;
  cuda.emulate = config.emulateGPU;
  pm.addPass(createLowerCUDACodePass(cuda));
  LowerHostCodePassOptions host;
  writeCodegenOptions(config.codegen, host);
  pm.addPass(createLowerHostCodePass(host));
}

void buildSerializePipeline(OpPassManager &pm,
                            const CompilePipelineConfig &config) {
  SerializeCUDACodePassOptions cuda;
  cuda.weightsFile = config.weightsFile;
  pm.addPass(createSerializeCUDACodePass(cuda));
  SerializeHostCodePassOptions host;
  writeCodegenOptions(config.codegen, host);
  host.optLevel = config.codegen.optLevel;
  pm.addPass(createSerializeHostCodePass(host));
}

void buildCompilePipeline(OpPassManager &pm,
                          const CompilePipelineConfig &config) {
  buildPreparePipeline(pm, config);
  buildPlaceTasksPipeline(pm, config);
  buildLowerDevicesPipeline(pm, config);
  buildSerializePipeline(pm, config);
}

void registerCompilePipelines() {
  // Pipelines may be registered once only; drivers may call this again.
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  registerONNXPasses();
  registerWeftPlacementPasses();
  registerWeftConversionPasses();
  registerWeftCPUPasses();
  registerWeftCUDAPasses();
  registerCPULoweringPipeline();
  registerCUDAPipelines();
  using Builder = void (*)(OpPassManager &, const CompilePipelineConfig &);
  auto add = [](StringRef name, StringRef description, Builder build) {
    PassPipelineRegistration<CompilePipelineOptions>(
        name, description,
        [build](OpPassManager &pm, const CompilePipelineOptions &options) {
          build(pm, options.get());
        });
  };
  add("weft-prepare",
      "Compile stage 1: batch specialized, graph simplified and checked",
      buildPreparePipeline);
  add("weft-place-tasks",
      "Compile stage 2: @main placed on the devices, made a task graph",
      buildPlaceTasksPipeline);
  add("weft-lower-devices",
      "Compile stage 3: the tasks' code lowered per device kind",
      buildLowerDevicesPipeline);
  add("weft-serialize", "Compile stage 4: the lowered code as weft.binary ops",
      buildSerializePipeline);
  add("weft-compile",
      "What weft-compile runs: an imported model to weft.binary ops and a "
      "task graph, which --weft-to-artifact writes as a .weft file",
      buildCompilePipeline);
}

} // namespace weft
