#!/usr/bin/env python3
"""Best CPU time (time.process_time) of one PyTorch step per model on 1 thread, using the
models of bench/pytorch_reference.py: a load-robust counterpart of the wall-clock
benchmark on a shared machine (compare with bench/kernels/library-profile.ts, which
reports the same for the library on wasm).
Usage: /usr/bin/python3 bench/kernels/pytorch-cpu-time.py [mlp,cnn,vit] [steps]"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402
from pytorch_reference import make, step  # noqa: E402

kinds = (sys.argv[1] if len(sys.argv) > 1 else "mlp,cnn").split(",")
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 8
torch.set_num_threads(1)
for kind in kinds:
    model, opt, views = make(kind)
    model.train()
    for _ in range(2):
        step(model, opt, views)
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(steps):
        c0, w0 = time.process_time(), time.perf_counter()
        step(model, opt, views)
        best_cpu = min(best_cpu, (time.process_time() - c0) * 1000)
        best_wall = min(best_wall, (time.perf_counter() - w0) * 1000)
    print(f"{kind}: best of {steps}: {best_wall:.1f} ms wall, {best_cpu:.1f} ms cpu (pytorch, 1 thread)")
