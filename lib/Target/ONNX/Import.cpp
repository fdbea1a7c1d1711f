//===- Import.cpp - ONNX model -> onnx dialect
//-----------------------------===//
//
// Builds a `func.func @main` from a prepared ModelProto: initializers become
// onnx.Constant ops holding resource blobs (the protobuf's bytes are moved,
// not copied), nodes become onnx ops located at their node names, graph
// attributes become regions ended by onnx.Yield.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/ONNX/Import.h"
#include "ModelPreparation.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "onnx/defs/schema.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace weft {
namespace {

/// Builds IR for one model; keeps the scopes of value names (a subgraph sees
/// the values of the graphs around it).
class ModelImporter {
public:
  ModelImporter(MLIRContext *context, StringRef fileName)
      : context(context), builder(context),
        fileLoc(FileLineColLoc::get(context, fileName, 0, 0)) {}

  OwningOpRef<ModuleOp> importModel(onnx::ModelProto &model);

private:
  /// The location of a node: its name, inside the model file.
  Location nodeLoc(const onnx::NodeProto &node) {
    std::string name = node.name().empty() ? node.op_type() : node.name();
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  }
  Location valueLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  }

  Value lookup(StringRef name) {
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end())
        return found->second;
    }
    return nullptr;
  }

  /// Imports a graph's initializers and nodes at the builder's insertion
  /// point, in a new scope the caller has pushed.
  LogicalResult importNodes(onnx::GraphProto &graph);
  LogicalResult
  importNode(onnx::NodeProto &node,
             const llvm::StringMap<const onnx::TypeProto *> &types);
  /// Fills `region` with the body of a graph attribute.
  LogicalResult importSubgraph(onnx::GraphProto &graph, Region &region,
                               const onnx::NodeProto &owner);
  FailureOr<Type> getType(const onnx::TypeProto &proto, StringRef valueName,
                          Location loc);

  MLIRContext *context;
  OpBuilder builder;
  Location fileLoc;
  SmallVector<llvm::StringMap<Value>> scopes;
  int64_t opset = ONNXDialect::getOpsetVersion();
};

/// Collects the declared or inferred type of every value a graph names.
llvm::StringMap<const onnx::TypeProto *>
collectTypes(const onnx::GraphProto &g) {
  llvm::StringMap<const onnx::TypeProto *> types;
  for (const auto &v : g.input())
    if (v.has_type())
      types[v.name()] = &v.type();
  for (const auto &v : g.value_info())
    if (v.has_type())
      types[v.name()] = &v.type();
  for (const auto &v : g.output())
    if (v.has_type())
      types[v.name()] = &v.type();
  return types;
}

FailureOr<Type> ModelImporter::getType(const onnx::TypeProto &proto,
                                       StringRef valueName, Location loc) {
  std::string error;
  Type type = convertTypeProto(context, proto, error);
  if (!type)
    return emitError(loc) << "value '" << valueName << "': " << error;
  return type;
}

LogicalResult ModelImporter::importNodes(onnx::GraphProto &graph) {
  for (auto &init : *graph.mutable_initializer()) {
    std::string error;
    Location loc = valueLoc(init.name());
    ElementsAttr value = convertTensorProto(context, init, init.name(), error);
    if (!value)
      return emitError(loc) << "initializer '" << init.name() << "': " << error;
    auto constant = ONNXConstantOp::create(
        builder, loc, TypeRange{value.getType()}, ValueRange{},
        ArrayRef<NamedAttribute>{builder.getNamedAttr("value", value)});
    scopes.back()[init.name()] = constant.getResult();
  }
  auto types = collectTypes(graph);
  for (auto &node : *graph.mutable_node())
    if (failed(importNode(node, types)))
      return failure();
  return success();
}

