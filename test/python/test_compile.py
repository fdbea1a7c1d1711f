"""weft.compile: artifacts, saving, placement, dynamic batch."""
import os
import subprocess
import sys

import numpy as np
import pytest

import weft


def test_compile_save_and_load(tmp_path, root):
    model = os.path.join(root, "examples", "models", "mlp.onnx")
    art = weft.compile(model, devices="host", strategy="heft")
    path = tmp_path / "mlp.weft"
    art.save(str(path))
    assert path.read_bytes() == art.data
    x = np.ones((2, 4, 16), np.float32)
    from_file = weft.InferenceSession(str(path)).run(None, {"input": x})[0]
    from_bytes = weft.InferenceSession(art.data).run(None, {"input": x})[0]
    np.testing.assert_array_equal(from_file, from_bytes)
    np.testing.assert_allclose(from_file.sum(axis=-1), 1, rtol=1e-5)


def test_placement_names_every_op(root):
    model = os.path.join(root, "examples", "models", "mlp.onnx")
    placement = weft.compile(model, devices="host-plus-h100").placement()
    assert [op for _, op, _, _ in placement] == ["Reshape", "Gemm", "Relu",
                                                 "Gemm", "Softmax"]
    for node, _, device, reason in placement:
        assert device in ("cpu:0", "cuda:0")
        assert "cpu:0" in reason and "cuda:0" in reason and "(heft)" in reason
    assert placement.makespan_us > 0
    assert "/fc1/Gemm" in str(placement)
    with pytest.raises(weft.CompileError, match="no-such-devices.json"):
        weft.compile(model, devices="no-such-devices.json").placement()


def test_dynamic_batch(tmp_path, root):
    subprocess.run([sys.executable,
                    os.path.join(root, "test", "e2e", "Inputs",
                                 "dynamic_batch_models.py"), str(tmp_path)],
                   check=True)
    sess = weft.InferenceSession(str(tmp_path / "mlp.onnx"))
    assert sess.get_inputs()[0].shape == ["batch", 16]
    for n in (1, 8):
        (y,) = sess.run(None, {"x": np.load(tmp_path / ("x%d.npy" % n))})
        np.testing.assert_allclose(y, np.load(tmp_path / ("ref%d.npy" % n)),
                                   rtol=1e-5, atol=1e-6)
