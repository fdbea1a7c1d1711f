//===- CUDAEmulator.h - CUDA programs run on the CPU, for testing *- C++
//-*-===//
//
// A stand-in for a GPU that runs an artifact's CUDA programs on the CPU,
// command by command: launches call the host functions the compiler made of
// each kernel (`weft-compile --gpu-emulation`), one thread after another,
// with the very parameters the GPU would get; GEMMs are plain loops; copies
// memcpy. Its memory is host memory, but a space of its own, so values still
// move through transfers. It tests the GPU code path, buffers, offsets and
// all, on machines without a GPU; it says nothing about speed.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_CUDAEMULATOR_H
#define WEFT_RUNTIME_DEVICE_CUDAEMULATOR_H

#include "weft/Runtime/Device/Device.h"

#include <functional>

namespace weft::runtime {

/// The emulated device `name` ("cuda:0"); its kernels come from the host
/// code its programs are loaded with.
std::unique_ptr<Device> createCUDAEmulator(const std::string &name);

/// The environment variable that makes the cuda driver emulate its GPUs.
constexpr const char *kGPUEmulationVariable = "WEFT_GPU_EMULATION";

} // namespace weft::runtime

#endif // WEFT_RUNTIME_DEVICE_CUDAEMULATOR_H
