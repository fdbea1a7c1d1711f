//===- LowerLinalgToLoops.cpp - Parallel loops where there is work --------===//

#include "weft/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace weft {
#define GEN_PASS_DEF_LOWERLINALGTOLOOPSPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Turns the outermost `keep` loops of a perfect nest into one
/// `scf.parallel`; the loops inside stay as they are (in the op's dim order,
/// so the innermost one is still the loop LLVM vectorizes).
void parallelizeOuterLoops(RewriterBase &rewriter, ArrayRef<Operation *> loops,
                           unsigned keep) {
  SmallVector<scf::ForOp> outer;
  for (unsigned i = 0; i < keep; ++i)
    outer.push_back(cast<scf::ForOp>(loops[i]));
  SmallVector<Value> lbs, ubs, steps;
  for (scf::ForOp loop : outer) {
    lbs.push_back(loop.getLowerBound());
    ubs.push_back(loop.getUpperBound());
    steps.push_back(loop.getStep());
  }
  rewriter.setInsertionPoint(outer.front());
  auto parallel = scf::ParallelOp::create(rewriter, outer.front().getLoc(), lbs,
                                          ubs, steps);
  IRMapping mapping;
  for (auto [loop, iv] : llvm::zip(outer, parallel.getInductionVars()))
    mapping.map(loop.getInductionVar(), iv);
  rewriter.setInsertionPointToStart(parallel.getBody());
  for (Operation &op : outer.back().getBody()->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(outer.front());
}

struct LowerLinalgToLoopsPass
    : impl::LowerLinalgToLoopsPassBase<LowerLinalgToLoopsPass> {
  using LowerLinalgToLoopsPassBase::LowerLinalgToLoopsPassBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      // Work: iterations times the operands each reads or writes.
      int64_t work = op->getNumOperands();
      for (int64_t range : op.getStaticLoopRanges())
        work = ShapedType::isDynamic(range) ? INT64_MAX / 2 : work * range;
      // How many outermost loops run in parallel: dims of the leading run of
      // parallel dims, as few as give each thread several iterations; only
      // ops at a function's top level are split over threads.
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      auto iterators = op.getIteratorTypesArray();
      unsigned keep = 0;
      int64_t iterations = 1;
      if (work >= minParallelWork && isa<func::FuncOp>(op->getParentOp()))
        while (keep < ranges.size() && iterations < 4 * threads &&
               iterators[keep] == utils::IteratorType::parallel &&
               !ShapedType::isDynamic(ranges[keep]))
          iterations *= ranges[keep++];
      if (iterations < 2 * threads)
        keep = 0;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops)) {
        op->emitOpError("cannot be lowered to loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
      bool parallel = keep > 0 && loops->size() >= keep;
      if (parallel)
        parallelizeOuterLoops(rewriter, *loops, keep);
      numParallel += parallel;
    }
  }
};

} // namespace
} // namespace weft
