"""Weft next to ONNX Runtime and IREE on this CPU (`make bench`).

    bench.py BUILD_DIR [--rounds R] [--runs N] [--warmup W] [--models a,b]

For resnet18, mobilenet_v2, the 4-layer encoder (batch 1), an MLP at batch 64
and one 1024^3 MatMul, at 1 and 2 threads: each engine's latency (median and
p90 over R interleaved rounds of N runs, each round a fresh process whose
first W runs are untimed; random inputs), the ratio Weft/ORT
and Weft/IREE, Weft's GFLOP/s (FLOPs as Weft's cost model counts them) and
fraction of the peak this CPU measures
(bench/cpu/peak.c, all cores busy with FMAs), compile times and peak memory
(max RSS of a process running the model). The machine is shared and noisy:
compare within one run. Threads: ONNX Runtime's intra-op threads, IREE's
task topology, Weft's OMP_NUM_THREADS (one OpenMP team for oneDNN's GEMMs
and Weft's own loops). Steady state is what is measured: each engine's
first runs in a process are slower (thread pools start, allocators grow to
their working set; Weft's and ORT's first ~10 runs of the MatMul at 2 threads
take up to twice the settled time), so Weft and ORT get W untimed runs and
IREE's benchmark tool repeats each sample for 50 ms. IREE runs from BUILD_DIR/bench-venv (made by `make bench`).
The last column of a 2-thread row, "pp ns", is the largest round trip of a
flag between two threads (bench/cpu/pingpong.c) measured before each of its
rounds: 70-180 ns when the machine's two vCPUs are close, 400-800 ns in the
periods when they are not, which slow 2-thread runs (Weft's loops more than
ONNX Runtime) -- read such a row with that in mind.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = ["resnet18", "mobilenet_v2", "encoder", "mlp_b64", "matmul1024"]
THREADS = [1, 2]


def flops_of(build, path):
    """The model's FLOPs as Weft's cost model counts them (weft-print-cost)."""
    imported = subprocess.run([f"{build}/bin/weft-translate", "--import-onnx",
                               path], capture_output=True, check=True).stdout
    table = subprocess.run(
        [f"{build}/bin/weft-opt", "--weft-simplify-onnx",
         "--weft-devices=description=host", "--weft-print-cost", "-o",
         "/dev/null"], input=imported, capture_output=True, check=True)
    total = 0.0
    for line in (table.stdout + table.stderr).decode().splitlines():
        fields = line.split()
        if len(fields) >= 3:
            try:
                total += float(fields[2])
            except ValueError:
                pass
    return total * 1e9


def parse_latency(text):
    m = re.search(r"median=([0-9.]+) p90=([0-9.]+)", text)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def weft_run(build, artifact, threads, runs, warmup):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([f"{build}/bin/weft-run", artifact, "--random",
                          "--bench", str(runs), "--warmup", str(warmup)],
                         env=env, capture_output=True, text=True,
                         check=True).stdout
    return parse_latency(out)


def ort_command(path, threads, runs, warmup=1):
    """A child process (fresh thread pools) that prints median and p90."""
    code = f"""
import time, numpy as np, onnxruntime as ort
o = ort.SessionOptions(); o.intra_op_num_threads = {threads}
s = ort.InferenceSession({path!r}, o, providers=["CPUExecutionProvider"])
rng = np.random.default_rng(0)
feeds = {{i.name: rng.standard_normal(i.shape).astype(np.float32)
         for i in s.get_inputs()}}
for _ in range({max(1, warmup)}):
    s.run(None, feeds)
t = []
for _ in range({runs}):
    a = time.perf_counter(); s.run(None, feeds); t.append((time.perf_counter() - a) * 1e3)
