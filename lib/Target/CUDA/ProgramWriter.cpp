//===- ProgramWriter.cpp - Lowered GPU functions to CUDA programs ---------===//
//
// After buildCUDALoweringPipeline, a function's body is straight-line:
// constants, views of its arguments, of its arena and of constant globals,
// kernel launches and GEMM calls. Every buffer is then a base (argument,
// arena or weight) plus a byte offset known now, so the function becomes a
// list of commands over those bases (docs/design/cuda-program.md).
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/CUDA/CUDACodegen.h"
#include "weft/Target/CUDA/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace weft {
namespace {

constexpr size_t kWeightAlignment = 64;

/// A buffer as the program names it: a base and a byte offset.
struct BufferRef {
  std::string base; ///< "a<k>", "t" or "w<id>"
  int64_t bytes = 0;
  std::string str() const { return base + "+" + std::to_string(bytes); }
};

class ProgramWriter {
public:
  ProgramWriter(ModuleOp module, CUDAProgramText &out)
      : module(module), out(out) {}

  LogicalResult writeFunction(func::FuncOp func) {
    arenaBytes = getArenaBytes(module, func.getSymName());
    unsigned numArgs = func.getNumArguments() - (arenaBytes > 0 ? 1 : 0);
    numProgramArgs = numArgs;
    std::string text = "program " + func.getSymName().str() + " " +
                       std::to_string(numArgs) + " " +
                       std::to_string(arenaBytes) + "\n";
    if (!func.getBody().hasOneBlock())
      return func.emitOpError("has control flow on the host side, which a "
                              "CUDA program cannot express");
    for (Operation &op : func.getBody().front()) {
      if (isa<arith::ConstantOp, memref::ViewOp, memref::SubViewOp,
              memref::CastOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
              memref::ReinterpretCastOp, memref::ReshapeOp,
              memref::GetGlobalOp>(op))
        continue; // values and views: resolved where used
      if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
        if (failed(writeLaunch(launch, text)))
          return failure();
        continue;
      }
      if (auto call = dyn_cast<func::CallOp>(op);
          call && call.getCallee() == kGemmFunctionName) {
        if (failed(writeGemm(call, text)))
          return failure();
        continue;
      }
      if (isa<func::ReturnOp>(op))
        continue;
      return op.emitOpError("cannot be part of a CUDA program (the host side "
                            "of a GPU partition only launches kernels and "
                            "library calls)");
    }
    out.code += text + "end\n";
    return success();
  }

