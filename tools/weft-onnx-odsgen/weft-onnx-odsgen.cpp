//===- weft-onnx-odsgen.cpp - ONNX schemas to ODS
//---------------------------===//
//
// Generates the ODS definitions of the `onnx` dialect from ONNX's own schema
// registry: one op per operator of the default domain at the requested opset,
// with typed operands and results, typed attributes (with ONNX's defaults),
// regions for graph attributes, and the operator's documentation.
//
// It reads nothing but the registry, so moving to a newer ONNX library is a
// version bump: rebuild against it and pass the new opset.
//
// Usage: weft-onnx-odsgen --opset 17 -o ONNXOps.td
//
//===----------------------------------------------------------------------===//

#include "onnx/common/version.h"
#include "onnx/defs/schema.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// Ops whose C++ class gets a `fold` hook (implemented in lib/Dialect/ONNX).
const std::set<std::string> kOpsWithFolder = {
    "Identity", "Shape",   "Size",      "Constant", "Cast",
    "Reshape",  "Squeeze", "Unsqueeze", "Flatten",  "Expand"};

/// Ops whose C++ class gets canonicalization patterns.
const std::set<std::string> kOpsWithCanonicalizer = {"Dropout", "Reshape",
                                                     "Transpose", "Constant"};

/// Ops that are not free of side effects: they draw random numbers.
const std::set<std::string> kRandomOps = {"RandomNormal",  "RandomNormalLike",
                                          "RandomUniform", "RandomUniformLike",
                                          "Bernoulli",     "Multinomial"};

/// Maps an ONNX element type name ("float", "int64") to an ODS type.
std::string elementTypeToODS(const std::string &name) {
  static const std::map<std::string, std::string> table = {
      {"float", "F32"},
      {"double", "F64"},
      {"float16", "F16"},
      {"bfloat16", "BF16"},
      {"int8", "I8"},
      {"int16", "I16"},
      {"int32", "I32"},
      {"int64", "I64"},
      {"uint8", "UI8"},
      {"uint16", "UI16"},
      {"uint32", "UI32"},
      {"uint64", "UI64"},
      {"bool", "I1"},
      {"string", "ONNX_StringType"},
      {"complex64", "Complex<F32>"},
      {"complex128", "Complex<F64>"},
  };
  auto it = table.find(name);
  if (it == table.end())
    return "";
  return it->second;
}

/// Splits "seq(tensor(float))" into ("seq", "tensor(float)").
bool splitCall(const std::string &s, std::string &head, std::string &inner) {
  size_t open = s.find('(');
  if (open == std::string::npos || s.back() != ')')
    return false;
  head = s.substr(0, open);
  inner = s.substr(open + 1, s.size() - open - 2);
  return true;
}

/// Maps one ONNX type string ("tensor(float)", "seq(tensor(int64))",
/// "optional(tensor(bool))") to an ODS type constraint; "" if unsupported.
std::string typeStrToODS(const std::string &typeStr) {
  std::string head, inner;
  if (!splitCall(typeStr, head, inner))
    return "";
  if (head == "tensor") {
    std::string elt = elementTypeToODS(inner);
    return elt.empty() ? "" : "TensorOf<[" + elt + "]>";
  }
  if (head == "seq") {
    std::string elt = typeStrToODS(inner);
    return elt.empty() ? "" : "ONNX_SeqOf<[" + elt + "]>";
  }
  if (head == "optional") {
    std::string elt = typeStrToODS(inner);
    return elt.empty() ? "" : "ONNX_OptOf<[" + elt + "]>";
  }
  return ""; // map(...) and sparse_tensor(...) belong to other domains.
}

