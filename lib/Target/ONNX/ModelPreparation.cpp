//===- ModelPreparation.cpp - Read, check and normalize a model
//------------===//

#include "ModelPreparation.h"
#include "ModelChecks.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include "onnx/checker.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <google/protobuf/stubs/logging.h>
#include <unistd.h>

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>
#include <functional>
#include <map>
#include <set>

using namespace llvm;

namespace weft {
namespace {

using GraphVisitor = std::function<bool(onnx::GraphProto &, int depth)>;

/// Visits `graph` and every subgraph nested in its nodes' attributes, depth
/// first; stops when `visit` returns false.
bool walkGraphs(onnx::GraphProto &graph, int depth, const GraphVisitor &visit) {
  if (!visit(graph, depth))
    return false;
  for (auto &node : *graph.mutable_node())
    for (auto &attr : *node.mutable_attribute()) {
      if (attr.has_g() && !walkGraphs(*attr.mutable_g(), depth + 1, visit))
        return false;
      for (auto &g : *attr.mutable_graphs())
        if (!walkGraphs(g, depth + 1, visit))
          return false;
    }
  return true;
}

/// The name diagnostics use for a node.
std::string nodeName(const onnx::NodeProto &node) {
  return node.name().empty() ? node.op_type() : node.name();
}

bool fail(PreparationError &error, std::string message, std::string node = "") {
  // ONNX's messages span lines; a diagnostic is one line.
  std::string flat;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    if (c == ' ' && (flat.empty() || flat.back() == ' '))
      continue;
    flat += c;
  }
  while (!flat.empty() && flat.back() == ' ')
    flat.pop_back();
  error.message = std::move(flat);
  error.node = std::move(node);
  return false;
}

/// Fails with an error of ONNX's type inference, which names the node inside
/// its message ("[ShapeInferenceError] (op_type:Add, node name: add): ..."):
/// the node moves to the diagnostic's location, as every other error has it.
bool failInference(PreparationError &error, const std::string &what,
                   const std::string &message) {
  static const std::string kOpType = "(op_type:", kNodeName = ", node name: ";
  size_t open = message.find(kOpType);
  size_t name =
      open == std::string::npos ? open : message.find(kNodeName, open);
  size_t close = name == std::string::npos ? name : message.find("): ", name);
  if (close == std::string::npos)
    return fail(error, what + ": " + message);
  std::string opType =
      message.substr(open + kOpType.size(), name - open - kOpType.size());
  std::string node =
      message.substr(name + kNodeName.size(), close - name - kNodeName.size());
  std::string detail = message.substr(close + 3);
  for (const char *tag : {"[ShapeInferenceError] ", "[TypeInferenceError] "})
    if (StringRef(detail).starts_with(tag))
      detail = detail.substr(std::strlen(tag));
  return fail(error, what + " (" + opType + "): " + detail, node);
}

/// Key of a model-local function: "domain:name".
std::string functionKey(const std::string &domain, const std::string &name) {
  return domain + ":" + name;
}

/// Refuses functions that call themselves, directly or not.
bool checkFunctionRecursion(
    const std::map<std::string, const onnx::FunctionProto *> &functions,
    PreparationError &error) {
  // Depth-first search with an explicit stack: chains of functions can be
  // as long as the model is large.
  std::map<std::string, int> state; // 1: on the stack, 2: done
  for (const auto &root : functions) {
    if (state[root.first] == 2)
      continue;
    std::vector<std::pair<std::string, int>> stack = {{root.first, 0}};
    state[root.first] = 1;
    while (!stack.empty()) {
      auto &[key, next] = stack.back();
      const onnx::FunctionProto *f = functions.at(key);
      if (next == f->node_size()) {
        state[key] = 2;
        stack.pop_back();
        continue;
      }
      const auto &node = f->node(next++);
      std::string callee = functionKey(node.domain(), node.op_type());
      if (!functions.count(callee) || state[callee] == 2)
        continue;
      if (state[callee] == 1)
        return fail(error, "function '" + callee +
                               "' calls itself (directly or through others); "
                               "recursive functions cannot be imported");
      state[callee] = 1;
      stack.push_back({callee, 0});
    }
  }
  return true;
}

/// Most nodes that inlining model-local functions may create.
constexpr int64_t kMaxInlinedNodes = 1000000;

/// Appends the body of `f` as called by `node` to `nodes`: internal values
/// renamed apart with `prefix`, formal inputs and outputs bound to the call's,
/// attribute references resolved from the call or, where it leaves one
/// unset, from `defaults` (else the body op's own default applies).
void appendFunctionBody(
    const onnx::NodeProto &node, const onnx::FunctionProto &f,
    const std::string &prefix,
    const std::map<std::string, const onnx::AttributeProto *> &defaults,
    google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes) {
  std::map<std::string, std::string> rename;
  for (int i = 0; i < f.input_size(); ++i)
    rename[f.input(i)] = i < node.input_size() ? node.input(i) : "";
  for (int i = 0; i < f.output_size(); ++i)
    rename[f.output(i)] = i < node.output_size() && !node.output(i).empty()
                              ? node.output(i)
                              : prefix + f.output(i); // not requested
  std::map<std::string, const onnx::AttributeProto *> callerAttrs = defaults;
  for (const auto &attr : node.attribute())
    callerAttrs[attr.name()] = &attr;
  auto mapName = [&](const std::string &name) {
    if (name.empty())
      return name;
    auto r = rename.find(name);
    return r != rename.end() ? r->second : prefix + name;
  };
  for (const auto &bodyNode : f.node()) {
    onnx::NodeProto *copy = nodes.Add();
    *copy = bodyNode;
    copy->set_name(prefix + bodyNode.name());
    for (auto &in : *copy->mutable_input())
      in = mapName(in);
    for (auto &out : *copy->mutable_output())
      out = mapName(out);
    google::protobuf::RepeatedPtrField<onnx::AttributeProto> attrs;
    for (const auto &attr : copy->attribute()) {
      if (attr.ref_attr_name().empty()) {
        *attrs.Add() = attr;
        continue;
      }
      auto caller = callerAttrs.find(attr.ref_attr_name());
      if (caller == callerAttrs.end())
        continue; // unset: the op's default applies
      onnx::AttributeProto *resolved = attrs.Add();
      *resolved = *caller->second;
      resolved->set_name(attr.name());
    }
    *copy->mutable_attribute() = attrs;
  }
}

/// Replaces every node for which `lookup` gives a function by that
/// function's body; with `repeat`, until none is left. Returns false once
/// more than `budget` nodes would have been created.
using FunctionLookup = std::function<bool(
    const onnx::NodeProto &, onnx::FunctionProto &,
    std::map<std::string, const onnx::AttributeProto *> &defaults)>;
bool expandCalls(onnx::GraphProto &graph, const FunctionLookup &lookup,
                 bool repeat, int &callCounter, int64_t &budget) {
  bool changed = true;
  while (changed) {
    changed = false;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (auto &node : *graph.mutable_node()) {
      onnx::FunctionProto f;
      std::map<std::string, const onnx::AttributeProto *> defaults;
      if (!lookup(node, f, defaults)) {
        *nodes.Add() = node;
        continue;
      }
      changed = true;
      budget -= f.node_size();
      if (budget < 0)
        return false;
      std::string name = f.name().empty() ? node.op_type() : f.name();
      appendFunctionBody(node, f,
                         name + "__" + std::to_string(callCounter++) + "__",
                         defaults, nodes);
    }
    *graph.mutable_node() = nodes;
    changed &= repeat;
  }
  return true;
}

/// Drops the running-statistics outputs that BatchNormalization nodes lifted
/// from opsets before 14 still name although nothing reads them: in
/// inference mode (training_mode 0) the op has one output.
void dropUnusedBatchNormStatistics(onnx::GraphProto &graph) {
  std::set<std::string> used;
  for (const auto &node : graph.node())
    for (const std::string &input : node.input())
      used.insert(input);
  for (const auto &output : graph.output())
    used.insert(output.name());
  for (auto &node : *graph.mutable_node()) {
    if (node.op_type() != "BatchNormalization" || node.output_size() < 2)
      continue;
    bool training = false;
    for (const auto &attr : node.attribute())
      training |= attr.name() == "training_mode" && attr.i() != 0;
    bool unused = true;
    for (int i = 1; i < node.output_size(); ++i)
      unused &= node.output(i).empty() || !used.count(node.output(i));
    if (!training && unused)
      node.mutable_output()->DeleteSubrange(1, node.output_size() - 1);
  }
}

/// Makes dim 0 of the graph's inputs (other than initializers) and outputs a
/// symbolic "batch" dim and forgets the inferred types in between, which
/// inference then derives again with the batch left open.
void freeBatchDim(onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  bool recorded = false;
  auto free = [&](onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape() ||
        info.type().tensor_type().shape().dim_size() == 0)
      return;
    auto *dim = info.mutable_type()
                    ->mutable_tensor_type()
                    ->mutable_shape()
                    ->mutable_dim(0);
    if (dim->has_dim_value() && !recorded) {
      recorded = true;
      // The importer records it on the module (onnx.fixed_batch).
      auto *entry = model.add_metadata_props();
      entry->set_key("weft.fixed_batch");
      entry->set_value(std::to_string(dim->dim_value()));
    }
    dim->set_dim_param("batch");
  };
  for (auto &input : *graph.mutable_input())
    if (!initializers.count(input.name()))
      free(input);
  for (auto &output : *graph.mutable_output())
    free(output);
  graph.clear_value_info();
}

