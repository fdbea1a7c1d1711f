"""Small models whose compile the pipeline test reproduces with weft-opt.

`pipeline_models.py DIR` writes DIR/conv.onnx (convolutions with batch
normalization, pooling and a linear head, as torchvision's CNNs are built)
and DIR/encoder.onnx (one transformer encoder layer, scripts/torch_models.py)
with random weights and a fixed seed.
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "scripts"))
from torch_models import Encoder  # noqa: E402


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


def export(model, shape, path):
    torch.manual_seed(0)
    model = model.eval()
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(*shape), path,
                          input_names=["input"], output_names=["output"],
                          opset_version=17, do_constant_folding=False)


def main():
    folder = sys.argv[1]
    torch.manual_seed(0)
    export(ConvNet(), [1, 3, 32, 32], os.path.join(folder, "conv.onnx"))
    torch.manual_seed(0)
    export(Encoder(layers=1, d_model=64, heads=2, ffn=128), [1, 16, 64],
           os.path.join(folder, "encoder.onnx"))


if __name__ == "__main__":
    main()
