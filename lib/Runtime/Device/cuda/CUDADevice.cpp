//===- CUDADevice.cpp - An NVIDIA GPU: context, memory, copies ------------===//
//
// The device side of libweft_cuda.so and the C interface it exports
// (CUDADriverInterface.h). A device uses the GPU's primary context and one
// non-blocking stream; every entry point makes the context current first,
// since sessions call from threads of their own. Device memory comes from a
// caching allocator: freed blocks are kept in free lists by size class and
// handed out again, and are given back to CUDA when an allocation would
// otherwise fail.
//
//===----------------------------------------------------------------------===//

#include "CUDADevice.h"
#include "CUDADriverInterface.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>

namespace weft::runtime::cuda {
namespace {

/// Blocks are at least this big; up to kLargeBlock they are powers of two.
constexpr size_t kMinBlock = 512;
/// Blocks above this are multiples of it.
constexpr size_t kLargeBlock = size_t(1) << 20;
/// The pinned staging buffer grows to at most this; longer copies go in
/// chunks.
constexpr size_t kMaxStaging = size_t(16) << 20;

size_t getSizeClass(size_t bytes) {
  if (bytes <= kMinBlock)
    return kMinBlock;
  if (bytes <= kLargeBlock) {
    size_t size = kMinBlock;
    while (size < bytes)
      size *= 2;
    return size;
  }
  return (bytes + kLargeBlock - 1) / kLargeBlock * kLargeBlock;
}

std::string formatBytes(size_t bytes) {
  const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof(text), unit ? "%.1f %s" : "%.0f %s", value,
                units[unit]);
  return text;
}

} // namespace

std::string describeError(CUresult result) {
  if (result == CUDA_ERROR_STUB_LIBRARY) // the stub cannot name its errors
    return "CUDA_ERROR_STUB_LIBRARY";
  const char *errorName = nullptr, *errorText = nullptr;
  if (cuGetErrorName(result, &errorName) != CUDA_SUCCESS || !errorName)
    return "CUDA error " + std::to_string(int(result));
  std::string text = errorName;
  if (cuGetErrorString(result, &errorText) == CUDA_SUCCESS && errorText)
    text += std::string(" (") + errorText + ")";
  return text;
}

std::string describeError(cublasStatus_t status) {
  const char *statusName = cublasGetStatusName(status);
  const char *statusText = cublasGetStatusString(status);
  std::string text =
      statusName ? statusName : "cuBLAS status " + std::to_string(int(status));
  if (statusText)
    text += std::string(" (") + statusText + ")";
  return text;
}

//===----------------------------------------------------------------------===//
// Opening and closing
//===----------------------------------------------------------------------===//

StatusOr<std::shared_ptr<CUDADevice>>
CUDADevice::open(int index, const std::string &options) {
  std::shared_ptr<CUDADevice> device(new CUDADevice(index));
  const std::string &name = device->name;
  if (!options.empty())
    return Status(StatusCode::InvalidArgument,
                  name + ": unknown option '" + options +
                      "' (cuda devices take none)");

  CUresult result = cuInit(0);
  if (result == CUDA_ERROR_STUB_LIBRARY)
    return Status(StatusCode::NotFound,
                  name +
                      ": the CUDA driver is a stub library, no NVIDIA "
                      "driver installed (libcuda.so.1 is the CUDA "
                      "toolkit's stub; cuInit failed: " +
                      describeError(result) + ")");
  if (result == CUDA_ERROR_NO_DEVICE)
    return Status(
        StatusCode::NotFound,
        name + ": no NVIDIA GPU: cuInit failed: " + describeError(result));
  if (result == CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER ||
      result == CUDA_ERROR_SYSTEM_DRIVER_MISMATCH ||
      result == CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE) {
    int version = 0;
    std::string supports = cuDriverGetVersion(&version) == CUDA_SUCCESS
                               ? "CUDA " + std::to_string(version / 1000) +
                                     "." + std::to_string(version % 1000 / 10)
                               : "an unknown CUDA version";
    return Status(StatusCode::Unsupported,
                  name + ": the NVIDIA driver (for " + supports +
                      ") is too old for this CUDA driver library (built "
                      "with CUDA " +
                      std::to_string(CUDA_VERSION / 1000) + "." +
                      std::to_string(CUDA_VERSION % 1000 / 10) +
                      "): cuInit failed: " + describeError(result));
  }
  if (result != CUDA_SUCCESS)
    return device->failure("cuInit", result, StatusCode::NotFound);

  int count = 0;
  if ((result = cuDeviceGetCount(&count)) != CUDA_SUCCESS)
    return device->failure("cuDeviceGetCount", result, StatusCode::NotFound);
  if (count == 0)
    return Status(StatusCode::NotFound, name + ": no NVIDIA GPU");
  if (index >= count)
    return Status(StatusCode::NotFound, name + " asked for, this machine has " +
                                            std::to_string(count) +
                                            " NVIDIA GPU" +
                                            (count == 1 ? "" : "s"));

  int major = 0, minor = 0;
  if ((result = cuDeviceGet(&device->device, index)) != CUDA_SUCCESS ||
      (result = cuDeviceGetAttribute(
           &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
           device->device)) != CUDA_SUCCESS ||
      (result = cuDeviceGetAttribute(
           &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
           device->device)) != CUDA_SUCCESS ||
      (result = cuDeviceTotalMem(&device->totalBytes, device->device)) !=
          CUDA_SUCCESS)
    return device->failure("querying the GPU", result, StatusCode::NotFound);
  device->capability = major * 10 + minor;

  if ((result = cuDevicePrimaryCtxRetain(&device->context, device->device)) !=
      CUDA_SUCCESS) {
    device->context = nullptr;
    return device->failure("making a context", result);
  }
  WEFT_RETURN_IF_ERROR(device->makeCurrent());
  if ((result = cuStreamCreate(&device->stream, CU_STREAM_NON_BLOCKING)) !=
      CUDA_SUCCESS) {
    device->stream = nullptr;
    return device->failure("making a stream", result);
  }
  return device;
}