/// Replaces every call of a model-local function by the function's body.
bool inlineFunctions(
    onnx::GraphProto &graph,
    const std::map<std::string, const onnx::FunctionProto *> &functions,
    int &callCounter, int64_t &budget) {
  return expandCalls(
      graph,
      [&](const onnx::NodeProto &node, onnx::FunctionProto &f,
          std::map<std::string, const onnx::AttributeProto *> &) {
        auto it = functions.find(functionKey(node.domain(), node.op_type()));
        if (it == functions.end())
          return false;
        f = *it->second;
        return true;
      },
      /*repeat=*/true, callCounter, budget);
}

/// The value types ONNX's inference found in `graph` (inputs, outputs,
/// value_info, initializers), by name.
std::map<std::string, onnx::TypeProto>
collectValueTypes(const onnx::GraphProto &graph) {
  std::map<std::string, onnx::TypeProto> types;
  for (const auto *list :
       {&graph.input(), &graph.output(), &graph.value_info()})
    for (const auto &info : *list)
      if (info.has_type())
        types[info.name()] = info.type();
  for (const auto &init : graph.initializer()) {
    onnx::TypeProto type;
    auto *tensor = type.mutable_tensor_type();
    tensor->set_elem_type(init.data_type());
    for (int64_t d : init.dims())
      tensor->mutable_shape()->add_dim()->set_dim_value(d);
    types[init.name()] = type;
  }
  return types;
}

