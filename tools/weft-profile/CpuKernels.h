//===- CpuKernels.h - Kernels weft-profile measures on the CPU --*- C++ -*-===//

#ifndef WEFT_TOOLS_WEFT_PROFILE_CPUKERNELS_H
#define WEFT_TOOLS_WEFT_PROFILE_CPUKERNELS_H

#include "weft/Analysis/Calibration.h"

#include <vector>

namespace weft {

/// Measures the CPU kernels the cost model is calibrated on: MatMul through
/// OpenBLAS's sgemm, 3x3 convolution as im2col + sgemm, elementwise Add and
/// row-wise Softmax; training shapes and held-out shapes. `quick` measures
/// fewer repetitions.
std::vector<Measurement> measureCpuKernels(bool quick);

} // namespace weft

#endif // WEFT_TOOLS_WEFT_PROFILE_CPUKERNELS_H
