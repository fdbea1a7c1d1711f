//===- ModelChecks.cpp - Checks on a model before ONNX sees it
//-------------===//

#include "ModelChecks.h"
#include "weft/Dialect/ONNX/IR/AttributeRules.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include <map>
#include <set>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <vector>

namespace weft {
namespace {

bool fail(PreparationError &error, std::string message, std::string node = "") {
  error.message = std::move(message);
  error.node = std::move(node);
  return false;
}

std::string nodeName(const onnx::NodeProto &node) {
  return node.name().empty() ? node.op_type() : node.name();
}

bool readVarint(const uint8_t *&p, const uint8_t *end, uint64_t &value) {
  value = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    uint8_t byte = *p++;
    value |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/// Calls `visit` on `graph` and each graph nested in its nodes' attributes,
/// with the names visible from enclosing graphs.
using ScopedVisitor = std::function<bool(const onnx::GraphProto &)>;
bool forEachGraph(const onnx::GraphProto &graph, const ScopedVisitor &visit) {
  if (!visit(graph))
    return false;
  for (const auto &node : graph.node())
    for (const auto &attr : node.attribute()) {
      if (attr.has_g() && !forEachGraph(attr.g(), visit))
        return false;
      for (const auto &g : attr.graphs())
        if (!forEachGraph(g, visit))
          return false;
    }
  return true;
}

/// Finds a cycle among the graph's nodes (edges from a node to the producers
/// of its inputs) and describes it. Iterative: graphs can be large.
std::string describeCycle(const onnx::GraphProto &graph,
                          const llvm::StringMap<int> &producer) {
  int n = graph.node_size();
  std::vector<int> state(n, 0); // 0 new, 1 on the path, 2 done
  for (int root = 0; root < n; ++root) {
    if (state[root] != 0)
      continue;
    std::vector<std::pair<int, int>> path = {{root, 0}}; // node, next input
    state[root] = 1;
    while (!path.empty()) {
      auto &[node, next] = path.back();
      if (next == graph.node(node).input_size()) {
        state[node] = 2;
        path.pop_back();
        continue;
      }
      auto it = producer.find(graph.node(node).input(next++));
      if (it == producer.end() || state[it->second] == 2)
        continue;
      int j = it->second;
      if (state[j] == 0) {
        state[j] = 1;
        path.push_back({j, 0});
        continue;
      }
      // j is on the path: the cycle runs from j to the top of the path.
      std::string text;
      bool on = false;
      for (const auto &step : path) {
        on |= step.first == j;
        if (on)
          text += "'" + nodeName(graph.node(step.first)) + "' <- ";
      }
      return text + "'" + nodeName(graph.node(j)) + "'";
    }
  }
  return "";
}

bool checkOneGraph(const onnx::GraphProto &graph,
                   std::vector<const llvm::StringSet<> *> &outer,
                   PreparationError &error) {
  llvm::StringSet<> defined;
  for (const auto &input : graph.input())
    defined.insert(input.name());
  for (const auto &init : graph.initializer())
    defined.insert(init.name());

  // Who writes each name; a name written twice breaks SSA.
  llvm::StringMap<int> producer;
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto &output : graph.node(i).output()) {
      if (output.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(output, i);
      if (!inserted)
        return fail(error,
                    "nodes '" + nodeName(graph.node(it->second)) + "' and '" +
                        nodeName(graph.node(i)) + "' both write '" + output +
                        "'",
                    nodeName(graph.node(i)));
      if (defined.contains(output))
        return fail(error,
                    "node writes '" + output +
                        "', which is already a graph input or initializer",
                    nodeName(graph.node(i)));
    }

  auto visibleOutside = [&](const std::string &name) {
    for (const auto *scope : outer)
      if (scope->contains(name))
        return true;
    return false;
  };
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    for (const auto &input : node.input()) {
      if (input.empty() || defined.contains(input) || visibleOutside(input))
        continue;
      auto it = producer.find(input);
      if (it == producer.end())
        return fail(error,
                    "input '" + input +
                        "' is not produced by any node, graph input "
                        "or initializer",
                    nodeName(node));
      std::string cycle = describeCycle(graph, producer);
      if (!cycle.empty())
        return fail(error, "nodes form a cycle: " + cycle, nodeName(node));
      return fail(error,
                  "nodes are not in topological order: this node reads '" +
                      input + "' before node '" +
                      nodeName(graph.node(it->second)) + "' writes it",
                  nodeName(node));
    }
    // A subgraph sees what is defined before its node.
    outer.push_back(&defined);
    for (const auto &attr : node.attribute()) {
      std::vector<const onnx::GraphProto *> bodies;
      if (attr.has_g())
        bodies.push_back(&attr.g());
      for (const auto &g : attr.graphs())
        bodies.push_back(&g);
      for (const auto *body : bodies)
        if (!checkOneGraph(*body, outer, error)) {
          outer.pop_back();
          return false;
        }
    }
    outer.pop_back();
    for (const auto &output : node.output())
      if (!output.empty())
        defined.insert(output);
  }
  for (const auto &output : graph.output())
    if (!defined.contains(output.name()) && !visibleOutside(output.name()))
      return fail(error,
                  "graph output '" + output.name() +
                      "' is not produced by any node, input or initializer",
                  output.name());
  return true;
}

} // namespace

int scanSubgraphDepth(llvm::StringRef bytes, int stopAt) {
  enum Kind { Model, Graph, Node, Attribute };
  struct Frame {
    const uint8_t *p, *end;
    Kind kind;
    int depth;
  };
  auto *begin = reinterpret_cast<const uint8_t *>(bytes.data());
  llvm::SmallVector<Frame> stack = {{begin, begin + bytes.size(), Model, 0}};
  int deepest = 0;
  while (!stack.empty()) {
    Frame &frame = stack.back();
    if (frame.p >= frame.end) {
      stack.pop_back();
      continue;
    }
    uint64_t key, value;
    if (!readVarint(frame.p, frame.end, key))
      return deepest; // malformed: the parser will say so
    uint64_t field = key >> 3;
    switch (key & 7) {
    case 0:
      if (!readVarint(frame.p, frame.end, value))
        return deepest;
      break;
    case 1:
      frame.p += 8;
      break;
    case 5:
      frame.p += 4;
      break;
    case 2: {
      if (!readVarint(frame.p, frame.end, value) ||
          value > uint64_t(frame.end - frame.p))
        return deepest;
      const uint8_t *sub = frame.p;
      frame.p += value;
      Kind kind = frame.kind;
      int depth = frame.depth;
      bool descend = true;
      if (kind == Model && field == 7)
        kind = Graph;
      else if (kind == Graph && field == 1)
        kind = Node;
      else if (kind == Node && field == 5)
        kind = Attribute;
      else if (kind == Attribute && (field == 6 || field == 11))
        kind = Graph, ++depth;
      else
        descend = false;
      if (!descend)
        break;
      deepest = std::max(deepest, depth);
      if (deepest > stopAt)
        return deepest;
      stack.push_back({sub, sub + value, kind, depth});
      break;
    }
    default:
      return deepest;
    }
  }
  return deepest;
}

bool checkGraphStructure(const onnx::GraphProto &graph,
                         PreparationError &error) {
  std::vector<const llvm::StringSet<> *> outer;
  return checkOneGraph(graph, outer, error);
}

bool checkTensors(const onnx::GraphProto &graph, PreparationError &error) {
  return forEachGraph(graph, [&](const onnx::GraphProto &g) {
    llvm::StringMap<int32_t> declared;
    for (const auto &input : g.input())
      if (input.type().has_tensor_type())
        declared[input.name()] = input.type().tensor_type().elem_type();
    for (const auto &init : g.initializer()) {
      std::string problem;
      if (!validateTensorProto(init, problem))
        return fail(error, "initializer '" + init.name() + "': " + problem,
                    init.name());
      auto it = declared.find(init.name());
      if (it != declared.end() && it->second != 0 &&
          it->second != init.data_type())
        return fail(error,
                    "initializer '" + init.name() + "' holds " +
                        onnx::TensorProto::DataType_Name(
                            onnx::TensorProto::DataType(init.data_type())) +
                        " but the graph input of that name is declared " +
                        onnx::TensorProto::DataType_Name(
                            onnx::TensorProto::DataType(it->second)),
                    init.name());
    }
    for (const auto &node : g.node())
      for (const auto &attr : node.attribute()) {
        std::string problem;
        if (attr.has_t() && !validateTensorProto(attr.t(), problem))
          return fail(error, "attribute '" + attr.name() + "': " + problem,
                      nodeName(node));
      }
    return true;
  });
}

bool checkAttributeValues(const onnx::GraphProto &graph,
                          PreparationError &error) {
  return forEachGraph(graph, [&](const onnx::GraphProto &g) {
    for (const auto &node : g.node())
      for (const auto &attr : node.attribute()) {
        std::vector<int64_t> values;
        if (attr.type() == onnx::AttributeProto::INTS)
          values.assign(attr.ints().begin(), attr.ints().end());
        else if (attr.type() == onnx::AttributeProto::INT)
          values.push_back(attr.i());
        else
          continue;
        std::string problem =
            checkIntAttributeValues(node.op_type(), attr.name(), values);
        if (!problem.empty())
          return fail(error, problem, nodeName(node));
      }
    return true;
  });
}

bool checkSpatialAttributes(const onnx::GraphProto &graph,
                            PreparationError &error) {
  return forEachGraph(graph, [&](const onnx::GraphProto &g) {
    // Ranks known before type inference: graph inputs and initializers.
    std::map<std::string, int> ranks;
    for (const auto &input : g.input())
      if (input.type().tensor_type().has_shape())
        ranks[input.name()] = input.type().tensor_type().shape().dim_size();
    for (const auto &tensor : g.initializer())
      ranks[tensor.name()] = tensor.dims_size();
    auto rankOf = [&](const onnx::NodeProto &node, int i) {
      auto it = i < node.input_size() ? ranks.find(node.input(i)) : ranks.end();
      return it == ranks.end() ? -1 : it->second;
    };
    static const std::set<std::string> kConvs = {"Conv", "ConvTranspose",
                                                 "ConvInteger", "QLinearConv"};
    static const std::set<std::string> kPools = {
        "MaxPool", "AveragePool", "LpPool", "MaxRoiPool", "MaxUnpool"};
    for (const auto &node : g.node()) {
      bool conv = kConvs.count(node.op_type()) > 0;
      if (!conv && !kPools.count(node.op_type()))
        continue;
      // ONNX's own shape inference indexes these by the spatial rank without
      // checking (Debian's libonnx crashes): they must agree first.
      int input = rankOf(node, 0);
      int weight =
          conv ? rankOf(node, node.op_type() == "QLinearConv" ? 3 : 1) : -1;
      if (input >= 0 && weight >= 0 && input != weight)
        return fail(error,
                    node.op_type() + " input has rank " +
                        std::to_string(input) + " and its weight rank " +
                        std::to_string(weight) + "; they must be equal",
                    nodeName(node));
      int rank = weight >= 0 ? weight : input;
      if (rank >= 0 && rank < 3)
        return fail(error,
                    node.op_type() +
                        " needs a rank of at least 3 (batch, "
                        "channels and a spatial dim), got " +
                        std::to_string(rank),
                    nodeName(node));
      // The spatial rank: from the ranks, else from kernel_shape.
      int spatial = rank - 2;
      for (const auto &attr : node.attribute())
        if (rank < 0 && attr.name() == "kernel_shape")
          spatial = attr.ints_size();
      if (spatial < 0)
        continue;
      for (const auto &attr : node.attribute()) {
        int expected = attr.name() == "pads" ? 2 * spatial
                       : attr.name() == "kernel_shape" ||
                               attr.name() == "strides" ||
                               attr.name() == "dilations" ||
                               attr.name() == "output_padding" ||
                               attr.name() == "output_shape"
                           ? spatial
                           : -1;
        if (expected >= 0 && attr.ints_size() != expected)
          return fail(error,
                      node.op_type() + " attribute '" + attr.name() + "' has " +
                          std::to_string(attr.ints_size()) + " values; " +
                          std::to_string(spatial) + " spatial dims need " +
                          std::to_string(expected),
                      nodeName(node));
      }
    }
    return true;
  });
}

} // namespace weft
