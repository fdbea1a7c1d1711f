"""A model whose ops a host-plus-GPU description splits between the devices.

`mixed_model.py DIR` writes DIR/mixed.onnx (a large MatMul on input x, worth
a GPU, and a small elementwise op on input s, cheaper where s already is),
DIR/x.npy, DIR/s.npy and the expected outputs DIR/ref_y.npy, DIR/ref_z.npy;
`mixed_model.py --check OUT DIR` compares weft-run's outputs in OUT with
them (ONNX's tolerances).
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def build(folder):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((512, 512)).astype(np.float32)
    w = (rng.standard_normal((512, 512)) / 16).astype(np.float32)
    b = rng.standard_normal((512,)).astype(np.float32)
    s = rng.standard_normal((8,)).astype(np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["xw"], name="matmul"),
        helper.make_node("Add", ["xw", "b"], ["xwb"], name="bias"),
        helper.make_node("Tanh", ["xwb"], ["y"], name="tanh"),
        helper.make_node("Relu", ["s"], ["z"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "mixed",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [512, 512]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, [8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [512, 512]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [8])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, f"{folder}/mixed.onnx")
    np.save(f"{folder}/x.npy", x)
    np.save(f"{folder}/s.npy", s)
    np.save(f"{folder}/ref_y.npy", np.tanh(x @ w + b))
    np.save(f"{folder}/ref_z.npy", np.maximum(s, 0))


def check(out, folder):
    for name in ("y", "z"):
        got, ref = np.load(f"{out}/{name}.npy"), np.load(f"{folder}/ref_{name}.npy")
        np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-5)
    print("outputs match")


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
    else:
        build(sys.argv[1])
