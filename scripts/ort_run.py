#!/usr/bin/env python3
"""Runs an ONNX model with ONNX Runtime (CPU), the reference peer.

    ort_run.py model.onnx input.npy output.npy [--bench N] [--threads T]

Feeds input.npy to the model's first input, saves its first output, and with
--bench prints `latency_ms median=<x> p90=<y>` over N timed runs (after one
warm-up), as weft-run does.
"""
import argparse
import time

import numpy as np
import onnxruntime as ort


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--bench", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    session = ort.InferenceSession(a.model, options,
                                   providers=["CPUExecutionProvider"])
    feeds = {session.get_inputs()[0].name: np.load(a.input)}
    result = session.run(None, feeds)[0]
    np.save(a.output, result)
    if a.bench > 0:
        times = []
        for _ in range(a.bench):
            start = time.perf_counter()
            session.run(None, feeds)
            times.append((time.perf_counter() - start) * 1e3)
        times.sort()
        median = float(np.median(times))
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(f"latency_ms median={median:.3f} p90={p90:.3f}")


if __name__ == "__main__":
    main()
