#!/usr/bin/env python3
"""PyTorch peer of the engine's hot paths, for side-by-side runs on the same machine.

Builds the same networks as the engine (worker/engine nn/FieldNetwork + nn/Mlp and nn/conv/UNet:
same layer shapes, activations, normalisation and preconditioning) and times what `./pfgm
bench-peer` times in the same run: a float32 matrix product, one forward pass, one training step
(forward, mean squared error against the clean data, backward, Adam) and fixed-step Heun
sampling (the network evaluations dominate; the solver's arithmetic is the same few vector
operations per step in both). Weights are random: speed does not depend on them, and the
samplers here use fixed step counts, so the work does not either.

A benchmark harness, not a dependency of the product. Needs Debian's python3-torch (or any
PyTorch). Prints one JSON object per line: {"what": ..., "threads": ..., "seconds": [...], ...}.

    python3 torch_peer.py gemm --size 1024 --threads 1
    python3 torch_peer.py unet-forward --batch 64 --threads 1
    python3 torch_peer.py unet-train --batch 64 --threads 2
    python3 torch_peer.py mlp-train --batch 256 --threads 1
    python3 torch_peer.py unet-sample --count 256 --batch 64 --steps 18 --threads 2
    python3 torch_peer.py mlp-forward --batch 256 --threads 1
    python3 torch_peer.py mlp-sample --count 16384 --batch 256 --steps 50 --threads 2
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

GROUP = 8  # channels per group of the group normalisation (ResBlock.GROUP)


class ResBlock(nn.Module):
    """out = skip(x) + conv2(silu(conv1(silu(gn(x))) + shift(t))), as nn/conv/ResBlock."""

    def __init__(self, cin, cout, hidden):
        super().__init__()
        self.gn = nn.GroupNorm(cin // GROUP, cin, eps=1e-5, affine=False)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.shift = nn.Linear(hidden, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = None if cin == cout else nn.Conv2d(cin, cout, 1)

    def forward(self, x, t):
        h = self.conv1(F.silu(self.gn(x)))
        h = F.silu(h + self.shift(t)[:, :, None, None])
        h = self.conv2(h)
        return h + (x if self.skip is None else self.skip(x))


class UNet(nn.Module):
    """nn/conv/UNet: conv in, per level a block then 2x2 average pooling (width doubling), a middle
    block, nearest upsampling + skip concatenation + block per level, group norm, SiLU, conv out;
    ln z embedded as sin/cos at 2^k/8 (k < K) and ln z / 4 through a two-layer SiLU MLP of 4 base."""

    def __init__(self, channels=1, base=32, levels=2, frequencies=8, sigma_data=0.8):
        super().__init__()
        hidden = 4 * base
        self.frequencies = frequencies
        self.sigma_data = sigma_data
        self.embed1 = nn.Linear(2 * frequencies + 1, hidden)
        self.embed2 = nn.Linear(hidden, hidden)
        self.conv_in = nn.Conv2d(channels, base, 3, padding=1)
        self.down = nn.ModuleList()
        c = base
        outs = []
        for level in range(levels):
            self.down.append(ResBlock(c, base << level, hidden))
            c = base << level
            outs.append(c)
        self.mid = ResBlock(c, base << levels, hidden)
        c = base << levels
        self.up = nn.ModuleList()
        for level in reversed(range(levels)):
            self.up.append(ResBlock(c + outs[level], outs[level], hidden))
            c = outs[level]
        self.gn_out = nn.GroupNorm(c // GROUP, c, eps=1e-5, affine=False)
        self.conv_out = nn.Conv2d(c, channels, 3, padding=1)

    def embed(self, s):
        a = 0.125 * torch.log(s)[:, None] * (2.0 ** torch.arange(self.frequencies, dtype=s.dtype))
        e = torch.stack([torch.sin(a), torch.cos(a)], dim=2).flatten(1)
        e = torch.cat([e, (torch.log(s) / 4)[:, None]], dim=1)
        return F.silu(self.embed2(F.silu(self.embed1(e))))

    def raw(self, u, s):
        t = self.embed(s)
        h = self.conv_in(u)
        skips = []
        for block in self.down:
            h = block(h, t)
            skips.append(h)
            h = F.avg_pool2d(h, 2)
        h = self.mid(h, t)
        for block in self.up:
            h = F.interpolate(h, scale_factor=2, mode="nearest")
            h = block(torch.cat([h, skips.pop()], dim=1), t)
        return self.conv_out(F.silu(self.gn_out(h)))

    def forward(self, x, s):
        """The preconditioned charge mean m = c_skip x + c_out F(c_in x, s)."""
        c_in = 1 / torch.sqrt(self.sigma_data ** 2 + s ** 2)
        c_skip = self.sigma_data ** 2 * c_in ** 2
        c_out = s * self.sigma_data * c_in
        f = self.raw(x * c_in[:, None, None, None], s)
        return c_skip[:, None, None, None] * x + c_out[:, None, None, None] * f


class FieldMlp(nn.Module):
    """nn/FieldNetwork with nn/Mlp: inputs c_in x, sin/cos of ln s at 2^k/8, ln s / 4 and
    ln(1 + rho^2) / 4; depth hidden SiLU layers; m = c_skip x + c_out F."""

    def __init__(self, dim=2, hidden=128, depth=4, frequencies=8, radius=3.0):
        super().__init__()
        self.frequencies = frequencies
        self.radius = radius
        widths = [dim + 2 * frequencies + 2] + [hidden] * depth + [dim]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, x, s):
        norm = x.norm(dim=1)
        outside = torch.clamp(norm - self.radius, min=0)
        r2 = s * s + outside * outside
        c_in = 1 / torch.sqrt(1 + r2)
        c_out = torch.sqrt(r2) * c_in
        a = 0.125 * torch.log(s)[:, None] * (2.0 ** torch.arange(self.frequencies, dtype=x.dtype))
        e = torch.stack([torch.sin(a), torch.cos(a)], dim=2).flatten(1)
        h = torch.cat([x * c_in[:, None], e, (torch.log(s) / 4)[:, None], (torch.log1p(r2) / 4)[:, None]], dim=1)
        for layer in self.layers[:-1]:
            h = F.silu(layer(h))
        f = self.layers[-1](h)
        return (c_in * c_in)[:, None] * x + c_out[:, None] * f


def timed(fn, reps, warm):
    for _ in range(warm):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def train_step(net, x, s, clean):
    """One training step: m(x, s), the mean squared error against the clean data, its gradient, an
    Adam update. The engine's side times its own losses (the MLP's denoising loss, the U-Net's PFGM
    field loss) and clips the gradient's norm: a few vector operations beside the network, left out
    here as the solver's are."""
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = ((net(x, s) - clean) ** 2).mean()
        loss.backward()
        opt.step()
    return step


