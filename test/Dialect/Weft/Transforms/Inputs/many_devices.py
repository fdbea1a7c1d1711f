"""Prints a description of N alike CPUs on one bus.

    many_devices.py N
"""
import json
import sys

n = int(sys.argv[1])
device = {"kind": "cpu", "peak_gflops": {"f32": 100}, "memory_bandwidth_gbps": 10,
          "memory_gb": 12, "launch_overhead_us": 2, "cores": 1}
print(json.dumps({
    "name": "many",
    "devices": [dict(device, index=i) for i in range(n)],
    "bus": {"type": "shared-memory", "latency_us": 1, "bandwidth_gbps": 10},
}))
