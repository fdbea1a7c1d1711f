//===- MapToGPU.cpp - Top-level loop nests become GPU launches ------------===//
//
// One thread per iteration of a parallel loop nest, over its linearized
// iteration space: every loop shape maps the same way, whatever its rank,
// and consecutive threads take consecutive innermost indices, so memory
// accesses along the innermost dimension coalesce.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/CUDA/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace weft {
#define GEN_PASS_DEF_MAPTOGPUPASS
#include "weft/Target/CUDA/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Creates a launch of `blocks` x `threads` before `op`; returns it with the
/// builder inside its body (before the terminator).
gpu::LaunchOp createLaunch(OpBuilder &builder, Operation *op, int64_t blocks,
                           int64_t threads) {
  Location loc = op->getLoc();
  builder.setInsertionPoint(op);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  Value gridX = arith::ConstantIndexOp::create(builder, loc, blocks);
  Value blockX = arith::ConstantIndexOp::create(builder, loc, threads);
  auto launch =
      gpu::LaunchOp::create(builder, loc, gridX, one, one, blockX, one, one);
  builder.setInsertionPointToEnd(&launch.getBody().front());
  auto terminator = gpu::TerminatorOp::create(builder, loc);
  builder.setInsertionPoint(terminator);
  return launch;
}

/// Whether `op` only computes a value from its operands or reads one: it
/// can run again inside a kernel instead of on the host.
bool isRecomputable(Operation *op) {
  if (isa<arith::ConstantOp, memref::GetGlobalOp>(op) ||
      isa<ViewLikeOpInterface>(op))
    return false; // stay on the host, as kernel arguments
  return isPure(op) || isa<memref::LoadOp>(op);
}

/// Copies into `loop` the top-level scalar code its body reads (a Trilu's k
/// loaded from an input, arithmetic on it), so no value crosses from a
/// kernel to the host.
void sinkScalarCode(scf::ParallelOp loop) {
  Block *top = loop->getBlock();
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(loop.getRegion(), captured);
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist(captured.begin(), captured.end());
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != top || !isRecomputable(def) ||
        !slice.insert(def))
      continue;
    llvm::append_range(worklist, def->getOperands());
  }
  if (slice.empty())
    return;
  SmallVector<Operation *> ordered(slice.begin(), slice.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  OpBuilder builder = OpBuilder::atBlockBegin(loop.getBody());
  IRMapping mapping;
  for (Operation *op : ordered)
    builder.clone(*op, mapping);
  for (Operation *op : ordered)
    for (auto [old, copy] :
         llvm::zip(op->getResults(), mapping.lookup(op)->getResults()))
      old.replaceUsesWithIf(copy, [&](OpOperand &use) {
        return loop->isProperAncestor(use.getOwner());
      });
}

struct MapToGPUPass : impl::MapToGPUPassBase<MapToGPUPass> {
  using MapToGPUPassBase::MapToGPUPassBase;

  LogicalResult mapParallel(scf::ParallelOp loop) {
    if (!loop.getInitVals().empty())
      return loop.emitOpError("has reductions, which GPU code does not run "
                              "yet");
    SmallVector<int64_t> lower, extents, steps;
    int64_t total = 1;
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
           s = getConstantIntValue(step);
      if (!l || !u || !s || *s <= 0)
        return loop.emitOpError("has bounds unknown at compile time, which "
                                "GPU code does not take yet");
      int64_t extent = std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
      lower.push_back(*l);
      steps.push_back(*s);
      extents.push_back(extent);
      total *= extent;
    }
    if (total == 0) {
      loop.erase();
      return success();
    }
    int64_t threads = std::min<int64_t>(blockSize, total);
    int64_t blocks = (total + threads - 1) / threads;
    OpBuilder builder(loop);
    gpu::LaunchOp launch = createLaunch(builder, loop, blocks, threads);
    Location loc = loop.getLoc();
    Value id = arith::AddIOp::create(
        builder, loc,
        arith::MulIOp::create(builder, loc, launch.getBlockIds().x,
                              launch.getBlockSize().x),
        launch.getThreadIds().x);
    Value end = arith::ConstantIndexOp::create(builder, loc, total);
    Value inRange =
        arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult, id, end);
    auto guard = scf::IfOp::create(builder, loc, inRange, false);
    builder.setInsertionPoint(guard.thenBlock()->getTerminator());
    // Innermost dim fastest: index_i = (id / suffix_i) mod extent_i.
    IRMapping mapping;
    int64_t suffix = 1;
    for (int64_t i = int64_t(extents.size()) - 1; i >= 0; --i) {
      Value index = arith::DivUIOp::create(
          builder, loc, id,
          arith::ConstantIndexOp::create(builder, loc, suffix));
      if (i > 0)
        index = arith::RemUIOp::create(
            builder, loc, index,
            arith::ConstantIndexOp::create(builder, loc, extents[i]));
      Value iv = arith::AddIOp::create(
          builder, loc, arith::ConstantIndexOp::create(builder, loc, lower[i]),
          arith::MulIOp::create(
              builder, loc, index,
              arith::ConstantIndexOp::create(builder, loc, steps[i])));
      mapping.map(loop.getInductionVars()[i], iv);
      suffix *= extents[i];
    }
    for (Operation &op : loop.getBody()->without_terminator())
      builder.clone(op, mapping);
    loop.erase();
    ++numLaunches;
    return success();
  }

  /// Moves `ops` (scalar code, in order) into one single-thread launch
  /// before `before`; fails if the host needs a value they compute.
  LogicalResult mapSequential(ArrayRef<Operation *> ops, Operation *before) {
    if (ops.empty())
      return success();
    llvm::SmallPtrSet<Operation *, 8> moved(ops.begin(), ops.end());
    for (Operation *op : ops)
      for (Operation *user : op->getUsers())
        if (!moved.contains(op->getBlock()->findAncestorOpInBlock(*user)))
          return op->emitOpError("computes a value the host needs, which GPU "
                                 "code cannot give it");
    OpBuilder builder(before);
    createLaunch(builder, before, 1, 1);
    for (Operation *op : ops)
      op->moveBefore(builder.getInsertionBlock(), builder.getInsertionPoint());
    ++numLaunches;
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Code outside parallel loops (sequential loops, scalar loads and
    // stores) runs on one thread, in runs between the host's own steps;
    // constants and views stay on the host.
    func.walk([](scf::ParallelOp loop) {
      if (isa<func::FuncOp>(loop->getParentOp()))
        sinkScalarCode(loop);
    });
    for (Block &block : func.getBody()) {
      SmallVector<Operation *> scalar;
      for (Operation &op : llvm::make_early_inc_range(block)) {
        if (isa<arith::ConstantOp, memref::ViewOp, memref::SubViewOp,
                memref::CastOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
                memref::ReinterpretCastOp, memref::ReshapeOp,
                memref::GetGlobalOp, memref::AllocOp, memref::DeallocOp>(op))
          continue;
        bool barrier = isa<scf::ParallelOp, func::CallOp, gpu::LaunchOp>(op) ||
                       op.hasTrait<OpTrait::IsTerminator>();
        if (!barrier) {
          if (op.use_empty() && isRecomputable(&op))
            op.erase(); // copied into the kernels that read it
          else
            scalar.push_back(&op);
          continue;
        }
        if (failed(mapSequential(scalar, &op)))
          return signalPassFailure();
        scalar.clear();
        if (auto loop = dyn_cast<scf::ParallelOp>(op))
          if (failed(mapParallel(loop)))
            return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace weft
