//===- ConversionTest.cpp - onnx-to-linalg from another compiler ----------===//
//
// What a compiler that reuses the populate functions gets: the conversion
// with the target and the signless step, and patterns that leave unsigned
// ops alone rather than lower them with a signed meaning.
//
//===----------------------------------------------------------------------===//

#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

constexpr const char *kUnsignedDivision = R"(
func.func @main(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %z = onnx.Div(%x, %y) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %z : tensor<4xui8>
})";

class ConversionTest : public ::testing::Test {
protected:
  ConversionTest() {
    context
        .loadDialect<weft::ONNXDialect, func::FuncDialect,
                     linalg::LinalgDialect, tensor::TensorDialect,
                     arith::ArithDialect, math::MathDialect, scf::SCFDialect>();
  }
  /// The unsigned division, parsed.
  OwningOpRef<ModuleOp> parseDivision() {
    return parseSourceString<ModuleOp>(kUnsignedDivision, &context);
  }
  /// Counts the ops of `module` named `name`.
  static int count(ModuleOp module, StringRef name) {
    int n = 0;
    module.walk(
        [&](Operation *op) { n += op->getName().getStringRef() == name; });
    return n;
  }
  MLIRContext context;
};

TEST_F(ConversionTest, PatternsAloneLeaveUnsignedOpsAlone) {
  OwningOpRef<ModuleOp> module = parseDivision();
  ASSERT_TRUE(module);
  RewritePatternSet patterns(&context);
  weft::populateONNXToLinalgConversionPatterns(patterns);
  (void)applyPatternsGreedily(*module, std::move(patterns));
  // Not lowered with a signed division: left for makeUnsignedSignless.
  EXPECT_EQ(count(*module, "onnx.Div"), 1);
  EXPECT_EQ(count(*module, "arith.divsi"), 0);
}

TEST_F(ConversionTest, ConversionMakesUnsignedSignlessFirst) {
  OwningOpRef<ModuleOp> module = parseDivision();
  ASSERT_TRUE(module);
  RewritePatternSet set(&context);
  weft::populateONNXToLinalgConversionPatterns(set);
  FrozenRewritePatternSet patterns(std::move(set));
  auto main = module->lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(succeeded(weft::convertONNXToLinalg(main, patterns)));
  EXPECT_EQ(count(*module, "onnx.Div"), 0);
  EXPECT_EQ(count(*module, "arith.divui"), 1);
  EXPECT_EQ(count(*module, "arith.divsi"), 0);
}

} // namespace
