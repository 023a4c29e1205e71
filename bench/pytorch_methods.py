"""PyTorch references of sslmem's other training objectives (src/methods), for
bench/pytorch_reference.py: BYOL, SimSiam, DINO, VICReg, MAE and supervised training,
each a short composition of parts as in lightly, with the library's default heads:

  byol:       projector 128 -> 512 (no bias) -> BN -> relu -> 128, predictor the same on
              the projection; target encoder + projector an EMA of the online ones
              (momentum 0.99 on a cosine schedule to 1), updated after the step; loss
              (D(p1, t2) + D(p2, t1)) / 2, D the negative cosine similarity
  simsiam:    projector 128 -> 512 BN relu -> 128 (no bias) -> BN, predictor 128 -> 32
              BN relu -> 128; loss (D(p1, sg(z2)) + D(p2, sg(z1))) / 2, sg = detach
  dino:       head 128 -> 512 -> gelu -> 64 -> L2 -> 1024 weight-normalised prototypes
              (no bias); teacher (encoder + head) an EMA (0.996 -> 1) of the student, its
              logits centred (running mean, momentum 0.9) and sharpened (0.04), the
              student's at 0.1; cross-entropy over the pairs of different views
  vicreg:     expander 128 -> 512 BN relu -> 512; 25 invariance + 25 variance + 1 covariance
  mae:        ViT on the visible 25% of the patches (per-image random masking with
              argsort and gather), decoder dim 64, 1 block, 2 heads, MLP ratio 2, learned
              mask token and positions, layer norm, linear to the 48 values of a patch;
              MSE on the masked patches against per-patch normalised pixels
  supervised: linear classifier 128 -> 10, cross-entropy against the labels

Batch norm: eps 1e-5, PyTorch momentum 0.1 (the library's 0.9 in Keras terms), affine;
the target networks run in training mode (batch statistics) without gradients, as the
library's do. A method is an nn.Module with `loss(views, labels)` and
`after_step(step, total_steps)`; `trainable()` lists what the optimizer updates.
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SCHEDULE_STEPS = 10_000  # steps of the run the momentum schedules assume (as bench/library-step.ts)


def projection_head(in_dim, hidden, out_dim, batch_norm=True, output_batch_norm=False):
    """The library's `projectionHead`: [Linear -> (BN) -> relu] x hidden -> Linear [-> BN]."""
    layers = []
    width = in_dim
    for units in hidden:
        layers.append(nn.Linear(width, units, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm1d(units))
        layers.append(nn.ReLU())
        width = units
    layers.append(nn.Linear(width, out_dim, bias=not output_batch_norm))
    if output_batch_norm:
        layers.append(nn.BatchNorm1d(out_dim))
    return nn.Sequential(*layers)


def negative_cosine(p, z):
    """mean_i -(p_i . z_i) / (|p_i| |z_i|), the library's `negativeCosineSimilarity`."""
    return -(F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1).mean()


def cosine_momentum(step, total_steps, base, final=1.0):
    t = 1.0 if total_steps <= 0 else min(1.0, max(0.0, step / total_steps))
    return final - (final - base) * (math.cos(math.pi * t) + 1) / 2


@torch.no_grad()
def ema_update(target, online, momentum):
    """t <- m t + (1 - m) o for every parameter (not the BN running statistics), lightly's update_momentum."""
    for t, o in zip(target.parameters(), online.parameters()):
        t.mul_(momentum).add_(o, alpha=1 - momentum)


def frozen_copy(module):
    copied = copy.deepcopy(module)
    copied.requires_grad_(False)
    return copied


class Method(nn.Module):
    def trainable(self):
        return [p for p in self.parameters() if p.requires_grad]

    def after_step(self, step, total_steps):
        pass


class Byol(Method):
    def __init__(self, encoder, dim=128, momentum=0.99):
        super().__init__()
        self.encoder = encoder
        self.projector = projection_head(dim, [512], 128)
        self.predictor = projection_head(128, [512], 128)
        self.target_encoder = frozen_copy(encoder)
        self.target_projector = frozen_copy(self.projector)
        self.momentum = momentum

    def loss(self, views, labels=None):
        both = torch.cat(views, 0)
        p1, p2 = self.predictor(self.projector(self.encoder(both))).chunk(2)
        with torch.no_grad():
            t1, t2 = self.target_projector(self.target_encoder(both)).chunk(2)
        return (negative_cosine(p1, t2) + negative_cosine(p2, t1)) / 2

    def after_step(self, step, total_steps):
        m = cosine_momentum(step, total_steps, self.momentum)
        ema_update(self.target_encoder, self.encoder, m)
        ema_update(self.target_projector, self.projector, m)


class Simsiam(Method):
    def __init__(self, encoder, dim=128):
        super().__init__()
        self.encoder = encoder
        self.projector = projection_head(dim, [512], 128, output_batch_norm=True)
        self.predictor = projection_head(128, [32], 128)

    def loss(self, views, labels=None):
        z = self.projector(self.encoder(torch.cat(views, 0)))
        p1, p2 = self.predictor(z).chunk(2)
        z1, z2 = z.detach().chunk(2)
        return (negative_cosine(p1, z2) + negative_cosine(p2, z1)) / 2


class DinoHead(nn.Module):
    """MLP (gelu) -> bottleneck -> L2 -> weight-normalised prototypes (each of unit norm, no bias)."""

    def __init__(self, in_dim=128, hidden=512, bottleneck=64, prototypes=1024):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Linear(hidden, bottleneck))
        self.prototypes = nn.Linear(bottleneck, prototypes, bias=False)

    def forward(self, x):
        return F.linear(F.normalize(self.mlp(x), dim=1), F.normalize(self.prototypes.weight, dim=1))


