//===- Export.cpp - onnx dialect -> ONNX model
//-----------------------------===//
//
// Writes `func.func @main` of onnx ops as an ONNX graph: top-level constants
// become initializers, regions become graph attributes, `none` operands and
// results become empty names. Values are named after the node that makes them
// (node names come from locations); inputs and outputs keep their `onnx.name`.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/ONNX/Export.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace weft {
namespace {

class ModelExporter {
public:
  LogicalResult exportFunction(func::FuncOp func, onnx::ModelProto &model);

private:
  /// Returns a fresh value name based on `base`.
  std::string freshName(StringRef base) {
    std::string name = base.str();
    for (int i = 1; !usedNames.insert(name).second; ++i)
      name = base.str() + "_" + std::to_string(i);
    return name;
  }
  /// The node name a location carries, or the op name.
  static std::string locName(Operation *op) {
    if (auto name = dyn_cast<NameLoc>(op->getLoc()))
      return name.getName().str();
    return op->getName().stripDialect().str();
  }
  std::string nameOf(Value v) {
    auto it = names.find(v);
    return it == names.end() ? "" : it->second;
  }

  LogicalResult exportBlock(Block &block, onnx::GraphProto &graph,
                            bool topLevel);
  LogicalResult exportOp(Operation *op, onnx::GraphProto &graph);
  void
  addValueInfo(Value v,
               google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *infos);

  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> usedNames;
  int64_t opset = ONNXDialect::getOpsetVersion();
};

void ModelExporter::addValueInfo(
    Value v, google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *infos) {
  onnx::TypeProto type;
  if (!convertToTypeProto(v.getType(), type))
    return;
  auto *info = infos->Add();
  info->set_name(nameOf(v));
  *info->mutable_type() = type;
}

LogicalResult ModelExporter::exportOp(Operation *op, onnx::GraphProto &graph) {
  StringRef opType = op->getName().stripDialect();
  if (op->getDialect() == nullptr ||
      op->getDialect()->getNamespace() != ONNXDialect::getDialectNamespace())
    return op->emitOpError("has no ONNX form: only onnx ops can be exported");
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(opType.str(), opset, "");
  if (!schema)
    return op->emitOpError("is not an ONNX operator at opset ") << opset;

  auto *node = graph.add_node();
  std::string nodeName = locName(op);
  node->set_name(nodeName);
  node->set_op_type(opType.str());

  for (Value operand : op->getOperands())
    node->add_input(isa<NoneType>(operand.getType()) ? "" : nameOf(operand));
  while (node->input_size() && node->input(node->input_size() - 1).empty())
    node->mutable_input()->RemoveLast();

  for (OpResult result : op->getResults()) {
    if (isa<NoneType>(result.getType())) {
      node->add_output("");
      continue;
    }
    if (!names.count(result))
      names[result] = freshName(nodeName + "_output_" +
                                std::to_string(result.getResultNumber()));
    node->add_output(names[result]);
  }
  while (node->output_size() && node->output(node->output_size() - 1).empty())
    node->mutable_output()->RemoveLast();

  // Inherent attributes are the op's properties; unknown ones are skipped.
  SmallVector<NamedAttribute> attrs;
  if (auto props =
          dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute()))
    attrs.append(props.begin(), props.end());
  for (NamedAttribute attr : op->getDiscardableAttrs())
    attrs.push_back(attr);
  const auto &schemaAttrs = schema->attributes();
  for (NamedAttribute attr : attrs) {
    auto it = schemaAttrs.find(attr.getName().str());
    if (it == schemaAttrs.end())
      continue;
    if (!convertToAttributeProto(attr.getName(), attr.getValue(),
                                 it->second.type, *node->add_attribute()))
      return op->emitOpError("attribute '")
             << attr.getName() << "' has no ONNX form: " << attr.getValue();
  }

  // Regions are the schema's graph attributes, in name order.
  unsigned regionIndex = 0;
  for (const auto &entry : schemaAttrs) {
    if (entry.second.type != onnx::AttributeProto::GRAPH)
      continue;
    if (regionIndex >= op->getNumRegions())
      break;
    Region &region = op->getRegion(regionIndex++);
    auto *attr = node->add_attribute();
    attr->set_name(entry.first);
    attr->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto *body = attr->mutable_g();
    body->set_name(nodeName + "_" + entry.first);
    if (region.empty())
      return op->emitOpError("region '") << entry.first << "' is empty";
    if (failed(exportBlock(region.front(), *body, /*topLevel=*/false)))
      return failure();
  }
  return success();
}

