//===- WeftDialect.h - The weft dialect -------------------------*- C++ -*-===//

#ifndef WEFT_DIALECT_WEFT_IR_WEFTDIALECT_H
#define WEFT_DIALECT_WEFT_IR_WEFTDIALECT_H

#include "mlir/IR/Dialect.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <mutex>

namespace weft {
class DeviceModel;
class DevicesAttr;
} // namespace weft

#include "weft/Dialect/Weft/IR/WeftDialect.h.inc"

#endif // WEFT_DIALECT_WEFT_IR_WEFTDIALECT_H