t.sort()
print(f"median={{np.median(t):.3f}} p90={{t[min(len(t) - 1, int(0.9 * len(t)))]:.3f}}")
"""
    return [f"{ROOT}/.venv/bin/python", "-c", code]


def ort_run(path, threads, runs, warmup):
    out = subprocess.run(ort_command(path, threads, runs, warmup),
                         capture_output=True,
                         text=True, check=True).stdout
    return parse_latency(out)


def iree_compile(build, path, out):
    venv = f"{build}/bench-venv/bin"
    if not os.path.exists(f"{venv}/iree-compile"):
        return None, None
    mlir = out + ".mlir"
    start = time.perf_counter()
    steps = [[f"{venv}/iree-import-onnx", path, "-o", mlir],
             [f"{venv}/iree-compile", mlir, "--iree-hal-target-device=local",
              "--iree-hal-local-target-device-backends=llvm-cpu",
              "--iree-llvmcpu-target-cpu=host", "-o", out]]
    for step in steps:
        if subprocess.run(step, capture_output=True).returncode != 0:
            return None, None
    seconds = time.perf_counter() - start
    function = re.search(r"func\.func @([\w$.]+)", open(mlir).read()).group(1)
    return seconds, function


def iree_run(build, vmfb, function, inputs, threads, runs):
    command = [f"{build}/bench-venv/bin/iree-benchmark-module",
               f"--module={vmfb}", "--device=local-task",
               f"--task_topology_max_group_count={threads}",
               f"--function={function}", f"--benchmark_repetitions={runs}",
               "--benchmark_min_time=0.05s"]
    command += [f"--input={'x'.join(map(str, s))}xf32" for s in inputs]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    times = [float(m) for m in re.findall(
        r"real_time\s+([0-9.]+) ms", out)]
    if not times:
        return None, None
    times.sort()
    return float(np.median(times)), times[min(len(times) - 1,
                                               int(0.9 * len(times)))]


def peak_rss_mb(command, env=None):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, env=env,
                         capture_output=True, text=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def model_inputs(path):
    import onnx
    g = onnx.load(path, load_external_data=False).graph
    inits = {t.name for t in g.initializer}
    return [[d.dim_value for d in i.type.tensor_type.shape.dim]
            for i in g.input if i.name not in inits]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("build")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--models", default=",".join(MODELS))
    a = p.parse_args()
    build = os.path.abspath(a.build)
    models_dir = f"{build}/models"
    work = tempfile.mkdtemp(prefix="weft-bench-")
    peak_exe = f"{work}/peak"
    subprocess.run(["clang-22", "-O3", "-march=native", "-pthread",
                    f"{HERE}/peak.c", "-o", peak_exe], check=True)
    pingpong_exe = f"{work}/pingpong"
    subprocess.run(["clang-22", "-O2", "-pthread", f"{HERE}/pingpong.c", "-o",
                    pingpong_exe], check=True)

    def round_trip_ns():
        out = subprocess.run([pingpong_exe], capture_output=True,
                             text=True).stdout
        m = re.search(r"round_trip_ns=([0-9.]+)", out)
        return float(m.group(1)) if m else float("nan")

    peak = {t: float(re.search(r"gflops=([0-9.]+)", subprocess.run(
        [peak_exe, str(t)], capture_output=True, text=True).stdout).group(1))
            for t in THREADS}
    print("peak GFLOP/s (FMA loop): " +
          ", ".join(f"{t} thread{'s' * (t > 1)} {peak[t]:.0f}" for t in THREADS))
    print(f"{'model':13} {'thr':>3} {'weft ms':>15} {'ort ms':>15} "
          f"{'iree ms':>15} {'w/ort':>6} {'w/iree':>6} {'GFLOP/s':>8} "
          f"{'%peak':>6} {'compile s w/i':>14} {'MB w/o':>10} {'pp ns':>6}")
    ratios = {t: [] for t in THREADS}
    iree_ratios = {t: [] for t in THREADS}
    for name in a.models.split(","):
        path = f"{models_dir}/{name}.onnx"
        flops = flops_of(build, path)
        artifact = f"{work}/{name}.weft"
        start = time.perf_counter()
        subprocess.run([f"{build}/bin/weft-compile", path, "-o", artifact],
                       check=True)
        weft_compile = time.perf_counter() - start
        iree_seconds, function = iree_compile(build, path, f"{work}/{name}.vmfb")
        inputs = model_inputs(path)
        weft_mb = peak_rss_mb([f"{build}/bin/weft-run", artifact, "--random",
                               "--bench", str(a.runs)])
        ort_mb = peak_rss_mb(ort_command(path, 2, a.runs))
        for t in THREADS:
            samples = {"weft": [], "ort": [], "iree": []}
            apart = []
            for _ in range(a.rounds):  # interleaved
                if t > 1:
                    apart.append(round_trip_ns())
                samples["weft"].append(weft_run(build, artifact, t, a.runs,
                                                a.warmup))
                samples["ort"].append(ort_run(path, t, a.runs, a.warmup))
                if function:
                    samples["iree"].append(iree_run(
                        build, f"{work}/{name}.vmfb", function, inputs, t,
                        a.runs))
            stats = {}
            for engine, values in samples.items():
                values = [v for v in values if v[0] is not None]
                stats[engine] = ((float(np.median([v[0] for v in values])),
                                  float(np.median([v[1] for v in values])))
                                 if values else (None, None))
            w, o, i = stats["weft"][0], stats["ort"][0], stats["iree"][0]
            ratios[t].append(w / o)
            if i:
                iree_ratios[t].append(w / i)
            gflops = flops / (w * 1e-3) * 1e-9 if flops else 0
            text = lambda s: (f"{s[0]:7.2f} ({s[1]:5.2f})" if s[0] else
                              f"{'-':>15}")
            compile_text = (f"{weft_compile:5.1f}/" +
                            (f"{iree_seconds:<5.1f}" if iree_seconds else "-"))
            print(f"{name:13} {t:3d} {text(stats['weft'])} {text(stats['ort'])} "
                  f"{text(stats['iree'])} {w / o:6.2f} "
                  f"{(w / i) if i else float('nan'):6.2f} {gflops:8.1f} "
                  f"{100 * gflops / peak[t]:5.0f}% {compile_text:>14} "
                  f"{weft_mb:5.0f}/{ort_mb:<4.0f} "
                  f"{(f'{max(apart):6.0f}' if apart else ''):>6}", flush=True)
    for t in THREADS:
        geo = math.exp(sum(map(math.log, ratios[t])) / len(ratios[t]))
        line = f"geomean Weft/ORT at {t} thread{'s' * (t > 1)}: {geo:.3f}"
        if iree_ratios[t]:
            gi = math.exp(sum(map(math.log, iree_ratios[t])) / len(iree_ratios[t]))
            line += f"; Weft/IREE: {gi:.2f}"
        print(line)


if __name__ == "__main__":
    sys.exit(main())
