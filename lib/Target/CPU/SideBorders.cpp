//===- SideBorders.cpp - A padded buffer's side borders, row by row -------===//

#include "SideBorders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace weft {
namespace {

/// A static strided view made by memref.subview: its source and layout.
struct View {
  memref::SubViewOp op;
  SmallVector<int64_t> sizes, strides;
  int64_t offset = 0;
};

std::optional<View> getView(Value value) {
  auto subview = value.getDefiningOp<memref::SubViewOp>();
  if (!subview)
    return std::nullopt;
  MemRefType type = subview.getType();
  View view;
  view.op = subview;
  if (!type.hasStaticShape() ||
      failed(type.getStridesAndOffset(view.strides, view.offset)) ||
      ShapedType::isDynamic(view.offset) ||
      llvm::any_of(view.strides, ShapedType::isDynamic))
    return std::nullopt;
  view.sizes.assign(type.getShape().begin(), type.getShape().end());
  return view;
}

} // namespace

std::optional<SideBorders> findSideBorders(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  std::optional<View> rows = getView(op.getDpsInits()[0]);
  if (!rows || rows->sizes.size() < 2 || rows->strides.back() != 1)
    return std::nullopt;
  int64_t rank = rows->sizes.size(), width = rows->sizes.back();
  SideBorders borders;
  for (Operation *before = op->getPrevNode(); before;
       before = before->getPrevNode()) {
    auto fill = dyn_cast<linalg::FillOp>(before);
    if (!fill) {
      if (isMemoryEffectFree(before))
        continue;
      break;
    }
    std::optional<View> column = getView(fill.getDpsInits()[0]);
    if (!column || column->op.getSource() != rows->op.getSource() ||
        column->strides != rows->strides ||
        !llvm::equal(ArrayRef(column->sizes).drop_back(),
                     ArrayRef(rows->sizes).drop_back()) ||
        column->sizes.size() != size_t(rank))
      continue;
    // Right before each row, or right after it, within the gap between
    // rows: a store there never lands in another row the op writes.
    int64_t columnWidth = column->sizes.back();
    if (columnWidth > rows->strides[rank - 2] - width)
      continue;
    if (!borders.left && column->offset + columnWidth == rows->offset) {
      borders.left = fill;
      borders.leftWidth = columnWidth;
    } else if (!borders.right && column->offset == rows->offset + width) {
      borders.right = fill;
      borders.rightWidth = columnWidth;
    }
  }
  if (!borders.left && !borders.right)
    return std::nullopt;
  return borders;
}

void storeSideBorders(RewriterBase &rewriter, const SideBorders &borders,
                      ArrayRef<Operation *> loops) {
  auto innermost = cast<scf::ForOp>(loops.back());
  SmallVector<Value> rowIndices;
  for (Operation *loop : loops.drop_back())
    rowIndices.push_back(cast<scf::ForOp>(loop).getInductionVar());
  rewriter.setInsertionPointAfter(innermost);
  Location loc = innermost.getLoc();
  for (auto [fill, width] : {std::pair{borders.left, borders.leftWidth},
                             std::pair{borders.right, borders.rightWidth}}) {
    if (!fill)
      continue;
    Value value = fill.getDpsInputs()[0];
    Value view = fill.getDpsInits()[0];
    for (int64_t column = 0; column < width; ++column) {
      SmallVector<Value> indices = rowIndices;
      indices.push_back(arith::ConstantIndexOp::create(rewriter, loc, column));
      memref::StoreOp::create(rewriter, loc, value, view, indices);
    }
    rewriter.eraseOp(fill);
  }
}

} // namespace weft