CUDADevice::~CUDADevice() {
  if (!context)
    return;
  // Best effort: a device that failed for good may refuse all of this.
  cuCtxSetCurrent(context);
  if (stream)
    cuStreamSynchronize(stream);
  if (blas)
    cublasDestroy(blas);
  for (auto &[size, blocks] : freeBlocks)
    for (CUdeviceptr block : blocks)
      cuMemFree(block);
  for (auto &[block, size] : liveBlocks)
    cuMemFree(block);
  if (staging)
    cuMemFreeHost(staging);
  if (stream)
    cuStreamDestroy(stream);
  cuDevicePrimaryCtxRelease(device);
}

Status CUDADevice::makeCurrent() {
  CUresult result = cuCtxSetCurrent(context);
  if (result != CUDA_SUCCESS)
    return failure("making the context current", result);
  return Status::ok();
}

Status CUDADevice::failure(const std::string &what, CUresult result,
                           StatusCode code) const {
  return Status(code, name + ": " + what + " failed: " + describeError(result));
}

StatusOr<cublasHandle_t> CUDADevice::getBlas() {
  std::lock_guard<std::mutex> lock(streamMutex);
  if (blas)
    return blas;
  cublasHandle_t handle = nullptr;
  cublasStatus_t status = cublasCreate(&handle);
  if (status == CUBLAS_STATUS_SUCCESS) {
    status = cublasSetStream(handle, stream);
    if (status != CUBLAS_STATUS_SUCCESS)
      cublasDestroy(handle);
  }
  if (status != CUBLAS_STATUS_SUCCESS)
    return Status(status == CUBLAS_STATUS_ALLOC_FAILED
                      ? StatusCode::ResourceExhausted
                      : StatusCode::Unavailable,
                  name + ": starting cuBLAS failed: " + describeError(status));
  blas = handle;
  return blas;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

StatusOr<void *> CUDADevice::allocate(size_t bytes) {
  WEFT_RETURN_IF_ERROR(makeCurrent());
  std::lock_guard<std::mutex> lock(allocatorMutex);
  if (bytes > totalBytes)
    return outOfMemory(bytes);
  size_t size = getSizeClass(bytes);
  auto cached = freeBlocks.find(size);
  if (cached != freeBlocks.end() && !cached->second.empty()) {
    CUdeviceptr block = cached->second.back();
    cached->second.pop_back();
    cachedBytes -= size;
    liveBlocks[block] = size;
    return reinterpret_cast<void *>(block);
  }
  CUdeviceptr block = 0;
  CUresult result = cuMemAlloc(&block, size);
  if (result == CUDA_ERROR_OUT_OF_MEMORY && cachedBytes > 0) {
    releaseCache();
    result = cuMemAlloc(&block, size);
  }
  if (result == CUDA_ERROR_OUT_OF_MEMORY)
    return outOfMemory(bytes);
  if (result != CUDA_SUCCESS)
    return failure("allocating " + std::to_string(bytes) + " bytes", result);
  liveBlocks[block] = size;
  return reinterpret_cast<void *>(block);
}

void CUDADevice::deallocate(void *pointer) {
  std::lock_guard<std::mutex> lock(allocatorMutex);
  auto live = liveBlocks.find(reinterpret_cast<CUdeviceptr>(pointer));
  if (live == liveBlocks.end())
    return;
  freeBlocks[live->second].push_back(live->first);
  cachedBytes += live->second;
  liveBlocks.erase(live);
}

void CUDADevice::releaseCache() {
  for (auto &[size, blocks] : freeBlocks)
    for (CUdeviceptr block : blocks)
      cuMemFree(block);
  freeBlocks.clear();
  cachedBytes = 0;
}

Status CUDADevice::outOfMemory(size_t bytes) {
  size_t freeBytes = 0, total = totalBytes;
  std::string state =
      cuMemGetInfo(&freeBytes, &total) == CUDA_SUCCESS
          ? formatBytes(freeBytes) + " free of " + formatBytes(total)
          : formatBytes(total) + " in all";
  return Status(StatusCode::ResourceExhausted,
                name + ": out of memory allocating " + std::to_string(bytes) +
                    " bytes (" + state + ")");
}

//===----------------------------------------------------------------------===//
// Copies
//===----------------------------------------------------------------------===//

bool CUDADevice::reserveStaging(size_t bytes) {
  if (bytes <= stagingBytes)
    return true;
  size_t size =
      std::min(kMaxStaging, std::max(kLargeBlock, getSizeClass(bytes)));
  void *buffer = nullptr;
  if (cuMemHostAlloc(&buffer, size, 0) != CUDA_SUCCESS)
    return false;
  if (staging)
    cuMemFreeHost(staging);
  staging = buffer;
  stagingBytes = size;
  return true;
}

Status CUDADevice::copyFromHost(void *destination, const void *source,
                                size_t bytes) {
  return copy(/*toDevice=*/true, destination, source, bytes);
}

Status CUDADevice::copyToHost(void *destination, const void *source,
                              size_t bytes) {
  return copy(/*toDevice=*/false, destination, source, bytes);
}

Status CUDADevice::copy(bool toDevice, void *destination, const void *source,
                        size_t bytes) {
  if (bytes == 0)
    return Status::ok();
  std::string what = "copy of " + std::to_string(bytes) + " bytes " +
                     (toDevice ? "to" : "from") + " the device";
  if (!destination || !source)
    return Status(StatusCode::InvalidArgument,
                  name + ": " + what + " with a null pointer");
  WEFT_RETURN_IF_ERROR(makeCurrent());
  std::lock_guard<std::mutex> lock(streamMutex);
  // One asynchronous copy of `n` bytes at `offset` between `host` memory
  // and the device, in this call's direction.
  auto issue = [&](void *host, size_t offset, size_t n) {
    return toDevice ? cuMemcpyHtoDAsync(
                          reinterpret_cast<CUdeviceptr>(destination) + offset,
                          host, n, stream)
                    : cuMemcpyDtoHAsync(
                          host, reinterpret_cast<CUdeviceptr>(source) + offset,
                          n, stream);
  };
  CUresult result;
  if (!reserveStaging(std::min(bytes, kMaxStaging))) {
    // No pinned memory to spare: let CUDA stage the pageable memory.
    void *host = toDevice ? const_cast<void *>(source) : destination;
    if ((result = issue(host, 0, bytes)) != CUDA_SUCCESS ||
        (result = cuStreamSynchronize(stream)) != CUDA_SUCCESS)
      return failure(what, result);
    return Status::ok();
  }
  for (size_t done = 0; done < bytes;) {
    size_t chunk = std::min(stagingBytes, bytes - done);
    if (toDevice)
      std::memcpy(staging, static_cast<const char *>(source) + done, chunk);
    if ((result = issue(staging, done, chunk)) != CUDA_SUCCESS ||
        (result = cuStreamSynchronize(stream)) != CUDA_SUCCESS)
      return failure(what, result);
    if (!toDevice)
      std::memcpy(static_cast<char *>(destination) + done, staging, chunk);
    done += chunk;
  }
  return Status::ok();
}

} // namespace weft::runtime::cuda

