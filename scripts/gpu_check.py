"""The models part of scripts/gpu-check.sh, on a machine with an NVIDIA GPU.

For resnet18 and the encoder, compiled by scripts/prepare-gpu-check.sh for
examples/devices/h100.json: runs the batch-1 artifact on the CPU's input and
compares its output with the CPU's (max|diff| <= 1e-3 * max|ref|); runs the
batch-32 artifact on an input whose sample 0 is that same input and compares
sample 0 too; then times each artifact (weft-run --bench, median) next to
PyTorch eager on the same GPU (same shapes, random weights), and prints a
table. Needs numpy and torch; torchvision for resnet18's PyTorch timing.

    python3 scripts/gpu_check.py <weft-run> <gpu-check dir> <results dir>
"""
import os
import re
import subprocess
import sys
import time

import numpy as np

MODELS = {"resnet18": (3, 224, 224), "encoder": (128, 256)}
BATCHES = (1, 32)


def run(weft_run, artifact, inputs, out_dir, bench=0):
    os.makedirs(out_dir, exist_ok=True)
    command = [weft_run, artifact, "--input", f"input={inputs}",
               "--output-dir", out_dir]
    if bench:
        command += ["--bench", str(bench)]
    result = subprocess.run(command, capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{artifact}: {result.stderr.strip()}")
    median = re.search(r"median=([0-9.]+)", result.stdout)
    return np.load(os.path.join(out_dir, "output.npy")), (
        float(median.group(1)) if median else None)


def torch_eager_ms(name, batch, runs=50):
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if name == "encoder":
        from torch_models import Encoder
        model = Encoder()
    else:
        try:
            import torchvision
        except ImportError:
            return None
        model = torchvision.models.resnet18(weights=None)
    model = model.eval().cuda()
    x = torch.randn(batch, *MODELS[name], device="cuda")
    times = []
    with torch.no_grad():
        for i in range(runs + 5):
            torch.cuda.synchronize()
            start = time.perf_counter()
            model(x)
            torch.cuda.synchronize()
            if i >= 5:
                times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


def main(weft_run, folder, results):
    failures = 0
    rows = []
    for name, shape in MODELS.items():
        x1 = np.load(os.path.join(folder, f"{name}.input.npy"))
        reference = np.load(os.path.join(folder, f"{name}.cpu.npy"))
        scale = float(np.abs(reference).max())
        for batch in BATCHES:
            artifact = os.path.join(folder, f"{name}_b{batch}.weft")
            x = x1
            if batch > 1:  # sample 0 is the batch-1 input
                rng = np.random.default_rng(batch)
                x = rng.standard_normal((batch, *shape)).astype(np.float32)
                x[0] = x1[0]
            inputs = os.path.join(results, f"{name}_b{batch}.input.npy")
            np.save(inputs, x)
            out_dir = os.path.join(results, f"{name}_b{batch}")
            try:
                y, _ = run(weft_run, artifact, inputs, out_dir)
                # A rehearsal on the CPU emulation of a GPU times only once.
                runs = 1 if os.environ.get("WEFT_GPU_EMULATION") else 50
                _, weft_ms = run(weft_run, artifact, inputs, out_dir,
                                 bench=runs)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"FAIL {name} batch {batch}: {error}")
                failures += 1
                continue
            error = float(np.abs(y[:1] - reference).max()) / scale
            ok = error <= 1e-3
            failures += not ok
            torch_ms = torch_eager_ms(name, batch)
            rows.append((name, batch, error, ok, weft_ms, torch_ms))
    print(f"{'model':10} {'batch':>5} {'max|diff|/max|ref|':>19} "
          f"{'weft ms':>8} {'torch ms':>9} {'weft/torch':>10}")
    for name, batch, error, ok, weft_ms, torch_ms in rows:
        ratio = (f"{weft_ms / torch_ms:10.2f}" if weft_ms and torch_ms
                 else f"{'-':>10}")
        torch_text = f"{torch_ms:9.2f}" if torch_ms else f"{'-':>9}"
        print(f"{name:10} {batch:5d} {error:19.2e}{'' if ok else ' FAIL'} "
              f"{weft_ms:8.2f} {torch_text} {ratio}")
    matched = sum(1 for row in rows if row[3])
    print(f"models: {matched} of {len(MODELS) * len(BATCHES)} match the CPU")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