def heun_sample(net, x, steps, s_max, s_min):
    """Heun on EDM's grid (uniform in s^(1/7)), the last step Euler: 2 steps - 1 evaluations.
    dx/ds = (x - m(x, s)) / s, as the engine's edm solver in z."""
    rho = 7.0
    grid = [(s_max ** (1 / rho) + i / (steps - 1) * (s_min ** (1 / rho) - s_max ** (1 / rho))) ** rho
            for i in range(steps)]
    grid.append(0.0)
    nfe = 0
    rows = x.shape[0]
    for i in range(steps):
        s, s_next = grid[i], grid[i + 1]
        d = (x - net(x, torch.full((rows,), s))) / s
        nfe += 1
        x_next = x + (s_next - s) * d
        if s_next > 0:
            d2 = (x_next - net(x_next, torch.full((rows,), s_next))) / s_next
            nfe += 1
            x_next = x + (s_next - s) * 0.5 * (d + d2)
        x = x_next
    return x, nfe


def sample_all(net, count, batch, shape, steps, s_max, s_min, seed):
    g = torch.Generator().manual_seed(seed)
    done = 0
    nfe = 0
    while done < count:
        x = torch.randn((batch,) + shape, generator=g) * s_max
        _, n = heun_sample(net, x, steps, s_max, s_min)
        nfe = n
        done += batch
    return nfe