LogicalResult ModelImporter::importNode(
    onnx::NodeProto &node,
    const llvm::StringMap<const onnx::TypeProto *> &types) {
  Location loc = nodeLoc(node);
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "");
  std::string opName = "onnx." + node.op_type();
  auto registered = RegisteredOperationName::lookup(opName, context);
  if (!schema || !registered)
    return emitError(loc) << "unsupported op " << node.op_type()
                          << " (domain ai.onnx, version " << opset << ")";

  using Opt = onnx::OpSchema::FormalParameterOption;
  OperationState state(loc, *registered);

  // Operands: one per formal input; absent optionals become onnx.NoValue.
  const auto &formalInputs = schema->inputs();
  for (size_t i = 0; i < formalInputs.size(); ++i) {
    if (formalInputs[i].GetOption() == Opt::Variadic) {
      for (int j = i; j < node.input_size(); ++j) {
        Value v = lookup(node.input(j));
        if (!v)
          return emitError(loc)
                 << "input '" << node.input(j)
                 << "' is not produced by any node or graph input";
        state.operands.push_back(v);
      }
      break;
    }
    if (static_cast<int>(i) < node.input_size() && !node.input(i).empty()) {
      Value v = lookup(node.input(i));
      if (!v)
        return emitError(loc) << "input '" << node.input(i)
                              << "' is not produced by any node or graph input";
      state.operands.push_back(v);
    } else {
      state.operands.push_back(ONNXNoValueOp::create(builder, loc));
    }
  }

  // Results: one per formal output; outputs the node omits have type none.
  const auto &formalOutputs = schema->outputs();
  SmallVector<std::string> resultNames;
  for (size_t i = 0; i < formalOutputs.size(); ++i) {
    int first = i, last = i + 1;
    if (formalOutputs[i].GetOption() == Opt::Variadic)
      last = std::max(node.output_size(), first);
    for (int j = first; j < last; ++j) {
      if (j >= node.output_size() || node.output(j).empty()) {
        state.types.push_back(builder.getNoneType());
        resultNames.push_back("");
        continue;
      }
      auto found = types.find(node.output(j));
      if (found == types.end())
        return emitError(loc) << "the type of output '" << node.output(j)
                              << "' cannot be inferred";
      auto type = getType(*found->second, node.output(j), loc);
      if (failed(type))
        return failure();
      state.types.push_back(*type);
      resultNames.push_back(node.output(j));
    }
  }

  // Attributes; graph attributes become regions in the schema's order.
  std::map<std::string, unsigned> regionIndex;
  for (const auto &entry : schema->attributes())
    if (entry.second.type == onnx::AttributeProto::GRAPH) {
      unsigned index = regionIndex.size();
      regionIndex[entry.first] = index;
    }
  for (size_t i = 0; i < regionIndex.size(); ++i)
    state.addRegion();
  SmallVector<std::pair<unsigned, onnx::GraphProto *>> subgraphs;
  for (auto &attr : *node.mutable_attribute()) {
    if (attr.type() == onnx::AttributeProto::GRAPH) {
      auto it = regionIndex.find(attr.name());
      if (it == regionIndex.end())
        return emitError(loc)
               << "unexpected graph attribute '" << attr.name() << "'";
      subgraphs.push_back({it->second, attr.mutable_g()});
      continue;
    }
    std::string error;
    std::string hint = node.name().empty() ? node.op_type() : node.name();
    Attribute value = convertAttributeProto(context, attr, hint, error);
    if (!value)
      return emitError(loc) << error;
    state.addAttribute(attr.name(), value);
  }

  Operation *op = builder.create(state);
  for (auto &[index, graph] : subgraphs)
    if (failed(importSubgraph(*graph, op->getRegion(index), node)))
      return failure();
  for (size_t i = 0; i < resultNames.size(); ++i)
    if (!resultNames[i].empty())
      scopes.back()[resultNames[i]] = op->getResult(i);
  return success();
}

