//===- PrintCost.cpp - Print each op's work and predicted times
//------------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace weft {
#define GEN_PASS_DEF_PRINTCOSTPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct PrintCostPass : impl::PrintCostPassBase<PrintCostPass> {
  void runOnOperation() override {
    auto model = getModuleDevices(getOperation());
    if (!model)
      return signalPassFailure();
    CostModel costs(*model);
    llvm::raw_ostream &os = llvm::outs();
    os << llvm::format("%-40s %-14s %10s %10s", "op", "kind", "GFLOP", "MB");
    for (const DeviceDescription &d : model->getDevices())
      os << llvm::format(" %12s", (d.name + " us").c_str());
    os << "\n";
    getOperation().walk([&](Operation *op) {
      if (!isa<CostOpInterface>(op))
        return;
      OpCost cost = costs.getCost(op);
      if (cost.kind == "constant")
        return;
      std::string name = getReportName(op);
      if (name.size() > 40)
        name = "..." + name.substr(name.size() - 37);
      os << llvm::format(
          "%-40s %-14s %10.4f %10.3f", name.c_str(),
          (op->getName().stripDialect() + "/" + cost.kind).str().c_str(),
          cost.flops / 1e9, cost.bytes / 1e6);
      for (int d = 0; d < int(model->getDevices().size()); ++d) {
        if (!costs.canRun(op, d))
          os << llvm::format(" %12s", "-");
        else
          os << llvm::format(" %12.3f", costs.getRunTime(op, d) * 1e6);
      }
      os << "\n";
    });
    os.flush();
  }
};

} // namespace
} // namespace weft
