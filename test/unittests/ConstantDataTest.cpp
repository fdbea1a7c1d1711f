//===- ConstantDataTest.cpp - Reading and making constant tensors ---------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class ConstantDataTest : public ::testing::Test {
protected:
  ConstantDataTest() { context.loadDialect<weft::ONNXDialect>(); }
  MLIRContext context;
  Builder b{&context};
};

TEST_F(ConstantDataTest, SmallTensorsAreInlineLargeOnesAreResources) {
  auto small = RankedTensorType::get({4}, b.getI64Type());
  auto large = RankedTensorType::get({1000}, b.getF32Type());
  std::vector<int64_t> ints = {1, -2, 3, -4};
  EXPECT_TRUE(isa<DenseElementsAttr>(weft::makeTensorFromInts(small, ints)));
  std::vector<double> floats(1000, 0.5);
  ElementsAttr big = weft::makeTensorFromFloats(large, floats);
  ASSERT_TRUE(isa<DenseResourceElementsAttr>(big));
  auto back = weft::getFloatValues(big);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size(), 1000u);
  EXPECT_DOUBLE_EQ((*back)[999], 0.5);
}

TEST_F(ConstantDataTest, IntegersKeepSignAndWidth) {
  auto u8 = RankedTensorType::get({2}, b.getIntegerType(8, false));
  auto i8 = RankedTensorType::get({2}, b.getIntegerType(8));
  std::vector<int64_t> values = {200, 5};
  EXPECT_EQ(*weft::getIntValues(weft::makeTensorFromInts(u8, values)),
            (std::vector<int64_t>{200, 5}));
  EXPECT_EQ(*weft::getIntValues(weft::makeTensorFromInts(i8, values)),
            (std::vector<int64_t>{-56, 5}));
}

TEST_F(ConstantDataTest, BoolsAreOneBytePerElement) {
  auto type = RankedTensorType::get({3}, b.getI1Type());
  std::vector<int64_t> values = {1, 0, 7};
  ElementsAttr attr = weft::makeTensorFromInts(type, values);
  auto raw = weft::getRawData(attr);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, (std::vector<char>{1, 0, 1}));
}

TEST_F(ConstantDataTest, SplatsExpandAndReshapeSharesData) {
  auto type = RankedTensorType::get({2, 3}, b.getF32Type());
  auto splat = DenseElementsAttr::get(type, 2.0f);
  auto raw = weft::getRawData(splat);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 24u);
  auto flat = RankedTensorType::get({6}, b.getF32Type());
  ElementsAttr reshaped = weft::reshapeTensorAttr(splat, flat);
  ASSERT_TRUE(reshaped);
  EXPECT_EQ(reshaped.getType(), flat);
}

TEST_F(ConstantDataTest, Float16RoundTrips) {
  auto type = RankedTensorType::get({2}, b.getF16Type());
  std::vector<double> values = {1.5, -0.25};
  auto back = weft::getFloatValues(weft::makeTensorFromFloats(type, values));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, values);
}

} // namespace