LogicalResult ModelImporter::importSubgraph(onnx::GraphProto &graph,
                                            Region &region,
                                            const onnx::NodeProto &owner) {
  OpBuilder::InsertionGuard guard(builder);
  Location loc = nodeLoc(owner);
  Block *block = builder.createBlock(&region);
  scopes.emplace_back();
  for (const auto &input : graph.input()) {
    if (!input.has_type())
      return emitError(loc)
             << "subgraph input '" << input.name() << "' has no type";
    auto type = getType(input.type(), input.name(), loc);
    if (failed(type))
      return failure();
    scopes.back()[input.name()] =
        block->addArgument(*type, valueLoc(input.name()));
  }
  if (failed(importNodes(graph)))
    return failure();
  SmallVector<Value> outputs;
  for (const auto &output : graph.output()) {
    Value v = lookup(output.name());
    if (!v)
      return emitError(loc) << "subgraph output '" << output.name()
                            << "' is not produced by any node";
    outputs.push_back(v);
  }
  ONNXYieldOp::create(builder, loc, outputs);
  scopes.pop_back();
  return success();
}

OwningOpRef<ModuleOp> ModelImporter::importModel(onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  auto setString = [&](StringRef name, const std::string &value) {
    if (!value.empty())
      (*module)->setAttr(name, builder.getStringAttr(value));
  };
  setString("onnx.graph_name", graph.name());
  for (const auto &entry : model.metadata_props())
    if (entry.key() == "weft.fixed_batch")
      (*module)->setAttr("onnx.fixed_batch",
                         builder.getI64IntegerAttr(
                             std::strtoll(entry.value().c_str(), nullptr, 10)));
  setString("onnx.producer_name", model.producer_name());
  setString("onnx.producer_version", model.producer_version());

  llvm::StringSet<> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());

  scopes.emplace_back();
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue; // an input with a default value is a constant here
    if (!input.has_type()) {
      emitError(valueLoc(input.name())) << "graph input has no type";
      return nullptr;
    }
    auto type = getType(input.type(), input.name(), valueLoc(input.name()));
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (size_t i = 0; i < argNames.size(); ++i) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(argNames[i]));
    entry->getArgument(i).setLoc(valueLoc(argNames[i]));
    scopes.back()[argNames[i]] = entry->getArgument(i);
  }
  builder.setInsertionPointToStart(entry);
  if (failed(importNodes(graph)))
    return nullptr;

  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    Value v = lookup(output.name());
    if (!v) {
      emitError(valueLoc(output.name()))
          << "graph output '" << output.name()
          << "' is not produced by any node, input or initializer";
      return nullptr;
    }
    results.push_back(v);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(
      builder.getFunctionType(argTypes, TypeRange(ValueRange(results))));
  for (int i = 0; i < graph.output_size(); ++i)
    func.setResultAttr(i, "onnx.name",
                       builder.getStringAttr(graph.output(i).name()));

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

/// Parses (through `parse`), prepares and imports a model.
static OwningOpRef<ModuleOp> importModel(
    MLIRContext *context, StringRef displayName, StringRef baseDir,
    const ImportOptions &options,
    llvm::function_ref<bool(onnx::ModelProto &, PreparationError &)> parse) {
  context->loadDialect<ONNXDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, displayName, 0, 0);
  onnx::ModelProto model;
  PreparationError error;
  if (!parse(model, error) ||
      !prepareModel(model, baseDir, ONNXDialect::getOpsetVersion(), options,
                    error)) {
    Location loc = fileLoc;
    if (!error.node.empty())
      loc = NameLoc::get(StringAttr::get(context, error.node), fileLoc);
    emitError(loc) << error.message;
    return nullptr;
  }
  return ModelImporter(context, displayName).importModel(model);
}

OwningOpRef<ModuleOp> importONNXModelFromBytes(MLIRContext *context,
                                               StringRef bytes,
                                               StringRef displayName,
                                               StringRef baseDir,
                                               const ImportOptions &options) {
  return importModel(context, displayName, baseDir, options,
                     [&](onnx::ModelProto &model, PreparationError &error) {
                       return parseModel(bytes, model, options, error);
                     });
}

OwningOpRef<ModuleOp> importONNXModel(MLIRContext *context, StringRef path,
                                      const ImportOptions &options) {
  StringRef dir = llvm::sys::path::parent_path(path);
  std::string baseDir = dir.empty() ? "." : dir.str();
  return importModel(context, llvm::sys::path::filename(path), baseDir, options,
                     [&](onnx::ModelProto &model, PreparationError &error) {
                       return parseModelFile(path, model, options, error);
                     });
}

} // namespace weft
