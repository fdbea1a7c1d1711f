"""Writes an input for examples/models/mlp.onnx and numpy's answer for it,
then (with --check) compares weft-run's output with the answer.

  mlp_reference.py <model.onnx> <dir>            writes <dir>/x.npy, <dir>/ref.npy
  mlp_reference.py --check <out.npy> <ref.npy>   exit 0 iff they match
"""
import sys
import numpy as np


def main(argv):
    if argv[1] == "--check":
        out, ref = np.load(argv[2]), np.load(argv[3])
        diff = np.abs(out - ref).max()
        print("max abs diff %.3g" % diff)
        ok = out.dtype == ref.dtype and out.shape == ref.shape and \
            np.allclose(out, ref, rtol=1e-3, atol=1e-7, equal_nan=True)
        return 0 if ok else 1
    import onnx
    from onnx import numpy_helper
    model = onnx.load(argv[1])
    w = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    x = np.random.RandomState(1).rand(2, 4, 16).astype(np.float32)
    h = np.maximum(x.reshape(2, 64) @ w["fc1.weight"].T + w["fc1.bias"], 0)
    o = h @ w["fc2.weight"].T + w["fc2.bias"]
    e = np.exp(o - o.max(axis=1, keepdims=True))
    np.save(argv[2] + "/x.npy", x)
    np.save(argv[2] + "/ref.npy", (e / e.sum(axis=1, keepdims=True)).astype(np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
