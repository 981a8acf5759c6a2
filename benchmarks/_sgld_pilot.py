"""Pilot for issue 28 (not yet a benchmark: no quick mode, no results file): the local λ̂ of
reduced-rank regression 5→5→5 (d = 50, rank-1 truth, n = 10⁴, λ = 10.5) from SGLD
(``pymc_slt.sampling.run_sgld``) at β = 1/log n around the least-squares fit, over step sizes
and localizations given on the command line. λ̂ = β(mean full-data n L_n over kept draws −
n L_n(w*)); per-chain values printed beside it. Usage:

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/_sgld_pilot.py \\
        EPS[,EPS] GAMMA[,GAMMA] STEPS

(4 chains, batch 256, a quarter of the steps discarded, 150 draws kept per chain).
"""

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from pymc_slt import theory
from pymc_slt.models import simulate as sim
from pymc_slt.models.neural import reduced_rank_regression
from pymc_slt.sampling.minibatch import minibatch_log_density
from pymc_slt.sampling.sgmcmc import run_sgld

n, M, N, H, r = 10_000, 5, 5, 5, 1
B, A = sim.reduced_rank_truth(M, N, r, random_seed=0)
d = sim.simulate_reduced_rank(n, B, A, random_seed=0)
lam = theory.rlct_reduced_rank(M, N, H, r)
model = reduced_rank_regression(d.x, d.y, H)
t = time.perf_counter()
dens = minibatch_log_density(model, check=False)
print("λ", lam, "build", round(time.perf_counter() - t, 2), "layout", dens.layout)
# w*: least squares fit of the full-rank product, factored (B = U S^1/2, A = S^1/2 V^T)
W = np.linalg.lstsq(d.x, d.y, rcond=None)[0].T  # (N, M)
U, S, Vt = np.linalg.svd(W)
point = {"A": np.sqrt(S)[:, None] * Vt[:H], "B": U[:, :H] * np.sqrt(S)[None, :H]}
center = dens.ravel(point)
allidx = jnp.arange(n)
full = jax.jit(lambda th: -dens.loglik(th, allidx))
nl_star = float(full(center))
beta = 1 / np.log(n)
for eps in map(float, sys.argv[1].split(",")):
    for gamma in map(float, sys.argv[2].split(",")):
        t = time.perf_counter()
        run = run_sgld(
            dens,
            center,
            beta=beta,
            gamma=gamma,
            step_size=eps,
            num_steps=int(sys.argv[3]),
            batch_size=256,
            seed=0,
            chains=4,
            burn_in=int(sys.argv[3]) // 4,
            thin=int(sys.argv[3]) // 200,
        )
        energies = np.array([[float(full(th)) for th in ch] for ch in run.draws])
        lam_hat = beta * (energies.mean() - nl_star)
        per_chain = beta * (energies.mean(1) - nl_star)
        print(
            f"eps {eps:g} gamma {gamma:g}: λ̂ {lam_hat:.2f} (chains {np.round(per_chain, 2)}) "
            f"{time.perf_counter() - t:.1f}s; trace first/last "
            f"{energies[:, :5].mean():.0f} / {energies[:, -5:].mean():.0f}"
        )
