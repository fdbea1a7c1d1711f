"""Writes mlp.onnx, the small example model `make run` compiles.

A two-layer perceptron with Dropout and a flatten written through x.shape,
exported with torch (random weights, fixed seed) without constant folding,
so that the simplification pipeline has shape arithmetic to fold.
Run with Debian's python3: /usr/bin/python3 examples/models/make_mlp.py
"""
import os
import torch


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, 32)
        self.drop = torch.nn.Dropout(0.1)
        self.fc2 = torch.nn.Linear(32, 10)

    def forward(self, x):
        b = x.shape[0]
        x = x.reshape(b, -1)  # [b, 4, 16] -> [b, 64], through Shape/Gather
        x = torch.relu(self.fc1(x))
        x = self.drop(x)
        return torch.softmax(self.fc2(x), dim=-1)


torch.manual_seed(0)
model = MLP().eval()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlp.onnx")
torch.onnx.export(model, torch.randn(2, 4, 16), out, input_names=["input"],
                  output_names=["probabilities"], opset_version=17,
                  do_constant_folding=False,
                  training=torch.onnx.TrainingMode.EVAL)
print("wrote", out)
