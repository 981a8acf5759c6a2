"""devinterp's LLC on one data set; run by ``benchmarks/rlct.py`` with the devinterp virtualenv.

Usage: ``python _devinterp_llc.py DATA.npz`` → prints one JSON line
``{"llc": mean over chains, "llc_std": std over chains, "seconds": ...}``.

The npz holds ``x`` (n, M), ``y`` (n,) or (n, N), ``kind`` (``"linear"``, ``"crossing"``,
``"rrr"``, ``"tanh"``), ``powers`` (crossing), ``H`` (rrr, tanh) and ``seed``. The network is
first trained to a minimum of the training loss (full-batch Adam, as a practitioner would), then
``devinterp.slt.estimate_learning_coeff_with_summary`` runs SGLD with devinterp's usual settings:
lr 1e-3, localization 100, nβ = n/log n, 4 chains, batch 64, 1000 draws (no burn-in), with
``init_loss`` set to the full-batch loss at the trained point (devinterp's default, the mean
over 4 minibatches, is off by ~0.04 per sample at n = 1000, i.e. ±6 in λ̂ after multiplying by
nβ ≈ 145). The loss is
the per-sample Gaussian negative log-likelihood with σ = 1 (½ squared error summed over outputs),
so SGLD targets the same tempered posterior as pymc-slt, :math:`\\exp(-nβ L_n(w))`.
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings

import numpy as np
import torch
from devinterp.optim.sgld import SGLD
from devinterp.slt.sampler import estimate_learning_coeff_with_summary
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Crossing(nn.Module):
    """``f(x) = x ∏_j w_j^{k_j}``."""

    def __init__(self, powers):
        super().__init__()
        self.powers = torch.tensor(powers, dtype=torch.float64)
        self.w = nn.Parameter(0.1 * torch.randn(len(powers), dtype=torch.float64))

    def forward(self, x):
        return x[:, 0] * torch.prod(self.w**self.powers)


class Linear(nn.Module):
    def __init__(self, M):
        super().__init__()
        self.w = nn.Parameter(0.1 * torch.randn(M, dtype=torch.float64))

    def forward(self, x):
        return x @ self.w


class ReducedRank(nn.Module):
    """``f(x) = B A x``."""

    def __init__(self, M, N, H):
        super().__init__()
        self.A = nn.Parameter(0.1 * torch.randn(H, M, dtype=torch.float64))
        self.B = nn.Parameter(0.1 * torch.randn(N, H, dtype=torch.float64))

    def forward(self, x):
        return x @ self.A.T @ self.B.T


class Tanh(nn.Module):
    """``f(x) = Σ_h b_h tanh(a_h · x)`` (no biases)."""

    def __init__(self, M, H):
        super().__init__()
        self.a = nn.Parameter(0.1 * torch.randn(H, M, dtype=torch.float64))
        self.b = nn.Parameter(0.1 * torch.randn(H, dtype=torch.float64))

    def forward(self, x):
        return torch.tanh(x @ self.a.T) @ self.b


def gaussian_nll(pred, y):
    """Per-sample negative log-likelihood (σ = 1, constant dropped), averaged over the batch."""
    sq = (pred - y) ** 2
    return 0.5 * (sq.sum(-1) if sq.ndim > 1 else sq).mean()


def build(data):
    kind = str(data["kind"])
    M = data["x"].shape[1]
    if kind == "linear":
        return Linear(M)
    if kind == "crossing":
        return Crossing([int(k) for k in data["powers"]])
    if kind == "rrr":
        return ReducedRank(M, data["y"].shape[1], int(data["H"]))
    if kind == "tanh":
        return Tanh(M, int(data["H"]))
    raise ValueError(f"unknown kind {kind!r}")


def main(path: str) -> None:
    data = np.load(path)
    seed = int(data["seed"])
    torch.manual_seed(seed)
    x = torch.tensor(data["x"], dtype=torch.float64)
    y = torch.tensor(data["y"], dtype=torch.float64)
    n = x.shape[0]
    model = build(data)
    start = time.perf_counter()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3000):
        opt.zero_grad()
        loss = gaussian_nll(model(x), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        full_loss = float(gaussian_nll(model(x), y))
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)

    def evaluate(net, batch):
        xb, yb = batch
        return gaussian_nll(net(xb), yb), {}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = estimate_learning_coeff_with_summary(
            model,
            loader=loader,
            evaluate=evaluate,
            sampling_method=SGLD,
            optimizer_kwargs={"lr": 1e-3, "localization": 100.0, "nbeta": n / math.log(n)},
            num_chains=4,
            num_draws=1000,
            init_loss=full_loss,
            seed=seed,
            verbose=False,
        )
    print(
        json.dumps(
            {
                "llc": float(out["llc/mean"]),
                "llc_std": float(out["llc/std"]),
                "seconds": time.perf_counter() - start,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
