//===- SideBorders.h - A padded buffer's side borders, row by row -*- C++
//-*-===//
//
// `weft-decompose-pads` fills a padded buffer's border before the op that
// writes its interior runs. The left and right borders are a few elements
// of every row: filled first, each row's cache lines are fetched for them
// and again when the producer writes the row (mobilenet_v2 ran 4-5% faster
// without them). Stored by the producer's loops right after each row, they
// cost a store into a line already at hand.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_TARGET_CPU_SIDEBORDERS_H
#define WEFT_LIB_TARGET_CPU_SIDEBORDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace weft {

/// Fills of the columns just left and right of the rows an elementwise op
/// writes (either may be null), each `width` elements wide.
struct SideBorders {
  mlir::linalg::FillOp left, right;
  int64_t leftWidth = 0, rightWidth = 0;
};

/// The side borders of the rows `op` writes, or nullopt: `op` is an
/// elementwise op over its output, a static strided view whose innermost
/// dim is contiguous, and fills of views of the same buffer just before it
/// (nothing but other fills and ops without memory effects in between)
/// cover, with the same outer sizes and strides, the elements right before
/// and right after each of its rows.
std::optional<SideBorders> findSideBorders(mlir::linalg::GenericOp op);

/// Replaces the fills of `borders` with stores in the loop nest `loops` of
/// their op (one loop per dim, in order): after the innermost loop has
/// written a row, its side borders.
void storeSideBorders(mlir::RewriterBase &rewriter, const SideBorders &borders,
                      llvm::ArrayRef<mlir::Operation *> loops);

} // namespace weft

#endif // WEFT_LIB_TARGET_CPU_SIDEBORDERS_H