def timed_sampling(net, a, shape, s_max, s_min):
    """One untimed batch, then a.count rows (whole batches) timed: seconds, nfe, count, batch."""
    sample_all(net, a.batch, a.batch, shape, a.steps, s_max, s_min, 0)
    t0 = time.perf_counter()
    nfe = sample_all(net, a.count, a.batch, shape, a.steps, s_max, s_min, 1)
    return {"seconds": [time.perf_counter() - t0], "nfe": nfe,
            "count": math.ceil(a.count / a.batch) * a.batch, "batch": a.batch}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["gemm", "unet-forward", "unet-train", "unet-sample", "mlp-forward", "mlp-train",
                                    "mlp-sample", "info"])
    defaults = {"threads": 1, "batch": 64, "count": 256, "steps": 18, "size": 1024, "reps": 9, "warm": 3,
                "width": 32, "levels": 2, "hidden": 128, "depth": 4, "dim": 2}
    for name, default in defaults.items():
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    out = {"what": a.what, "threads": torch.get_num_threads(), "torch": torch.__version__}
    if a.what == "unet-train":
        net = UNet(base=a.width, levels=a.levels).train()
        x = torch.randn(a.batch, 1, 28, 28)
        s = torch.exp(2 * torch.randn(a.batch))
        out["seconds"] = timed(train_step(net, x, s, torch.randn(a.batch, 1, 28, 28)), a.reps, a.warm)
        out["batch"] = a.batch
        out["weights"] = sum(q.numel() for q in net.parameters())
    elif a.what == "mlp-train":
        net = FieldMlp(dim=a.dim, hidden=a.hidden, depth=a.depth).train()
        x = torch.randn(a.batch, a.dim)
        s = torch.exp(2 * torch.randn(a.batch))
        out["seconds"] = timed(train_step(net, x, s, torch.randn(a.batch, a.dim)), a.reps * 20, a.warm * 20)
        out["batch"] = a.batch
        out["weights"] = sum(q.numel() for q in net.parameters())
    with torch.inference_mode():
        if a.what in ("unet-train", "mlp-train"):
            pass  # timed above, with gradients
        elif a.what == "info":
            out["config"] = torch.__config__.show()
        elif a.what == "gemm":
            x = torch.randn(a.size, a.size)
            y = torch.randn(a.size, a.size)
            z = torch.empty(a.size, a.size)
            out["seconds"] = timed(lambda: torch.mm(x, y, out=z), a.reps, a.warm)
            out["flop"] = 2.0 * a.size ** 3
        elif a.what in ("unet-forward", "unet-sample"):
            net = UNet(base=a.width, levels=a.levels).eval()
            out["weights"] = sum(q.numel() for q in net.parameters())
            if a.what == "unet-forward":
                x = torch.randn(a.batch, 1, 28, 28)
                s = torch.exp(2 * torch.randn(a.batch))
                out["seconds"] = timed(lambda: net(x, s), a.reps, a.warm)
                out["batch"] = a.batch
            else:
                out.update(timed_sampling(net, a, (1, 28, 28), 80.0, 0.002))
        else:
            net = FieldMlp(dim=a.dim, hidden=a.hidden, depth=a.depth).eval()
            out["weights"] = sum(q.numel() for q in net.parameters())
            if a.what == "mlp-forward":
                x = torch.randn(a.batch, a.dim)
                s = torch.exp(2 * torch.randn(a.batch))
                out["seconds"] = timed(lambda: net(x, s), a.reps * 20, a.warm * 20)
                out["batch"] = a.batch
            else:
                out.update(timed_sampling(net, a, (a.dim,), 40.0, 0.01))
    if "seconds" in out:
        out["min"] = min(out["seconds"])
        out["median"] = statistics.median(out["seconds"])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