class Dino(Method):
    def __init__(self, encoder, dim=128, student_temperature=0.1, teacher_temperature=0.04, centre_momentum=0.9, momentum=0.996):
        super().__init__()
        self.encoder = encoder
        self.head = DinoHead(dim)
        self.teacher_encoder = frozen_copy(encoder)
        self.teacher_head = frozen_copy(self.head)
        self.register_buffer("centre", torch.zeros(self.head.prototypes.out_features))
        self.student_temperature = student_temperature
        self.teacher_temperature = teacher_temperature
        self.centre_momentum = centre_momentum
        self.momentum = momentum

    def loss(self, views, labels=None):
        student = self.head(self.encoder(torch.cat(views, 0))).chunk(len(views))
        with torch.no_grad():
            teacher = self.teacher_head(self.teacher_encoder(torch.cat(views[:2], 0)))
            targets = F.softmax((teacher - self.centre) / self.teacher_temperature, dim=1).chunk(2)
        log_probs = [F.log_softmax(s / self.student_temperature, dim=1) for s in student]
        total, pairs = 0.0, 0
        for ti, p in enumerate(targets):
            for si, q in enumerate(log_probs):
                if si != ti:
                    total = total + (-(p * q).sum(1)).mean()
                    pairs += 1
        with torch.no_grad():
            m = self.centre_momentum
            self.centre.mul_(m).add_(teacher.mean(0), alpha=1 - m)
        return total / pairs

    def after_step(self, step, total_steps):
        m = cosine_momentum(step, total_steps, self.momentum)
        ema_update(self.teacher_encoder, self.encoder, m)
        ema_update(self.teacher_head, self.head, m)


def vicreg_loss(z1, z2, inv=25.0, var=25.0, cov=1.0, gamma=1.0, eps=1e-4):
    n, d = z1.shape

    def branch(z):
        centred = z - z.mean(0)
        c = centred.t() @ centred / (n - 1)
        diag = centred.square().sum(0) / (n - 1)
        variance = F.relu(gamma - torch.sqrt(diag + eps)).mean()
        covariance = (c.square().sum() - diag.square().sum()) / d
        return variance, covariance

    v1, c1 = branch(z1)
    v2, c2 = branch(z2)
    return inv * F.mse_loss(z1, z2) + var * (v1 + v2) / 2 + cov * (c1 + c2)


