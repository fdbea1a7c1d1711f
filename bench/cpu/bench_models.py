"""The benchmark's small models, next to scripts/gen_models.py's real ones.

    bench_models.py OUT_DIR

writes mlp_b64.onnx (784 -> 1024 -> 1024 -> 10 with ReLUs, batch 64, random
weights) and matmul1024.onnx (one MatMul of two 1024x1024 inputs), opset 17,
seeded; existing files are kept.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(model, path):
    if not os.path.exists(path):
        onnx.save(model, path)


def mlp(path):
    rng = np.random.default_rng(0)
    sizes = [784, 1024, 1024, 10]
    nodes, weights, x = [], [], "input"
    for i, (k, n) in enumerate(zip(sizes, sizes[1:])):
        w = (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32)
        b = rng.standard_normal(n).astype(np.float32) * 0.1
        weights += [numpy_helper.from_array(w, f"w{i}"),
                    numpy_helper.from_array(b, f"b{i}")]
        last = i == len(sizes) - 2
        nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"],
                                      ["output" if last else f"g{i}"]))
        if not last:
            nodes.append(helper.make_node("Relu", [f"g{i}"], [f"h{i}"]))
            x = f"h{i}"
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [64, 784])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [64, 10])],
        weights)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
         path)


def matmul(path):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["output"])], "matmul1024",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1024, 1024]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [1024, 1024])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                       [1024, 1024])])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
         path)


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    mlp(os.path.join(out, "mlp_b64.onnx"))
    matmul(os.path.join(out, "matmul1024.onnx"))
