//===- WeftAttrs.cpp - Attributes of the weft dialect
//----------------------===//

#include "weft/Dialect/Weft/IR/WeftAttrs.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace weft;

#define GET_ATTRDEF_CLASSES
#include "weft/Dialect/Weft/IR/WeftAttrs.cpp.inc"

void WeftDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "weft/Dialect/Weft/IR/WeftAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// DeviceAttr
//===----------------------------------------------------------------------===//

std::string DeviceAttr::getName() const {
  return getDeviceName(getKind(), getIndex(), getNode());
}

LogicalResult
DeviceAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   DeviceKind kind, int64_t index, int64_t node) {
  if (index < 0 || node < 0)
    return emitError() << "device index and node must not be negative";
  return success();
}

Attribute DeviceAttr::parse(AsmParser &parser, Type) {
  std::string name;
  int64_t node = 0;
  if (parser.parseLess() || parser.parseString(&name))
    return {};
  if (succeeded(parser.parseOptionalComma()))
    if (parser.parseKeyword("node") || parser.parseEqual() ||
        parser.parseInteger(node))
      return {};
  if (parser.parseGreater())
    return {};
  auto [kind, indexText] = StringRef(name).split(':');
  int64_t index = 0;
  if (indexText.empty() || indexText.getAsInteger(10, index)) {
    parser.emitError(parser.getNameLoc())
        << "expected a device name like \"cuda:0\", got \"" << name << "\"";
    return {};
  }
  std::optional<DeviceKind> parsedKind = parseDeviceKind(kind);
  if (!parsedKind) {
    parser.emitError(parser.getNameLoc())
        << "unknown device kind '" << kind << "' (expected cpu or cuda)";
    return {};
  }
  return getChecked([&] { return parser.emitError(parser.getNameLoc()); },
                    parser.getContext(), *parsedKind, index, node);
}

void DeviceAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << getDeviceKindName(getKind()) << ":" << getIndex() << "\"";
  if (getNode() != 0)
    printer << ", node = " << getNode();
  printer << ">";
}

//===----------------------------------------------------------------------===//
// ChoiceAttr
//===----------------------------------------------------------------------===//

LogicalResult
ChoiceAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                   DictionaryAttr estimates, FloatAttr transferUs,
                   StringAttr strategy) {
  for (NamedAttribute estimate : estimates) {
    auto time = dyn_cast<FloatAttr>(estimate.getValue());
    if (!time || time.getValueAsDouble() < 0)
      return emitError() << "estimate for '" << estimate.getName().getValue()
                         << "' must be a non-negative float (microseconds)";
  }
  if (transferUs.getValueAsDouble() < 0)
    return emitError() << "transfer_us must not be negative";
  return success();
}

//===----------------------------------------------------------------------===//
// DevicesAttr
//===----------------------------------------------------------------------===//

LogicalResult
DevicesAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                    StringRef json) {
  std::string error;
  if (!DeviceModel::parse(json, "#weft.devices", error))
    return emitError() << error;
  return success();
}

const DeviceModel &DevicesAttr::getModel() const {
  return cast<WeftDialect>(getDialect()).getDeviceModel(*this);
}

const DeviceModel &WeftDialect::getDeviceModel(DevicesAttr devices) {
  std::lock_guard<std::mutex> lock(deviceModelsMutex);
  std::unique_ptr<DeviceModel> &model = deviceModels[devices];
  if (!model) {
    std::string error;
    auto parsed = DeviceModel::parse(devices.getJson(), "#weft.devices", error);
    // Verified when the attribute was made; an unverified one is empty.
    model = std::make_unique<DeviceModel>(parsed ? std::move(*parsed)
                                                 : DeviceModel());
  }
  return *model;
}