class Vicreg(Method):
    def __init__(self, encoder, dim=128):
        super().__init__()
        self.encoder = encoder
        self.expander = projection_head(dim, [512], 512)

    def loss(self, views, labels=None):
        z1, z2 = self.expander(self.encoder(torch.cat(views, 0))).chunk(2)
        return vicreg_loss(z1, z2)


def patchify(images, patch):
    """[n, c, h, w] -> [n, tokens, patch * patch * c], row-major over the grid."""
    n, c, h, w = images.shape
    x = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return x.permute(0, 2, 4, 3, 5, 1).reshape(n, (h // patch) * (w // patch), patch * patch * c)


class Mae(Method):
    """MAE on a `Vit` of bench/pytorch_reference.py (its patch conv, cls, pos, blocks, norm);
    `block` builds the decoder's transformer blocks (that file's `Block`)."""

    def __init__(self, vit, block, mask_ratio=0.75, dim=64, depth=1, heads=2, mlp_ratio=2, patch=4, channels=3):
        super().__init__()
        self.encoder = vit
        self.tokens = vit.pos.shape[1] - 1
        width = vit.pos.shape[2]
        self.keep = max(1, min(self.tokens, round(self.tokens * (1 - mask_ratio))))
        self.patch = patch
        self.embed = nn.Linear(width, dim)
        self.mask_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, self.tokens, dim) * 0.02)
        self.blocks = nn.Sequential(*[block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.predict = nn.Linear(dim, patch * patch * channels)

    def encode_visible(self, images, ids_keep):
        v = self.encoder
        x = v.patch(images).flatten(2).transpose(1, 2) + v.pos[:, 1:]
        x = torch.gather(x, 1, ids_keep.unsqueeze(-1).expand(-1, -1, x.shape[2]))
        cls = (v.cls + v.pos[:, :1]).expand(x.shape[0], -1, -1)
        return v.norm(v.blocks(torch.cat([cls, x], 1)))[:, 1:]

    def loss(self, views, labels=None):
        images = views[0]
        n, t, keep = images.shape[0], self.tokens, self.keep
        ids_shuffle = torch.argsort(torch.rand(n, t), dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = self.embed(self.encode_visible(images, ids_shuffle[:, :keep]))
        x = torch.cat([x, self.mask_token.expand(n, t - keep, -1)], 1)
        x = torch.gather(x, 1, ids_restore.unsqueeze(-1).expand(-1, -1, x.shape[2])) + self.pos
        prediction = self.predict(self.norm(self.blocks(x)))
        target = patchify(images, self.patch)
        mean = target.mean(-1, keepdim=True)
        var = target.var(-1, unbiased=False, keepdim=True)
        target = (target - mean) / (var + 1e-6).sqrt()
        mask = torch.ones(n, t)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        per_patch = (prediction - target).square().mean(-1)
        return (per_patch * mask).sum() / mask.sum()


class Supervised(Method):
    def __init__(self, encoder, dim=128, classes=10):
        super().__init__()
        self.encoder = encoder
        self.classifier = nn.Linear(dim, classes)

    def loss(self, views, labels=None):
        return F.cross_entropy(self.classifier(self.encoder(views[0])), labels)


# name -> (the encoder row it runs on, its class, views per image, needs labels)
METHODS = {
    "byol": ("mlp", Byol, 2, False),
    "simsiam": ("mlp", Simsiam, 2, False),
    "dino": ("mlp", Dino, 2, False),
    "vicreg": ("mlp", Vicreg, 2, False),
    "mae": ("vit", Mae, 1, False),
    "supervised": ("mlp", Supervised, 1, True),
}


def method_step(method, opt, views, labels, step):
    """One step as the library's: loss and gradients, Adam, after_step (EMA), the loss read back."""
    opt.zero_grad(set_to_none=True)
    loss = method.loss(views, labels)
    loss.backward()
    opt.step()
    method.after_step(step, SCHEDULE_STEPS)
    return loss.item()
