#!/usr/bin/env python3
"""Writes one small bad ONNX model per case of docs/importing.md ("Bad models").

    python gen_bad_models.py <outdir>

Used by the bad-inputs-*.test lit tests: each model must make
`weft-translate --import-onnx` print `<file>[:<node>]: error: <message>`, exit 1
and write no output file. Everything is deterministic (fixed seeds) and small
(nested-40000.onnx, 1.3 MB, is the largest); the "over 2 GiB" model is a sparse
file that takes no disk space, and the tests delete it once used.
"""

import os
import random
import struct
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = 17  # the opset Weft's onnx dialect follows (WEFT_ONNX_OPSET)
FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64


def model(nodes, inputs, outputs, initializers=(), opsets=None, functions=(),
          name="bad"):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs),
                              initializer=list(initializers))
    if opsets is None:
        opsets = [helper.make_opsetid("", OPSET)]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="gen_bad_models")
    m.ir_version = 8
    if functions:
        m.functions.extend(functions)
    return m


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def raw_tensor(name, elem, dims, raw):
    """A TensorProto whose raw_data is exactly `raw` (whatever dims say)."""
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def write(outdir, name, data):
    if isinstance(data, onnx.ModelProto):
        data = data.SerializeToString()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


# --- A tiny protobuf encoder, for models too deep for the protobuf library ---

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(value)


def field_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint((num << 3) | 2) + varint(len(data)) + data


def nested_if_model_bytes(depth):
    """A model whose graph holds an If whose then_branch holds an If ...,
    `depth` Ifs in all; the innermost branch is an empty graph. Each nested
    message is its parent's last field, so the bytes are all the headers, outer
    to inner: linear time, no recursion, whatever the depth."""
    # ModelProto: ir_version=1, graph=7, opset_import=8
    # OperatorSetIdProto: domain=1, version=2
    # GraphProto: node=1; NodeProto: op_type=4, attribute=5
    # AttributeProto: name=1, g=6, type=20 (GRAPH=5)
    node_head = field_bytes(4, "If")
    attr_head = field_bytes(1, "then_branch") + field_varint(20, 5)
    # (bytes before the nested field, number of the nested field), outer first
    levels = [(b"", 1), (node_head, 5), (attr_head, 6)] * depth
    sizes = [0] * (len(levels) + 1)  # sizes[i]: size of the message levels[i] opens
    for i in range(len(levels) - 1, -1, -1):
        head, num = levels[i]
        sizes[i] = (len(head) + len(varint((num << 3) | 2)) +
                    len(varint(sizes[i + 1])) + sizes[i + 1])
    opset = field_bytes(1, "") + field_varint(2, OPSET)
    out = bytearray(field_varint(1, 8) + field_bytes(8, opset))
    out += varint((7 << 3) | 2) + varint(sizes[0])
    for i, (head, num) in enumerate(levels):
        out += head + varint((num << 3) | 2) + varint(sizes[i + 1])
    return bytes(out)


def nested_if_model(depth):
    """`depth` Ifs nested through their then branches (else: one Identity),
    each returning a float; valid apart from its depth. Built with onnx.helper, innermost first."""
    body = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["r%d" % depth], name="leaf")],
        "body%d" % depth, [], [vi("r%d" % depth, FLOAT, [1])])
    for level in range(depth, 0, -1):
        out = "r%d" % (level - 1)
        leaf = helper.make_graph(
            [helper.make_node("Identity", ["x"], ["e%d" % level], name="else%d" % level)],
            "else%d" % level, [], [vi("e%d" % level, FLOAT, [1])])
        node = helper.make_node("If", ["cond"], [out], name="if%d" % level,
                                then_branch=body, else_branch=leaf)
        if level == 1:
            return model([node], [vi("cond", TensorProto.BOOL, []),
                                  vi("x", FLOAT, [1])],
                         [vi(out, FLOAT, [1])], name="main")
        body = helper.make_graph([node], "body%d" % (level - 1), [],
                                 [vi(out, FLOAT, [1])])


