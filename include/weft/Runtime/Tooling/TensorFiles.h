//===- TensorFiles.h - Tensors in ONNX .pb and numpy .npy files -*- C++ -*-===//
//
// Reading and writing the two files tensors travel in: ONNX's TensorProto
// (the backend test data's input_N.pb / output_N.pb) and numpy's .npy. The
// protobuf wire format is read directly, so the runtime needs no protobuf
// library. Every malformed file is an error naming it, never a crash. Tools
// (weft-run, the test runners) use this library; sessions do not.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_TOOLING_TENSORFILES_H
#define WEFT_RUNTIME_TOOLING_TENSORFILES_H

#include "weft/Runtime/Session/Session.h"

namespace weft::runtime {

/// Reads a serialized onnx.TensorProto (raw_data or typed fields).
StatusOr<Tensor> readTensorProto(const std::string &path);
/// Reads a TensorProto of ONNX's test data for a tensor declared `declared`:
/// ONNX 1.12 stores bfloat16 test tensors with the uint16 element type (the
/// same bits), which are read as bfloat16.
StatusOr<Tensor> readTestDataTensor(const std::string &path, DType declared);
/// Writes `tensor` as an onnx.TensorProto named `name` (raw_data).
Status writeTensorProto(const std::string &path, const std::string &name,
                        const Tensor &tensor);

/// Reads a C-ordered, little-endian .npy file.
StatusOr<Tensor> readNpy(const std::string &path);
/// Writes `tensor` as a .npy file.
Status writeNpy(const std::string &path, const Tensor &tensor);

/// ONNX's backend-test comparison: same element type and shape, and
/// |got - want| <= atol + rtol * |want| element by element (NaN matches NaN;
/// integers and bools exactly). Ok, or the first difference in words.
Status compareTensors(const Tensor &got, const Tensor &want, double rtol = 1e-3,
                      double atol = 1e-7);

} // namespace weft::runtime

#endif // WEFT_RUNTIME_TOOLING_TENSORFILES_H
