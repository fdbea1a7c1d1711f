//===- Passes.h - CPU code generation passes ------------------ -*- C++ -*-===//

#ifndef WEFT_TARGET_CPU_PASSES_H
#define WEFT_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"

namespace weft {

/// The module attribute holding the arena size (bytes) of each function
/// that has one: a dictionary from function name to size.
constexpr const char *kArenaBytesAttrName = "weft.arena_bytes";

/// The arena bytes `weft-plan-buffers` gave `function` (0 if none).
int64_t getArenaBytes(mlir::ModuleOp module, llvm::StringRef function);

#define GEN_PASS_DECL
#include "weft/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "weft/Target/CPU/Passes.h.inc"

} // namespace weft

#endif // WEFT_TARGET_CPU_PASSES_H
