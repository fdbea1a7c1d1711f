"""Weft: compile ONNX models to native code and run them.

    import weft, numpy as np
    sess = weft.InferenceSession("resnet18.onnx")       # or a compiled .weft
    outs = sess.run(None, {"input": np.random.rand(1, 3, 224, 224).astype(np.float32)})
    art = weft.compile("resnet18.onnx", devices="host", strategy="heft")
    art.save("resnet18.weft"); print(art.placement())

The run API mirrors onnxruntime's InferenceSession, so switching is a change
of import. Wrong inputs raise ValueError with the runtime's message; a missing
file raises FileNotFoundError; a model that does not compile raises
weft.CompileError naming the node.
"""

import os
import tempfile

from . import _weft

__all__ = ["InferenceSession", "NodeArg", "Artifact", "Placement",
           "CompileError", "compile", "get_available_providers"]


class CompileError(RuntimeError):
    """A model that does not compile; the message names the node and why."""


def get_available_providers():
    """The devices this build runs compiled code on (as Weft names them)."""
    return ["cpu:0"]


class NodeArg:
    """A graph input or output: name, shape and type, as onnxruntime has them.

    A dynamic batch dim shows as the string "batch" in the shape.
    """

    _TYPES = {"float32": "float", "float64": "double", "float16": "float16",
              "int64": "int64", "int32": "int32", "int16": "int16",
              "int8": "int8", "uint64": "uint64", "uint32": "uint32",
              "uint16": "uint16", "uint8": "uint8", "bool": "bool"}

    def __init__(self, name, dtype, shape):
        self.name = name
        self.dtype = dtype
        self.shape = ["batch" if d is None else d for d in shape]
        self.type = "tensor(%s)" % self._TYPES.get(str(dtype), str(dtype))

    def __repr__(self):
        return "NodeArg(name=%r, type=%r, shape=%r)" % (self.name, self.type,
                                                        self.shape)


class Placement(list):
    """Where each op of a model runs and why: a list of
    (node, op, device, reason) tuples; str() is a table."""

    def __init__(self, rows, makespan_us, devices, strategy):
        super().__init__(rows)
        self.makespan_us = makespan_us
        self.devices = devices
        self.strategy = strategy

    def __str__(self):
        lines = ["placement on %s (%s), predicted makespan %.1f us" %
                 (self.devices, self.strategy, self.makespan_us)]
        width = max([len(node) for node, _, _, _ in self] + [4])
        for node, _, device, reason in self:
            lines.append("%-*s  %-8s  %s" % (width, node, device, reason))
        return "\n".join(lines)


class Artifact:
    """A compiled model: its .weft bytes, and where its ops were placed."""

    def __init__(self, data, model_path, devices, strategy):
        self.data = data
        self._model_path = model_path
        self._devices = devices
        self._strategy = strategy
        self._placement = None

    def save(self, path):
        """Writes the artifact (through a temporary file renamed into place)."""
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".weft.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def placement(self):
        """Each op's device and the cost model's reason (a Placement)."""
        if self._placement is None:
            try:
                rows, makespan = _weft.place_model(
                    self._model_path, self._devices, self._strategy)
            except RuntimeError as e:
                raise CompileError(str(e)) from None
            self._placement = Placement(rows, makespan, self._devices,
                                        self._strategy)
        return self._placement


def _check_model_path(path):
    if not os.path.exists(path):
        raise FileNotFoundError("%s: no such file" % path)


def compile(model_path, devices="host", strategy="heft"):
    """Compiles the ONNX model at `model_path` to native code for this CPU.

    `devices` (a built-in description such as "host" or "host-plus-h100",
    or a JSON file) and `strategy` (heft, exact, chain-dp, min-cut, greedy,
    single=<device>) decide the placement that Artifact.placement() reports.
    """
    model_path = os.fspath(model_path)
    _check_model_path(model_path)
    try:
        data = _weft.compile_model(model_path)
    except RuntimeError as e:
        raise CompileError(str(e)) from None
    return Artifact(data, model_path, devices, strategy)


class InferenceSession:
    """A loaded model, run as onnxruntime.InferenceSession runs one.

    `path_or_bytes`: a .onnx model (compiled first), a .weft artifact, or an
    artifact's bytes. `providers`, where given, must be Weft devices this
    build runs ("cpu:0", or onnxruntime's "CPUExecutionProvider").
    One session may be run from several threads at once; the GIL is released
    while the model runs.
    """

    def __init__(self, path_or_bytes, sess_options=None, providers=None,
                 **kwargs):
        for provider in providers or []:
            if provider not in ("cpu:0", "CPUExecutionProvider"):
                raise ValueError("provider %r is not available (available: %s)"
                                 % (provider, get_available_providers()))
        if isinstance(path_or_bytes, (bytes, bytearray)):
            self._session = self._load_bytes(bytes(path_or_bytes))
        else:
            path = os.fspath(path_or_bytes)
            _check_model_path(path)
            if path.endswith(".onnx"):
                self._session = self._load_bytes(compile(path).data)
            else:
                self._session = _weft.Session(path)
        self._inputs = [NodeArg(*i) for i in self._session.inputs()]
        self._outputs = [NodeArg(*o) for o in self._session.outputs()]

    @staticmethod
    def _load_bytes(data):
        # The runtime maps artifacts from files; the file may go once loaded.
        fd, path = tempfile.mkstemp(suffix=".weft")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            return _weft.Session(path)
        finally:
            os.unlink(path)

    def get_inputs(self):
        return list(self._inputs)

    def get_outputs(self):
        return list(self._outputs)

    def get_providers(self):
        return get_available_providers()

    def run(self, output_names, input_feed, run_options=None):
        """Runs the model: `input_feed` maps input names to numpy arrays;
        returns the outputs named in `output_names` (all if None)."""
        import numpy as np

        if not isinstance(input_feed, dict):
            raise ValueError("input_feed must be a dict of name -> array")
        names = [i.name for i in self._inputs]
        for name in input_feed:
            if name not in names:
                raise ValueError("unknown input '%s' (the model's inputs: %s)"
                                 % (name, ", ".join(names)))
        arrays = []
        for spec in self._inputs:
            if spec.name not in input_feed:
                raise ValueError("missing input '%s' (%s %s)" %
                                 (spec.name, spec.shape, spec.type))
            arrays.append(np.asarray(input_feed[spec.name]))
        results = self._session.run(arrays)
        if output_names is None:
            return results
        by_name = {o.name: r for o, r in zip(self._outputs, results)}
        selected = []
        for name in output_names:
            if name not in by_name:
                raise ValueError("unknown output '%s' (the model's outputs: %s)"
                                 % (name, ", ".join(by_name)))
            selected.append(by_name[name])
        return selected
