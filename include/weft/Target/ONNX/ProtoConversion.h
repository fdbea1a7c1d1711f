//===- ProtoConversion.h - ONNX protobuf <-> MLIR values --------*- C++ -*-===//
//
// Converts ONNX's protobuf types, tensors and attributes to MLIR types and
// attributes and back. Shared by the importer, the exporter and the shape
// inference pass (which hands MLIR values to ONNX's inference functions).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_ONNX_PROTOCONVERSION_H
#define WEFT_TARGET_ONNX_PROTOCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <string>

namespace weft {

/// The MLIR element type of an ONNX TensorProto::DataType, or null.
mlir::Type convertDataType(mlir::MLIRContext *context, int32_t dataType);

/// The ONNX TensorProto::DataType of an MLIR element type, or 0 (UNDEFINED).
int32_t getONNXDataType(mlir::Type elementType);

/// Converts an ONNX type (tensor, sequence, optional) to an MLIR type. Unknown
/// dims become dynamic, an absent shape an unranked tensor. Returns null and
/// sets `error` for types the dialect cannot hold (maps, sparse tensors,
/// unknown element types).
mlir::Type convertTypeProto(mlir::MLIRContext *context,
                            const onnx::TypeProto &type, std::string &error);

/// Fills `proto` with the ONNX form of `type`; false if it has none.
bool convertToTypeProto(mlir::Type type, onnx::TypeProto &proto);

/// Checks a tensor's data type and dims (non-negative, no int64 overflow)
/// and sets its element `count` and data `bytes` (0 for strings). Returns
/// false and sets `error` otherwise.
bool getTensorDataSize(const onnx::TensorProto &tensor, int64_t &count,
                       int64_t &bytes, std::string &error);

/// Checks a tensor's data type, dims (non-negative, no int64 overflow) and
/// that its data holds exactly dims x element size (external data: once
/// loaded). Returns false and sets `error` otherwise.
bool validateTensorProto(const onnx::TensorProto &tensor, std::string &error);

/// Converts a tensor whose data is in the proto (external data must be loaded
/// into raw_data first). Large raw data is moved, not copied, into a resource
/// blob named after `nameHint`. Checks dims and data sizes; on failure returns
/// null and sets `error`.
mlir::ElementsAttr convertTensorProto(mlir::MLIRContext *context,
                                      onnx::TensorProto &tensor,
                                      llvm::StringRef nameHint,
                                      std::string &error);

/// Fills `proto` with `attr`'s type and data (raw_data, or string_data).
bool convertToTensorProto(mlir::ElementsAttr attr, onnx::TensorProto &proto);

/// Converts an ONNX attribute that is not a graph; large tensors become
/// resource blobs named after `nameHint`. Returns null and sets `error` if it
/// is malformed or of a kind the dialect does not hold.
mlir::Attribute convertAttributeProto(mlir::MLIRContext *context,
                                      onnx::AttributeProto &attr,
                                      llvm::StringRef nameHint,
                                      std::string &error);

/// Fills `proto` (name, type, value) from an MLIR attribute. `expected` is the
/// schema's type where known (it disambiguates empty lists); false if the
/// attribute has no ONNX form.
bool convertToAttributeProto(llvm::StringRef name, mlir::Attribute attr,
                             onnx::AttributeProto::AttributeType expected,
                             onnx::AttributeProto &proto);

} // namespace weft

#endif // WEFT_TARGET_ONNX_PROTOCONVERSION_H