/// Before opset 7, PRelu applied a 1-D slope of C values per channel (dim 1);
/// since, slopes broadcast numpy-style, and ONNX's version converter leaves
/// such a slope as it was. A constant slope of that form gets the trailing
/// unit dims that keep its meaning ([C] -> [C, 1, 1] for NCHW data).
void fixLegacyPReluSlopes(onnx::GraphProto &graph) {
  std::map<std::string, onnx::TypeProto> types = collectValueTypes(graph);
  std::map<std::string, onnx::TensorProto *> initializers;
  for (auto &init : *graph.mutable_initializer())
    initializers[init.name()] = &init;
  for (const auto &node : graph.node()) {
    if (node.op_type() != "PRelu" || node.input_size() != 2)
      continue;
    auto x = types.find(node.input(0));
    auto slope = initializers.find(node.input(1));
    if (x == types.end() || slope == initializers.end() ||
        !x->second.tensor_type().has_shape())
      continue;
    const auto &shape = x->second.tensor_type().shape();
    onnx::TensorProto &s = *slope->second;
    int rank = shape.dim_size();
    if (rank < 3 || s.dims_size() != 1 || !shape.dim(1).has_dim_value() ||
        s.dims(0) != shape.dim(1).dim_value() || s.dims(0) == 1 ||
        (shape.dim(rank - 1).has_dim_value() &&
         shape.dim(rank - 1).dim_value() == s.dims(0)))
      continue;
    for (int d = 2; d < rank; ++d)
      s.add_dims(1);
    // Old models also list initializers as typed graph inputs.
    for (auto *list : {graph.mutable_input(), graph.mutable_value_info()})
      for (auto &info : *list)
        if (info.name() == s.name() && info.type().has_tensor_type() &&
            info.type().tensor_type().has_shape())
          for (int d = 2; d < rank; ++d)
            info.mutable_type()
                ->mutable_tensor_type()
                ->mutable_shape()
                ->add_dim()
                ->set_dim_value(1);
  }
}

