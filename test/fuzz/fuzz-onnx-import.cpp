//===- fuzz-onnx-import.cpp - The ONNX importer on any model --------------===//
//
// Raw bytes reach the protobuf parser and ONNX's checker; structural
// mutations of models that parse (Debian has no libprotobuf-mutator, so a
// custom mutator over the parsed ModelProto stands in for it) reach the
// checks behind them: op types, attributes, dims, element types, data sizes,
// opset versions, graph wiring, type inference and the conversion to IR.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <cstring>
#include <random>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

/// Ops whose checks differ: elementwise, shape-changing, reductions,
/// convolutions, control flow.
const char *const kOpTypes[] = {"Add",
                                "Mul",
                                "Relu",
                                "Conv",
                                "MatMul",
                                "Gemm",
                                "Concat",
                                "Reshape",
                                "Transpose",
                                "Gather",
                                "Slice",
                                "ReduceSum",
                                "Softmax",
                                "MaxPool",
                                "Cast",
                                "Expand",
                                "Squeeze",
                                "Unsqueeze",
                                "Split",
                                "Where",
                                "If",
                                "Loop",
                                "Resize",
                                "TopK",
                                "Pad",
                                "Tile",
                                "BatchNormalization",
                                "LayerNormalization",
                                "Identity",
                                "NoSuchOp"};

/// Numbers that break assumptions.
int64_t pickNumber(std::mt19937 &rng) {
  static const int64_t kValues[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    7,
                                    -2,
                                    64,
                                    1 << 20,
                                    int64_t(1) << 31,
                                    int64_t(1) << 40,
                                    INT64_MAX,
                                    INT64_MIN};
  return kValues[rng() % (sizeof(kValues) / sizeof(kValues[0]))];
}

void mutateNode(onnx::NodeProto &node, onnx::GraphProto &graph,
                std::mt19937 &rng) {
  switch (rng() % 6) {
  case 0:
    node.set_op_type(
        kOpTypes[rng() % (sizeof(kOpTypes) / sizeof(kOpTypes[0]))]);
    break;
  case 1: // wire an input to another value (or to nothing)
    if (node.input_size() && graph.node_size()) {
      const auto &other = graph.node(rng() % graph.node_size());
      node.set_input(rng() % node.input_size(),
                     other.output_size() ? other.output(0) : "");
    }
    break;
  case 2:
    if (node.input_size() && rng() % 2)
      node.mutable_input()->RemoveLast();
    else
      node.add_input(node.input_size() ? node.input(0) : "x");
    break;
  case 3: { // an integer attribute, new or changed
    onnx::AttributeProto *attr =
        node.attribute_size() && rng() % 2
            ? node.mutable_attribute(rng() % node.attribute_size())
            : node.add_attribute();
    static const char *const kNames[] = {
        "axis", "axes",    "perm", "group",    "kernel_shape",
        "pads", "strides", "to",   "keepdims", "k"};
    if (attr->name().empty())
      attr->set_name(kNames[rng() % (sizeof(kNames) / sizeof(kNames[0]))]);
    if (rng() % 2) {
      attr->set_type(onnx::AttributeProto::INT);
      attr->set_i(pickNumber(rng));
    } else {
      attr->set_type(onnx::AttributeProto::INTS);
      attr->add_ints(pickNumber(rng));
    }
    break;
  }
  case 4:
    if (node.attribute_size())
      node.mutable_attribute()->DeleteSubrange(rng() % node.attribute_size(),
                                               1);
    break;
  default:
    if (node.output_size())
      node.set_output(0, node.input_size() ? node.input(0) : "y");
    break;
  }
}

void mutateTensor(onnx::TensorProto &tensor, std::mt19937 &rng) {
  switch (rng() % 4) {
  case 0:
    if (tensor.dims_size())
      tensor.set_dims(rng() % tensor.dims_size(), pickNumber(rng));
    else
      tensor.add_dims(pickNumber(rng));
    break;
  case 1:
    tensor.set_data_type(int32_t(rng() % 24));
    break;
  case 2:
    if (tensor.has_raw_data() && !tensor.raw_data().empty())
      tensor.mutable_raw_data()->resize(rng() % tensor.raw_data().size());
    break;
  default:
    tensor.add_dims(int64_t(rng() % 5));
    break;
  }
}

void mutateValueInfo(onnx::ValueInfoProto &info, std::mt19937 &rng) {
  auto *type = info.mutable_type()->mutable_tensor_type();
  if (rng() % 2) {
    type->set_elem_type(int32_t(rng() % 24));
    return;
  }
  auto *shape = type->mutable_shape();
  if (shape->dim_size())
    shape->mutable_dim(rng() % shape->dim_size())
        ->set_dim_value(pickNumber(rng));
  else
    shape->add_dim()->set_dim_value(pickNumber(rng));
}

void mutateModel(onnx::ModelProto &model, std::mt19937 &rng) {
  onnx::GraphProto &graph = *model.mutable_graph();
  switch (rng() % 7) {
  case 0:
  case 1:
    if (graph.node_size())
      mutateNode(*graph.mutable_node(rng() % graph.node_size()), graph, rng);
    break;
  case 2:
    if (graph.initializer_size())
      mutateTensor(*graph.mutable_initializer(rng() % graph.initializer_size()),
                   rng);
    break;
  case 3:
    if (graph.input_size())
      mutateValueInfo(*graph.mutable_input(rng() % graph.input_size()), rng);
    else if (graph.output_size())
      mutateValueInfo(*graph.mutable_output(rng() % graph.output_size()), rng);
    break;
  case 4:
    if (model.opset_import_size())
      model.mutable_opset_import(0)->set_version(int64_t(rng() % 26));
    break;
  case 5: // a node duplicated or dropped
    if (graph.node_size() && rng() % 2)
      graph.mutable_node()->DeleteSubrange(rng() % graph.node_size(), 1);
    else if (graph.node_size())
      *graph.add_node() = graph.node(rng() % graph.node_size());
    break;
  default: // nodes out of order
    if (graph.node_size() > 1)
      graph.mutable_node()->SwapElements(0, graph.node_size() - 1);
    break;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  std::mt19937 rng(seed);
  onnx::ModelProto model;
  if (size == 0 || rng() % 4 == 0 || !model.ParseFromArray(data, int(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned i = 0, n = 1 + rng() % 3; i < n; ++i)
    mutateModel(model, rng);
  std::string bytes;
  if (!model.SerializeToString(&bytes) || bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: attributes a context uniques are never freed.
  mlir::MLIRContext context;
  context.loadDialect<weft::ONNXDialect, mlir::func::FuncDialect>();
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  weft::ImportOptions options;
  (void)weft::importONNXModelFromBytes(
      &context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", /*baseDir=*/"", options);
  return 0;
}
