"""Model definitions shared by scripts/gen_models.py (which exports them to
ONNX) and scripts/gpu_check.py (which times them in PyTorch on a GPU): torch
only, no onnx or torchvision.
"""

import math

import torch
import torch.nn as nn


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
