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
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute that places an op on a device.
    static constexpr llvm::StringLiteral getDeviceAttrName() { return "weft.device"; }
    /// The discardable attribute that records why an op was placed there.
    static constexpr llvm::StringLiteral getChoiceAttrName() { return "weft.why"; }
    /// On a placed op: its predicted start and finish (microseconds, f64).
    static constexpr llvm::StringLiteral getStartAttrName() { return "weft.start_us"; }
    static constexpr llvm::StringLiteral getFinishAttrName() { return "weft.finish_us"; }
    /// On a placed module: the predicted makespan (microseconds, f64).
    static constexpr llvm::StringLiteral getMakespanAttrName() { return "weft.makespan_us"; }
    /// On a module: the device description, as JSON (string).
    static constexpr llvm::StringLiteral getDevicesAttrName() { return "weft.devices"; }
    /// On a module whose devices the runtime schedules on by default (unit):
    /// the artifact lists them.
    static constexpr llvm::StringLiteral getListedDevicesAttrName() { return "weft.listed_devices"; }
    /// On a module run in chunks of its batch: the rows of one call (i64).
    static constexpr llvm::StringLiteral getChunkAttrName() { return "weft.chunk"; }
    /// On a module whose fixed batch is split: the whole batch (i64).
    static constexpr llvm::StringLiteral getBatchAttrName() { return "weft.batch"; }
    /// On a nested module of device code: the kind of device it is for
    /// ("cpu" or "cuda").
    static constexpr llvm::StringLiteral getTargetAttrName() { return "weft.target"; }
    /// The nested modules of device code the compile pipeline makes: host
    /// code, GPU code, and GPU kernels compiled for the host too.
    static constexpr llvm::StringLiteral getHostModuleName() { return "weft_host"; }
    static constexpr llvm::StringLiteral getCUDAModuleName() { return "weft_cuda"; }
    static constexpr llvm::StringLiteral getEmulatedModuleName() { return "weft_emulated"; }
    /// On a function of host code: the one entry point of a model run in
    /// chunks (unit).
    static constexpr llvm::StringLiteral getEntryAttrName() { return "weft.entry"; }
    /// The parsed form of a #weft.devices, parsed on first use.
    const ::weft::DeviceModel &getDeviceModel(::weft::DevicesAttr devices);
  private:
    void registerAttributes();
    std::mutex deviceModelsMutex;
    llvm::DenseMap<mlir::Attribute, std::unique_ptr<::weft::DeviceModel>>
        deviceModels;
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
