//===- PlanBuffers.cpp - Temporary buffers into one arena by liveness -----===//

#include "weft/Target/CPU/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <algorithm>
#include <mutex>
#include <tuple>

namespace weft {
#define GEN_PASS_DEF_PLANBUFFERSPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Every buffer starts on a multiple of this (one cache line, one zmm).
constexpr int64_t kArenaAlignment = 64;

/// One buffer to place: its alloc, dealloc, live range and bytes.
struct PlannedBuffer {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  int64_t first, last; // positions in the body, inclusive
  int64_t bytes;
  int64_t offset = 0;
};

/// Bytes of a static, identity-layout memref, or nullopt.
std::optional<int64_t> getStaticByteSize(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace())
    return std::nullopt;
  Type element = type.getElementType();
  if (!element.isIntOrFloat())
    return std::nullopt;
  // i1 is stored as one byte per element.
  int64_t elementBytes =
      std::max<int64_t>(1, (element.getIntOrFloatBitWidth() + 7) / 8);
  return type.getNumElements() * elementBytes;
}

/// The position in `body` of the last op that uses `alloc`'s buffer through
/// any view of it (its deallocs aside), or nullopt if the buffer may escape:
/// a user returns a memref that is not a view of it.
std::optional<int64_t>
findLastUse(memref::AllocOp alloc, Block &body,
            const llvm::DenseMap<Operation *, int64_t> &position) {
  int64_t last = position.lookup(alloc);
  SmallVector<Value> aliases = {alloc.getResult()};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      Operation *top = body.findAncestorOpInBlock(*user);
      if (!top)
        return std::nullopt;
      last = std::max(last, position.lookup(top));
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      bool isView = view && view.getViewSource() == value;
      for (Value result : user->getResults()) {
        if (!isa<BaseMemRefType>(result.getType()))
          continue;
        if (!isView)
          return std::nullopt;
        aliases.push_back(result);
      }
    }
  }
  return last;
}

/// The one memref.dealloc of `alloc`'s buffer in `body`, or null.
memref::DeallocOp findDeallocInBody(memref::AllocOp alloc, Block &body) {
  memref::DeallocOp found;
  for (Operation *user : alloc->getUsers()) {
    auto dealloc = dyn_cast<memref::DeallocOp>(user);
    if (!dealloc)
      continue;
    if (found || dealloc->getBlock() != &body)
      return nullptr;
    found = dealloc;
  }
  return found;
}

/// Greedy placement, largest first: the lowest aligned offset at which a
/// buffer overlaps no placed buffer alive at the same time. Returns the arena
/// size.
int64_t assignOffsets(MutableArrayRef<PlannedBuffer> buffers) {
  SmallVector<PlannedBuffer *> order;
  for (PlannedBuffer &b : buffers)
    order.push_back(&b);
  llvm::sort(order, [](PlannedBuffer *a, PlannedBuffer *b) {
    return std::make_tuple(-a->bytes, a->first) <
           std::make_tuple(-b->bytes, b->first);
  });
  SmallVector<PlannedBuffer *> placed;
  int64_t arena = 0;
  for (PlannedBuffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> taken; // [begin, end)
    for (PlannedBuffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        taken.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + buffer->bytes <= begin)
        break;
      offset = std::max(offset, (end + kArenaAlignment - 1) / kArenaAlignment *
                                    kArenaAlignment);
    }
    buffer->offset = offset;
    arena = std::max(arena, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return (arena + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
}

struct PlanBuffersPass : impl::PlanBuffersPassBase<PlanBuffersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return;
    Block &body = func.front();
    llvm::DenseMap<Operation *, int64_t> position;
    for (auto [index, op] : llvm::enumerate(body))
      position[&op] = int64_t(index);

    SmallVector<PlannedBuffer> buffers;
    for (auto alloc : body.getOps<memref::AllocOp>()) {
      auto bytes = getStaticByteSize(alloc.getType());
      memref::DeallocOp dealloc = findDeallocInBody(alloc, body);
      if (!bytes || !dealloc || !alloc.getDynamicSizes().empty() ||
          !alloc.getSymbolOperands().empty())
        continue;
      auto last = findLastUse(alloc, body, position);
      if (!last)
        continue;
      buffers.push_back({alloc, dealloc, position[alloc], *last, *bytes});
    }
    if (buffers.empty())
      return;
    int64_t arenaBytes = assignOffsets(buffers);

    MLIRContext *context = &getContext();
    auto arenaType =
        MemRefType::get({arenaBytes}, IntegerType::get(context, 8));
    if (failed(func.insertArgument(func.getNumArguments(), arenaType,
                                   /*argAttrs=*/nullptr, func.getLoc())))
      return signalPassFailure();
    Value arena = func.getArgument(func.getNumArguments() - 1);
    OpBuilder builder(context);
    for (PlannedBuffer &buffer : buffers) {
      builder.setInsertionPoint(buffer.alloc);
      Value offset = arith::ConstantIndexOp::create(
          builder, buffer.alloc.getLoc(), buffer.offset);
      Value view = memref::ViewOp::create(builder, buffer.alloc.getLoc(),
                                          buffer.alloc.getType(), arena, offset,
                                          ValueRange{});
      buffer.dealloc.erase();
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
      numBytesRequested += buffer.bytes;
    }
    numPlanned += buffers.size();
    numArenaBytes += arenaBytes;
    if (auto module = func->getParentOfType<ModuleOp>()) {
      // One entry per function, in a dictionary on the module: functions
      // are planned in parallel, so each replaces only its own entry.
      static std::mutex mutex;
      std::lock_guard<std::mutex> lock(mutex);
      NamedAttrList sizes;
      if (auto old = module->getAttrOfType<DictionaryAttr>(kArenaBytesAttrName))
        sizes.append(old.getValue());
      sizes.set(func.getSymNameAttr(),
                IntegerAttr::get(IntegerType::get(context, 64), arenaBytes));
      module->setAttr(kArenaBytesAttrName, sizes.getDictionary(context));
    }
  }
};

} // namespace
int64_t getArenaBytes(ModuleOp module, StringRef function) {
  auto sizes = module->getAttrOfType<DictionaryAttr>(kArenaBytesAttrName);
  auto bytes = sizes ? sizes.getAs<IntegerAttr>(function) : IntegerAttr();
  return bytes ? bytes.getInt() : 0;
}

} // namespace weft