/// Replaces the default-domain nodes `options.expandFunction` selects by the
/// function bodies ONNX's schemas define for them, built for the node's input
/// types where the body depends on them. One level: bodies that call such
/// operators again are expanded by the next call, once types are inferred.
/// Bodies with subgraphs (Range's Loop) are left alone. Returns false if the
/// budget ran out.
bool expandSchemaFunctions(onnx::GraphProto &graph, int64_t opset,
                           const ImportOptions &options, int &callCounter,
                           int64_t &budget) {
  std::map<std::string, onnx::TypeProto> types = collectValueTypes(graph);
  return expandCalls(
      graph,
      [&](const onnx::NodeProto &node, onnx::FunctionProto &f,
          std::map<std::string, const onnx::AttributeProto *> &defaults) {
        if (!(node.domain().empty() || node.domain() == "ai.onnx") ||
            !options.expandFunction(node.op_type()))
          return false;
        const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
            node.op_type(), int(opset), node.domain());
        if (!schema)
          return false;
        if (schema->HasContextDependentFunction()) {
          std::vector<onnx::TypeProto> inputTypes;
          for (const std::string &input : node.input()) {
            auto it = types.find(input);
            inputTypes.push_back(it != types.end() ? it->second
                                                   : onnx::TypeProto());
          }
          onnx::FunctionBodyBuildContextImpl context(node, inputTypes);
          if (!schema->BuildContextDependentFunction(context, f))
            return false;
        } else if (schema->HasFunction()) {
          f = *schema->GetFunction();
        } else {
          return false;
        }
        for (const auto &bodyNode : f.node())
          for (const auto &attr : bodyNode.attribute())
            if (attr.has_g() || attr.graphs_size() > 0)
              return false;
        for (const auto &[name, attr] : schema->attributes())
          if (attr.default_value.type() != onnx::AttributeProto::UNDEFINED)
            defaults[name] = &attr.default_value;
        return true;
      },
      /*repeat=*/false, callCounter, budget);
}

