//===- CUDADriverInterface.h - What libweft_cuda.so exports -----*- C++ -*-===//
//
// The runtime loads the CUDA driver library (libweft_cuda.so) with dlopen,
// so that a program linked with the runtime starts on machines without
// CUDA. The two sides talk through this table of C functions only: no C++
// type crosses the boundary (the runtime's Device class lives in the
// program, whose symbols a dlopen'ed library cannot see), and a library
// built for another version of the table is refused.
//
// Every function that can fail returns a weft::runtime::StatusCode as an
// int (0 for success) and writes the message into a WeftCUDAStatus.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_CUDA_CUDADRIVERINTERFACE_H
#define WEFT_RUNTIME_DEVICE_CUDA_CUDADRIVERINTERFACE_H

#include <cstddef>

/// Changes whenever the table below does.
#define WEFT_CUDA_DRIVER_INTERFACE_VERSION 1

/// The symbol libweft_cuda.so exports.
#define WEFT_CUDA_DRIVER_ENTRY_POINT "weft_cuda_driver_interface"

extern "C" {

/// Why a call failed: a StatusCode and its message.
struct WeftCUDAStatus {
  int code;
  char message[4096];
};

/// A CUDA device the library opened (opaque to the runtime).
struct WeftCUDADevice;
/// A program the library loaded onto a device (opaque to the runtime).
struct WeftCUDAProgram;

/// The functions of the library. A program holds its device open, so the
/// two may be destroyed in either order.
struct WeftCUDADriverInterface {
  /// WEFT_CUDA_DRIVER_INTERFACE_VERSION of the library.
  int version;
  /// Opens device `index` ("cuda:<index>:<options>"); null on failure.
  WeftCUDADevice *(*createDevice)(int index, const char *options,
                                  WeftCUDAStatus *status);
  void (*destroyDevice)(WeftCUDADevice *device);
  int (*getMemorySpace)(WeftCUDADevice *device);
  /// Makes the device's context current on the calling thread.
  int (*makeCurrent)(WeftCUDADevice *device, WeftCUDAStatus *status);
  int (*allocate)(WeftCUDADevice *device, size_t bytes, void **pointer,
                  WeftCUDAStatus *status);
  void (*deallocate)(WeftCUDADevice *device, void *pointer);
  int (*copyFromHost)(WeftCUDADevice *device, void *destination,
                      const void *source, size_t bytes, WeftCUDAStatus *status);
  int (*copyToHost)(WeftCUDADevice *device, void *destination,
                    const void *source, size_t bytes, WeftCUDAStatus *status);
  /// Loads program `name` of a GpuCode section; null on failure.
  WeftCUDAProgram *(*loadProgram)(WeftCUDADevice *device, const char *code,
                                  size_t codeBytes, const char *name,
                                  const char *weights, size_t weightsBytes,
                                  WeftCUDAStatus *status);
  int (*runProgram)(WeftCUDAProgram *program, void *const *args, size_t numArgs,
                    WeftCUDAStatus *status);
  void (*destroyProgram)(WeftCUDAProgram *program);
};

/// The type of the entry point: the library's table.
typedef const WeftCUDADriverInterface *(*WeftCUDADriverEntryPoint)(void);

} // extern "C"

#endif // WEFT_RUNTIME_DEVICE_CUDA_CUDADRIVERINTERFACE_H
