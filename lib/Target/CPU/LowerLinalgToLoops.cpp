//===- LowerLinalgToLoops.cpp - Parallel loops where there is work --------===//

#include "SideBorders.h"
#include "weft/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

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

/// Whether two index lists are the same: the same values, or values of
/// identical pure ops (each access computes its own affine.apply).
bool sameIndices(ValueRange a, ValueRange b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b)) {
    if (x == y)
      continue;
    Operation *p = x.getDefiningOp(), *q = y.getDefiningOp();
    if (!p || !q || !isMemoryEffectFree(p) ||
        !OperationEquivalence::isEquivalentTo(
            p, q, OperationEquivalence::IgnoreLocations))
      return false;
  }
  return true;
}

/// An innermost reduction loop that loads, updates and stores the same
/// output elements on every iteration (their indices do not depend on it)
/// carries them in registers instead: loaded before the loop, stored after.
/// Through memory, each iteration waits for the previous one's store, and
/// LLVM can neither vectorize the loop (it cannot tell the output from the
/// inputs, all views of one arena) nor keep the sum in a register. The
/// float updates may be reassociated, so that the sum vectorizes (partial
/// sums per lane, added up after the loop). Returns whether it applied.
bool accumulateInRegisters(RewriterBase &rewriter, scf::ForOp loop) {
  // The output's indices are computed in the loop from the outer loops'
  // variables: hoisted first.
  moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
  Block *body = loop.getBody();
  SmallVector<memref::StoreOp> stores;
  SmallVector<memref::LoadOp> loads;
  for (Operation &op : body->without_terminator()) {
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (llvm::any_of(store.getIndices(), [&](Value index) {
            return !loop.isDefinedOutsideOfLoop(index);
          }))
        return false;
      stores.push_back(store);
    } else if (!isa<memref::LoadOp>(op) && !isMemoryEffectFree(&op)) {
      return false;
    }
  }
  if (stores.empty())
    return false;
  for (memref::StoreOp store : stores) {
    memref::LoadOp match;
    for (auto load : body->getOps<memref::LoadOp>())
      if (load.getMemRef() == store.getMemRef() &&
          sameIndices(load.getIndices(), store.getIndices()) &&
          load->isBeforeInBlock(store))
        match = load;
    if (!match)
      return false;
    loads.push_back(match);
  }
  for (memref::LoadOp load : loads)
    if (llvm::any_of(load.getIndices(), [&](Value index) {
          return !loop.isDefinedOutsideOfLoop(index);
        }))
      return false;
  // No other read of an output (it would see the stores).
  for (auto load : body->getOps<memref::LoadOp>())
    if (!llvm::is_contained(loads, load) &&
        llvm::any_of(stores, [&](memref::StoreOp store) {
          return store.getMemRef() == load.getMemRef();
        }))
      return false;

  rewriter.setInsertionPoint(loop);
  SmallVector<Value> inits;
  for (memref::LoadOp load : loads)
    inits.push_back(memref::LoadOp::create(
        rewriter, load.getLoc(), load.getMemRef(), load.getIndices()));
  auto carried =
      scf::ForOp::create(rewriter, loop.getLoc(), loop.getLowerBound(),
                         loop.getUpperBound(), loop.getStep(), inits);
  IRMapping mapping;
  mapping.map(loop.getInductionVar(), carried.getInductionVar());
  for (auto [load, arg] : llvm::zip(loads, carried.getRegionIterArgs()))
    mapping.map(load.getResult(), arg);
  rewriter.setInsertionPointToStart(carried.getBody());
  SmallVector<Value> updated;
  for (Operation &op : body->without_terminator()) {
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      // A value from outside the loop (a constant) maps to itself.
      updated.push_back(mapping.lookupOrDefault(store.getValueToStore()));
      continue;
    }
    if (llvm::is_contained(loads, dyn_cast<memref::LoadOp>(op)))
      continue;
    Operation *clone = rewriter.clone(op, mapping);
    if (auto fastmath = dyn_cast<arith::ArithFastMathInterface>(clone))
      clone->setAttr(fastmath.getFastMathAttrName(),
                     arith::FastMathFlagsAttr::get(
                         rewriter.getContext(),
                         fastmath.getFastMathFlagsAttr().getValue() |
                             arith::FastMathFlags::reassoc));
  }
  scf::YieldOp::create(rewriter, loop.getLoc(), updated);
  rewriter.setInsertionPointAfter(carried);
  for (auto [store, value] : llvm::zip(stores, carried.getResults()))
    memref::StoreOp::create(rewriter, store.getLoc(), value, store.getMemRef(),
                            store.getIndices());
  rewriter.eraseOp(loop);
  return true;
}

struct LowerLinalgToLoopsPass
    : impl::LowerLinalgToLoopsPassBase<LowerLinalgToLoopsPass> {
  using LowerLinalgToLoopsPassBase::LowerLinalgToLoopsPassBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    // Side borders of padded buffers are stored by the loops that write
    // their rows, not filled before.
    DenseMap<Operation *, SideBorders> sideBorders;
    DenseSet<Operation *> storedByProducer;
    for (linalg::LinalgOp op : ops) {
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      std::optional<SideBorders> borders =
          generic ? findSideBorders(generic) : std::nullopt;
      if (!borders ||
          (borders->left && storedByProducer.contains(borders->left)) ||
          (borders->right && storedByProducer.contains(borders->right)))
        continue;
      sideBorders[generic] = *borders;
      for (linalg::FillOp fill : {borders->left, borders->right})
        if (fill)
          storedByProducer.insert(fill);
    }
    for (linalg::LinalgOp op : ops) {
      if (storedByProducer.contains(op))
        continue;
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
      if (auto found = sideBorders.find(op); found != sideBorders.end()) {
        storeSideBorders(rewriter, found->second, *loops);
        ++numSideBorders;
      }
      if (!loops->empty() && iterators.back() == utils::IteratorType::reduction)
        if (auto innermost = dyn_cast<scf::ForOp>(loops->back()))
          numRegisterReductions += accumulateInRegisters(rewriter, innermost);
      bool parallel = keep > 0 && loops->size() >= keep;
      if (parallel)
        parallelizeOuterLoops(rewriter, *loops, keep);
      numParallel += parallel;
    }
  }
};

} // namespace
} // namespace weft
