"""Writes add.onnx (y = x + w) with w, four floats of VALUE, in the external
data file w.bin, and x.npy (zeros), into DIR.

    external_add.py DIR VALUE

The model is rewritten byte for byte the same each time: only w.bin changes.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out, value = sys.argv[1], float(sys.argv[2])
os.makedirs(out, exist_ok=True)
np.full(4, value, np.float32).tofile(os.path.join(out, "w.bin"))
np.save(os.path.join(out, "x.npy"), np.zeros(4, np.float32))
w = TensorProto()
w.name = "w"
w.data_type = TensorProto.FLOAT
w.dims.extend([4])
w.data_location = TensorProto.EXTERNAL
for key, val in (("location", "w.bin"), ("offset", "0"), ("length", "16")):
    entry = w.external_data.add()
    entry.key, entry.value = key, val
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "w"], ["y"])], "add",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
with open(os.path.join(out, "add.onnx"), "wb") as f:
    f.write(model.SerializeToString())
