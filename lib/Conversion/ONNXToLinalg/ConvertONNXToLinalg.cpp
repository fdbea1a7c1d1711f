//===- ConvertONNXToLinalg.cpp - The convert-onnx-to-linalg pass ----------===//
//
// A dialect conversion: the target says what is legal after lowering
// (linalg, tensor, arith, math, scf), the op families' patterns say how to
// get there, and applyPartialConversion applies them. Ops no pattern lowers
// are collected and named in one error each.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Conversion/Passes.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Transforms/DialectConversion.h"

namespace weft {
#define GEN_PASS_DEF_CONVERTONNXTOLINALGPASS
#include "weft/Conversion/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// One op family: its name (the pass's `families` option) and patterns.
struct ONNXOpFamily {
  llvm::StringLiteral name;
  void (*populate)(RewritePatternSet &, const ONNXToLinalgOptions &);
};

/// A family whose patterns take no options.
template <void (*Populate)(RewritePatternSet &)>
void withoutOptions(RewritePatternSet &patterns, const ONNXToLinalgOptions &) {
  Populate(patterns);
}

const ONNXOpFamily kFamilies[] = {
    {"elementwise", withoutOptions<populateONNXElementwiseToLinalgPatterns>},
    {"matmul", withoutOptions<populateONNXMatMulToLinalgPatterns>},
    {"data", withoutOptions<populateONNXDataToLinalgPatterns>},
    {"indexing", withoutOptions<populateONNXIndexingToLinalgPatterns>},
    {"quantization", withoutOptions<populateONNXQuantizationToLinalgPatterns>},
    {"scan", withoutOptions<populateONNXScanToLinalgPatterns>},
    {"scatter", withoutOptions<populateONNXScatterToLinalgPatterns>},
    {"rearrange", withoutOptions<populateONNXRearrangeToLinalgPatterns>},
    {"softmax", withoutOptions<populateONNXSoftmaxToLinalgPatterns>},
    {"reduction", withoutOptions<populateONNXReductionToLinalgPatterns>},
    {"arg-reduction", withoutOptions<populateONNXArgReductionToLinalgPatterns>},
    {"cast-concat", withoutOptions<populateONNXCastConcatToLinalgPatterns>},
    {"conv-pool", populateONNXConvPoolToLinalgPatterns},
    {"normalization",
     withoutOptions<populateONNXNormalizationToLinalgPatterns>},
};

} // namespace

void populateONNXToLinalgConversionPatterns(
    RewritePatternSet &patterns, const ONNXToLinalgOptions &options) {
  for (const ONNXOpFamily &family : kFamilies)
    family.populate(patterns, options);
}

LogicalResult populateONNXToLinalgConversionPatterns(
    RewritePatternSet &patterns, ArrayRef<std::string> families,
    const ONNXToLinalgOptions &options, std::string &unknown) {
  for (const std::string &name : families) {
    const ONNXOpFamily *family = llvm::find_if(
        kFamilies, [&](const ONNXOpFamily &f) { return f.name == name; });
    if (family == std::end(kFamilies)) {
      unknown = name;
      return failure();
    }
    family->populate(patterns, options);
  }
  return success();
}

std::vector<std::string> getONNXOpFamilies() {
  std::vector<std::string> names;
  for (const ONNXOpFamily &family : kFamilies)
    names.push_back(family.name.str());
  return names;
}

void configureONNXToLinalgTarget(ConversionTarget &target) {
  target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                         arith::ArithDialect, math::MathDialect,
                         scf::SCFDialect, func::FuncDialect,
                         bufferization::BufferizationDialect>();
  // The absent-value marker stays for ops without a lowering and is erased
  // once nothing reads it. Other onnx ops are left to the patterns: those
  // none lowers are reported by the caller, each by name.
  target.addLegalOp<ONNXNoValueOp>();
}

llvm::StringSet<> getONNXOpsLoweredToLinalg(MLIRContext *context) {
  context->getOrLoadDialect<ONNXDialect>();
  RewritePatternSet patterns(context);
  populateONNXToLinalgConversionPatterns(patterns);
  llvm::StringSet<> names;
  for (const auto &pattern : patterns.getNativePatterns())
    if (std::optional<OperationName> root = pattern->getRootKind())
      names.insert(root->stripDialect());
  return names;
}

LogicalResult convertONNXToLinalg(func::FuncOp func,
                                  const FrozenRewritePatternSet &patterns) {
  if (failed(makeUnsignedSignless(func)))
    return failure();
  ConversionTarget target(*func.getContext());
  configureONNXToLinalgTarget(target);
  DenseSet<Operation *> unlegalized;
  ConversionConfig config;
  config.unlegalizedOps = &unlegalized;
  if (failed(applyPartialConversion(func, target, patterns, config)))
    return failure();
  bool unsupported = false;
  func.walk([&](Operation *op) {
    if (!isa<ONNXDialect>(op->getDialect()) || isa<ONNXNoValueOp>(op))
      return;
    unsupported = true;
    op->emitError("unsupported op ")
        << op->getName().stripDialect() << " (opset "
        << ONNXDialect::getOpsetVersion() << ") on device cpu";
  });
  // Markers read by nothing once their users are lowered.
  func.walk([](ONNXNoValueOp op) {
    if (op->use_empty())
      op->erase();
  });
  return failure(unsupported);
}

namespace {
struct ConvertONNXToLinalgPass
    : impl::ConvertONNXToLinalgPassBase<ConvertONNXToLinalgPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    ONNXToLinalgOptions options;
    options.winograd = winograd;
    options.transposeSmallConvolutions = transposeSmallConvolutions;
    if (families.empty()) {
      populateONNXToLinalgConversionPatterns(set, options);
    } else {
      std::string unknown;
      if (failed(populateONNXToLinalgConversionPatterns(set, families, options,
                                                        unknown)))
        return emitError(UnknownLoc::get(context))
               << "convert-onnx-to-linalg: unknown op family '" << unknown
               << "' (known: " << llvm::join(getONNXOpFamilies(), ", ") << ")";
    }
    patterns = std::move(set);
    return success();
  }

  void runOnOperation() override {
    if (failed(convertONNXToLinalg(getOperation(), patterns)))
      signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
};
} // namespace

} // namespace weft
