//===- AttributeRules.h - Value rules of ONNX attributes --------*- C++ -*-===//
//
// Rules on attribute values that ONNX's schemas do not state but its
// operators need (a zero stride divides by zero in shape inference). Shared
// by the importer, which checks protobuf nodes before ONNX sees them, and by
// the onnx ops' verifiers.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ATTRIBUTERULES_H
#define WEFT_DIALECT_ONNX_IR_ATTRIBUTERULES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace weft {

/// Returns why `values` are not valid for integer (list) attribute `name` of
/// an op of type `opType`, or "" when they are (or no rule applies).
std::string checkIntAttributeValues(llvm::StringRef opType,
                                    llvm::StringRef name,
                                    llvm::ArrayRef<int64_t> values);

} // namespace weft

#endif // WEFT_DIALECT_ONNX_IR_ATTRIBUTERULES_H
