//===- ONNXBase.td - The onnx dialect and its op base class -*- tablegen -*-===//
//
// The `onnx` dialect mirrors ONNX: one op per operator of the default domain,
// generated from ONNX's schema registry (see tools/weft-onnx-odsgen).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ONNXBASE_TD
#define WEFT_DIALECT_ONNX_IR_ONNXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::weft";
  let summary = "ONNX operators as MLIR operations";
  let description = [{
    The `onnx` dialect holds one operation per operator of ONNX's default
    domain at one opset (models of older opsets are lifted on import). Ops are
    named after the ONNX operators (`onnx.Conv`, `onnx.MatMul`), take ONNX's
    attributes with ONNX's defaults, and carry ONNX's type constraints.

    An optional input that is absent is a value of type `none` made by
    `onnx.NoValue`; an optional output that is not produced has type `none`.
    Graph attributes (If, Loop, Scan) are regions ended by `onnx.Yield`.

    ```mlir
    %y = onnx.Conv(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)
        -> tensor<1x4x8x8xf32>
    ```
  }];
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    /// The ONNX opset this dialect's ops follow.
    static int64_t getOpsetVersion();
  private:
    void registerTypes();
    void registerOps();
  public:
  }];
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

class ONNX_Type<string name, string typeMnemonic> : TypeDef<ONNX_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def ONNX_SeqType : ONNX_Type<"Seq", "seq"> {
  let summary = "ONNX sequence";
  let description = [{
    A sequence of values of one type, as ONNX's `seq(T)`:
    `!onnx.seq<tensor<?xf32>>`.
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def ONNX_OptType : ONNX_Type<"Opt", "opt"> {
  let summary = "ONNX optional";
  let description = [{
    A value that may be absent, as ONNX's `optional(T)`:
    `!onnx.opt<tensor<2xf32>>`.
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def ONNX_StringType : ONNX_Type<"String", "string"> {
  let summary = "ONNX string element type";
  let description = [{
    The element type of ONNX string tensors: `tensor<3x!onnx.string>`.
  }];
}

/// A sequence whose element type is one of `allowed`.
class ONNX_SeqOf<list<Type> allowed> : Type<
    And<[CPred<"::llvm::isa<::weft::SeqType>($_self)">,
         SubstLeaves<"$_self", "::llvm::cast<::weft::SeqType>($_self).getElementType()",
                     AnyTypeOf<allowed>.predicate>]>,
    "sequence of " # AnyTypeOf<allowed>.summary, "::weft::SeqType">;

/// An optional whose element type is one of `allowed`.
class ONNX_OptOf<list<Type> allowed> : Type<
    And<[CPred<"::llvm::isa<::weft::OptType>($_self)">,
         SubstLeaves<"$_self", "::llvm::cast<::weft::OptType>($_self).getElementType()",
                     AnyTypeOf<allowed>.predicate>]>,
    "optional of " # AnyTypeOf<allowed>.summary, "::weft::OptType">;

//===----------------------------------------------------------------------===//
// Op base class
//===----------------------------------------------------------------------===//

/// Base of every onnx op. `sinceVersion` is the operator's version in the
/// dialect's opset; `typeGroups` lists operands ("i0", variadic "i2+") and
/// results ("o0") that share an ONNX type variable and so must agree on their
/// element type, groups separated by ';'.
class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits> {
  int sinceVersion = 0;
  string typeGroups = "";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The version of this operator in the dialect's opset.
    static constexpr int64_t getSinceVersion() { return }] # sinceVersion # [{; }
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::weft::verifyONNXOp(getOperation(), "}] # typeGroups # [{");
    }
  }];
}

#endif // WEFT_DIALECT_ONNX_IR_ONNXBASE_TD
