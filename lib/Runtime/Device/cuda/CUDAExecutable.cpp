//===- CUDAExecutable.cpp - Loading and running CUDA programs -------------===//
//
// Loading a program picks each kernel module's PTX for the device's arch,
// JIT-compiles it, finds the kernels (checking their parameters against
// the launches where the driver can tell), and uploads the weights the
// program reads. A run takes scratch memory (the arena) from the device's
// allocator and issues the commands on the device's stream: kernel
// launches, cuBLAS GEMMs (row-major, as the format states, so A and B swap
// places in the column-major call), device-to-device copies. Runs on one
// device are serialized: it has one stream.
//
//===----------------------------------------------------------------------===//

#include "CUDADevice.h"

#include <cstring>

namespace weft::runtime::cuda {
namespace {

/// Bytes kept of a failed JIT compilation's log.
constexpr size_t kJITLogBytes = 16384;

/// The status code for a module the JIT compiler refused.
StatusCode getLoadFailureCode(CUresult result) {
  switch (result) {
  case CUDA_ERROR_UNSUPPORTED_PTX_VERSION:
  case CUDA_ERROR_NO_BINARY_FOR_GPU:
  case CUDA_ERROR_JIT_COMPILER_NOT_FOUND:
  case CUDA_ERROR_JIT_COMPILATION_DISABLED:
    return StatusCode::Unsupported;
  case CUDA_ERROR_INVALID_PTX:
  case CUDA_ERROR_INVALID_IMAGE:
  case CUDA_ERROR_INVALID_SOURCE:
    return StatusCode::DataLoss;
  case CUDA_ERROR_OUT_OF_MEMORY:
    return StatusCode::ResourceExhausted;
  default:
    return StatusCode::Unavailable;
  }
}

std::string atLine(size_t line) {
  return " (line " + std::to_string(line) + ")";
}

/// Checks the launch's parameters against the kernel's, as far as the
/// driver says: their number, and that each is 8 bytes.
Status checkParams(const std::string &deviceName, CUfunction function,
                   const LaunchCommand &launch, size_t line) {
  size_t count = launch.params.size();
  for (size_t index = 0; index <= count; ++index) {
    size_t offset = 0, size = 0;
    CUresult result = cuFuncGetParamInfo(function, index, &offset, &size);
    if (result == CUDA_ERROR_INVALID_VALUE && index < count)
      return Status(StatusCode::DataLoss,
                    deviceName + ": kernel " + launch.kernel + " takes " +
                        std::to_string(index) + " parameters; its launch" +
                        atLine(line) + " passes " + std::to_string(count));
    if (result != CUDA_SUCCESS)
      return Status::ok(); // past the last parameter, or cannot tell
    if (index == count)
      return Status(StatusCode::DataLoss,
                    deviceName + ": kernel " + launch.kernel +
                        " takes more than the " + std::to_string(count) +
                        " parameters its launch" + atLine(line) + " passes");
    if (size != 8)
      return Status(StatusCode::DataLoss,
                    deviceName + ": parameter " + std::to_string(index) +
                        " of kernel " + launch.kernel + " is " +
                        std::to_string(size) + " bytes; its launch" +
                        atLine(line) + " passes 8");
  }
  return Status::ok();
}

} // namespace

StatusOr<std::unique_ptr<CUDAExecutable>>
CUDAExecutable::load(std::shared_ptr<CUDADevice> device, std::string_view code,
                     const std::string &name, std::string_view weights) {
  const std::string &deviceName = device->getName();
  auto parsed = parseGpuCode(code, weights.size());
  if (!parsed)
    return Status(parsed.getStatus().getCode(),
                  deviceName + ": " + parsed.getStatus().getMessage());
  const CUDAProgram *program = parsed->findProgram(name);
  if (!program) {
    std::string names;
    for (const CUDAProgram &other : parsed->programs)
      names += (names.empty() ? "" : ", ") + other.name;
    return Status(StatusCode::NotFound,
                  deviceName + ": the artifact's GPU code has no program '" +
                      name + "' (it has: " + names + ")");
  }
  WEFT_RETURN_IF_ERROR(device->makeCurrent());
  std::unique_ptr<CUDAExecutable> executable(
      new CUDAExecutable(device, *program));
  WEFT_RETURN_IF_ERROR(executable->loadModules(*parsed));
  WEFT_RETURN_IF_ERROR(executable->uploadWeights(*parsed, weights));
  for (const Command &command : program->commands)
    if (std::holds_alternative<GemmCommand>(command.op)) {
      auto blas = device->getBlas();
      if (!blas)
        return blas.getStatus();
      executable->blas = *blas;
      break;
    }
  return executable;
}

Status CUDAExecutable::loadModules(const GpuCode &code) {
  const std::string &deviceName = device->getName();
  for (const std::string &moduleName : getLaunchedModules(program)) {
    auto ptx = selectPTX(code, moduleName, device->getCapability(), deviceName);
    if (!ptx)
      return ptx.getStatus();
    std::string text((*ptx)->ptx); // CUDA reads up to a NUL
    std::vector<char> log(kJITLogBytes, '\0');
    CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {log.data(), reinterpret_cast<void *>(log.size() - 1)};
    CUmodule module = nullptr;
    CUresult result =
        cuModuleLoadDataEx(&module, text.c_str(), 2, options, values);
    if (result != CUDA_SUCCESS) {
      std::string why = log.data();
      while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
        why.pop_back();
      return Status(getLoadFailureCode(result),
                    deviceName + ": loading kernel module " + moduleName +
                        " (" + (*ptx)->arch + " PTX, line " +
                        std::to_string((*ptx)->line) +
                        ") failed: " + describeError(result) +
                        (why.empty() ? "" : ": " + why));
    }
    modules[moduleName] = module;
  }

  functions.assign(program.commands.size(), nullptr);
  for (size_t i = 0; i < program.commands.size(); ++i) {
    const auto *launch = std::get_if<LaunchCommand>(&program.commands[i].op);
    if (!launch)
      continue;
    size_t line = program.commands[i].line;
    CUfunction function = nullptr;
    CUresult result = cuModuleGetFunction(&function, modules.at(launch->module),
                                          launch->kernel.c_str());
    if (result == CUDA_ERROR_NOT_FOUND)
      return Status(StatusCode::DataLoss,
                    deviceName + ": kernel module " + launch->module +
                        " has no kernel " + launch->kernel + atLine(line));
    if (result != CUDA_SUCCESS)
      return device->failure("finding kernel " + launch->kernel + atLine(line),
                             result);
    WEFT_RETURN_IF_ERROR(checkParams(deviceName, function, *launch, line));
    functions[i] = function;
  }
  return Status::ok();
}

Status CUDAExecutable::uploadWeights(const GpuCode &code,
                                     std::string_view weights) {
  for (int64_t id : getReadWeights(program)) {
    const WeightRange &range = code.weights.at(id);
    auto pointer = device->allocate(size_t(range.bytes));
    if (!pointer)
      return pointer.getStatus();
    weightPointers[id] = reinterpret_cast<CUdeviceptr>(*pointer);
    WEFT_RETURN_IF_ERROR(device->copyFromHost(
        *pointer, weights.data() + range.offset, size_t(range.bytes)));
  }
  return Status::ok();
}

CUDAExecutable::~CUDAExecutable() {
  // Best effort: a device that failed for good may refuse this.
  if (!device->makeCurrent().isOk())
    return;
  for (auto &[name, module] : modules)
    cuModuleUnload(module);
  for (auto &[id, pointer] : weightPointers)
    device->deallocate(reinterpret_cast<void *>(pointer));
}

CUdeviceptr CUDAExecutable::resolve(const BufferRef &ref, void *const *args,
                                    CUdeviceptr arena) const {
  switch (ref.base) {
  case BufferRef::Base::Argument:
    return reinterpret_cast<CUdeviceptr>(args[ref.index]) + ref.bytes;
  case BufferRef::Base::Arena:
    return arena + ref.bytes;
  case BufferRef::Base::Weight:
    return weightPointers.at(ref.index) + ref.bytes;
  }
  return 0;
}

Status CUDAExecutable::run(void *const *args, size_t numArgs) {
  const std::string &deviceName = device->getName();
  if (numArgs != size_t(program.numArgs))
    return Status(StatusCode::InvalidArgument,
                  deviceName + ": program " + program.name + " takes " +
                      std::to_string(program.numArgs) + " arguments, got " +
                      std::to_string(numArgs));
  WEFT_RETURN_IF_ERROR(device->makeCurrent());
  std::lock_guard<std::mutex> lock(device->getStreamMutex());
  CUdeviceptr arena = 0;
  if (program.arenaBytes > 0) {
    auto pointer = device->allocate(size_t(program.arenaBytes));
    if (!pointer)
      return pointer.getStatus();
    arena = reinterpret_cast<CUdeviceptr>(*pointer);
  }
  Status status = runCommands(args, arena);
  // Wait even after a failure: nothing may still use the arena when it goes
  // back to the allocator.
  CUresult result = cuStreamSynchronize(device->getStream());
  if (status.isOk() && result != CUDA_SUCCESS)
    status = device->failure("running program " + program.name, result);
  if (arena)
    device->deallocate(reinterpret_cast<void *>(arena));
  return status;
}

Status CUDAExecutable::runCommands(void *const *args, CUdeviceptr arena) {
  CUstream stream = device->getStream();
  std::vector<uint64_t> slots;
  std::vector<void *> params;
  for (size_t i = 0; i < program.commands.size(); ++i) {
    const Command &command = program.commands[i];
    if (const auto *launch = std::get_if<LaunchCommand>(&command.op)) {
      size_t count = launch->params.size();
      slots.assign(count, 0);
      params.assign(count, nullptr);
      for (size_t p = 0; p < count; ++p) {
        const LaunchParam &param = launch->params[p];
        slots[p] = param.isPointer ? resolve(param.pointer, args, arena)
                                   : uint64_t(param.value);
        params[p] = &slots[p];
      }
      CUresult result = cuLaunchKernel(
          functions[i], launch->grid[0], launch->grid[1], launch->grid[2],
          launch->block[0], launch->block[1], launch->block[2], 0, stream,
          count ? params.data() : nullptr, nullptr);
      if (result != CUDA_SUCCESS)
        return device->failure(
            "launch of " + launch->kernel + atLine(command.line), result);
    } else if (const auto *gemm = std::get_if<GemmCommand>(&command.op)) {
      if (gemm->m == 0 || gemm->n == 0 || gemm->k == 0 || gemm->batch == 0)
        continue; // C += nothing
      const float one = 1.0f;
      auto pointer = [&](const BufferRef &ref) {
        return reinterpret_cast<float *>(resolve(ref, args, arena));
      };
      // Row-major C = A B is column-major C^T = B^T A^T.
      cublasStatus_t status = cublasSgemmStridedBatched(
          blas, gemm->transposeB ? CUBLAS_OP_T : CUBLAS_OP_N,
          gemm->transposeA ? CUBLAS_OP_T : CUBLAS_OP_N, int(gemm->n),
          int(gemm->m), int(gemm->k), &one, pointer(gemm->b), int(gemm->ldb),
          gemm->strideB, pointer(gemm->a), int(gemm->lda), gemm->strideA, &one,
          pointer(gemm->c), int(gemm->ldc), gemm->strideC, int(gemm->batch));
      if (status != CUBLAS_STATUS_SUCCESS)
        return Status(
            StatusCode::Unavailable,
            device->getName() + ": gemm " + std::to_string(gemm->m) + "x" +
                std::to_string(gemm->n) + "x" + std::to_string(gemm->k) +
                " (batch " + std::to_string(gemm->batch) + ")" +
                atLine(command.line) + " failed: " + describeError(status));
    } else {
      const auto &copy = std::get<CopyCommand>(command.op);
      if (copy.bytes == 0)
        continue;
      CUresult result = cuMemcpyDtoDAsync(
          resolve(copy.destination, args, arena),
          resolve(copy.source, args, arena), size_t(copy.bytes), stream);
      if (result != CUDA_SUCCESS)
        return device->failure("copy of " + std::to_string(copy.bytes) +
                                   " bytes" + atLine(command.line),
                               result);
    }
  }
  return Status::ok();
}

} // namespace weft::runtime::cuda
