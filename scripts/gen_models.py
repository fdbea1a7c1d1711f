#!/usr/bin/python3
"""Generate real-world ONNX test models for Weft.

Produces resnet18.onnx, mobilenet_v2.onnx and encoder.onnx (opset 17, static
shapes, random weights) plus a reference input/output pair per model
(<name>.input.npy / <name>.output.npy) that end-to-end tests compare against.

Random weights keep the script offline and the models license-free; the fixed
seed keeps every run byte-for-byte reproducible.

Usage: /usr/bin/python3 scripts/gen_models.py [OUT_DIR]   (default: models/)
Models whose .onnx file already exists are skipped, so reruns are cheap.
"""

import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision


class EncoderLayer(nn.Module):
    """Pre-norm transformer encoder layer with hand-written attention.

    nn.MultiheadAttention would export as a fused blob on some torch versions;
    writing it out keeps the MatMul/Softmax structure visible, and deriving
    sizes from x.shape (as typical model code does) makes the exporter emit the
    Shape/Gather/Unsqueeze/Concat/Reshape chains the importer has to handle.
    """

    def __init__(self, d_model, heads, ffn):
        super().__init__()
        self.heads = heads
        # A Python constant: math.sqrt on a traced size would warn and bake in anyway.
        self.scale = 1.0 / math.sqrt(d_model // heads)
        self.norm1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.ff1 = nn.Linear(d_model, ffn)
        self.ff2 = nn.Linear(ffn, d_model)
        self.act = nn.GELU()

    def attention(self, x):
        b, s, d = x.shape
        h = self.heads
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        # (b, s, d) -> (b, h, s, d/h)
        q = q.view(b, s, h, d // h).transpose(1, 2)
        k = k.view(b, s, h, d // h).transpose(1, 2)
        v = v.view(b, s, h, d // h).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) * self.scale
        out = torch.softmax(scores, dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, s, d))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.ff2(self.act(self.ff1(self.norm2(x))))


class Encoder(nn.Module):
    def __init__(self, layers=4, d_model=256, heads=4, ffn=1024):
        super().__init__()
        self.layers = nn.ModuleList(
            EncoderLayer(d_model, heads, ffn) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), [1, 3, 224, 224]),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), [1, 3, 224, 224]),
    "encoder": (Encoder, [1, 128, 256]),
    # The same resnet18 (same seed, same weights) with a dynamic batch dim,
    # saved with a batch-8 input and torch's output for it.
    "resnet18_dynamic": (lambda: torchvision.models.resnet18(weights=None),
                         [8, 3, 224, 224]),
}
DYNAMIC_BATCH = {"resnet18_dynamic"}
# Only for benchmarks (`gen_models.py <dir> --bench`): resnet18 exported with
# a fixed batch of 8, for compile-time batch splitting.
BENCH_MODELS = {
    "resnet18_b8": (lambda: torchvision.models.resnet18(weights=None),
                    [8, 3, 224, 224]),
}


def export(name, make_model, shape, out_dir):
    path = os.path.join(out_dir, name + ".onnx")
    if not os.path.exists(path):
        # Re-seed per model so each model is reproducible on its own, whatever
        # subset of files already existed.
        torch.manual_seed(0)
        model = make_model().eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(
            model, x, path,
            input_names=["input"], output_names=["output"],
            opset_version=17,
            do_constant_folding=False,  # keep the raw exporter graph for the importer
            training=torch.onnx.TrainingMode.EVAL,
            dynamic_axes=({"input": {0: "batch"}, "output": {0: "batch"}}
                          if name in DYNAMIC_BATCH else None))
        np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out_dir, name + ".output.npy"), y.numpy().astype(np.float32))
    nodes = len(onnx.load(path, load_external_data=False).graph.node)
    print(f"{name}: {nodes} nodes, {os.path.getsize(path)} bytes")


def main():
    args = [a for a in sys.argv[1:] if a != "--bench"]
    out_dir = args[0] if args else "models"
    os.makedirs(out_dir, exist_ok=True)
    models = dict(MODELS)
    if "--bench" in sys.argv[1:]:
        models.update(BENCH_MODELS)
    for name, (make_model, shape) in models.items():
        export(name, make_model, shape, out_dir)


if __name__ == "__main__":
    main()
