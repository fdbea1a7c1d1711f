"""Writes small single-op models, their inputs and numpy's answers, for the
compile-and-run tests: <dir>/<name>.onnx, <name>.x.npy, <name>.ref.npy.

  op_models.py <dir>
"""
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(directory, name, nodes, x, ref, initializers=()):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ref.shape)],
        initializer=[numpy_helper.from_array(v, k) for k, v in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, "%s/%s.onnx" % (directory, name))
    np.save("%s/%s.x.npy" % (directory, name), x)
    np.save("%s/%s.ref.npy" % (directory, name), ref.astype(np.float32))


def main(directory):
    rng = np.random.RandomState(0)
    x = rng.rand(2, 3, 8).astype(np.float32)
    scale, bias = rng.rand(8).astype(np.float32), rng.rand(8).astype(np.float32)
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    save(directory, "layernorm",
         [helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1,
                           epsilon=1e-5)],
         x, (x - mean) / np.sqrt(var + 1e-5) * scale + bias,
         [("s", scale), ("b", bias)])
    save(directory, "slice",
         [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
         x, x[:, :, 1:7:2],
         [("st", np.array([1], np.int64)), ("en", np.array([7], np.int64)),
          ("ax", np.array([2], np.int64)), ("sp", np.array([2], np.int64))])
    # Relu keeps NaN (its max is one instruction that returns the NaN).
    nan_x = x - 0.5
    nan_x[0, 0, :2] = np.nan
    save(directory, "relu_nan", [helper.make_node("Relu", ["x"], ["y"])],
         nan_x, np.maximum(nan_x, 0))
    save(directory, "clip",
         [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])], x, np.clip(x, 0.25, 0.75),
         [("lo", np.array(0.25, np.float32)), ("hi", np.array(0.75, np.float32))])
    # Signed to unsigned: int8 widened to uint16 keeps two's complement
    # (-5 -> 65531), uint16 to float reads it unsigned.
    small = np.round(x * 200 - 100).astype(np.float32)
    save(directory, "cast_unsigned",
         [helper.make_node("Cast", ["x"], ["i8"], to=TensorProto.INT8),
          helper.make_node("CastLike", ["i8", "like"], ["u16"]),
          helper.make_node("Cast", ["u16"], ["y"], to=TensorProto.FLOAT)],
         small, small.astype(np.int8).astype(np.uint16).astype(np.float32),
         [("like", np.array([0], np.uint16))])
    conv_x = rng.rand(1, 4, 6, 6).astype(np.float32)
    w = rng.rand(4, 2, 3, 3).astype(np.float32)
    # Grouped 3x3 convolution, stride 2, pads 1, computed directly.
    padded = np.pad(conv_x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((1, 4, 3, 3), np.float32)
    for f in range(4):
        g = f // 2
        for i in range(3):
            for j in range(3):
                out[0, f, i, j] = (padded[0, 2 * g:2 * g + 2, 2 * i:2 * i + 3,
                                          2 * j:2 * j + 3] * w[f]).sum()
    save(directory, "conv",
         [helper.make_node("Conv", ["x", "w"], ["y"], group=2, strides=[2, 2],
                           pads=[1, 1, 1, 1])], conv_x, out, [("w", w)])
    # Depthwise convolutions at stride 1 on narrow rows sum over the padded
    # plane taken as one row: 3x3 with a bias and a Clip, 5x5 over two
    # images, both on maps wider than high (a random state of their own).
    deep = np.random.RandomState(2)
    for name, shape, k in (("depthwise", (1, 3, 5, 9), 3),
                           ("depthwise5", (2, 4, 6, 11), 5)):
        dx = deep.standard_normal(shape).astype(np.float32) * 3
        dx[0, 1, 2, 3] = np.nan  # stays NaN through the sum and the Clip
        dw = deep.standard_normal((shape[1], 1, k, k)).astype(np.float32)
        db = deep.standard_normal(shape[1]).astype(np.float32)
        p = k // 2
        padded = np.pad(dx, ((0, 0), (0, 0), (p, p), (p, p)))
        ref = np.zeros(shape, np.float64) + db[None, :, None, None]
        for i in range(k):
            for j in range(k):
                ref += (padded[:, :, i:i + shape[2], j:j + shape[3]] *
                        dw[None, :, 0, i, j, None, None])
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"],
                                  group=shape[1], pads=[p] * 4)]
        constants = [("w", dw), ("b", db)]
        if k == 3:
            nodes.append(helper.make_node("Clip", ["c", "lo", "hi"], ["y"]))
            constants += [("lo", np.array(0, np.float32)),
                          ("hi", np.array(6, np.float32))]
            ref = np.clip(ref, 0, 6)
        else:
            nodes.append(helper.make_node("Identity", ["c"], ["y"]))
        save(directory, name, nodes, dx, ref, constants)
    # Convolutions of one image with at most 64 output positions are the
    # transposed product (the filter packed once): 3x3 at 7x7 with a bias
    # and a Relu, and 1x1 at 5x5 with a bias (their own random state, so
    # that the cases after them keep their data).
    small = np.random.RandomState(1)
    for name, shape, f, k in (("small_conv", (1, 3, 7, 7), 8, 3),
                              ("small_pointwise", (1, 16, 5, 5), 12, 1)):
        sx = small.standard_normal(shape).astype(np.float32)
        sw = small.standard_normal((f, shape[1], k, k)).astype(np.float32)
        sb = small.standard_normal(f).astype(np.float32)
        p = k // 2
        padded = np.pad(sx, ((0, 0), (0, 0), (p, p), (p, p)))
        ref = np.zeros((1, f) + shape[2:], np.float64) + sb[None, :, None, None]
        for i in range(k):
            for j in range(k):
                ref += np.einsum("nchw,fc->nfhw",
                                 padded[:, :, i:i + shape[2], j:j + shape[3]],
                                 sw[:, :, i, j])
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[p] * 4)]
        if k == 3:
            nodes.append(helper.make_node("Relu", ["c"], ["y"]))
            ref = np.maximum(ref, 0)
        else:
            nodes.append(helper.make_node("Identity", ["c"], ["y"]))
        save(directory, name, nodes, sx, ref, [("w", sw), ("b", sb)])
    # Ungrouped 3x3 convolutions at stride 1 with constant filters take
    # Winograd's F(2x2, 3x3): an even output, and an odd one over two images
    # (tiles past the edge) with a bias and wider pads.
    for name, shape, f, pads in (("winograd", (1, 8, 12, 12), 16, 1),
                                 ("winograd_odd", (2, 5, 9, 7), 6, 2)):
        wx = rng.standard_normal(shape).astype(np.float32)
        ww = rng.standard_normal((f, shape[1], 3, 3)).astype(np.float32)
        wb = rng.standard_normal(f).astype(np.float32)
        padded = np.pad(wx, ((0, 0), (0, 0), (pads, pads), (pads, pads)))
        ho, wo = padded.shape[2] - 2, padded.shape[3] - 2
        ref = np.zeros((shape[0], f, ho, wo), np.float64) + wb[None, :, None, None]
        for i in range(3):
            for j in range(3):
                ref += np.einsum("nchw,fc->nfhw", padded[:, :, i:i + ho, j:j + wo],
                                 ww[:, :, i, j])
        save(directory, name,
             [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[pads] * 4)],
             wx, ref, [("w", ww), ("b", wb)])


if __name__ == "__main__":
    main(sys.argv[1])
