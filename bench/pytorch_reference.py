#!/usr/bin/env python3
"""PyTorch reference for sslmem's benchmark (bench/main.ts runs it and compares).

Times one SimCLR training step (two views through the encoder as one batch, projector,
NT-Xent with temperature 0.5, Adam lr 1e-3, loss.item() to finish the step) for the same
models as the library's benchmark:

  mlp: 784-512-512-128 relu MLP on 28x28x1, batch 128
  cnn: [conv3x3 -> BN -> relu -> maxpool2] x 2 (32, 64 filters), conv3x3 128 -> BN -> relu,
       global average pool, dense 128; on 32x32x3, batch 128
  vit: patch 4 on 32x32x3 (64 patches + class token), D=128, 4 pre-norm blocks, 4 heads,
       MLP 512 with exact gelu, final layer norm, class token; batch 64

each followed by the library's SimCLR projector Linear(128, 512) -> relu -> Linear(512, 128)
(no batch norm). Inputs are fixed random tensors (no augmentation is timed). Warm-up steps,
then the median of timed steps, for every thread count asked (torch.set_num_threads); the
best thread count is reported, with the losses of the first and last step.

And one step of each other objective of the library, bench/pytorch_methods.py: byol,
simsiam, dino, vicreg and supervised on the mlp encoder and batch (two views; one and the
labels for supervised), mae on the vit encoder and batch (one view); a step is loss,
gradients, Adam, then the EMA update of the target where the method has one.

And one DP-SGD step of the mae and supervised rows' models and batches (dp-mae,
dp-supervised; bench/pytorch_dp.py): per-example clipping by microbatches of one example
(forward and backward per example, each gradient clipped to norm 1, summed, Gaussian
noise of std 1, divided by the batch size, Adam), timed interleaved with the non-DP step
of the same model (`nondp_ms`).

And one epoch of the laptop preset's encoder f as the library trains it (--epoch SPEC,
a JSON object the benchmark passes: images, batch, the MLP's hidden widths and output,
the projector, temperature, epochs): per batch, two views made by the digit augmentation
(a random affine map per image, rotation +-15 degrees, shift +-10%, zoom 0.9-1.25,
bilinear with black fill, then Gaussian noise of std 0.05 clipped to [0, 1]), the step as
above; the median epoch time after the first epoch.

Prints one JSON object on stdout. Usage:
  /usr/bin/python3 bench/pytorch_reference.py [--steps N] [--warmup N]
      [--only mlp,cnn,vit,byol,simsiam,dino,vicreg,mae,supervised,dp-mae,dp-supervised]
      [--threads 1,2] [--epoch SPEC]

With --serve it instead answers requests, one JSON object a line on stdin, each with one
JSON line on stdout, so that the benchmark can alternate blocks of its steps with ours
(bench/interleave.ts): {"kind": K, "threads": T, "steps": N} times N more steps of row K
(a non-DP step row) at T threads; with "blas": B, torch's own kernels run on T threads and
its BLAS's products on B (the arrangement of our two-thread side: products on two threads, the
other kernels on one). The model of each (K, T, B) is built once, on its first request, and
kept: {"times": [ms, ...], "loss_first": first step's loss, "loss": last step's loss};
{"kind": "laptop-epoch", "threads": T, "steps": N, "epoch": SPEC} trains N more epochs of
the laptop preset's encoder f (SPEC as --epoch) and gives each epoch's ms.
The first line it prints is {"blas": ..., "torch": ...}; an empty line or the end of stdin
ends it.
"""
import math

import argparse
import ctypes
import json
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import pytorch_dp as dp
import pytorch_methods as methods

MODEL_BATCH = {"mlp": 128, "cnn": 128, "vit": 64}
# A method row runs on the encoder and batch of its encoder's row (bench/pytorch_methods.py).
BATCH = {**MODEL_BATCH, **{name: MODEL_BATCH[m[0]] for name, m in methods.METHODS.items()}}
# A DP row runs the model and batch of its method row (bench/pytorch_dp.py).
BATCH.update({name: BATCH[base] for name, base in dp.DP_METHODS.items()})
TEMPERATURE = 0.5
LR = 1e-3


