"""Small models with a dynamic batch dim, and numpy references.

    dynamic_batch_models.py <out_dir>

mlp.onnx: x [batch, 16] -> MatMul -> Add -> Relu -> Reshape to
[batch, 2, 4] through Shape/Gather/Concat (as exporters write it) -> Softmax;
mlp8.onnx: the same with a fixed batch of 8.
Writes x1.npy / x8.npy and ref1.npy / ref8.npy. Also writes models a dynamic
batch cannot compile: reduce_batch.onnx (ReduceSum over the batch),
batch_value.onnx (the batch size used as data), dynamic_seq.onnx (a dynamic
dim 1).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((16, 8)).astype(np.float32)
    b = rng.standard_normal(8).astype(np.float32)
    x_info = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 16])
    y_info = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 4])
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"]),
        helper.make_node("Add", ["h", "b"], ["hb"]),
        helper.make_node("Relu", ["hb"], ["r"]),
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "zero_axes"], ["n1"]),
        helper.make_node("Concat", ["n1", "rest"], ["target"], axis=0),
        helper.make_node("Reshape", ["r", "target"], ["r3"]),
        helper.make_node("Softmax", ["r3"], ["y"], axis=-1),
    ]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(np.array(0, np.int64), "zero"),
             numpy_helper.from_array(np.array([0], np.int64), "zero_axes"),
             numpy_helper.from_array(np.array([2, 4], np.int64), "rest")]
    save(helper.make_graph(nodes, "mlp", [x_info], [y_info], inits),
         os.path.join(out, "mlp.onnx"))
    # The same model exported with a fixed batch of 8.
    save(helper.make_graph(
        nodes, "mlp8",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 2, 4])],
        inits), os.path.join(out, "mlp8.onnx"))
    for n in (1, 8):
        x = rng.standard_normal((n, 16)).astype(np.float32)
        r = np.maximum(x @ w + b, 0).reshape(n, 2, 4)
        e = np.exp(r - r.max(-1, keepdims=True))
        np.save(os.path.join(out, f"x{n}.npy"), x)
        np.save(os.path.join(out, f"ref{n}.npy"), e / e.sum(-1, keepdims=True))

    s_info = helper.make_tensor_value_info("s", TensorProto.FLOAT, [1, 16])
    save(helper.make_graph(
        [helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=1)],
        "reduce_batch", [x_info], [s_info],
        [numpy_helper.from_array(np.array([0], np.int64), "axes")]),
        os.path.join(out, "reduce_batch.onnx"))

    z_info = helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 16])
    save(helper.make_graph([
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["n"], axis=0),
        helper.make_node("Cast", ["n"], ["nf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x", "nf"], ["z"]),
    ], "batch_value", [x_info], [z_info],
        [numpy_helper.from_array(np.array(0, np.int64), "zero")]),
        os.path.join(out, "batch_value.onnx"))

    q_info = helper.make_tensor_value_info("q", TensorProto.FLOAT, ["batch", "seq"])
    save(helper.make_graph([helper.make_node("Relu", ["q"], ["o"])],
                           "dynamic_seq", [q_info],
                           [helper.make_tensor_value_info(
                               "o", TensorProto.FLOAT, ["batch", "seq"])]),
         os.path.join(out, "dynamic_seq.onnx"))


if __name__ == "__main__":
    main()