/// Builds the ODS constraint for a formal parameter: the union of its allowed
/// types, merged per kind (tensors, sequences, optionals).
std::string parameterToODS(const onnx::OpSchema::FormalParameter &param,
                           bool allowNone) {
  std::vector<std::string> tensorElts, others;
  std::vector<std::string> typeStrs;
  for (const auto *t : param.GetTypes())
    typeStrs.push_back(*t);
  std::sort(typeStrs.begin(), typeStrs.end());
  for (const std::string &t : typeStrs) {
    std::string head, inner;
    if (splitCall(t, head, inner) && head == "tensor") {
      std::string elt = elementTypeToODS(inner);
      if (!elt.empty())
        tensorElts.push_back(elt);
      continue;
    }
    std::string ods = typeStrToODS(t);
    if (!ods.empty())
      others.push_back(ods);
  }
  std::vector<std::string> alternatives;
  if (!tensorElts.empty()) {
    std::string joined;
    for (size_t i = 0; i < tensorElts.size(); ++i)
      joined += (i ? ", " : "") + tensorElts[i];
    alternatives.push_back("TensorOf<[" + joined + "]>");
  }
  alternatives.insert(alternatives.end(), others.begin(), others.end());
  if (allowNone)
    alternatives.push_back("NoneType");
  if (alternatives.empty())
    return "AnyType";
  if (alternatives.size() == 1)
    return alternatives.front();
  std::string joined;
  for (size_t i = 0; i < alternatives.size(); ++i)
    joined += (i ? ", " : "") + alternatives[i];
  return "AnyTypeOf<[" + joined + "]>";
}

/// Escapes a string for a TableGen "..." literal.
std::string quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

/// Makes documentation safe inside a TableGen [{ ... }] code block.
std::string docBlock(std::string s) {
  size_t pos = 0;
  while ((pos = s.find("}]", pos)) != std::string::npos)
    s.replace(pos, 2, "} ]");
  return s;
}

/// Formats a float so that C++ reads back the same float.
std::string floatLiteral(float f) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", f);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

/// Returns the ODS attribute constraint for an ONNX attribute, or "" when the
/// attribute becomes a region instead.
std::string attributeToODS(const onnx::OpSchema::Attribute &attr,
                           std::string &error) {
  using onnx::AttributeProto;
  static const std::map<int, std::string> odsTypes = {
      {AttributeProto::INT, "I64Attr"},
      {AttributeProto::FLOAT, "F32Attr"},
      {AttributeProto::STRING, "StrAttr"},
      {AttributeProto::INTS, "DenseI64ArrayAttr"},
      {AttributeProto::FLOATS, "DenseF32ArrayAttr"},
      {AttributeProto::STRINGS, "StrArrayAttr"},
      {AttributeProto::TENSOR, "ElementsAttr"},
      {AttributeProto::SPARSE_TENSOR, "Builtin_SparseElementsAttr"},
      {AttributeProto::TENSORS,
       "TypedArrayAttrBase<ElementsAttr, \"array of tensors\">"},
      {AttributeProto::TYPE_PROTO, "TypeAttr"}};
  if (attr.type == AttributeProto::GRAPH)
    return "";
  auto it = odsTypes.find(attr.type);
  if (it == odsTypes.end()) {
    error = "attribute '" + attr.name + "' has an unsupported type";
    return "";
  }
  const std::string &base = it->second;

  // ONNX's default, as the C++ expression ODS builds the attribute from.
  const AttributeProto &dv = attr.default_value;
  auto list = [](const auto &values, auto format) {
    std::string out = "{";
    for (int i = 0; i < values.size(); ++i)
      out += (i ? ", " : "") + format(values.Get(i));
    return out + "}";
  };
  auto quoted = [](const std::string &v) { return "\"" + v + "\""; };
  auto integer = [](int64_t v) { return std::to_string(v); };
  std::string value;
  if (attr.type == AttributeProto::INT && dv.has_i())
    value = integer(dv.i());
  else if (attr.type == AttributeProto::FLOAT && dv.has_f())
    value = floatLiteral(dv.f());
  else if (attr.type == AttributeProto::STRING && dv.has_s())
    value = quoted(dv.s());
  else if (attr.type == AttributeProto::INTS && dv.ints_size())
    value = list(dv.ints(), integer);
  else if (attr.type == AttributeProto::FLOATS && dv.floats_size())
    value = list(dv.floats(), floatLiteral);
  else if (attr.type == AttributeProto::STRINGS && dv.strings_size())
    value = list(dv.strings(), quoted);
  if (!value.empty())
    return "DefaultValuedAttr<" + base + ", " + quote(value) + ">";
  if (attr.required)
    return base;
  return "OptionalAttr<" + base + ">";
}