def minimal_png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit grey
    idat = zlib.compress(b"\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) +
            chunk(b"IEND", b""))


def good_model():
    w = helper.make_tensor("w", FLOAT, [4], np.arange(4, dtype=np.float32))
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", FLOAT, [4])], [vi("y", FLOAT, [4])], [w])


def external_model(location, offset=None, length=None):
    w = TensorProto()
    w.name = "w"
    w.data_type = FLOAT
    w.dims.extend([4])
    w.data_location = TensorProto.EXTERNAL
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        e = w.external_data.add()
        e.key = key
        e.value = value
    return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 [vi("x", FLOAT, [4])], [vi("y", FLOAT, [4])], [w])


def main(outdir):
    os.makedirs(outdir, exist_ok=True)

    # --- Files that are not ONNX models ---------------------------------
    write(outdir, "empty.onnx", b"")
    rng = random.Random(1234)
    write(outdir, "random.onnx", bytes(rng.randrange(256) for _ in range(4096)))
    write(outdir, "png.onnx", minimal_png())
    good = good_model().SerializeToString()
    write(outdir, "good.onnx", good)
    write(outdir, "truncated-1.onnx", good[:-1])
    write(outdir, "truncated-half.onnx", good[:len(good) // 2])

    # --- Nesting and recursion ------------------------------------------
    write(outdir, "nested-300.onnx", nested_if_model_bytes(300))
    # 120000 nested messages (1.3 MB): deep enough to overflow the stack of
    # any parser that recurses without a tight limit.
    write(outdir, "nested-40000.onnx", nested_if_model_bytes(40000))
    write(outdir, "nested-if-33.onnx", nested_if_model(33))
    write(outdir, "nested-if-40.onnx", nested_if_model(40))
    f = helper.make_function(
        "local", "F", ["a"], ["b"],
        [helper.make_node("F", ["a"], ["b"], domain="local", name="self_call")],
        [helper.make_opsetid("", OPSET), helper.make_opsetid("local", 1)])
    write(outdir, "recursive-function.onnx", model(
        [helper.make_node("F", ["x"], ["y"], domain="local", name="call_f")],
        [vi("x", FLOAT, [4])], [vi("y", FLOAT, [4])],
        opsets=[helper.make_opsetid("", OPSET), helper.make_opsetid("local", 1)],
        functions=[f]))

    # F30 calls F29 twice, which calls F28 twice, ... F0 is one Relu: not
    # recursive, but inlining it all makes 2**30 nodes from a 2.5 KB file.
    local = [helper.make_opsetid("", OPSET), helper.make_opsetid("local", 1)]
    bomb = [helper.make_function("local", "F0", ["a"], ["b"],
                                 [helper.make_node("Relu", ["a"], ["b"])], local)]
    for k in range(1, 31):
        callee = "F%d" % (k - 1)
        bomb.append(helper.make_function(
            "local", "F%d" % k, ["a"], ["b"],
            [helper.make_node(callee, ["a"], ["t"], domain="local"),
             helper.make_node(callee, ["t"], ["b"], domain="local")], local))
    write(outdir, "function-bomb.onnx", model(
        [helper.make_node("F30", ["x"], ["y"], domain="local", name="call_f30")],
        [vi("x", FLOAT, [4])], [vi("y", FLOAT, [4])], opsets=local, functions=bomb))

    # --- Over 2 GiB: a sparse file, no disk used --------------------------
    with open(os.path.join(outdir, "huge.onnx"), "wb") as f:
        f.seek(2**31 + 16)
        f.write(b"\x00")

    # --- Graph structure ------------------------------------------------
    x4, y4 = vi("x", FLOAT, [4]), vi("y", FLOAT, [4])
    write(outdir, "undefined-input.onnx", model(
        [helper.make_node("Add", ["x", "nowhere"], ["y"], name="add")], [x4], [y4]))
    write(outdir, "duplicate-output.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="first"),
         helper.make_node("Neg", ["x"], ["y"], name="second")], [x4], [y4]))
    write(outdir, "output-not-produced.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [x4],
        [y4, vi("missing_out", FLOAT, [4])]))
    write(outdir, "unsorted.onnx", model(
        [helper.make_node("Neg", ["t"], ["y"], name="uses_t"),
         helper.make_node("Relu", ["x"], ["t"], name="makes_t")], [x4], [y4]))
    write(outdir, "cycle.onnx", model(
        [helper.make_node("Add", ["x", "b"], ["a"], name="node_a"),
         helper.make_node("Relu", ["a"], ["b"], name="node_b"),
         helper.make_node("Identity", ["a"], ["y"], name="out")], [x4], [y4]))

    # An opset-6 Softmax whose input rank is unknown: ONNX's version
    # converter cannot lift it to opset 13's semantics.
    write(outdir, "lift-failure.onnx", model(
        [helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape"),
         helper.make_node("Softmax", ["r"], ["y"], name="softmax_of_unknown_rank")],
        [vi("x", FLOAT, [2, 3]), vi("s", INT64, ["n"])], [vi("y", FLOAT, ["a", "b"])],
        opsets=[helper.make_opsetid("", 6)]))

    # --- Tensor data ----------------------------------------------------
    x1024, y1024 = vi("x", FLOAT, [1024]), vi("y", FLOAT, [1024])
    add = helper.make_node("Add", ["x", "w"], ["y"], name="add")
    write(outdir, "raw-short.onnx", model(
        [add], [x1024], [y1024], [raw_tensor("w", FLOAT, [1024], b"\0\0\x80\x3f")]))
    write(outdir, "raw-long.onnx", model(
        [add], [x4], [y4], [raw_tensor("w", FLOAT, [4], bytes(32))]))
    write(outdir, "negative-dims.onnx", model(
        [add], [x4], [y4], [raw_tensor("w", FLOAT, [-4], bytes(16))]))
    ovf = TensorProto()
    ovf.name, ovf.data_type = "w", FLOAT
    ovf.dims.extend([2**40, 2**40])  # 2**80 elements; no data at all
    write(outdir, "overflow-dims.onnx", model(
        [add], [vi("x", FLOAT, [2**40, 2**40])], [vi("y", FLOAT, [2**40, 2**40])],
        [ovf]))
    write(outdir, "huge-dims.onnx", model(
        [add], [vi("x", FLOAT, [2**31, 2**20])], [vi("y", FLOAT, [2**31, 2**20])],
        [raw_tensor("w", FLOAT, [2**31, 2**20], b"")]))

    # --- Attributes and constants ---------------------------------------
    x23 = vi("x", FLOAT, [2, 3])
    write(outdir, "concat-axis.onnx", model(
        [helper.make_node("Concat", ["x", "x"], ["y"], name="concat", axis=5)],
        [x23], [vi("y", FLOAT, [4, 3])]))
    write(outdir, "softmax-axis.onnx", model(
        [helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=7)],
        [x23], [vi("y", FLOAT, [2, 3])]))
    write(outdir, "gather-negative-index.onnx", model(
        [helper.make_node("Gather", ["x", "idx"], ["y"], name="gather", axis=0)],
        [vi("x", FLOAT, [3, 4])], [vi("y", FLOAT, [1, 4])],
        [helper.make_tensor("idx", INT64, [1], [-100])]))
    conv_in = vi("x", FLOAT, [1, 1, 8, 8])
    conv_w = helper.make_tensor("w", FLOAT, [1, 1, 3, 3], np.ones(9, np.float32))
    write(outdir, "conv-zero-strides.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", strides=[0, 0])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])], [conv_w]))
    write(outdir, "conv-negative-kernel.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv",
                          kernel_shape=[-3, -3])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])], [conv_w]))
    write(outdir, "conv-zero-dilations.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", dilations=[0, 0])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])], [conv_w]))
    write(outdir, "conv-zero-group.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", group=0)],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])], [conv_w]))
    write(outdir, "maxpool-zero-strides.onnx", model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                          strides=[0, 0])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])]))

    # Found by fuzz-onnx-import: ONNX's own inference read past `pads` when
    # the weight had more spatial dims than the input.
    w5 = raw_tensor("w", FLOAT, [1, 1, 3, 3, 1], np.zeros(9, np.float32).tobytes())
    write(outdir, "conv-weight-rank.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])], [w5]))
    write(outdir, "maxpool-pads-length.onnx", model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3],
                          pads=[1, 1])],
        [conv_in], [vi("y", FLOAT, [1, 1, 6, 6])]))

    # --- External data --------------------------------------------------
    with open(os.path.join(outdir, "small.bin"), "wb") as f:
        f.write(bytes(16))
    # Valid external data, for contrast: floats 1..4 at offset 16 of a file in
    # a subfolder.
    os.makedirs(os.path.join(outdir, "weights"), exist_ok=True)
    with open(os.path.join(outdir, "weights", "w.bin"), "wb") as f:
        f.write(bytes(16) + np.arange(1, 5, dtype=np.float32).tobytes())
    write(outdir, "ext-good.onnx", external_model("weights/w.bin", offset=16, length=16))
    write(outdir, "ext-parent.onnx", external_model("../x.bin"))
    write(outdir, "ext-absolute.onnx", external_model("/etc/passwd"))
    write(outdir, "ext-dotdot.onnx", external_model("a/../../x.bin"))
    link = os.path.join(outdir, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    target = "/etc/hostname" if os.path.exists("/etc/hostname") else "/etc/passwd"
    os.symlink(target, link)
    write(outdir, "ext-symlink.onnx", external_model("link.bin"))
    write(outdir, "ext-missing.onnx", external_model("missing.bin"))
    write(outdir, "ext-past-end.onnx", external_model("small.bin", offset=8, length=16))
    write(outdir, "ext-offset-past-end.onnx", external_model("small.bin", offset=64))
    write(outdir, "ext-offset-wrap.onnx",
          external_model("small.bin", offset=2**64 - 1, length=16))
    write(outdir, "ext-length-wrap.onnx",
          external_model("small.bin", offset=8, length=2**64 - 8))
    # A 16-byte tensor whose file holds 3 GiB (sparse: no disk used): refused
    # from the sizes alone, before anything is read.
    with open(os.path.join(outdir, "sparse.bin"), "wb") as f:
        f.truncate(3 << 30)
    write(outdir, "ext-sparse.onnx", external_model("sparse.bin"))
    write(outdir, "ext-wrong-length.onnx",
          external_model("small.bin", offset=0, length=8))

    # --- Operators and opsets -------------------------------------------
    write(outdir, "unknown-op.onnx", model(
        [helper.make_node("NoSuchOp", ["x"], ["y"], name="mystery")], [x4], [y4]))
    write(outdir, "unknown-domain.onnx", model(
        [helper.make_node("Foo", ["x"], ["y"], domain="com.example", name="foo")],
        [x4], [y4],
        opsets=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.example", 1)]))
    relu = helper.make_node("Relu", ["x"], ["y"], name="relu")
    write(outdir, "opset-18.onnx", model(
        [relu], [x4], [y4], opsets=[helper.make_opsetid("", 18)]))
    write(outdir, "opset-99.onnx", model(
        [relu], [x4], [y4], opsets=[helper.make_opsetid("", 99)]))

    # --- Types ----------------------------------------------------------
    write(outdir, "add-mixed-types.onnx", model(
        [helper.make_node("Add", ["x", "n"], ["y"], name="add")],
        [x4, vi("n", INT64, [4])], [y4]))
    write(outdir, "init-dtype-mismatch.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
        [x4, vi("w", FLOAT, [4])], [y4],
        [helper.make_tensor("w", INT64, [4], [1, 2, 3, 4])]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_bad_models.py <outdir>")
    main(sys.argv[1])
