//===- ConstantData.h - Reading and making constant tensors -----*- C++ -*-===//
//
// Helpers shared by the importer, the exporter and the folding passes to read
// the data of a constant tensor (inline `dense<...>` or `dense_resource<...>`)
// and to make new ones without copying weights more than needed.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_CONSTANTDATA_H
#define WEFT_DIALECT_ONNX_IR_CONSTANTDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>
#include <vector>

namespace weft {

class ONNXConstantOp;

/// Tensors with at most this many elements are made inline (`dense<...>`);
/// larger ones become `dense_resource<...>` blobs.
constexpr int64_t kInlineElementLimit = 64;

/// Returns the tensor an `onnx.Constant` defines, whichever of its forms it
/// uses (value, sparse_value, value_float(s), value_int(s), value_string(s)),
/// or null if its result type is not the one that form implies.
mlir::ElementsAttr getConstantOpValue(ONNXConstantOp op);

/// Returns the tensor `value` holds when an `onnx.Constant` defines it.
mlir::ElementsAttr getConstantTensor(mlir::Value value);

/// Size in bytes of one element of `type` in ONNX's raw layout (bool: 1 byte);
/// 0 for types without a fixed size (strings).
int64_t getElementByteSize(mlir::Type elementType);

/// Returns the data of a dense or dense-resource tensor in ONNX's raw layout
/// (little-endian, one byte per bool, splats expanded), or nullopt for other
/// attributes (strings, sparse).
std::optional<std::vector<char>> getRawData(mlir::ElementsAttr attr);

/// Returns the elements of an integer or float tensor as int64 / double.
std::optional<std::vector<int64_t>> getIntValues(mlir::ElementsAttr attr);
std::optional<std::vector<double>> getFloatValues(mlir::ElementsAttr attr);

/// The integers an operand holds when an `onnx.Constant` defines it; an
/// absent optional operand (none type) gives `absent`; nullopt otherwise.
std::optional<std::vector<int64_t>>
getConstantIntValues(mlir::Value value,
                     std::optional<std::vector<int64_t>> absent);

/// Makes a tensor attribute from raw ONNX-layout bytes: inline when small,
/// a resource blob (named after `nameHint`) when large.
mlir::ElementsAttr makeTensorAttr(mlir::ShapedType type,
                                  llvm::ArrayRef<char> raw,
                                  llvm::StringRef nameHint = "tensor");

/// Makes a resource tensor that takes ownership of `bytes` (no copy).
mlir::ElementsAttr makeResourceTensorAttr(mlir::ShapedType type,
                                          llvm::StringRef nameHint,
                                          std::unique_ptr<std::string> bytes);

/// Makes a tensor of `type` holding `values` converted to its element type.
mlir::ElementsAttr makeTensorFromInts(mlir::ShapedType type,
                                      llvm::ArrayRef<int64_t> values);
mlir::ElementsAttr makeTensorFromFloats(mlir::ShapedType type,
                                        llvm::ArrayRef<double> values);

/// Returns `attr` with a new shape (same element count), sharing its data.
mlir::ElementsAttr reshapeTensorAttr(mlir::ElementsAttr attr,
                                     mlir::ShapedType newType);

} // namespace weft

#endif // WEFT_DIALECT_ONNX_IR_CONSTANTDATA_H
