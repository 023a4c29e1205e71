"""PyTorch reference of sslmem's DP-SGD rows (bench/library-dp-step.ts), for
bench/pytorch_reference.py:

  dp-mae:        one DP-SGD step of the `mae` row's model (bench/pytorch_methods.py's Mae
                 on the reference ViT) and batch (64 fixed random images)
  dp-supervised: one DP-SGD step of the `supervised` row's model (the MLP + linear
                 classifier 128 -> 10) and batch (128 images, fixed random labels)

A DP-SGD step by microbatches of one example, the textbook way (Abadi et al. 2016): for
each example of the batch, forward and backward on that example alone (MAE draws its own
mask), its gradient over all the trainable parameters clipped as one flattened vector to
L2 norm `clip`, added to a running sum; then Gaussian noise `torch.normal(0, noise * clip)`
on every coordinate of the sum, division by the expected batch size (the batch), and one
Adam step (lr 1e-3) on that; then `after_step`. Clip 1 and noise multiplier 1, as the
library's rows.

Neither model has batch norm (DP-SGD refuses it, since it mixes the examples of a
batch; the library's DP rows would put layer norm in its place): `check_no_batch_norm`
makes sure. The non-DP step of the same model (`pytorch_methods.method_step`) is timed
alongside it, interleaved, for PyTorch's own DP overhead.

torch.func's vmap of per-sample gradients would be a faster way; it is not in every
torch (Debian's 1.13 has neither torch.func nor functorch), and the microbatch step is
the reference the rows compare with.
"""
import torch
import torch.nn as nn

import pytorch_methods as methods

# DP row -> the method row whose model and batch it runs
DP_METHODS = {"dp-mae": "mae", "dp-supervised": "supervised"}
CLIP = 1.0
NOISE = 1.0


def check_no_batch_norm(module):
    """Raises if the model has batch norm (it mixes examples: per-example gradients would be wrong)."""
    for name, m in module.named_modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            raise ValueError(f"DP-SGD: {name} is batch norm; use layer norm in its place")


def vmap_available():
    """Whether torch.func's vmap/grad (per-sample gradients in one call) exist in this torch."""
    func = getattr(torch, "func", None)
    return func is not None and hasattr(func, "vmap") and hasattr(func, "grad")


def microbatch_dp_step(method, opt, views, labels, step, clip=CLIP, noise=NOISE, expected_batch_size=None):
    """One DP-SGD step, one example at a time; returns the batch's mean loss."""
    params = method.trainable()
    n = views[0].shape[0]
    expected = expected_batch_size or n
    sums = [torch.zeros_like(p) for p in params]
    total = 0.0
    for i in range(n):
        loss = method.loss([v[i:i + 1] for v in views], None if labels is None else labels[i:i + 1])
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        grads = [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]
        norm = torch.cat([g.reshape(-1) for g in grads]).norm()
        scale = torch.clamp(clip / (norm + 1e-12), max=1.0)
        for s, g in zip(sums, grads):
            s.add_(g * scale)
        total += loss.item()
    for p, s in zip(params, sums):
        p.grad = (s + torch.normal(0.0, noise * clip, size=s.shape)) / expected
    opt.step()
    opt.zero_grad(set_to_none=True)
    method.after_step(step, methods.SCHEDULE_STEPS)
    return total / n