/// A formal parameter's index list for the element-type agreement check.
struct TypeGroup {
  std::vector<std::string> members; // "i0", "i2+", "o0"
};

/// Emits one op definition; returns false (with a reason) if the schema uses
/// something the dialect cannot express.
bool emitOp(std::ostream &os, const onnx::OpSchema &schema,
            std::string &error) {
  const std::string &name = schema.Name();
  std::set<std::string> usedNames;
  auto uniqueName = [&](std::string n) {
    // ODS names must be unique across operands, results, attributes, regions.
    while (usedNames.count(n))
      n += "_";
    usedNames.insert(n);
    return n;
  };

  std::vector<std::string> args;
  std::vector<std::string> regions;
  std::map<std::string, TypeGroup> groups;

  const auto &inputs = schema.inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto &in = inputs[i];
    using Opt = onnx::OpSchema::FormalParameterOption;
    std::string type = parameterToODS(in, in.GetOption() == Opt::Optional);
    if (in.GetOption() == Opt::Variadic)
      type = "Variadic<" + type + ">";
    args.push_back(type + ":$" + uniqueName(in.GetName()));
    if (in.GetOption() != Opt::Variadic || in.GetIsHomogeneous())
      groups[in.GetTypeStr()].members.push_back(
          "i" + std::to_string(i) +
          (in.GetOption() == Opt::Variadic ? "+" : ""));
  }

  std::vector<std::string> results;
  const auto &outputs = schema.outputs();
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto &out = outputs[i];
    using Opt = onnx::OpSchema::FormalParameterOption;
    std::string type = parameterToODS(out, out.GetOption() == Opt::Optional);
    if (out.GetOption() == Opt::Variadic)
      type = "Variadic<" + type + ">";
    results.push_back(type + ":$" + uniqueName(out.GetName()));
    if (out.GetOption() != Opt::Variadic || out.GetIsHomogeneous())
      groups[out.GetTypeStr()].members.push_back(
          "o" + std::to_string(i) +
          (out.GetOption() == Opt::Variadic ? "+" : ""));
  }

  for (const auto &entry : schema.attributes()) {
    const auto &attr = entry.second;
    if (attr.type == onnx::AttributeProto::GRAPH) {
      regions.push_back("SizedRegion<1>:$" + uniqueName(attr.name));
      continue;
    }
    std::string ods = attributeToODS(attr, error);
    if (!error.empty())
      return false;
    args.push_back(ods + ":$" + uniqueName(attr.name));
  }

  // Element-type agreement between parameters that share a type variable.
  std::string groupSpec;
  for (const auto &g : groups) {
    bool isVariable = g.first.find('(') == std::string::npos;
    size_t size = g.second.members.size();
    bool variadic = size == 1 && g.second.members[0].back() == '+';
    if (!isVariable || (size < 2 && !variadic))
      continue;
    if (!groupSpec.empty())
      groupSpec += ";";
    for (size_t i = 0; i < size; ++i)
      groupSpec += (i ? "," : "") + g.second.members[i];
  }

  std::vector<std::string> traits;
  if (!regions.empty())
    traits.push_back("RecursiveMemoryEffects");
  else if (!kRandomOps.count(name))
    traits.push_back("Pure");
  if (name == "Constant")
    traits.push_back("ConstantLike");

  os << "def ONNX" << name << "Op : ONNX_Op<\"" << name << "\", [";
  for (size_t i = 0; i < traits.size(); ++i)
    os << (i ? ", " : "") << traits[i];
  os << "]> {\n";
  os << "  let summary = "
     << quote("ONNX " + name + " (opset " +
              std::to_string(schema.since_version()) + ")")
     << ";\n";
  os << "  let description = [{\n" << docBlock(schema.doc()) << "\n\n";
  os << "    ```mlir\n    %r = onnx." << name
     << "(...) : (...) -> (...)\n    ```\n  }];\n";
  os << "  let arguments = (ins";
  for (size_t i = 0; i < args.size(); ++i)
    os << (i ? ",\n    " : "\n    ") << args[i];
  os << ");\n";
  os << "  let results = (outs";
  for (size_t i = 0; i < results.size(); ++i)
    os << (i ? ",\n    " : "\n    ") << results[i];
  os << ");\n";
  std::string regionFormat;
  if (!regions.empty()) {
    os << "  let regions = (region";
    for (size_t i = 0; i < regions.size(); ++i) {
      os << (i ? ", " : " ") << regions[i];
      regionFormat += " $" + regions[i].substr(regions[i].find('$') + 1);
    }
    os << ");\n";
  }
  os << "  let assemblyFormat = \"`(` operands `)` attr-dict `:` "
        "functional-type(operands, results)"
     << regionFormat << "\";\n";
  os << "  let sinceVersion = " << schema.since_version() << ";\n";
  if (!groupSpec.empty())
    os << "  let typeGroups = " << quote(groupSpec) << ";\n";
  if (kOpsWithFolder.count(name))
    os << "  let hasFolder = 1;\n";
  if (kOpsWithCanonicalizer.count(name))
    os << "  let hasCanonicalizer = 1;\n";
  os << "}\n\n";
  return true;
}

} // namespace