LogicalResult ModelExporter::exportBlock(Block &block, onnx::GraphProto &graph,
                                         bool topLevel) {
  if (!topLevel) {
    for (BlockArgument arg : block.getArguments()) {
      names[arg] = freshName(graph.name() + "_input_" +
                             std::to_string(arg.getArgNumber()));
      addValueInfo(arg, graph.mutable_input());
    }
  }
  bool seenNode = false;
  for (Operation &op : block) {
    if (isa<func::ReturnOp, ONNXYieldOp>(op)) {
      for (auto [i, v] : llvm::enumerate(op.getOperands())) {
        // An output must be produced in this graph and named once: otherwise
        // an Identity node gives it its own name.
        bool ownedHere = v.getParentBlock() == &block && !isa<BlockArgument>(v);
        std::string wanted;
        if (topLevel)
          if (auto attr = cast<func::FuncOp>(block.getParentOp())
                              .getResultAttrOfType<StringAttr>(i, "onnx.name"))
            wanted = attr.getValue().str();
        if (!ownedHere || llvm::count(op.getOperands(), v) > 1 ||
            (!wanted.empty() && nameOf(v) != wanted)) {
          auto *identity = graph.add_node();
          identity->set_op_type("Identity");
          std::string out =
              freshName(wanted.empty() ? nameOf(v) + "_out" : wanted);
          identity->set_name(out + "_Identity");
          identity->add_input(nameOf(v));
          identity->add_output(out);
          onnx::TypeProto type;
          convertToTypeProto(v.getType(), type);
          auto *info = graph.add_output();
          info->set_name(out);
          *info->mutable_type() = type;
          continue;
        }
        addValueInfo(v, graph.mutable_output());
      }
      continue;
    }
    // Constants ahead of every node are initializers (that is where the
    // importer puts them); later ones stay Constant nodes.
    auto constant = dyn_cast<ONNXConstantOp>(op);
    if (!constant && !isa<ONNXNoValueOp>(op))
      seenNode = true;
    if (constant && topLevel && !seenNode && constant.getValueAttr() &&
        !constant.getSparseValueAttr()) {
      Value result = constant.getResult();
      std::string name =
          names.count(result) ? names[result] : freshName(locName(&op));
      names[result] = name;
      auto *init = graph.add_initializer();
      if (!convertToTensorProto(constant.getValueAttr(), *init))
        return op.emitOpError("value has no ONNX form");
      init->set_name(name);
      continue;
    }
    if (isa<ONNXNoValueOp>(op))
      continue;
    if (failed(exportOp(&op, graph)))
      return failure();
    for (Value result : op.getResults())
      if (!isa<NoneType>(result.getType()))
        addValueInfo(result, graph.mutable_value_info());
  }
  return success();
}

LogicalResult ModelExporter::exportFunction(func::FuncOp func,
                                            onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  // Reserve the output names first so that the values keep them.
  auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [i, v] : llvm::enumerate(returnOp.getOperands()))
    if (auto attr = func.getResultAttrOfType<StringAttr>(i, "onnx.name"))
      if (!isa<BlockArgument>(v) && !names.count(v) &&
          llvm::count(returnOp.getOperands(), v) == 1)
        names[v] = freshName(attr.getValue());
  for (BlockArgument arg : func.getArguments()) {
    auto attr =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name");
    names[arg] =
        freshName(attr ? attr.getValue().str()
                       : "input_" + std::to_string(arg.getArgNumber()));
    onnx::TypeProto type;
    if (!convertToTypeProto(arg.getType(), type))
      return func.emitOpError("argument ")
             << arg.getArgNumber() << " has a type with no ONNX form";
    auto *info = graph.add_input();
    info->set_name(names[arg]);
    *info->mutable_type() = type;
  }
  return exportBlock(func.getBody().front(), graph, /*topLevel=*/true);
}

} // namespace

LogicalResult exportONNXModel(ModuleOp module, llvm::raw_ostream &os) {
  func::FuncOp func = module.lookupSymbol<func::FuncOp>("main");
  if (!func) {
    auto funcs = module.getOps<func::FuncOp>();
    if (std::distance(funcs.begin(), funcs.end()) != 1)
      return module.emitError("expected one func.func (or one named @main) "
                              "to export as the ONNX graph");
    func = *funcs.begin();
  }
  if (func.getBody().getBlocks().size() != 1)
    return func.emitOpError("must have a single block to be exported");

  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  auto *opsetImport = model.add_opset_import();
  opsetImport->set_domain("");
  opsetImport->set_version(ONNXDialect::getOpsetVersion());
  auto getString = [&](StringRef name, StringRef fallback) {
    if (auto attr = module->getAttrOfType<StringAttr>(name))
      return attr.getValue().str();
    return fallback.str();
  };
  // Module attributes carry what import read, so that round trips are exact.
  model.set_producer_name(getString("onnx.producer_name", ""));
  model.set_producer_version(getString("onnx.producer_version", ""));
  model.mutable_graph()->set_name(getString("onnx.graph_name", "main"));

  ModelExporter exporter;
  if (failed(exporter.exportFunction(func, model)))
    return failure();
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return module.emitError("the exported model fails onnx::checker: ")
           << e.what();
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return module.emitError(
        "cannot serialize the exported model (over 2 GiB?)");
  os << bytes;
  return success();
}

} // namespace weft
