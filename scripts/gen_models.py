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

import os
import sys

import numpy as np
import onnx
import torch
import torchvision

from torch_models import Encoder


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
# Only for scripts/prepare-gpu-check.sh (`--gpu-check`): the same models
# (same seed, same weights) at batch 32.
GPU_CHECK_MODELS = {
    "resnet18_b32": (lambda: torchvision.models.resnet18(weights=None),
                     [32, 3, 224, 224]),
    "encoder_b32": (Encoder, [32, 128, 256]),
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
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out_dir = args[0] if args else "models"
    os.makedirs(out_dir, exist_ok=True)
    models = dict(MODELS)
    if "--bench" in sys.argv[1:]:
        models.update(BENCH_MODELS)
    if "--gpu-check" in sys.argv[1:]:
        models.update(GPU_CHECK_MODELS)
    for name, (make_model, shape) in models.items():
        export(name, make_model, shape, out_dir)


if __name__ == "__main__":
    main()
