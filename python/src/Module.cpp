//===- Module.cpp - The weft._weft Python extension ----------------------===//
//
// Bindings over the runtime's Session (numpy in and out, zero copies where
// the layout allows, the GIL released while the model runs) and the
// compiler (compile to artifact bytes; placement report). The Python-facing
// API (InferenceSession, compile) is in weft/__init__.py.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Compiler/Placement.h"
#include "weft/Runtime/Session/Session.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
namespace rt = weft::runtime;

namespace {

/// The numpy dtype of a runtime element type.
py::dtype toNumpy(rt::DType type) {
  switch (type) {
  case rt::DType::F32:
    return py::dtype::of<float>();
  case rt::DType::F64:
    return py::dtype::of<double>();
  case rt::DType::F16:
    return py::dtype("float16");
  case rt::DType::I64:
    return py::dtype::of<int64_t>();
  case rt::DType::I32:
    return py::dtype::of<int32_t>();
  case rt::DType::I16:
    return py::dtype::of<int16_t>();
  case rt::DType::I8:
    return py::dtype::of<int8_t>();
  case rt::DType::U64:
    return py::dtype::of<uint64_t>();
  case rt::DType::U32:
    return py::dtype::of<uint32_t>();
  case rt::DType::U16:
    return py::dtype::of<uint16_t>();
  case rt::DType::U8:
    return py::dtype::of<uint8_t>();
  case rt::DType::Bool:
    return py::dtype::of<bool>();
  case rt::DType::BF16:
    throw py::value_error("bfloat16 has no numpy type");
  }
  return py::dtype::of<float>();
}

/// The runtime element type of a numpy dtype, or nullopt.
std::optional<rt::DType> fromNumpy(const py::dtype &dtype) {
  for (rt::DType t :
       {rt::DType::F32, rt::DType::F64, rt::DType::F16, rt::DType::I64,
        rt::DType::I32, rt::DType::I16, rt::DType::I8, rt::DType::U64,
        rt::DType::U32, rt::DType::U16, rt::DType::U8, rt::DType::Bool})
    if (toNumpy(t).is(dtype) || toNumpy(t).equal(dtype))
      return t;
  return std::nullopt;
}

/// Raises the Python exception for a failed status: ValueError for what the
/// caller passed, FileNotFoundError for missing files, RuntimeError else.
[[noreturn]] void raise(const rt::Status &status) {
  switch (status.getCode()) {
  case rt::StatusCode::InvalidArgument:
    throw py::value_error(status.getMessage());
  case rt::StatusCode::NotFound:
    PyErr_SetString(PyExc_FileNotFoundError, status.getMessage().c_str());
    throw py::error_already_set();
  default:
    throw std::runtime_error(status.getMessage());
  }
}

/// A loaded artifact, as Python sees it.
class PySession {
public:
  explicit PySession(const std::string &path) {
    auto created = rt::Session::create(path);
    if (!created)
      raise(created.getStatus());
    session = std::move(*created);
  }

  /// [(name, numpy dtype, shape with None for a dynamic batch)]
  py::list describe(const std::vector<rt::TensorSpec> &specs) const {
    py::list result;
    for (const rt::TensorSpec &spec : specs) {
      py::list shape;
      for (int64_t d : spec.shape)
        shape.append(d == rt::kDynamicDim ? py::object(py::none())
                                          : py::object(py::int_(d)));
      result.append(py::make_tuple(spec.name, toNumpy(spec.dtype), shape));
    }
    return result;
  }
  py::list inputs() const { return describe(session->getInputs()); }
  py::list outputs() const { return describe(session->getOutputs()); }