/// Reads every tensor stored as external data into raw_data, refusing
/// locations outside `baseDir`, missing files and out-of-range extents.
bool loadExternalTensor(onnx::TensorProto &tensor, StringRef baseDir,
                        const ImportOptions &options, PreparationError &error) {
  if (!tensor.has_data_location() ||
      tensor.data_location() != onnx::TensorProto::EXTERNAL)
    return true;
  std::string what = "tensor '" + tensor.name() + "': external data";
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    auto parseNumber = [&](const std::string &text, int64_t &out) {
      if (text.empty() || text.size() > 18 ||
          !llvm::all_of(text, [](char c) { return c >= '0' && c <= '9'; }))
        return false;
      out = std::stoll(text);
      return true;
    };
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" && !parseNumber(entry.value(), offset))
      return fail(error,
                  what + " has an invalid offset '" + entry.value() + "'");
    else if (entry.key() == "length" && !parseNumber(entry.value(), length))
      return fail(error,
                  what + " has an invalid length '" + entry.value() + "'");
  }
  if (baseDir.empty())
    return fail(error,
                what + " cannot be read: the model was not loaded from a file");
  if (location.empty())
    return fail(error, what + " has no location");
  if (sys::path::is_absolute(location) || location[0] == '/' ||
      location[0] == '\\')
    return fail(error,
                what + " location '" + location +
                    "' is absolute; it must be relative to the model's folder");
  for (auto it = sys::path::begin(location), e = sys::path::end(location);
       it != e; ++it)
    if (*it == "..")
      return fail(error,
                  what + " location '" + location +
                      "' leaves the model's folder ('..' is not allowed)");

  SmallString<256> base, full;
  if (sys::fs::real_path(baseDir, base))
    return fail(error, what + ": cannot resolve the model's folder");
  SmallString<256> joined(baseDir);
  sys::path::append(joined, location);
  if (sys::fs::real_path(joined, full))
    return fail(error, what + " file '" + location + "' does not exist");
  std::string prefix = std::string(base) + "/";
  if (!StringRef(full).starts_with(prefix))
    return fail(
        error, what + " location '" + location +
                   "' resolves outside the model's folder (through a symlink)");
  sys::fs::file_status status;
  if (sys::fs::status(full, status) || !sys::fs::is_regular_file(status))
    return fail(error,
                what + " location '" + location + "' is not a regular file");
  int64_t size = static_cast<int64_t>(status.getSize());
  // The tensor's type says how many bytes it needs: nothing else is read.
  int64_t count = 0, expected = 0;
  std::string sizeError;
  if (!getTensorDataSize(tensor, count, expected, sizeError))
    return fail(error, "tensor '" + tensor.name() + "': " + sizeError);
  if (tensor.data_type() == onnx::TensorProto::STRING)
    return fail(error, what + ": string tensors cannot be stored externally");
  if (length >= 0 && length != expected)
    return fail(error, what + " length " + std::to_string(length) +
                           " is not the " + std::to_string(expected) +
                           " bytes the tensor's type and dims need");
  if (offset > size)
    return fail(error, what + " offset " + std::to_string(offset) +
                           " is past the end of '" + location + "' (" +
                           std::to_string(size) + " bytes)");
  if (length < 0 && size - offset != expected)
    return fail(error, what + " in '" + location + "' holds " +
                           std::to_string(size - offset) +
                           " bytes after offset " + std::to_string(offset) +
                           ", not the " + std::to_string(expected) +
                           " the tensor's type and dims need");
  length = expected;
  if (length > size - offset)
    return fail(error, what + " offset " + std::to_string(offset) +
                           " + length " + std::to_string(length) +
                           " is past the end of '" + location + "' (" +
                           std::to_string(size) + " bytes)");
  auto buffer = MemoryBuffer::getFileSlice(full, length, offset);
  if (!buffer)
    return fail(error, what + " file '" + location + "' cannot be read");
  if (options.onExternalFile)
    options.onExternalFile(full);
  tensor.set_raw_data((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}

bool loadExternalData(onnx::ModelProto &model, StringRef baseDir,
                      const ImportOptions &options, PreparationError &error) {
  return walkGraphs(
      *model.mutable_graph(), 0, [&](onnx::GraphProto &graph, int) {
        for (auto &tensor : *graph.mutable_initializer())
          if (!loadExternalTensor(tensor, baseDir, options, error))
            return false;
        for (auto &node : *graph.mutable_node())
          for (auto &attr : *node.mutable_attribute()) {
            if (attr.has_t() &&
                !loadExternalTensor(*attr.mutable_t(), baseDir, options, error))
              return false;
            for (auto &t : *attr.mutable_tensors())
              if (!loadExternalTensor(t, baseDir, options, error))
                return false;
          }
        return true;
      });
}

/// Refuses nodes of domains or operators the dialect does not have.
bool checkOperators(onnx::ModelProto &model, int64_t opset,
                    PreparationError &error) {
  std::map<std::string, int64_t> versions;
  for (const auto &imp : model.opset_import())
    versions[imp.domain()] = imp.version();
  return walkGraphs(
      *model.mutable_graph(), 0, [&](onnx::GraphProto &graph, int) {
        for (const auto &node : graph.node()) {
          std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
          auto v = versions.find(node.domain());
          std::string version = v == versions.end()
                                    ? "not imported"
                                    : "version " + std::to_string(v->second);
          if (!domain.empty())
            return fail(error,
                        "unsupported op " + node.op_type() + " (domain " +
                            node.domain() + ", " + version + ")",
                        nodeName(node));
          if (!onnx::OpSchemaRegistry::Schema(node.op_type(), opset, ""))
            return fail(error,
                        "unsupported op " + node.op_type() +
                            " (domain ai.onnx, version " +
                            std::to_string(opset) + ")",
                        nodeName(node));
        }
        return true;
      });
}

/// Whether operator `opType` has another version at `to` than at `from`.
bool operatorChanges(const std::string &opType, int64_t from, int64_t to) {
  const auto *before = onnx::OpSchemaRegistry::Schema(opType, from, "");
  const auto *after = onnx::OpSchemaRegistry::Schema(opType, to, "");
  return !before || !after || before->since_version() != after->since_version();
}

/// The node the version converter most likely failed on: the first one whose
/// operator changes between the opsets and is named in `message`.
std::string findNodeToConvert(onnx::ModelProto &model, int64_t opset,
                              int64_t targetOpset, StringRef message) {
  std::string found;
  walkGraphs(*model.mutable_graph(), 0, [&](onnx::GraphProto &graph, int) {
    for (const auto &node : graph.node()) {
      if (operatorChanges(node.op_type(), opset, targetOpset) &&
          message.contains(node.op_type())) {
        found = nodeName(node);
        return false;
      }
    }
    return true;
  });
  return found;
}

/// Whether any operator of the model has a newer version at `targetOpset`
/// than at `opset`, so that ONNX's version converter must rewrite it.
bool needsConversion(onnx::ModelProto &model, int64_t opset,
                     int64_t targetOpset) {
  bool needed = false;
  walkGraphs(*model.mutable_graph(), 0, [&](onnx::GraphProto &graph, int) {
    for (const auto &node : graph.node()) {
      if (operatorChanges(node.op_type(), opset, targetOpset)) {
        needed = true;
        return false;
      }
    }
    return true;
  });
  return needed;
}

} // namespace

