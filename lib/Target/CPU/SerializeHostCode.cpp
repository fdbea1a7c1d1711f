//===- SerializeHostCode.cpp - The host module as a shared object ---------===//
//
// Translates the lowered `@weft_host` module to LLVM IR, emits an object for
// this CPU and links it into a shared object, which replaces the module as a
// `weft.binary "host-code"` the artifact translation writes as is.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"

#include "llvm/ADT/StringSet.h"

namespace weft {
#define GEN_PASS_DEF_SERIALIZEHOSTCODEPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct SerializeHostCodePass
    : impl::SerializeHostCodePassBase<SerializeHostCodePass> {
  using SerializeHostCodePassBase::SerializeHostCodePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto host = module.lookupSymbol<ModuleOp>(WeftDialect::getHostModuleName());
    if (!host)
      return;
    if (optLevel < 0 || optLevel > 3) {
      module.emitError("opt-level takes 0 to 3, not ") << optLevel;
      return signalPassFailure();
    }
    CPUCodegenOptions options{oneDNN, packedWeights, openMP, optLevel};

    // The entry points the graph's tasks call, with their arenas.
    Builder b(&getContext());
    SmallVector<NamedAttribute> entries;
    llvm::StringSet<> seen;
    if (auto main = module.lookupSymbol<func::FuncOp>("main"))
      for (auto task : main.getOps<TaskOp>()) {
        StringRef callee = task.getCallee();
        if (host.lookupSymbol(callee) && seen.insert(callee).second)
          entries.push_back(b.getNamedAttr(
              callee, b.getI64IntegerAttr(getArenaBytes(host, callee))));
      }

    // The binary takes the module's place.
    OpBuilder builder(host->getBlock(), std::next(Block::iterator(host)));
    Location loc = host.getLoc();
    host->remove();
    OwningOpRef<ModuleOp> owned(host);
    llvm::StringMap<int64_t> arenaBytes;
    if (auto sizes = host->getAttrOfType<DictionaryAttr>(kArenaBytesAttrName))
      for (NamedAttribute size : sizes)
        if (auto bytes = dyn_cast<IntegerAttr>(size.getValue()))
          arenaBytes[size.getName()] = bytes.getInt();
    host->removeAttr(kArenaBytesAttrName);
    host->removeAttr(WeftDialect::getTargetAttrName());
    host.setSymNameAttr(nullptr);
    std::string target, error;
    auto object =
        emitHostObject(host, options.optLevel, arenaBytes, target, error);
    auto library = succeeded(object) ? linkSharedObject(*object, options, error)
                                     : FailureOr<std::string>(failure());
    if (failed(library)) {
      emitError(loc) << error;
      return signalPassFailure();
    }
    BinaryOp::create(builder, loc, b.getStringAttr("host-code"),
                     b.getStringAttr(*library), b.getStringAttr(target),
                     b.getDictionaryAttr(entries), /*ptx=*/nullptr,
                     /*file=*/nullptr, b.getStringAttr(options.describe()));
  }
};

} // namespace
} // namespace weft