  /// Runs on arrays given in the model's input order; returns the outputs.
  py::list run(const std::vector<py::array> &arrays) const {
    const auto &specs = session->getInputs();
    std::vector<py::array> kept; // contiguous arrays the views point into
    std::vector<std::vector<int64_t>> shapes;
    std::vector<rt::TensorView> inputs;
    kept.reserve(arrays.size());
    shapes.reserve(arrays.size());
    for (size_t i = 0; i < arrays.size(); ++i) {
      auto dtype = fromNumpy(arrays[i].dtype());
      if (!dtype)
        throw py::value_error(
            "input '" + (i < specs.size() ? specs[i].name : "?") +
            "': numpy dtype " + py::str(arrays[i].dtype()).cast<std::string>() +
            " has no runtime element type");
      // C-contiguous arrays are used in place; others are copied once.
      kept.push_back(py::array::ensure(arrays[i], py::array::c_style));
      if (!kept.back()) {
        std::string message =
            "input '" + (i < specs.size() ? specs[i].name : "?") +
            "': cannot allocate " + std::to_string(arrays[i].nbytes()) +
            " bytes for a contiguous copy of the array";
        PyErr_SetString(PyExc_MemoryError, message.c_str());
        throw py::error_already_set();
      }
      shapes.emplace_back(kept.back().shape(),
                          kept.back().shape() + kept.back().ndim());
      // Inputs are only read: read-only arrays are fine.
      inputs.push_back({*dtype, shapes.back().data(), shapes.back().size(),
                        const_cast<void *>(kept.back().data())});
    }
    int64_t batch = 1;
    if (session->hasDynamicBatch() && !shapes.empty() && !shapes[0].empty())
      batch = shapes[0][0];
    // Outputs are numpy arrays the compiled code writes into.
    std::vector<py::array> results;
    std::vector<rt::TensorView> outputs;
    std::vector<rt::TensorSpec> outSpecs =
        session->getOutputsForBatch(std::max<int64_t>(batch, 0));
    for (const rt::TensorSpec &spec : outSpecs) {
      results.emplace_back(toNumpy(spec.dtype), spec.shape);
      outputs.push_back({spec.dtype, spec.shape.data(), spec.shape.size(),
                         results.back().mutable_data()});
    }
    rt::Status status;
    {
      py::gil_scoped_release released;
      status = session->run(inputs, outputs);
    }
    if (!status)
      raise(status);
    py::list list;
    for (py::array &a : results)
      list.append(a);
    return list;
  }

private:
  std::unique_ptr<rt::Session> session;
};

/// Compiles an ONNX model; returns the artifact's bytes.
py::bytes compileModel(const std::string &path) {
  std::string artifact, error;
  {
    py::gil_scoped_release released;
    error = weft::compileModelToBytes(path, artifact);
  }
  if (!error.empty())
    throw std::runtime_error(error);
  return py::bytes(artifact);
}

/// Places an ONNX model's ops on the devices of `devices` with `strategy`:
/// [(node, op, device, reason)] and the predicted makespan in microseconds.
py::tuple placeModel(const std::string &path, const std::string &devices,
                     const std::string &strategy) {
  weft::PlacementReport report;
  std::string error;
  {
    py::gil_scoped_release released;
    error = weft::placeModel(path, devices, strategy, report);
  }
  if (!error.empty())
    throw std::runtime_error(error);
  py::list rows;
  for (const weft::PlacedOp &op : report.ops)
    rows.append(py::make_tuple(op.node, op.op, op.device, op.reason));
  return py::make_tuple(rows, report.makespanMicroseconds);
}

} // namespace

PYBIND11_MODULE(_weft, m) {
  m.doc() = "Weft's compiler and runtime (use the weft package's API)";
  py::class_<PySession>(m, "Session")
      .def(py::init<const std::string &>(), py::arg("path"))
      .def("inputs", &PySession::inputs)
      .def("outputs", &PySession::outputs)
      .def("run", &PySession::run, py::arg("inputs"));
  m.def("compile_model", &compileModel, py::arg("path"));
  m.def("place_model", &placeModel, py::arg("path"), py::arg("devices"),
        py::arg("strategy"));
}