int main(int argc, char **argv) {
  int opset = 17;
  std::string outPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--opset" && i + 1 < argc)
      opset = std::atoi(argv[++i]);
    else if (arg == "-o" && i + 1 < argc)
      outPath = argv[++i];
    else {
      std::cerr << "usage: weft-onnx-odsgen [--opset N] -o <file.td>\n";
      return 2;
    }
  }
  if (outPath.empty()) {
    std::cerr << "weft-onnx-odsgen: missing -o <file.td>\n";
    return 2;
  }

  std::set<std::string> names;
  for (const auto &schema :
       onnx::OpSchemaRegistry::get_all_schemas_with_history())
    if (schema.domain() == onnx::ONNX_DOMAIN)
      names.insert(schema.Name());

  std::ostringstream os;
  os << "//===- ONNXOps.td - generated from ONNX's schema registry -*- "
        "tablegen -*-===//\n//\n// Do not edit: weft-onnx-odsgen writes this "
        "file at build time (opset "
     << opset << ", ONNX " << onnx::LAST_RELEASE_VERSION << ").\n//\n"
     << "//===---------------------------------------------------------------"
        "-------===//\n\n"
     << "#ifndef WEFT_DIALECT_ONNX_IR_ONNXOPS_GEN_TD\n"
     << "#define WEFT_DIALECT_ONNX_IR_ONNXOPS_GEN_TD\n\n"
     << "include \"weft/Dialect/ONNX/IR/ONNXBase.td\"\n\n"
     << "defvar ONNX_OPSET = " << opset << ";\n\n";

  int emitted = 0;
  for (const std::string &name : names) {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(name, opset, onnx::ONNX_DOMAIN);
    if (!schema)
      continue; // introduced after the requested opset
    if (schema->deprecated())
      continue; // removed from the opset: the version converter rewrites it
    std::string error;
    std::ostringstream opOs;
    if (!emitOp(opOs, *schema, error)) {
      std::cerr << "weft-onnx-odsgen: cannot express " << name << ": " << error
                << "\n";
      return 1;
    }
    os << opOs.str();
    ++emitted;
  }
  os << "#endif // WEFT_DIALECT_ONNX_IR_ONNXOPS_GEN_TD\n";

  // Only touch the output when it changes, so rebuilds stay incremental.
  std::string text = os.str();
  {
    std::ifstream in(outPath, std::ios::binary);
    std::stringstream old;
    old << in.rdbuf();
    if (in && old.str() == text)
      return 0;
  }
  std::string tmp = outPath + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "weft-onnx-odsgen: cannot write " << tmp << "\n";
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), outPath.c_str()) != 0) {
    std::cerr << "weft-onnx-odsgen: cannot rename " << tmp << "\n";
    return 1;
  }
  std::cerr << "weft-onnx-odsgen: " << emitted << " ops at opset " << opset
            << "\n";
  return 0;
}
