"""weft.InferenceSession: numerics against torch, errors, threads."""
import os
import threading

import numpy as np
import pytest

import weft


def relative_error(out, ref):
    return np.abs(out - ref).max() / np.abs(ref).max()


@pytest.mark.parametrize("name", ["resnet18", "encoder"])
def test_matches_torch(models, name):
    sess = weft.InferenceSession(os.path.join(models, name + ".onnx"))
    x = np.load(os.path.join(models, name + ".input.npy"))
    ref = np.load(os.path.join(models, name + ".output.npy"))
    (out,) = sess.run(None, {"input": x})
    assert out.shape == ref.shape and out.dtype == np.float32
    assert relative_error(out, ref) <= 1e-4


@pytest.fixture(scope="module")
def mlp(root):
    return weft.InferenceSession(os.path.join(root, "examples", "models", "mlp.onnx"))


def test_describes_inputs_and_outputs(mlp):
    (i,) = mlp.get_inputs()
    (o,) = mlp.get_outputs()
    assert (i.name, i.shape, i.type) == ("input", [2, 4, 16], "tensor(float)")
    assert (o.name, o.shape, o.type) == ("probabilities", [2, 10], "tensor(float)")
    assert mlp.get_providers() == ["cpu:0"]


def test_wrong_inputs_raise_value_error(mlp):
    x = np.zeros((2, 4, 16), np.float32)
    with pytest.raises(ValueError, match=r"^input 'input': expected shape "
                       r"\[2,4,16\] f32, got \[2,4,8\] f32$"):
        mlp.run(None, {"input": x[:, :, :8]})
    with pytest.raises(ValueError, match=r"^input 'input': expected shape "
                       r"\[2,4,16\] f32, got \[2,4,16\] f64$"):
        mlp.run(None, {"input": x.astype(np.float64)})
    with pytest.raises(ValueError, match=r"^unknown input 'x' \(the model's "
                       r"inputs: input\)$"):
        mlp.run(None, {"x": x})
    with pytest.raises(ValueError, match="missing input 'input'"):
        mlp.run(None, {})
    with pytest.raises(ValueError, match="unknown output 'nope'"):
        mlp.run(["nope"], {"input": x})


def test_input_too_large_to_copy_raises_memory_error(mlp):
    # A broadcast view of 10^11 rows: its contiguous copy cannot be made.
    huge = np.broadcast_to(np.zeros((1, 4, 16), np.float32), (10**11, 4, 16))
    with pytest.raises(MemoryError, match=r"^input 'input': cannot allocate "
                       r"25600000000000 bytes for a contiguous copy"):
        mlp.run(None, {"input": huge})
    # The session is still usable.
    (y,) = mlp.run(None, {"input": np.zeros((2, 4, 16), np.float32)})
    assert y.shape == (2, 10)


def test_output_names_select(mlp):
    x = np.random.default_rng(0).standard_normal((2, 4, 16)).astype(np.float32)
    (all_out,) = mlp.run(None, {"input": x})
    (named,) = mlp.run(["probabilities"], {"input": x})
    np.testing.assert_array_equal(all_out, named)
    # A non-contiguous view gives the same answer as its copy.
    wide = np.zeros((2, 4, 32), np.float32)
    wide[:, :, ::2] = x
    (strided,) = mlp.run(None, {"input": wide[:, :, ::2]})
    np.testing.assert_array_equal(all_out, strided)


def test_two_threads_share_a_session(mlp):
    rng = np.random.default_rng(1)
    inputs = [rng.standard_normal((2, 4, 16)).astype(np.float32) for _ in range(8)]
    expected = [mlp.run(None, {"input": x})[0] for x in inputs]
    errors = []

    def work(offset):
        for step in range(50):
            k = (offset + step) % len(inputs)
            (out,) = mlp.run(None, {"input": inputs[k]})
            if not np.array_equal(out, expected[k]):
                errors.append(k)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_missing_files_and_bad_models(tmp_path, root):
    with pytest.raises(FileNotFoundError):
        weft.InferenceSession(str(tmp_path / "absent.onnx"))
    unsupported = "/usr/share/libonnx-testdata/data/node/test_gridsample/model.onnx"
    with pytest.raises(weft.CompileError, match="unsupported op GridSample"):
        weft.InferenceSession(unsupported)
    broken = tmp_path / "broken.weft"
    broken.write_bytes(b"not an artifact at all")
    with pytest.raises(ValueError, match="broken.weft: not a Weft artifact"):
        weft.InferenceSession(str(broken))
    data = bytearray(weft.compile(os.path.join(root, "examples", "models",
                                               "mlp.onnx")).data)
    data[-100] ^= 1
    flipped = tmp_path / "flipped.weft"
    flipped.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="flipped.weft: section .* is corrupt"):
        weft.InferenceSession(str(flipped))
    with pytest.raises(ValueError, match="provider"):
        weft.InferenceSession(os.path.join(root, "examples", "models", "mlp.onnx"),
                              providers=["CUDAExecutionProvider"])


@pytest.mark.parametrize("test", ["test_cast_FLOAT16_to_FLOAT", "test_and2d",
                                  "test_argmax_default_axis_example",
                                  "test_cast_FLOAT_to_FLOAT16"])
def test_element_types(test):
    """float16, bool and int64 go in and come out as numpy arrays."""
    from onnx import TensorProto, numpy_helper

    folder = "/usr/share/libonnx-testdata/data/node/" + test
    sess = weft.InferenceSession(folder + "/model.onnx")

    def load(path):
        proto = TensorProto()
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
        return numpy_helper.to_array(proto)

    feeds = {i.name: load("%s/test_data_set_0/input_%d.pb" % (folder, n))
             for n, i in enumerate(sess.get_inputs())}
    outputs = sess.run(None, feeds)
    for n, out in enumerate(outputs):
        expected = load("%s/test_data_set_0/output_%d.pb" % (folder, n))
        assert out.dtype == expected.dtype
        np.testing.assert_allclose(out.astype(np.float64),
                                   expected.astype(np.float64), rtol=1e-3,
                                   atol=1e-7)