/// Checks that need only the serialized bytes: size, and subgraph depth
/// (scanned first: protobuf's parser recurses once per nesting level).
static bool checkSerialized(StringRef bytes, const ImportOptions &options,
                            PreparationError &error) {
  if (bytes.empty())
    return fail(error, "the file is empty; it is not an ONNX model");
  if (bytes.size() >= static_cast<size_t>(INT_MAX))
    return fail(error,
                "the model is over 2 GiB, more than one protobuf can hold; "
                "save its weights as external data "
                "(onnx.save_model(..., save_as_external_data=True))");
  int depth = scanSubgraphDepth(bytes, options.maxSubgraphDepth);
  if (depth > options.maxSubgraphDepth)
    return fail(error, "subgraphs (If/Loop/Scan bodies) are nested deeper "
                       "than " +
                           std::to_string(options.maxSubgraphDepth) +
                           " levels; at most " +
                           std::to_string(options.maxSubgraphDepth) +
                           " levels are supported");
  return true;
}

/// Parses from `input` with a bound on message nesting; protobuf's own log is
/// silenced (failures are reported as diagnostics instead).
static bool parseFrom(google::protobuf::io::ZeroCopyInputStream &input,
                      onnx::ModelProto &model, const ImportOptions &options,
                      PreparationError &error) {
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;
  google::protobuf::io::CodedInputStream stream(&input);
  // Each subgraph level nests three messages (node, attribute, graph).
  stream.SetRecursionLimit(3 * (options.maxSubgraphDepth + 8) + 16);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return fail(error, "not a valid ONNX model: the protobuf does not parse "
                       "(not an ONNX file, or truncated)");
  if (!model.has_graph())
    return fail(error, "not a valid ONNX model: it has no graph");
  return true;
}

bool parseModel(StringRef bytes, onnx::ModelProto &model,
                const ImportOptions &options, PreparationError &error) {
  if (!checkSerialized(bytes, options, error))
    return false;
  google::protobuf::io::ArrayInputStream input(bytes.data(),
                                               static_cast<int>(bytes.size()));
  return parseFrom(input, model, options, error);
}

