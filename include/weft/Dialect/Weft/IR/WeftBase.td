//===- WeftBase.td - The weft dialect -------------------------*- tablegen -*-===//
//
// The `weft` dialect carries what ONNX cannot say: devices, cost estimates,
// single-device partitions, transfers between devices and the task graph.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_WEFT_IR_WEFTBASE_TD
#define WEFT_DIALECT_WEFT_IR_WEFTBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Weft_Dialect : Dialect {
  let name = "weft";
  let cppNamespace = "::weft";
  let summary = "Devices, placement, partitions, transfers and tasks";
  let description = [{
    Where each op of a model runs and why: `#weft.device<"cuda:0">` names a
    device, `#weft.choice<...>` records the cost estimates behind a placement,
    `weft.partition` isolates ops placed on one device, `weft.transfer` moves a
    value between devices.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute that places an op on a device.
    static constexpr llvm::StringLiteral getDeviceAttrName() { return "weft.device"; }
    /// The discardable attribute that records why an op was placed there.
    static constexpr llvm::StringLiteral getChoiceAttrName() { return "weft.why"; }
  private:
    void registerAttributes();
  public:
  }];
}

class Weft_Op<string mnemonic, list<Trait> traits = []>
    : Op<Weft_Dialect, mnemonic, traits>;

class Weft_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Weft_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // WEFT_DIALECT_WEFT_IR_WEFTBASE_TD
