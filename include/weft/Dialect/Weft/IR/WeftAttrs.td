//===- WeftAttrs.td - Attributes of the weft dialect ---------*- tablegen -*-===//

#ifndef WEFT_DIALECT_WEFT_IR_WEFTATTRS_TD
#define WEFT_DIALECT_WEFT_IR_WEFTATTRS_TD

include "weft/Dialect/Weft/IR/WeftBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Weft_DeviceAttr : Weft_Attr<"Device", "device"> {
  let summary = "a device of a cluster: kind, index and node";
  let description = [{
    A device is named like the device descriptions name it: its kind (`cpu`
    or `cuda`, the `DeviceKind` enum) and index on its node, and the node
    (machine) for clusters.

    ```mlir
    #weft.device<"cuda:0">            // node 0
    #weft.device<"cpu:1", node = 3>
    ```
  }];
  let parameters = (ins
    "::weft::DeviceKind":$kind,
    "int64_t":$index,
    DefaultValuedParameter<"int64_t", "0">:$node);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// "cuda:0", or "n3/cuda:0" off node 0: the name device descriptions use.
    std::string getName() const;
  }];
}

/// A device attribute as an op argument, printed in full (#weft.device<...>)
/// so that IR reads the same wherever a device appears.
def Weft_DeviceArg : Attr<CPred<"::llvm::isa<::weft::DeviceAttr>($_self)">,
                          "a device (#weft.device)"> {
  let storageType = "::mlir::Attribute";
  let returnType = "::weft::DeviceAttr";
  let convertFromStorage = "::llvm::cast<::weft::DeviceAttr>($_self)";
}

def Weft_ChoiceAttr : Weft_Attr<"Choice", "choice"> {
  let summary = "why an op was placed where it is";
  let description = [{
    The predicted run time of the op on every device that can run it
    (microseconds), the predicted time to move its inputs to the chosen
    device, and the strategy that chose.

    ```mlir
    #weft.choice<estimates = {"cpu:0" = 2.1e+03 : f64, "cuda:0" = 4.0e+01 : f64},
                 transfer_us = 3.0e+02 : f64, strategy = "heft">
    ```
  }];
  let parameters = (ins
    "::mlir::DictionaryAttr":$estimates,
    "::mlir::FloatAttr":$transfer_us,
    "::mlir::StringAttr":$strategy);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Weft_DevicesAttr : Weft_Attr<"Devices", "devices"> {
  let summary = "a device description: devices, links, network";
  let description = [{
    What a description file or built-in name says (docs/placement.md), as
    its JSON. The description is verified when the attribute is made: an
    unknown or misspelled field, a kind other than cpu and cuda, a missing
    rate or link are errors naming them. It is parsed once per context;
    passes read the `DeviceModel` it holds (`getModel()`).

    ```mlir
    module attributes {weft.devices = #weft.devices<"{\22devices\22: [ ... ]}">}
    ```
  }];
  let parameters = (ins StringRefParameter<"the description as JSON">:$json);
  let assemblyFormat = "`<` $json `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The described devices and links (parsed on first use, then kept by
    /// the dialect).
    const ::weft::DeviceModel &getModel() const;
  }];
}

#endif // WEFT_DIALECT_WEFT_IR_WEFTATTRS_TD