  void writeModules() {
    for (auto binary : module.getOps<gpu::BinaryOp>())
      for (Attribute attr : binary.getObjects()) {
        auto object = cast<gpu::ObjectAttr>(attr);
        auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
        if (!target)
          continue;
        StringRef ptx = object.getObject().getValue();
        out.code += "module " + binary.getSymName().str() + " " +
                    target.getChip().str() + " " + std::to_string(ptx.size()) +
                    "\n" + ptx.str() + "\n";
      }
  }

private:
  FailureOr<BufferRef> resolve(Value value) {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      unsigned index = arg.getArgNumber();
      if (index == numProgramArgs && arenaBytes > 0)
        return BufferRef{"t", 0};
      return BufferRef{"a" + std::to_string(index), 0};
    }
    Operation *def = value.getDefiningOp();
    if (auto view = dyn_cast<memref::ViewOp>(def)) {
      auto shift = getConstantIntValue(view.getByteShift());
      auto source = resolve(view.getSource());
      if (!shift || failed(source))
        return def->emitOpError("has an offset unknown at compile time");
      source->bytes += *shift;
      return source;
    }
    // Views that keep the base pointer and change the layout's offset.
    if (isa<memref::SubViewOp, memref::CastOp, memref::CollapseShapeOp,
            memref::ExpandShapeOp, memref::ReinterpretCastOp,
            memref::ReshapeOp>(def))
      return resolve(def->getOperand(0));
    if (auto global = dyn_cast<memref::GetGlobalOp>(def))
      return getWeight(global);
    return def->emitOpError("makes a buffer a CUDA program cannot name");
  }

  FailureOr<BufferRef> getWeight(memref::GetGlobalOp use) {
    auto it = weightIds.find(use.getName());
    if (it != weightIds.end())
      return BufferRef{"w" + std::to_string(it->second), 0};
    auto global = module.lookupSymbol<memref::GlobalOp>(use.getNameAttr());
    auto value = global ? dyn_cast_or_null<ElementsAttr>(
                              global.getInitialValue().value_or(Attribute()))
                        : ElementsAttr();
    auto data = value ? getRawData(value) : std::nullopt;
    if (!data)
      return use.emitOpError("reads a global without constant contents");
    size_t offset = (out.weights.size() + kWeightAlignment - 1) /
                    kWeightAlignment * kWeightAlignment;
    out.weights.resize(offset);
    out.weights.append(data->data(), data->size());
    int id = int(weightIds.size());
    weightIds[use.getName()] = id;
    out.code += "weight " + std::to_string(id) + " " + std::to_string(offset) +
                " " + std::to_string(data->size()) + "\n";
    return BufferRef{"w" + std::to_string(id), 0};
  }

  /// The memref's strided layout, static; fails (with a diagnostic) if not.
  LogicalResult getLayout(Operation *user, MemRefType type,
                          SmallVectorImpl<int64_t> &strides, int64_t &offset) {
    if (failed(type.getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(offset) || !type.hasStaticShape() ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return user->emitOpError("takes a buffer of type ")
             << type << ", whose layout is unknown at compile time";
    return success();
  }

  LogicalResult writeLaunch(gpu::LaunchFuncOp launch, std::string &text) {
    if (launch.getDynamicSharedMemorySize() || launch.hasClusterSize() ||
        !launch.getAsyncDependencies().empty())
      return launch.emitOpError("uses launch features CUDA programs do not "
                                "have (shared memory size, clusters, async)");
    auto dims = {launch.getGridSizeX(),  launch.getGridSizeY(),
                 launch.getGridSizeZ(),  launch.getBlockSizeX(),
                 launch.getBlockSizeY(), launch.getBlockSizeZ()};
    std::string line = "launch " + launch.getKernelModuleName().str() + " " +
                       launch.getKernelName().str();
    for (Value dim : dims) {
      auto size = getConstantIntValue(dim);
      if (!size)
        return launch.emitOpError("has a grid unknown at compile time");
      line += " " + std::to_string(*size);
    }
    for (Value operand : launch.getKernelOperands()) {
      if (auto type = dyn_cast<MemRefType>(operand.getType())) {
        auto ref = resolve(operand);
        SmallVector<int64_t> strides;
        int64_t offset;
        if (failed(ref) || failed(getLayout(launch, type, strides, offset)))
          return failure();
        line += " p:" + ref->str() + " p:" + ref->str() +
                " i:" + std::to_string(offset);
        for (int64_t size : type.getShape())
          line += " i:" + std::to_string(size);
        for (int64_t stride : strides)
          line += " i:" + std::to_string(stride);
        continue;
      }
      auto constant = getConstantIntValue(operand);
      if (!constant ||
          !(operand.getType().isIndex() || operand.getType().isInteger(64)))
        return launch.emitOpError("passes a kernel a ")
               << operand.getType()
               << " value computed on the host, which CUDA programs cannot "
                  "express (only buffers and constant integers)";
      line += " i:" + std::to_string(*constant);
    }
    text += line + "\n";
    return success();
  }

  LogicalResult writeGemm(func::CallOp call, std::string &text) {
    auto shape = call->getAttrOfType<DenseI64ArrayAttr>(kGemmAttrName);
    if (!shape || shape.size() != 12 || call.getNumOperands() != 3)
      return call.emitOpError("is a malformed GEMM call");
    std::string line = "gemm";
    for (int64_t value : shape.asArrayRef())
      line += " " + std::to_string(value);
    for (Value operand : call.getOperands()) {
      // The cast's source has the buffer's real layout.
      auto cast = operand.getDefiningOp<memref::CastOp>();
      auto type =
          cast ? dyn_cast<MemRefType>(cast.getSource().getType()) : nullptr;
      if (!type)
        return call.emitOpError("takes a buffer of unknown layout");
      SmallVector<int64_t> strides;
      int64_t offset;
      auto ref = resolve(cast.getSource());
      if (failed(ref) || failed(getLayout(call, type, strides, offset)))
        return failure();
      ref->bytes += offset * 4;
      line += " " + ref->str();
    }
    text += line + "\n";
    return success();
  }

  ModuleOp module;
  CUDAProgramText &out;
  llvm::StringMap<int> weightIds;
  unsigned numProgramArgs = 0;
  int64_t arenaBytes = 0;
};

} // namespace

LogicalResult writeCUDAPrograms(ModuleOp module, CUDAProgramText &out) {
  out.code = "weft-cuda 1\n";
  ProgramWriter writer(module, out);
  writer.writeModules();
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      if (failed(writer.writeFunction(func)))
        return failure();
  return success();
}

std::string getPTX(ModuleOp module, StringRef arch) {
  std::string ptx;
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
      if (target && target.getChip() == arch)
        ptx += "// kernel module " + binary.getSymName().str() + "\n" +
               object.getObject().getValue().str();
    }
  return ptx;
}

} // namespace weft
