//===- AttributeRules.cpp - Value rules of ONNX attributes
//-----------------===//

#include "weft/Dialect/ONNX/IR/AttributeRules.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

namespace weft {

/// Operators with convolution or pooling windows.
static bool hasWindow(llvm::StringRef opType) {
  static const llvm::StringSet<> ops = {
      "Conv",    "ConvInteger", "QLinearConv", "ConvTranspose",
      "MaxPool", "AveragePool", "LpPool",      "MaxUnpool"};
  return ops.contains(opType);
}

static std::string describe(llvm::StringRef opType, llvm::StringRef name,
                            llvm::ArrayRef<int64_t> values,
                            llvm::StringRef rule) {
  std::string list;
  for (size_t i = 0; i < values.size(); ++i)
    list += (i ? ", " : "") + std::to_string(values[i]);
  return opType.str() + " attribute '" + name.str() + "' must be " +
         rule.str() + ", got [" + list + "]";
}

std::string checkIntAttributeValues(llvm::StringRef opType,
                                    llvm::StringRef name,
                                    llvm::ArrayRef<int64_t> values) {
  auto all = [&](auto predicate) { return llvm::all_of(values, predicate); };
  if (hasWindow(opType)) {
    if ((name == "strides" || name == "dilations" || name == "kernel_shape") &&
        !all([](int64_t v) { return v > 0; }))
      return describe(opType, name, values, "positive");
    if (name == "pads" && !all([](int64_t v) { return v >= 0; }))
      return describe(opType, name, values, "non-negative");
  }
  if (name == "group" && (opType == "Conv" || opType == "ConvTranspose") &&
      !all([](int64_t v) { return v >= 1; }))
    return describe(opType, name, values, "at least 1");
  return "";
}

} // namespace weft
