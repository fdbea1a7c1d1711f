//===- CUDADevice.h - An NVIDIA GPU via the CUDA driver API -----*- C++ -*-===//
//
// The classes of libweft_cuda.so: a device (its primary context, one
// stream, a caching allocator of device memory, copies through pinned host
// memory) and the programs loaded onto it. Everything here returns errors
// as Status values; no CUDA error aborts the process.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_CUDA_CUDADEVICE_H
#define WEFT_RUNTIME_DEVICE_CUDA_CUDADEVICE_H

#include "CUDAProgram.h"

#include "weft/Runtime/Base/Status.h"

#include <cublas_v2.h>
#include <cuda.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace weft::runtime::cuda {

/// A CUDA driver error as text: "CUDA_ERROR_X (what it means)".
std::string describeError(CUresult result);
/// A cuBLAS error as text.
std::string describeError(cublasStatus_t status);

/// NVIDIA GPU `index` of the machine.
class CUDADevice {
public:
  /// Opens the GPU; NotFound when the machine has no such GPU (or no
  /// driver), InvalidArgument for options (cuda devices take none).
  static StatusOr<std::shared_ptr<CUDADevice>> open(int index,
                                                    const std::string &options);
  ~CUDADevice();
  CUDADevice(const CUDADevice &) = delete;
  CUDADevice &operator=(const CUDADevice &) = delete;

  /// "cuda:<index>".
  const std::string &getName() const { return name; }
  /// Distinct per GPU: no two GPUs share memory here.
  int getMemorySpace() const { return 1000 + index; }
  /// The compute capability, major * 10 + minor (90 for sm_90).
  int getCapability() const { return capability; }

  /// Makes the device's context current on the calling thread.
  Status makeCurrent();

  /// Device memory from the cache, or from CUDA when the cache has no block
  /// of the size; out of memory (after emptying the cache) gives
  /// ResourceExhausted.
  StatusOr<void *> allocate(size_t bytes);
  /// Returns a block to the cache (pointers it did not make are ignored).
  void deallocate(void *pointer);

  /// Copies through a pinned staging buffer on the device's stream; return
  /// when the copy is done.
  Status copyFromHost(void *destination, const void *source, size_t bytes);
  Status copyToHost(void *destination, const void *source, size_t bytes);

  /// Serializes work on the stream: runs, copies.
  std::mutex &getStreamMutex() { return streamMutex; }
  CUstream getStream() const { return stream; }
  /// The device's cuBLAS handle, on its stream; made on first use.
  StatusOr<cublasHandle_t> getBlas();

  /// "<name>: <what> failed: <error>" with `code`.
  Status failure(const std::string &what, CUresult result,
                 StatusCode code = StatusCode::Unavailable) const;

private:
  CUDADevice(int index) : index(index), name("cuda:" + std::to_string(index)) {}

  Status outOfMemory(size_t bytes);
  /// Frees the cached blocks (the allocator's lock is held).
  void releaseCache();
  /// Makes the staging buffer at least `bytes` long (the stream's lock is
  /// held); false if pinned memory is short.
  bool reserveStaging(size_t bytes);
  /// copyFromHost (`toDevice`) or copyToHost.
  Status copy(bool toDevice, void *destination, const void *source,
              size_t bytes);

  int index;
  std::string name;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  int capability = 0;
  size_t totalBytes = 0;

  std::mutex streamMutex;
  cublasHandle_t blas = nullptr;
  void *staging = nullptr;
  size_t stagingBytes = 0;

  std::mutex allocatorMutex;
  /// Cached blocks by size class.
  std::map<size_t, std::vector<CUdeviceptr>> freeBlocks;
  /// Blocks handed out, and their size classes.
  std::unordered_map<CUdeviceptr, size_t> liveBlocks;
  size_t cachedBytes = 0;
};

/// A program of a GpuCode section, loaded onto a device: its kernel
/// modules, its weights in device memory, its commands ready to run.
class CUDAExecutable {
public:
  /// Loads program `name` of `code`, reading weights from `weights`.
  static StatusOr<std::unique_ptr<CUDAExecutable>>
  load(std::shared_ptr<CUDADevice> device, std::string_view code,
       const std::string &name, std::string_view weights);
  ~CUDAExecutable();

  /// Runs the commands with `args` (device pointers), then waits for them.
  Status run(void *const *args, size_t numArgs);

private:
  CUDAExecutable(std::shared_ptr<CUDADevice> device, CUDAProgram program)
      : device(std::move(device)), program(std::move(program)) {}

  Status loadModules(const GpuCode &code);
  Status uploadWeights(const GpuCode &code, std::string_view weights);
  Status runCommands(void *const *args, CUdeviceptr arena);
  CUdeviceptr resolve(const BufferRef &ref, void *const *args,
                      CUdeviceptr arena) const;

  std::shared_ptr<CUDADevice> device;
  CUDAProgram program;
  std::map<std::string, CUmodule> modules;
  /// The kernel of each command (null for commands that are no launch).
  std::vector<CUfunction> functions;
  std::map<int64_t, CUdeviceptr> weightPointers;
  cublasHandle_t blas = nullptr;
};

} // namespace weft::runtime::cuda

#endif // WEFT_RUNTIME_DEVICE_CUDA_CUDADEVICE_H