//===----------------------------------------------------------------------===//
// The C interface
//===----------------------------------------------------------------------===//

using weft::runtime::Status;
using weft::runtime::StatusCode;
using weft::runtime::cuda::CUDADevice;
using weft::runtime::cuda::CUDAExecutable;

struct WeftCUDADevice {
  std::shared_ptr<CUDADevice> device;
};

struct WeftCUDAProgram {
  std::unique_ptr<CUDAExecutable> executable;
  std::string deviceName;
};

namespace {

/// Writes `status` for the runtime; returns its code.
int report(const Status &status, WeftCUDAStatus *out) {
  if (status.isOk())
    return 0;
  if (out) {
    out->code = int(status.getCode());
    std::snprintf(out->message, sizeof(out->message), "%s",
                  status.getMessage().c_str());
  }
  return int(status.getCode());
}

/// Runs `body` for device `deviceName`, turning an exception (out of host
/// memory) into a status: none may cross the C interface.
template <typename Body>
int guard(const std::string &deviceName, WeftCUDAStatus *out, Body body) {
  try {
    return report(body(), out);
  } catch (const std::bad_alloc &) {
    return report(Status(StatusCode::ResourceExhausted,
                         deviceName + ": out of host memory"),
                  out);
  } catch (...) {
    return report(Status(StatusCode::Internal,
                         deviceName + ": the CUDA driver failed unexpectedly"),
                  out);
  }
}

WeftCUDADevice *createDevice(int index, const char *options,
                             WeftCUDAStatus *status) {
  WeftCUDADevice *handle = nullptr;
  guard("cuda:" + std::to_string(index), status, [&]() -> Status {
    auto device = CUDADevice::open(index, options ? options : "");
    if (!device)
      return device.getStatus();
    handle = new WeftCUDADevice{std::move(*device)};
    return Status::ok();
  });
  return handle;
}

void destroyDevice(WeftCUDADevice *handle) { delete handle; }

int getMemorySpace(WeftCUDADevice *handle) {
  return handle->device->getMemorySpace();
}

int makeCurrent(WeftCUDADevice *handle, WeftCUDAStatus *status) {
  return guard(handle->device->getName(), status,
               [&] { return handle->device->makeCurrent(); });
}

int allocate(WeftCUDADevice *handle, size_t bytes, void **pointer,
             WeftCUDAStatus *status) {
  return guard(handle->device->getName(), status, [&]() -> Status {
    auto block = handle->device->allocate(bytes);
    if (!block)
      return block.getStatus();
    *pointer = *block;
    return Status::ok();
  });
}

void deallocate(WeftCUDADevice *handle, void *pointer) {
  handle->device->deallocate(pointer);
}

int copyFromHost(WeftCUDADevice *handle, void *destination, const void *source,
                 size_t bytes, WeftCUDAStatus *status) {
  return guard(handle->device->getName(), status, [&] {
    return handle->device->copyFromHost(destination, source, bytes);
  });
}

int copyToHost(WeftCUDADevice *handle, void *destination, const void *source,
               size_t bytes, WeftCUDAStatus *status) {
  return guard(handle->device->getName(), status, [&] {
    return handle->device->copyToHost(destination, source, bytes);
  });
}

WeftCUDAProgram *loadProgram(WeftCUDADevice *handle, const char *code,
                             size_t codeBytes, const char *name,
                             const char *weights, size_t weightsBytes,
                             WeftCUDAStatus *status) {
  WeftCUDAProgram *program = nullptr;
  guard(handle->device->getName(), status, [&]() -> Status {
    auto executable = CUDAExecutable::load(
        handle->device, std::string_view(code, code ? codeBytes : 0),
        name ? name : "",
        std::string_view(weights, weights ? weightsBytes : 0));
    if (!executable)
      return executable.getStatus();
    program =
        new WeftCUDAProgram{std::move(*executable), handle->device->getName()};
    return Status::ok();
  });
  return program;
}

int runProgram(WeftCUDAProgram *program, void *const *args, size_t numArgs,
               WeftCUDAStatus *status) {
  return guard(program->deviceName, status,
               [&] { return program->executable->run(args, numArgs); });
}

void destroyProgram(WeftCUDAProgram *program) { delete program; }

const WeftCUDADriverInterface kInterface = {
    WEFT_CUDA_DRIVER_INTERFACE_VERSION,
    createDevice,
    destroyDevice,
    getMemorySpace,
    makeCurrent,
    allocate,
    deallocate,
    copyFromHost,
    copyToHost,
    loadProgram,
    runProgram,
    destroyProgram,
};

} // namespace

extern "C" __attribute__((visibility("default")))
const WeftCUDADriverInterface *
weft_cuda_driver_interface(void) {
  return &kInterface;
}
