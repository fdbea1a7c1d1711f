//===- ArtifactTranslation.cpp - A compiled module to a .weft file --------===//

#include "weft/Target/Artifact/ArtifactTranslation.h"
#include "Manifest.h"
#include "weft/Analysis/DeviceModel.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Base/File.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/Error.h"

using namespace mlir;

namespace weft {
namespace {

/// The GPU code of `code`, or an error saying why there is none.
FailureOr<BinaryOp> requireGPUCode(ModuleOp module, CompiledCode code) {
  if (code.gpu)
    return code.gpu;
  auto devices =
      module->getAttrOfType<DevicesAttr>(WeftDialect::getDevicesAttrName());
  if (!devices || !devices.getModel().hasDeviceOfKind(DeviceKind::CUDA))
    return module.emitError(
        "GPU code needs a device description with a GPU (--devices)");
  return module.emitError("no op was placed on a GPU, so there is no GPU code");
}

/// Writes the GPU weights that go to a file of their own.
LogicalResult writeWeightsFile(BinaryOp weights) {
  if (runtime::Status written =
          runtime::writeFile(weights.getFile()->str(), weights.getData());
      !written)
    return weights.emitError(written.getMessage());
  return success();
}

} // namespace

LogicalResult writeArtifact(ModuleOp module, ArtifactPart part,
                            llvm::raw_ostream &os) {
  auto code = findCompiledCode(module);
  if (failed(code))
    return failure();
  if (part == ArtifactPart::PTX || part == ArtifactPart::CUDAProgram) {
    auto gpu = requireGPUCode(module, *code);
    if (failed(gpu))
      return failure();
    os << (part == ArtifactPart::PTX ? gpu->getPtx().value_or("")
                                     : gpu->getData());
    return success();
  }
  auto manifest = buildManifest(module, *code);
  if (failed(manifest))
    return failure();
  if (part == ArtifactPart::Manifest) {
    os << *manifest;
    return success();
  }
  using runtime::format::SectionKind;
  runtime::ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, *manifest);
  if (code->host) {
    writer.addSection(SectionKind::Target,
                      code->host.getTarget().value_or("").str());
    writer.addSection(SectionKind::HostCode, code->host.getData().str(),
                      runtime::format::kRequired, 4096);
  }
  if (code->gpu) {
    writer.addSection(SectionKind::GpuCode, code->gpu.getData().str());
    if (code->weights && !code->weights.getFile())
      writer.addSection(SectionKind::Weights, code->weights.getData().str(),
                        runtime::format::kRequired, 64);
  }
  if (code->weights && code->weights.getFile() &&
      failed(writeWeightsFile(code->weights)))
    return failure();
  os << writer.serialize();
  return success();
}

void registerArtifactTranslations() {
  auto dialects = [](DialectRegistry &registry) {
    registry.insert<WeftDialect, ONNXDialect, func::FuncDialect>();
  };
  auto add = [&](StringRef name, StringRef description, ArtifactPart part) {
    TranslateFromMLIRRegistration(
        name, description,
        [part](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
          auto module = dyn_cast<ModuleOp>(op);
          if (!module)
            return op->emitError("expected a builtin.module");
          return writeArtifact(module, part, os);
        },
        dialects);
  };
  add("weft-to-artifact", "a module compiled by weft-compile to a .weft file",
      ArtifactPart::Artifact);
  add("weft-to-manifest", "the manifest of a module compiled by weft-compile",
      ArtifactPart::Manifest);
  add("weft-to-ptx", "the PTX of a module compiled by weft-compile",
      ArtifactPart::PTX);
  add("weft-to-cuda-program",
      "the CUDA programs of a module compiled by weft-compile",
      ArtifactPart::CUDAProgram);
}

} // namespace weft
