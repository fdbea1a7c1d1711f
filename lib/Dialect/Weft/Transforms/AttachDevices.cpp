//===- AttachDevices.cpp - Attach a device description to the module ------===//

#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_ATTACHDEVICESPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {

const DeviceModel *getModuleDevices(ModuleOp module) {
  auto devices =
      module->getAttrOfType<DevicesAttr>(WeftDialect::getDevicesAttrName());
  if (!devices) {
    module.emitError("no device description: run --weft-devices=<file or "
                     "built-in name> first");
    return nullptr;
  }
  return &devices.getModel();
}

func::FuncOp getMainFunction(ModuleOp module, StringRef pass) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    module.emitError(pass) << " needs a func.func @main";
  return func;
}

DeviceAttr getDeviceAttr(MLIRContext *context, const DeviceDescription &d) {
  return DeviceAttr::get(context, d.kind, d.index, d.node);
}

std::string getReportName(Operation *op) {
  std::string name = op->getName().stripDialect().str();
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    name = loc.getName().str() + " (" + name + ")";
  return name;
}

namespace {
struct AttachDevicesPass : impl::AttachDevicesPassBase<AttachDevicesPass> {
  using AttachDevicesPassBase::AttachDevicesPassBase;
  void runOnOperation() override {
    std::string error;
    auto model = DeviceModel::load(description, error);
    if (!model) {
      getOperation().emitError(error);
      return signalPassFailure();
    }
    getOperation()->setAttr(WeftDialect::getDevicesAttrName(),
                            DevicesAttr::get(&getContext(), model->toJSON()));
    if (list)
      getOperation()->setAttr(WeftDialect::getListedDevicesAttrName(),
                              UnitAttr::get(&getContext()));
    else
      getOperation()->removeAttr(WeftDialect::getListedDevicesAttrName());
  }
};
} // namespace
} // namespace weft