class Projector(nn.Module):
    """The library's SimCLR head: Linear(in, 512) -> relu -> Linear(512, 128)."""

    def __init__(self, in_dim=128, hidden=512, out_dim=128):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, out_dim)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 512)
        self.out = nn.Linear(512, 128)

    def forward(self, x):
        x = x.flatten(1)
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Cnn(nn.Module):
    def __init__(self, widths=(32, 64, 128), out_dim=128):
        super().__init__()
        layers = []
        cin = 3
        for i, w in enumerate(widths):
            layers += [nn.Conv2d(cin, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
            if i < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            cin = w
        self.features = nn.Sequential(*layers)
        self.dense = nn.Linear(cin, out_dim)

    def forward(self, x):
        return self.dense(self.features(x).mean(dim=(2, 3)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio=4):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, mlp_ratio * dim)
        self.fc2 = nn.Linear(mlp_ratio * dim, dim)

    def attention(self, x):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(x).reshape(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)
        w = torch.softmax((q * (d // h) ** -0.5) @ k.transpose(-2, -1), dim=-1)
        return self.proj((w @ v).transpose(1, 2).reshape(b, t, d))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Vit(nn.Module):
    def __init__(self, dim=128, depth=4, heads=4, patch=4, image=32, channels=3):
        super().__init__()
        tokens = (image // patch) ** 2 + 1
        self.patch = nn.Conv2d(channels, dim, patch, stride=patch)  # = dense on flattened patches
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, tokens, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.norm(self.blocks(x))[:, 0]


def set_threads(n, blas_threads=None):
    """torch.set_num_threads(n), and the same (or `blas_threads`) for OpenBLAS when torch's
    products run on it (Debian's torch uses the system BLAS, and OpenBLAS keeps its own thread
    pool that torch.set_num_threads does not reach: without this, a '1 thread' run would use
    every core)."""
    torch.set_num_threads(n)
    with open("/proc/self/maps", encoding="utf8") as maps:
        paths = {line.split()[-1] for line in maps if "openblas" in line and ".so" in line}
    for path in paths:
        try:
            ctypes.CDLL(path).openblas_set_num_threads(n if blas_threads is None else blas_threads)
        except (OSError, AttributeError):
            pass
    return sorted(paths)


def blas():
    """The BLAS torch's products run on: an OpenBLAS library, or a warning."""
    found = set_threads(torch.get_num_threads())
    if found:
        try:
            get = ctypes.CDLL(found[0]).openblas_get_corename
            get.restype = ctypes.c_char_p
            return f"{found[0]} (core {get().decode()})"
        except (OSError, AttributeError):
            return found[0]
    if "BLAS_INFO=generic" in torch.__config__.show():
        return "generic reference BLAS (slow: install an optimized one, e.g. Debian's libopenblas0-pthread)"
    return "torch's own"


def nt_xent(z, temperature=TEMPERATURE):
    """NT-Xent on stacked views [2n, d] (rows i and i + n are the two views of image i)."""
    n2 = z.shape[0]
    n = n2 // 2
    u = F.normalize(z, dim=1)
    s = (u @ u.t()) / temperature
    s = s.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(s, target)


def make(kind, seed=0):
    torch.manual_seed(seed)
    encoder = {"mlp": Mlp, "cnn": Cnn, "vit": Vit}[kind]()
    model = nn.Sequential(encoder, Projector())
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    b = BATCH[kind]
    shape = (b, 1, 28, 28) if kind == "mlp" else (b, 3, 32, 32)
    views = torch.cat([torch.rand(shape), torch.rand(shape)], dim=0)
    return model, opt, views


def step(model, opt, views):
    opt.zero_grad(set_to_none=True)
    loss = nt_xent(model(views))
    loss.backward()
    opt.step()
    return loss.item()


def build_method(name, seed=0):
    """A method row's model, Adam, fixed random views and labels (bench/pytorch_methods.py)."""
    torch.manual_seed(seed)
    encoder_kind, build, num_views, needs_labels = methods.METHODS[name]
    encoder = {"mlp": Mlp, "vit": Vit}[encoder_kind]()
    method = build(encoder, Block) if name == "mae" else build(encoder)
    method.train()
    opt = torch.optim.Adam(method.trainable(), lr=LR)
    b = BATCH[name]
    shape = (b, 1, 28, 28) if encoder_kind == "mlp" else (b, 3, 32, 32)
    views = [torch.rand(shape) for _ in range(num_views)]
    labels = torch.randint(0, 10, (b,)) if needs_labels else None
    return method, opt, views, labels


def make_method(name, seed=0):
    """A method row's step (bench/pytorch_methods.py): a function that runs one step and returns its loss."""
    method, opt, views, labels = build_method(name, seed)
    counter = iter(range(1 << 62))
    return lambda: methods.method_step(method, opt, views, labels, next(counter))


def make_dp(kind, seed=0):
    """A DP row's DP-SGD step by microbatches of one example (bench/pytorch_dp.py), on its method row's model and batch."""
    method, opt, views, labels = build_method(dp.DP_METHODS[kind], seed)
    dp.check_no_batch_norm(method)
    counter = iter(range(1 << 62))
    return lambda: dp.microbatch_dp_step(method, opt, views, labels, next(counter), dp.CLIP, dp.NOISE, BATCH[kind])


def make_step(kind, seed=0):
    """One step of row `kind` as a function returning the loss."""
    if kind in methods.METHODS:
        return make_method(kind, seed)
    model, opt, views = make(kind, seed)
    model.train()
    return lambda: step(model, opt, views)


def time_steps(kind, threads, warmup, steps):
    """Median ms of `steps` steps after `warmup`, and the losses of all of them."""
    set_threads(threads)
    run = make_step(kind)
    losses = [run() for _ in range(warmup)]
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        losses.append(run())
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), losses


def time_dp_steps(kind, threads, warmup, steps):
    """Median ms of `steps` DP steps of row `kind` and of as many non-DP steps of the same
    model (interleaved, each after `warmup` of both), and the losses of each."""
    set_threads(threads)
    run_dp = make_dp(kind)
    run_nondp = make_method(dp.DP_METHODS[kind])
    losses, nondp_losses = [], []
    for _ in range(warmup):
        losses.append(run_dp())
        nondp_losses.append(run_nondp())
    times, nondp_times = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        losses.append(run_dp())
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        nondp_losses.append(run_nondp())
        nondp_times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), statistics.median(nondp_times), losses, nondp_losses


class PresetMlp(nn.Module):
    """An MLP encoder with the given widths, then the SimCLR projector, as in a preset."""

    def __init__(self, hidden, out_dim, projector_hidden, projector_out):
        super().__init__()
        widths = [784, *hidden]
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.encoder = nn.Sequential(nn.Flatten(), *layers, nn.Linear(widths[-1], out_dim))
        heads = [out_dim, *projector_hidden]
        head = []
        for a, b in zip(heads, heads[1:]):
            head += [nn.Linear(a, b), nn.ReLU()]
        self.projector = nn.Sequential(*head, nn.Linear(heads[-1], projector_out))

    def forward(self, x):
        return self.projector(self.encoder(x))


def digit_views(x):
    """The digit augmentation on [n, 1, 28, 28]: affine warp per image, then noise."""
    n = x.shape[0]
    angle = (torch.rand(n) * 30 - 15) * math.pi / 180
    scale = torch.rand(n) * 0.35 + 0.9
    shift = torch.rand(n, 2) * 0.4 - 0.2  # +-10% of the size, in [-1, 1] grid units
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    warped = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return (warped + 0.05 * torch.randn_like(warped)).clamp(0, 1)


class EpochRunner:
    """The laptop preset's encoder f and its data, built once; run(n) trains n more epochs."""

    def __init__(self, spec):
        torch.manual_seed(0)
        p = spec["objective"]["projector"]
        self.spec = spec
        self.model = PresetMlp(spec["encoder"]["hidden"], spec["encoder"]["outDim"], p["hidden"], p["outDim"])
        self.opt = torch.optim.Adam(self.model.parameters(), lr=spec["lr"])
        self.data = torch.rand(spec["images"], 1, 28, 28)

    def run(self, epochs):
        """ms of each of `epochs` more epochs."""
        spec, batch = self.spec, self.spec["batch"]
        times = []
        for _ in range(epochs):
            t0 = time.perf_counter()
            order = torch.randperm(spec["images"])
            for b in range(spec["images"] // batch):
                x = self.data[order[b * batch:(b + 1) * batch]]
                views = torch.cat([digit_views(x), digit_views(x)], 0)
                self.opt.zero_grad(set_to_none=True)
                loss = nt_xent(self.model(views), spec["objective"]["temperature"])
                loss.backward()
                self.opt.step()
                loss.item()
            times.append((time.perf_counter() - t0) * 1000)
        return times


def epoch_times(spec, threads):
    """Median ms of an epoch after the first, for the laptop preset's encoder f."""
    set_threads(threads)
    return statistics.median(EpochRunner(spec).run(spec["epochs"])[1:])


def dp_row(kind, thread_counts, warmup, steps):
    """The JSON of a DP row: the DP step at its best thread count, the non-DP step at its own."""
    by_threads, nondp_by_threads = {}, {}
    losses = nondp_losses = None
    for threads in thread_counts:
        by_threads[str(threads)], nondp_by_threads[str(threads)], run_losses, run_nondp = time_dp_steps(kind, threads, warmup, steps)
        losses = losses or run_losses
        nondp_losses = nondp_losses or run_nondp
    best = min(by_threads, key=by_threads.get)
    nondp_best = min(nondp_by_threads, key=nondp_by_threads.get)
    return {
        "ms": by_threads[best],
        "threads": int(best),
        "batch": BATCH[kind],
        "ms_by_threads": by_threads,
        "loss_first": losses[0],
        "loss_last": losses[-1],
        "per_example": "microbatch",
        "clip": dp.CLIP,
        "noise": dp.NOISE,
        "nondp_ms": nondp_by_threads[nondp_best],
        "nondp_threads": int(nondp_best),
        "nondp_ms_by_threads": nondp_by_threads,
        "nondp_loss_first": nondp_losses[0],
        "nondp_loss_last": nondp_losses[-1],
        "vmap_available": dp.vmap_available(),
    }


def serve():
    """The --serve loop (see the module docstring)."""
    print(json.dumps({"blas": blas(), "torch": torch.__version__}), flush=True)
    steps = {}
    for line in sys.stdin:
        if not line.strip():
            break
        try:
            request = json.loads(line)
            kind, threads, n = request["kind"], int(request["threads"]), int(request["steps"])
            blas_threads = int(request["blas"]) if request.get("blas") is not None else threads
            key = (kind, threads, blas_threads)
            if kind == "laptop-epoch":
                set_threads(threads, blas_threads)
                if key not in steps:
                    steps[key] = EpochRunner(request["epoch"])
                print(json.dumps({"times": steps[key].run(n), "loss_first": None, "loss": None}), flush=True)
                continue
            if kind not in BATCH or kind in dp.DP_METHODS:
                raise ValueError(f"kind: expected a step row among {', '.join(k for k in BATCH if k not in dp.DP_METHODS)}, found {kind!r}")
            set_threads(threads, blas_threads)
            if key not in steps:
                steps[key] = make_step(kind)
            run = steps[key]
            times, losses = [], []
            for _ in range(n):
                t0 = time.perf_counter()
                losses.append(run())
                times.append((time.perf_counter() - t0) * 1000)
            print(json.dumps({"times": times, "loss_first": losses[0] if losses else None, "loss": losses[-1] if losses else None}), flush=True)
        except Exception as error:  # reported to the benchmark, which says so in its row
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)


def main():
    if "--serve" in sys.argv[1:]:
        serve()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=None, help="timed steps per model (default: mlp 30, cnn 8, vit 8, mae 12, the other methods 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default=",".join(BATCH))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--epoch", default=None, help="JSON spec of the laptop-epoch measurement")
    a = parser.parse_args()
    default_steps = {"mlp": 30, "cnn": 8, "vit": 8, "mae": 12, **{m: 30 for m in methods.METHODS if m != "mae"}, "dp-mae": 3, "dp-supervised": 5}
    result = {
        "torch": torch.__version__,
        "python": sys.executable,
        "machine": platform.processor() or platform.machine(),
        "blas": blas(),
        "steps": {},
    }
    for kind in [k for k in a.only.split(",") if k]:
        if kind not in BATCH:
            parser.error(f"--only: expected names among {', '.join(BATCH)}, found {kind!r}")
        if kind in dp.DP_METHODS:
            result["steps"][kind] = dp_row(kind, [int(t) for t in a.threads.split(",")], a.warmup, a.steps or default_steps[kind])
            continue
        by_threads = {}
        losses = None
        for threads in [int(t) for t in a.threads.split(",")]:
            by_threads[str(threads)], run_losses = time_steps(kind, threads, a.warmup, a.steps or default_steps[kind])
            losses = losses or run_losses  # the first thread count's run (each run starts from the same seed)
        best = min(by_threads, key=by_threads.get)
        result["steps"][kind] = {
            "ms": by_threads[best],
            "threads": int(best),
            "batch": BATCH[kind],
            "ms_by_threads": by_threads,
            "loss_first": losses[0],
            "loss_last": losses[-1],
        }
    if a.epoch is not None:
        spec = json.loads(a.epoch)
        by_threads = {str(t): epoch_times(spec, int(t)) for t in a.threads.split(",")}
        best = min(by_threads, key=by_threads.get)
        result["epoch"] = {"ms": by_threads[best], "threads": int(best), "ms_by_threads": by_threads}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
