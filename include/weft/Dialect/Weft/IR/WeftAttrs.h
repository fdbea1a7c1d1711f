//===- WeftAttrs.h - Attributes of the weft dialect -------------*- C++ -*-===//

#ifndef WEFT_DIALECT_WEFT_IR_WEFTATTRS_H
#define WEFT_DIALECT_WEFT_IR_WEFTATTRS_H

#include "weft/Analysis/DeviceModel.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#define GET_ATTRDEF_CLASSES
#include "weft/Dialect/Weft/IR/WeftAttrs.h.inc"

#endif // WEFT_DIALECT_WEFT_IR_WEFTATTRS_H
