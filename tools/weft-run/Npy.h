//===- Npy.h - numpy .npy files for weft-run --------------------*- C++ -*-===//

#ifndef WEFT_TOOLS_WEFT_RUN_NPY_H
#define WEFT_TOOLS_WEFT_RUN_NPY_H

#include "weft/Runtime/Session/Session.h"

namespace weft::runtime {

/// Reads a C-ordered, little-endian .npy file.
StatusOr<Tensor> readNpy(const std::string &path);
/// Writes `tensor` as a .npy file.
Status writeNpy(const std::string &path, const Tensor &tensor);

} // namespace weft::runtime

#endif // WEFT_TOOLS_WEFT_RUN_NPY_H