bool parseModelFile(StringRef path, onnx::ModelProto &model,
                    const ImportOptions &options, PreparationError &error) {
  // A FIFO or a device (/dev/zero) would be read without end.
  sys::fs::file_status status;
  if (!sys::fs::status(path, status) && sys::fs::is_directory(status))
    return fail(error, "cannot read the model: it is a directory");
  if (!sys::fs::status(path, status) && !sys::fs::is_regular_file(status))
    return fail(error, "cannot read the model: it is not a regular file "
                       "(a FIFO or a device)");
  {
    // Mapped only for the checks; unmapped before parsing so that the file's
    // pages and the parsed model are not resident together.
    auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
    if (!buffer)
      return fail(error,
                  "cannot read the model: " + buffer.getError().message());
    if (!checkSerialized((*buffer)->getBuffer(), options, error))
      return false;
  }
  int fd = ::open(path.str().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(error,
                "cannot open the model: " + std::string(strerror(errno)));
  google::protobuf::io::FileInputStream input(fd);
  bool ok = parseFrom(input, model, options, error);
  ::close(fd);
  return ok;
}

bool prepareModel(onnx::ModelProto &model, StringRef baseDir,
                  int64_t targetOpset, const ImportOptions &options,
                  PreparationError &error) {
  int64_t opset = -1;
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
  if (opset < 0)
    return fail(error, "the model imports no opset of the default ONNX domain "
                       "(ai.onnx), so its operators cannot be resolved");
  if (opset > targetOpset)
    return fail(error, "opset " + std::to_string(opset) +
                           " of the default domain is newer than supported "
                           "(at most " +
                           std::to_string(targetOpset) + ")");
  if (opset < 1)
    return fail(error, "invalid opset version " + std::to_string(opset));

  std::map<std::string, const onnx::FunctionProto *> functions;
  for (const auto &f : model.functions())
    functions[functionKey(f.domain(), f.name())] = &f;
  if (!functions.empty()) {
    if (!checkFunctionRecursion(functions, error))
      return false;
    int calls = 0;
    int64_t budget = kMaxInlinedNodes;
    if (!walkGraphs(*model.mutable_graph(), 0,
                    [&](onnx::GraphProto &graph, int) {
                      return inlineFunctions(graph, functions, calls, budget);
                    }))
      return fail(error, "inlining the model's local functions would expand "
                         "the graph past " +
                             std::to_string(kMaxInlinedNodes) + " nodes");
    functions.clear();
    model.clear_functions();
  }

  if (!checkOperators(model, opset, error) ||
      !checkGraphStructure(model.graph(), error) ||
      !checkTensors(model.graph(), error) ||
      !checkAttributeValues(model.graph(), error) ||
      !checkSpatialAttributes(model.graph(), error))
    return false;
  if (!loadExternalData(model, baseDir, options, error))
    return false;

  try {
    if (options.runChecker)
      onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return fail(error, std::string("the model is not valid ONNX: ") + e.what());
  }

  if (opset < targetOpset && !needsConversion(model, opset, targetOpset)) {
    // No operator changed between the two opsets: only the import moves.
    for (auto &imp : *model.mutable_opset_import())
      if (imp.domain().empty() || imp.domain() == "ai.onnx")
        imp.set_version(targetOpset);
  } else if (opset < targetOpset) {
    try {
      // The converter's adapters need shapes; infer them at the old opset.
      onnx::shape_inference::InferShapes(model,
                                         onnx::OpSchemaRegistry::Instance());
      model = onnx::version_conversion::ConvertVersion(model, targetOpset);
    } catch (const std::exception &e) {
      return fail(error,
                  "cannot lift the model from opset " + std::to_string(opset) +
                      " to " + std::to_string(targetOpset) + ": " + e.what(),
                  findNodeToConvert(model, opset, targetOpset, e.what()));
    }
  }

  if (opset < 14)
    dropUnusedBatchNormStatistics(*model.mutable_graph());
  if (opset < 7)
    fixLegacyPReluSlopes(*model.mutable_graph());
  if (options.freeBatchDim)
    freeBatchDim(model);

  if (options.inferShapes) {
    try {
      onnx::ShapeInferenceOptions inference(/*check_type=*/true,
                                            /*error_mode=*/1,
                                            /*data_prop=*/true);
      onnx::shape_inference::InferShapes(
          model, onnx::OpSchemaRegistry::Instance(), inference);
    } catch (const std::exception &e) {
      return failInference(error, "type inference failed", e.what());
    }
  }

  // Each round expands one level of function bodies and infers the types of
  // what it created, which the next level's bodies may depend on.
  for (int round = 0, calls = 1; options.expandFunction && calls > 0; ++round) {
    calls = 0;
    int64_t budget = kMaxInlinedNodes;
    if (round == 8 ||
        !expandSchemaFunctions(*model.mutable_graph(), targetOpset, options,
                               calls, budget))
      return fail(error, "expanding operators into their ONNX function "
                         "bodies does not end or grows the graph past " +
                             std::to_string(kMaxInlinedNodes) + " nodes");
    if (calls == 0 || !options.inferShapes)
      continue;
    try {
      onnx::ShapeInferenceOptions inference(/*check_type=*/true,
                                            /*error_mode=*/1,
                                            /*data_prop=*/true);
      onnx::shape_inference::InferShapes(
          model, onnx::OpSchemaRegistry::Instance(), inference);
    } catch (const std::exception &e) {
      return failInference(
          error, "type inference failed after expanding function bodies",
          e.what());
    }
  }
  return true;
}

} // namespace weft
