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
    Value inRange = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, id, end);
    auto guard = scf::IfOp::create(builder, loc, inRange, false);
    builder.setInsertionPoint(guard.thenBlock()->getTerminator());
    // Innermost dim fastest: index_i = (id / suffix_i) mod extent_i.
    IRMapping mapping;
    int64_t suffix = 1;
    for (int64_t i = int64_t(extents.size()) - 1; i >= 0; --i) {
      Value index = arith::DivUIOp::create(
          builder, loc, id, arith::ConstantIndexOp::create(builder, loc, suffix));
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

  void mapSequential(Operation *op) {
    OpBuilder builder(op);
    createLaunch(builder, op, 1, 1);
    op->moveBefore(builder.getInsertionBlock(), builder.getInsertionPoint());
    ++numLaunches;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    for (Block &block : func.getBody())
      for (Operation &op : llvm::make_early_inc_range(block)) {
        if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
          if (failed(mapParallel(loop)))
            return signalPassFailure();
        } else if (isa<scf::ForOp>(op)) {
          mapSequential(&op);
        }
      }
  }
};

} // namespace
} // namespace weft
