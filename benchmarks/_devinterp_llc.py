"""devinterp's LLC on one data set; run by ``benchmarks/rlct.py`` with the devinterp virtualenv.

Usage: ``python _devinterp_llc.py DATA.npz`` → prints one JSON line
``{"llc": mean over chains, "llc_std": std over chains, "seconds": ...}``.

The npz holds ``x`` (n, M), ``y`` (n,) or (n, N), ``kind`` (``"linear"``, ``"crossing"``,
``"rrr"``, ``"tanh"``, ``"dln"``), ``powers`` (crossing), ``H`` (rrr, tanh), ``widths`` (dln:
the hidden widths H_1..H_{L−1} of ``y = x W_1ᵀ ⋯ W_Lᵀ``) and ``seed``. The network is
first trained to a minimum of the training loss (full-batch Adam, as a practitioner would), then
``devinterp.slt.estimate_learning_coeff_with_summary`` runs SGLD with devinterp's usual settings:
lr 1e-3, localization 100, nβ = n/log n, 4 chains, batch 64, 1000 draws (no burn-in), with
``init_loss`` set to the full-batch loss at the trained point (devinterp's default, the mean
over 4 minibatches, is off by ~0.04 per sample at n = 1000, i.e. ±6 in λ̂ after multiplying by
nβ ≈ 145). The loss is
the per-sample Gaussian negative log-likelihood with σ = 1 (½ squared error summed over outputs),
so SGLD targets the same tempered posterior as pymc-slt, :math:`\\exp(-nβ L_n(w))`.

Optional npz fields override those settings: ``lr``, ``localization``, ``nbeta``, ``num_chains``,
``num_draws``, ``batch_size`` and ``train_steps`` (Adam steps, lr 1e-2, default 3000). Besides
``llc``, ``llc_std`` and ``seconds`` (training and sampling) the line holds ``train_seconds``,
``peak_mb`` (this process's peak resident memory), ``per_chain`` (each chain's LLC),
``llc_second_half`` (the LLC from the second half of the draws only: near ``llc`` when the chains
had reached equilibrium), ``train_gap`` (full-batch loss at the trained point minus the
least-squares loss, per sample; only for ``rrr`` and ``dln`` with every width >= min(M, N),
where least squares is the minimum, else null) and the settings used. A run whose SGLD loss
turns NaN prints ``llc`` NaN with ``"diverged": true`` instead of failing.
"""

from __future__ import annotations

import itertools
import json
import math
import resource
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


class DeepLinear(nn.Module):
    """``f(x) = x W_1ᵀ W_2ᵀ ⋯ W_Lᵀ`` with ``W_l`` of shape ``(H_l, H_{l−1})``, no biases."""

    def __init__(self, M, N, widths):
        super().__init__()
        sizes = [M, *widths, N]
        self.weights = nn.ParameterList(
            nn.Parameter(0.1 * torch.randn(out, inp, dtype=torch.float64))
            for inp, out in itertools.pairwise(sizes)
        )

    def forward(self, x):
        for w in self.weights:
            x = x @ w.T
        return x


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
    if kind == "dln":
        return DeepLinear(M, data["y"].shape[1], [int(h) for h in data["widths"]])
    raise ValueError(f"unknown kind {kind!r}")


def setting(data, key, default, cast=float):
    """An optional npz field, ``default`` when absent."""
    return cast(data[key]) if key in data.files else default


def least_squares_gap(data, x, y, full_loss):
    """Trained loss minus the least-squares loss (per sample), where least squares is the
    minimum of the network's loss (``rrr``/``dln`` wide enough for any N×M matrix); else None."""
    kind = str(data["kind"])
    if kind not in ("rrr", "dln") or y.ndim != 2:
        return None
    widths = [int(data["H"])] if kind == "rrr" else [int(h) for h in data["widths"]]
    if min(widths) < min(x.shape[1], y.shape[1]):
        return None
    coef = torch.linalg.lstsq(x, y).solution
    return full_loss - float(gaussian_nll(x @ coef, y))


def per_chain(out):
    """Each chain's LLC from devinterp's summary (``llc-chain/i`` or ``llc/means``)."""
    chains = sorted(
        (int(k.split("/")[1]), float(v)) for k, v in out.items() if k.startswith("llc-chain/")
    )
    if chains:
        return [v for _, v in chains]
    if "llc/means" in out:
        return [float(v) for v in np.ravel(out["llc/means"])]
    return None


def main(path: str) -> None:
    data = np.load(path)
    seed = int(data["seed"])
    torch.manual_seed(seed)
    x = torch.tensor(data["x"], dtype=torch.float64)
    y = torch.tensor(data["y"], dtype=torch.float64)
    n = x.shape[0]
    settings = {
        "lr": setting(data, "lr", 1e-3),
        "localization": setting(data, "localization", 100.0),
        "nbeta": setting(data, "nbeta", n / math.log(n)),
        "num_chains": setting(data, "num_chains", 4, int),
        "num_draws": setting(data, "num_draws", 1000, int),
        "batch_size": setting(data, "batch_size", 64, int),
        "train_steps": setting(data, "train_steps", 3000, int),
    }
    model = build(data)
    start = time.perf_counter()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(settings["train_steps"]):
        opt.zero_grad()
        loss = gaussian_nll(model(x), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        full_loss = float(gaussian_nll(model(x), y))
        gap = least_squares_gap(data, x, y, full_loss)
    train_seconds = time.perf_counter() - start
    loader = DataLoader(TensorDataset(x, y), batch_size=settings["batch_size"], shuffle=True)

    def evaluate(net, batch):
        xb, yb = batch
        return gaussian_nll(net(xb), yb), {}

    diverged = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = estimate_learning_coeff_with_summary(
                model,
                loader=loader,
                evaluate=evaluate,
                sampling_method=SGLD,
                optimizer_kwargs={
                    "lr": settings["lr"],
                    "localization": settings["localization"],
                    "nbeta": settings["nbeta"],
                },
                num_chains=settings["num_chains"],
                num_draws=settings["num_draws"],
                init_loss=full_loss,
                seed=seed,
                verbose=False,
            )
        except RuntimeError as err:
            if "NaN detected" not in str(err):
                raise
            diverged = True
            out = {"llc/mean": math.nan, "llc/std": math.nan}
    seconds = time.perf_counter() - start
    second_half = None
    if "loss/trace" in out:
        trace = np.asarray(out["loss/trace"], dtype=np.float64)
        second_half = float(
            settings["nbeta"] * (trace[:, trace.shape[1] // 2 :].mean() - full_loss)
        )
    print(
        json.dumps(
            {
                "llc": float(out["llc/mean"]),
                "llc_std": float(out["llc/std"]),
                "seconds": seconds,
                "train_seconds": train_seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "per_chain": per_chain(out),
                "llc_second_half": second_half,
                "diverged": diverged or not math.isfinite(float(out["llc/mean"])),
                "train_loss": full_loss,
                "train_gap": gap,
                "settings": settings,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
