//===- ImportTest.cpp - Importing and exporting models in memory ----------===//

#include "weft/Target/ONNX/Import.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

/// A model computing Relu(x + w) with w an initializer of `count` floats.
std::string makeModel(int count, bool truncateData = false) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  auto *graph = model.mutable_graph();
  graph->set_name("g");
  auto *input = graph->add_input();
  input->set_name("x");
  auto *tt = input->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_value(count);
  auto *w = graph->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(count);
  std::string raw(count * 4, '\0');
  for (int i = 0; i < count; ++i) {
    float v = float(i);
    std::memcpy(&raw[i * 4], &v, 4);
  }
  if (truncateData)
    raw.resize(4);
  w->set_raw_data(raw);
  auto *add = graph->add_node();
  add->set_op_type("Add");
  add->set_name("add");
  add->add_input("x");
  add->add_input("w");
  add->add_output("s");
  auto *relu = graph->add_node();
  relu->set_op_type("Relu");
  relu->set_name("relu");
  relu->add_input("s");
  relu->add_output("y");
  graph->add_output()->set_name("y");
  *graph->mutable_output(0)->mutable_type() = input->type();
  std::string bytes;
  model.SerializeToString(&bytes);
  return bytes;
}

class ImportTest : public ::testing::Test {
protected:
  ImportTest() {
    context.loadDialect<weft::ONNXDialect, func::FuncDialect>();
    context.getDiagEngine().registerHandler([this](Diagnostic &d) {
      errors.push_back(d.str());
      return success();
    });
  }
  MLIRContext context;
  std::vector<std::string> errors;
};

TEST_F(ImportTest, ImportsTypedOpsAndResourceWeights) {
  auto module =
      weft::importONNXModelFromBytes(&context, makeModel(1024), "m.onnx", "");
  ASSERT_TRUE(module) << (errors.empty() ? "" : errors[0]);
  auto func = module->lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(func);
  EXPECT_EQ(func.getNumArguments(), 1u);
  int constants = 0, relus = 0;
  func.walk([&](Operation *op) {
    if (auto c = dyn_cast<weft::ONNXConstantOp>(op)) {
      ++constants;
      EXPECT_TRUE(isa<DenseResourceElementsAttr>(c.getValueAttr()));
    }
    relus += isa<weft::ONNXReluOp>(op);
  });
  EXPECT_EQ(constants, 1);
  EXPECT_EQ(relus, 1);
}

TEST_F(ImportTest, ExportThenImportGivesTheSameIR) {
  auto module =
      weft::importONNXModelFromBytes(&context, makeModel(100), "m.onnx", "");
  ASSERT_TRUE(module);
  std::string exported;
  llvm::raw_string_ostream os(exported);
  ASSERT_TRUE(succeeded(weft::exportONNXModel(*module, os)));
  onnx::ModelProto reread;
  ASSERT_TRUE(reread.ParseFromString(exported));
  EXPECT_EQ(reread.graph().initializer_size(), 1);
  EXPECT_EQ(reread.graph().node_size(), 2);

  MLIRContext other;
  other.loadDialect<weft::ONNXDialect, func::FuncDialect>();
  auto again = weft::importONNXModelFromBytes(&other, exported, "e.onnx", "");
  ASSERT_TRUE(again);
  std::string a, b;
  llvm::raw_string_ostream osa(a), osb(b);
  module->print(osa);
  again->print(osb);
  EXPECT_EQ(a, b);
}

TEST_F(ImportTest, ShortRawDataIsAClearError) {
  auto module = weft::importONNXModelFromBytes(
      &context, makeModel(1024, /*truncateData=*/true), "m.onnx", "");
  EXPECT_FALSE(module);
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("expects 4096 bytes, got 4"), std::string::npos)
      << errors[0];
}

TEST_F(ImportTest, GarbageIsRefused) {
  EXPECT_FALSE(weft::importONNXModelFromBytes(&context, "", "e.onnx", ""));
  EXPECT_FALSE(weft::importONNXModelFromBytes(
      &context, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "p.onnx",
      ""));
  EXPECT_GE(errors.size(), 2u);
}

TEST(ProtoConversionTest, TypesRoundTrip) {
  MLIRContext context;
  context.loadDialect<weft::ONNXDialect>();
  Builder b(&context);
  Type types[] = {
      RankedTensorType::get({2, ShapedType::kDynamic}, b.getF32Type()),
      UnrankedTensorType::get(b.getIntegerType(8, false)),
      weft::SeqType::get(&context, RankedTensorType::get({3}, b.getI64Type())),
      weft::OptType::get(&context, RankedTensorType::get({}, b.getI1Type()))};
  for (Type type : types) {
    onnx::TypeProto proto;
    ASSERT_TRUE(weft::convertToTypeProto(type, proto));
    std::string error;
    EXPECT_EQ(weft::convertTypeProto(&context, proto, error), type) << error;
  }
}

} // namespace
