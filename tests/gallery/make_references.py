"""Independent reference values of the log marginal likelihood of the gallery models.

For each model of :data:`tests.gallery.models.GALLERY` listed in :data:`MODELS` this script
computes log Z = log ∫ prior(w) Π_i p(y_i | w) dw, with PyMC's conventions (a ``pm.Potential``
is part of the unnormalized prior; an ``ordered`` transform restricts the support of ``mu``
without renormalizing its prior; a Dirichlet(1, 1) prior is the density 1 in ``w[0]``), two
ways: a main method (closed form, analytic Gaussian integrals plus ``scipy.integrate.quad`` or
``dblquad``, or importance sampling from a multivariate Student-t) and a check by a different
method (importance sampling, or quadrature on a whitened fixed grid). ``pymc_slt`` is not used.

The log densities are written by hand with NumPy/SciPy from the data that the PyMC models hold
(``find_observations`` / ``find_constants``, plus the module constants that are not
``pm.Data``). Before integrating, each hand-written log density is compared with PyMC's own
``model.compile_logp(jacobian=False)`` at random points, so a transcription error cannot pass
unnoticed.

The result is written to ``tests/gallery/references.json`` as
``{model: {"log_z", "se", "method", "check": {"method", "log_z", "se"}}}``. For quadrature,
``se`` is the numerical error estimate of the integrator (or of the grid, from halving the grid
spacing); for importance sampling it is the Monte-Carlo standard error of log Z from the
weights (delta method), and the method string gives the effective sample size.

The file was made with::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python tests/gallery/make_references.py

which took 35 s (single-threaded, on a shared 2-core machine).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymc as pm
from pymc.backends.arviz import find_constants, find_observations
from scipy import integrate, optimize, special, stats

from tests.gallery import models as gallery
from tests.gallery.models import GALLERY

OUT = Path(__file__).with_name("references.json")

#: Effective sample size that every importance-sampling estimate must reach (≥ 10⁴ asked).
MIN_ESS = 1.0e5
#: Degrees of freedom of the Student-t proposals.
DF = 5.0

LOG_2PI = np.log(2.0 * np.pi)

LogDensity = Callable[[np.ndarray], np.ndarray]


# --- small numerical tools ----------------------------------------------------------------------


def norm_logpdf(x: np.ndarray, mu: np.ndarray | float, sigma: np.ndarray | float) -> np.ndarray:
    """Elementwise log density of N(mu, sigma²) (faster than ``scipy.stats.norm``)."""
    z = (x - mu) / sigma
    return -0.5 * z * z - np.log(sigma) - 0.5 * LOG_2PI


def mvn_logpdf_zero_mean(y: np.ndarray, cov: np.ndarray) -> float:
    """Log density of N(0, cov) at ``y``, through a Cholesky factor."""
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, y)
    return float(-0.5 * z @ z - np.log(np.diag(chol)).sum() - 0.5 * y.size * LOG_2PI)


def chunked(log_density: LogDensity, x: np.ndarray, size: int = 20_000) -> np.ndarray:
    """Evaluate a vectorized log density on the rows of ``x`` in chunks (bounded memory)."""
    return np.concatenate([log_density(x[i : i + size]) for i in range(0, len(x), size)])


def find_mode(log_density: LogDensity, x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mode of ``log_density`` and the inverse of the negative Hessian there.

    Parameters
    ----------
    log_density
        Vectorized log density, ``(n, d) -> (n,)``.
    x0
        Starting point of the optimizer.

    Returns
    -------
    mode, cov
        The maximizer and the inverse negative Hessian (central finite differences).
    """

    def neg(x: np.ndarray) -> float:
        return -float(log_density(x[None, :])[0])

    res = optimize.minimize(neg, x0, method="BFGS", options={"gtol": 1e-8, "maxiter": 10_000})
    mode = res.x
    d = mode.size
    h = 1e-4
    steps = np.eye(d) * h
    hess = np.empty((d, d))
    for i in range(d):
        for j in range(i, d):
            pts = np.array(
                [
                    mode + steps[i] + steps[j],
                    mode + steps[i] - steps[j],
                    mode - steps[i] + steps[j],
                    mode - steps[i] - steps[j],
                ]
            )
            f = log_density(pts)
            hess[i, j] = hess[j, i] = (f[0] - f[1] - f[2] + f[3]) / (4.0 * h * h)
    cov = np.linalg.inv(-hess)
    np.linalg.cholesky(cov)  # raises unless the mode is a proper maximum
    return mode, cov


@dataclass
class Estimate:
    """A value of log Z with its error and a description of how it was obtained."""

    log_z: float
    se: float
    method: str

    def as_dict(self) -> dict[str, float | str]:
        """The estimate as a JSON-ready dict."""
        return {"log_z": self.log_z, "se": self.se, "method": self.method}


class StudentTMixture:
    """Equal-weight mixture of multivariate Student-t distributions (one for a single mode).

    Parameters
    ----------
    locs, covs
        Location and scale matrix of each component.
    df
        Degrees of freedom, shared by the components.
    """

    def __init__(self, locs: list[np.ndarray], covs: list[np.ndarray], df: float = DF):
        self.components = [
            stats.multivariate_t(loc=loc, shape=cov, df=df)
            for loc, cov in zip(locs, covs, strict=True)
        ]
        many = len(self.components) > 1
        self.description = (
            f"multivariate Student-t df={df:g}{' mixture' if many else ''} at the posterior "
            f"mode{'s' if many else ''} with inverse-Hessian scale"
        )

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws, ``(n, d)``."""
        which = rng.integers(len(self.components), size=n)
        out = np.empty((n, self.components[0].loc.size))
        for k, comp in enumerate(self.components):
            m = int((which == k).sum())
            out[which == k] = comp.rvs(size=m, random_state=rng).reshape(m, -1)
        return out

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density of the mixture at the rows of ``x``."""
        logs = np.stack([comp.logpdf(x) for comp in self.components])
        return special.logsumexp(logs, axis=0) - np.log(len(self.components))


class EightSchoolsProposal:
    """Proposal for (mu, log tau, z) of the non-centred eight schools.

    log tau ~ Student-t; given tau, (mu, z) is drawn from its exact Gaussian conditional
    posterior (a linear-Gaussian model). The target density in the importance weights is the
    full hand-written joint, so this proposal only has to be good, not exact.

    Parameters
    ----------
    y, s
        Observed effects and their standard errors.
    loc, scale
        Location and scale of the Student-t for log tau.
    df
        Its degrees of freedom.
    """

    def __init__(self, y: np.ndarray, s: np.ndarray, loc: float, scale: float, df: float = DF):
        self.y, self.prec_obs = y, 1.0 / s**2
        self.log_tau = stats.t(df=df, loc=loc, scale=scale)
        self.description = (
            f"log tau ~ Student-t df={df:g} (loc {loc:.2f}, scale {scale:.2f}) × exact Gaussian "
            "conditional of (mu, z) given tau"
        )

    def _conditional(self, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean ``(n, 9)`` and precision ``(n, 9, 9)`` of (mu, z) given each tau."""
        n, k = tau.size, self.y.size
        prec = np.zeros((n, k + 1, k + 1))
        prec[:, 0, 0] = 1.0 / 25.0 + self.prec_obs.sum()
        prec[:, 0, 1:] = tau[:, None] * self.prec_obs
        prec[:, 1:, 0] = tau[:, None] * self.prec_obs
        idx = np.arange(1, k + 1)
        prec[:, idx, idx] = 1.0 + tau[:, None] ** 2 * self.prec_obs
        rhs = np.empty((n, k + 1))
        rhs[:, 0] = (self.prec_obs * self.y).sum()
        rhs[:, 1:] = tau[:, None] * self.prec_obs * self.y
        return np.linalg.solve(prec, rhs[..., None])[..., 0], prec

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of (mu, log tau, z_1..z_8)."""
        log_tau = self.log_tau.rvs(size=n, random_state=rng)
        mean, prec = self._conditional(np.exp(log_tau))
        chol = np.linalg.cholesky(prec)
        eps = rng.standard_normal(mean.shape)
        v = mean + np.linalg.solve(np.swapaxes(chol, 1, 2), eps[..., None])[..., 0]
        return np.column_stack([v[:, 0], log_tau, v[:, 1:]])

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density of the proposal at the rows of ``x``."""
        log_tau = x[:, 1]
        mean, prec = self._conditional(np.exp(log_tau))
        r = np.column_stack([x[:, 0], x[:, 2:]]) - mean
        quad = np.einsum("ni,nij,nj->n", r, prec, r)
        log_det = 2.0 * np.log(np.diagonal(np.linalg.cholesky(prec), axis1=1, axis2=2)).sum(1)
        gauss = -0.5 * quad + 0.5 * log_det - 0.5 * r.shape[1] * LOG_2PI
        return self.log_tau.logpdf(log_tau) + gauss


def importance_sampling(
    log_density: LogDensity,
    proposal: StudentTMixture | EightSchoolsProposal,
    seed: int,
    transform: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> Estimate:
    """Importance-sampling estimate of log ∫ exp(log_density).

    A pilot run of 20 000 draws sizes the final run so that its effective sample size
    (Σw)²/Σw² is at least :data:`MIN_ESS`; the final run uses fresh draws.

    Parameters
    ----------
    log_density
        Vectorized log integrand.
    proposal
        The proposal distribution: ``sample(n, rng)``, ``logpdf(x)`` and ``description``.
    seed
        Seed of the random generator.
    transform
        Optional map of the proposal draws to the coordinates of ``log_density``, returning the
        mapped points and log |det Jacobian| of the map (to be subtracted from log q).

    Returns
    -------
    Estimate
        log Z, its Monte-Carlo standard error (delta method) and a method string with N, the
        ESS and the largest normalized weight.
    """
    rng = np.random.default_rng(seed)

    def log_weights(n: int) -> np.ndarray:
        x = proposal.sample(n, rng)
        logq = proposal.logpdf(x)
        if transform is not None:
            x, log_jac = transform(x)
            logq = logq - log_jac
        return chunked(log_density, x) - logq

    def ess(lw: np.ndarray) -> float:
        w = np.exp(lw - lw.max())
        return float(w.sum() ** 2 / (w * w).sum())

    pilot = log_weights(20_000)
    n = int(np.ceil(1.25 * MIN_ESS * 20_000 / ess(pilot) / 1000.0) * 1000)
    n = max(n, 20_000)
    lw = log_weights(n)
    if ess(lw) < MIN_ESS:  # unlucky: add draws until the target is met
        extra = [lw]
        while ess(np.concatenate(extra)) < MIN_ESS:
            extra.append(log_weights(n // 2))
        lw = np.concatenate(extra)
        n = lw.size
    w = np.exp(lw - lw.max())
    log_z = float(np.log(w.mean()) + lw.max())
    se = float(w.std(ddof=1) / np.sqrt(n) / w.mean())
    method = (
        f"importance sampling, ESS={ess(lw):.0f} (N={n}; {proposal.description}; "
        f"max weight share {w.max() / w.sum():.1e})"
    )
    return Estimate(log_z, se, method)


def grid_quadrature(
    log_density: LogDensity,
    modes: list[np.ndarray],
    covs: list[np.ndarray],
    half_width: float,
    spacing: float,
) -> Estimate:
    """Trapezoid rule on a fine grid in whitened coordinates around each mode.

    The grid around a mode m with Cholesky factor L of its covariance is m + L z,
    z ∈ [-half_width, half_width]^d with step ``spacing``; the integrand must be negligible on
    the faces of each box (checked). With several modes, space is partitioned by the nearest
    mode (Mahalanobis distance) and each box sums only its own cell, so boxes may overlap; the
    cut must pass where the integrand is negligible (between well-separated modes). The error
    estimate is the change of log Z when the step is doubled, which for a smooth, rapidly
    decaying integrand over-estimates the error of the fine grid.

    Parameters
    ----------
    log_density
        Vectorized log integrand.
    modes, covs
        Centre and covariance of each box.
    half_width, spacing
        Half-width of the box and grid step, in standard deviations.

    Returns
    -------
    Estimate
        log Z, the step-doubling error estimate, and a method string.
    """
    ticks = np.arange(-half_width, half_width + 1e-9, spacing)
    d = modes[0].size
    chols = [np.linalg.cholesky(cov) for cov in covs]

    def nearest(x: np.ndarray) -> np.ndarray:
        """Index of the mode nearest to each row of ``x`` in its own Mahalanobis distance."""
        dist = [
            ((np.linalg.solve(c, (x - m).T)) ** 2).sum(0) for m, c in zip(modes, chols, strict=True)
        ]
        return np.argmin(np.stack(dist), axis=0)

    fine, coarse, edge = [], [], -np.inf
    for k, (mode, chol) in enumerate(zip(modes, chols, strict=True)):
        z = np.stack(np.meshgrid(*[ticks] * d, indexing="ij"), axis=-1).reshape(-1, d)
        x = mode + z @ chol.T
        logf = chunked(log_density, x, size=50_000)
        if len(modes) > 1:  # each box integrates only its own cell of the partition of space
            logf[nearest(x) != k] = -np.inf
        log_vol = np.log(np.diag(chol)).sum()
        on_face = (np.abs(z) > half_width - 1e-9).any(axis=1)
        edge = max(edge, float(logf[on_face].max() - logf.max()))
        every_other = (np.round((z + half_width) / spacing).astype(int) % 2 == 0).all(axis=1)
        fine.append(special.logsumexp(logf) + d * np.log(spacing) + log_vol)
        coarse.append(special.logsumexp(logf[every_other]) + d * np.log(2 * spacing) + log_vol)
    assert edge < -25.0, f"integrand not negligible on the box faces ({edge:.1f})"
    log_z = float(special.logsumexp(fine))
    se = float(abs(log_z - special.logsumexp(coarse)))
    method = (
        f"quadrature: trapezoid on a {len(ticks)}^{d} grid in whitened coordinates "
        f"(±{half_width:g} sd, step {spacing:g} sd) around each of {len(modes)} mode(s); "
        f"integrand on box faces ≤ max·exp({edge:.0f}); se = change when step is doubled"
    )
    return Estimate(log_z, se, method)


def quad_1d(log_f: Callable[[float], float], lo: float, hi: float, peak: float) -> Estimate:
    """``scipy.integrate.quad`` of exp(log_f) over [0, ∞), split at ``lo``, ``peak``, ``hi``.

    Parameters
    ----------
    log_f
        Scalar log integrand on (0, ∞).
    lo, hi, peak
        Break points: the bulk of the mass lies in [lo, hi] and the maximum is near ``peak``.

    Returns
    -------
    Estimate
        log Z and the relative error estimate of ``quad``.
    """
    scale = log_f(peak)

    def f(t: float) -> float:
        return float(np.exp(log_f(t) - scale)) if t > 0 else float(np.exp(log_f(1e-300) - scale))

    total, err = 0.0, 0.0
    for a, b in [(0.0, lo), (lo, peak), (peak, hi), (hi, np.inf)]:
        val, e = integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-12, limit=500)
        total += val
        err += e
    return Estimate(float(scale + np.log(total)), float(err / total), "")


# --- comparing the hand-written densities with PyMC --------------------------------------------


@dataclass
class Target:
    """A hand-written integrand in unconstrained coordinates.

    Attributes
    ----------
    log_joint
        ``(n, d) -> (n,)``: log prior (incl. potentials) + log likelihood + log |Jacobian| of
        the map to the constrained parameters.
    to_constrained
        ``(d,) -> (dict of constrained values by PyMC variable name, log |Jacobian|)``.
    x0
        Starting point for the mode search.
    """

    log_joint: LogDensity
    to_constrained: Callable[[np.ndarray], tuple[dict[str, np.ndarray], float]]
    x0: np.ndarray


def check_against_pymc(model: pm.Model, target: Target, points: np.ndarray) -> float:
    """Largest |hand-written − PyMC| log density (jacobian=False) over ``points``.

    PyMC's ``compile_logp(jacobian=False)`` takes the transformed value variables, so each
    constrained value is mapped forward through the variable's own transform first.
    """
    logp = model.compile_logp(jacobian=False)
    worst = 0.0
    for u in points:
        values, log_jac = target.to_constrained(u)
        point = {}
        for rv in model.free_RVs:
            value = np.asarray(values[rv.name], dtype=float)
            transform = model.rvs_to_transforms.get(rv)
            if transform is not None:
                value = transform.forward(value, *rv.owner.inputs).eval()
            point[model.rvs_to_values[rv].name] = value
        hand = float(target.log_joint(u[None, :])[0]) - log_jac
        worst = max(worst, abs(hand - float(logp(point))))
    assert worst < 1e-6, f"hand-written density differs from PyMC's by {worst}"
    return worst


def model_data(model: pm.Model) -> dict[str, np.ndarray]:
    """Observed and ``pm.Data`` arrays of a model, by name."""
    out = {**find_observations(model), **find_constants(model)}
    return {k: np.asarray(v.data if hasattr(v, "data") else v, dtype=float) for k, v in out.items()}


# --- the models ---------------------------------------------------------------------------------


def log_halfcauchy(x: np.ndarray, beta: float) -> np.ndarray:
    """Log density of HalfCauchy(beta) on x > 0."""
    return np.log(2.0 / (np.pi * beta)) - np.log1p((x / beta) ** 2)


def log_halfnormal(x: np.ndarray, sigma: float) -> np.ndarray:
    """Log density of HalfNormal(sigma) on x > 0."""
    return np.log(2.0) + norm_logpdf(x, 0.0, sigma)


def eight_schools(model: pm.Model, centered: bool) -> tuple[Target, Estimate, Estimate]:
    """Eight schools, centred (theta) or non-centred (z); both have the same Z.

    Main: given tau, y ~ N(0, 25·11ᵀ + diag(σ_j² + tau²)) (mu and theta integrated out), then
    ``quad`` over tau with the HalfCauchy(5) prior. Check: importance sampling over
    (mu, log tau, z) from :class:`EightSchoolsProposal` — for the centred model mapped to
    theta = mu + tau·z.
    """
    data = model_data(model)
    y, s = data["obs"], gallery.SIGMAS

    def log_joint_nc(u: np.ndarray) -> np.ndarray:
        mu, tau, z = u[:, 0], np.exp(u[:, 1]), u[:, 2:]
        theta = mu[:, None] + tau[:, None] * z
        return (
            norm_logpdf(mu, 0.0, 5.0)
            + log_halfcauchy(tau, 5.0)
            + u[:, 1]
            + norm_logpdf(z, 0.0, 1.0).sum(1)
            + norm_logpdf(y, theta, s).sum(1)
        )

    def log_joint_c(u: np.ndarray) -> np.ndarray:
        mu, tau, theta = u[:, 0], np.exp(u[:, 1]), u[:, 2:]
        return (
            norm_logpdf(mu, 0.0, 5.0)
            + log_halfcauchy(tau, 5.0)
            + u[:, 1]
            + norm_logpdf(theta, mu[:, None], tau[:, None]).sum(1)
            + norm_logpdf(y, theta, s).sum(1)
        )

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        values = {"mu": u[0], "tau": np.exp(u[1]), ("theta" if centered else "z"): u[2:]}
        return values, float(u[1])

    log_joint = log_joint_c if centered else log_joint_nc
    target = Target(log_joint, to_constrained, np.zeros(10))

    def log_f(tau: float) -> float:
        cov = 25.0 + np.diag(s**2 + tau**2)
        return mvn_logpdf_zero_mean(y, cov) + float(log_halfcauchy(np.array(tau), 5.0))

    main = quad_1d(log_f, lo=0.5, hi=200.0, peak=3.0)
    main.method = (
        "quadrature: mu and theta integrated analytically (y | tau Gaussian), "
        "scipy.integrate.quad over tau ∈ (0, ∞) with the HalfCauchy(5) prior; se = quad error"
    )

    # the check integrates the non-centred density (a mode exists there) ...
    # A single Student-t at the joint mode gives an ESS of ~0.1 % here (the posterior of log tau
    # is far from Gaussian), so log tau gets its own Student-t, located and scaled from the
    # analytic marginal (only the proposal depends on it), widened by 1.5.
    def log_marginal(t: float) -> float:
        return log_f(float(np.exp(t))) + t

    t_hat = optimize.minimize_scalar(lambda t: -log_marginal(t), bounds=(-5, 6), method="bounded").x
    h = 1e-3
    curv = (2 * log_marginal(t_hat) - log_marginal(t_hat + h) - log_marginal(t_hat - h)) / h**2
    proposal = EightSchoolsProposal(y, s, loc=float(t_hat), scale=1.5 / np.sqrt(curv))
    if not centered:
        check = importance_sampling(log_joint_nc, proposal, seed=11)
    else:  # ... and for the centred model maps the draws to theta = mu + tau z

        def to_theta(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            tau = np.exp(x[:, 1])
            theta = x[:, :1] + tau[:, None] * x[:, 2:]
            return np.column_stack([x[:, :2], theta]), 8.0 * x[:, 1]

        check = importance_sampling(log_joint_c, proposal, seed=12, transform=to_theta)
        check.method += "; draws (mu, log tau, z) mapped to theta = mu + tau·z"
    return target, main, check


def linear_sigma_halfnormal(model: pm.Model) -> tuple[Target, Estimate, Estimate]:
    """Linear regression with unknown noise. Main: (intercept, slope) integrated analytically
    given sigma, ``quad`` over sigma. Check: importance sampling in (intercept, slope, log σ)."""
    data = model_data(model)
    x, y = data["x"], data["y"]
    design = np.column_stack([np.ones_like(x), x])

    def log_joint(u: np.ndarray) -> np.ndarray:
        sigma = np.exp(u[:, 2])
        mean = u[:, :1] + u[:, 1:2] * x
        return (
            norm_logpdf(u[:, :2], 0.0, 2.0).sum(1)
            + log_halfnormal(sigma, 1.0)
            + u[:, 2]
            + norm_logpdf(y, mean, sigma[:, None]).sum(1)
        )

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        return {"intercept": u[0], "slope": u[1], "sigma": np.exp(u[2])}, float(u[2])

    target = Target(log_joint, to_constrained, np.zeros(3))
    gram = 4.0 * design @ design.T

    def log_f(sigma: float) -> float:
        cov = gram + sigma**2 * np.eye(y.size)
        return mvn_logpdf_zero_mean(y, cov) + float(log_halfnormal(np.array(sigma), 1.0))

    mode, cov = find_mode(log_joint, target.x0)
    peak = float(np.exp(mode[2]))
    main = quad_1d(log_f, lo=0.5 * peak, hi=2.0 * peak, peak=peak)
    main.method = (
        "quadrature: intercept and slope integrated analytically (y | sigma Gaussian), "
        "scipy.integrate.quad over sigma ∈ (0, ∞) with the HalfNormal(1) prior; se = quad error"
    )
    check = importance_sampling(log_joint, StudentTMixture([mode], [cov]), seed=21)
    return target, main, check


def varying_intercept(model: pm.Model) -> tuple[Target, Estimate, Estimate]:
    """Varying intercepts. Main: mu_a, a, b integrated analytically given (sigma, sigma_a) —
    y ~ N(0, 11ᵀ + sigma_a² GGᵀ + xxᵀ + sigma² I) — then ``dblquad`` over (sigma, sigma_a).
    Check: importance sampling in (mu_a, log sigma_a, a, b, log sigma)."""
    data = model_data(model)
    x, y, g = data["x"], data["y"], data["g"].astype(int)
    groups = np.eye(4)[g]

    def log_joint(u: np.ndarray) -> np.ndarray:
        mu_a, sigma_a, a, b, sigma = u[:, 0], np.exp(u[:, 1]), u[:, 2:6], u[:, 6], np.exp(u[:, 7])
        mean = a[:, g] + b[:, None] * x
        return (
            norm_logpdf(mu_a, 0.0, 1.0)
            + log_halfnormal(sigma_a, 1.0)
            + u[:, 1]
            + norm_logpdf(a, mu_a[:, None], sigma_a[:, None]).sum(1)
            + norm_logpdf(b, 0.0, 1.0)
            + log_halfnormal(sigma, 1.0)
            + u[:, 7]
            + norm_logpdf(y, mean, sigma[:, None]).sum(1)
        )

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        values = {
            "mu_a": u[0],
            "sigma_a": np.exp(u[1]),
            "a": u[2:6],
            "b": u[6],
            "sigma": np.exp(u[7]),
        }
        return values, float(u[1] + u[7])

    x0 = np.r_[0.0, np.log(0.5), [y[g == k].mean() for k in range(4)], 0.0, np.log(0.5)]
    target = Target(log_joint, to_constrained, x0)
    fixed = np.ones((y.size, y.size)) + np.outer(x, x)
    group_gram = groups @ groups.T
    eye = np.eye(y.size)

    def log_f(sigma_a: float, sigma: float) -> float:
        cov = fixed + sigma_a**2 * group_gram + sigma**2 * eye
        prior = log_halfnormal(np.array([sigma_a, sigma]), 1.0).sum()
        return mvn_logpdf_zero_mean(y, cov) + float(prior)

    mode, cov = find_mode(log_joint, x0)
    # the box: where a coarse scan of the integrand is within exp(-45) of its maximum, padded
    sa_scan, s_scan = np.linspace(0.0, 10.0, 101), np.linspace(0.02, 4.0, 200)
    scan = np.array([[log_f(sa, s) for s in s_scan] for sa in sa_scan])
    scale = float(scan.max())
    keep_sa = np.flatnonzero(scan.max(1) > scale - 45.0)
    keep_s = np.flatnonzero(scan.max(0) > scale - 45.0)
    a_hi = float(sa_scan[min(keep_sa[-1] + 1, sa_scan.size - 1)])
    s_lo = float(s_scan[max(keep_s[0] - 1, 0)])
    s_hi = float(s_scan[min(keep_s[-1] + 1, s_scan.size - 1)])
    assert keep_sa[-1] + 1 < sa_scan.size and 0 < keep_s[0] and keep_s[-1] + 1 < s_scan.size

    def integrand(sigma_a: float, sigma: float) -> float:
        return float(np.exp(log_f(sigma_a, sigma) - scale))

    val, err = integrate.dblquad(integrand, s_lo, s_hi, 0.0, a_hi, epsabs=0.0, epsrel=1e-10)
    main = Estimate(
        float(scale + np.log(val)),
        float(err / val),
        "quadrature: mu_a, a, b integrated analytically (y | sigma, sigma_a Gaussian), "
        f"scipy.integrate.dblquad over sigma_a ∈ (0, {a_hi:g}) × sigma ∈ "
        f"({s_lo:.3f}, {s_hi:.3f}) (where the integrand > max·exp(-45)) with HalfNormal(1) "
        "priors; se = dblquad error",
    )
    check = importance_sampling(log_joint, StudentTMixture([mode], [cov]), seed=31)
    return target, main, check


def glm(model: pm.Model, name: str) -> tuple[Target, Estimate, Estimate]:
    """Logistic, Poisson and negative-binomial GLMs. Main: importance sampling from a
    Student-t at the mode. Check: trapezoid on a whitened grid (d = 2 or 3)."""
    data = model_data(model)
    y = data["y"]
    if name == "logistic_glm":
        xmat = data["X"]

        def log_joint(u: np.ndarray) -> np.ndarray:
            eta = u[:, :1] + u[:, 1:] @ xmat.T
            loglik = (y * eta - np.logaddexp(0.0, eta)).sum(1)
            return norm_logpdf(u, 0.0, 2.0).sum(1) + loglik

        def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
            return {"alpha": u[0], "beta": u[1:]}, 0.0

        x0, grid = np.zeros(3), (12.0, 0.2)
    else:
        x = data["x"]
        lgam_y1 = special.gammaln(y + 1.0)

        def log_mean(u: np.ndarray) -> np.ndarray:
            return u[:, :1] + u[:, 1:2] * x

        def log_prior(u: np.ndarray) -> np.ndarray:
            return norm_logpdf(u[:, 0], 0.0, 2.0) + norm_logpdf(u[:, 1], 0.0, 1.0)

        if name == "poisson_glm":

            def log_joint(u: np.ndarray) -> np.ndarray:
                eta = log_mean(u)
                return log_prior(u) + (y * eta - np.exp(eta) - lgam_y1).sum(1)

            def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
                return {"intercept": u[0], "slope": u[1]}, 0.0

            x0, grid = np.zeros(2), (10.0, 0.1)
        else:

            def log_joint(u: np.ndarray) -> np.ndarray:
                eta, alpha = log_mean(u), np.exp(u[:, 2:3])
                # NB(y | mu, alpha) = Γ(y+α)/(Γ(α) y!) (α/(α+μ))^α (μ/(α+μ))^y
                log_denom = np.logaddexp(np.log(alpha), eta)
                loglik = (
                    special.gammaln(y + alpha)
                    - special.gammaln(alpha)
                    - lgam_y1
                    + alpha * (np.log(alpha) - log_denom)
                    + y * (eta - log_denom)
                ).sum(1)
                alpha = alpha[:, 0]
                return log_prior(u) + np.log(0.2) - 0.2 * alpha + u[:, 2] + loglik

            def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
                return {"intercept": u[0], "slope": u[1], "alpha": np.exp(u[2])}, float(u[2])

            x0, grid = np.array([0.0, 0.0, 1.0]), (12.0, 0.2)
    target = Target(log_joint, to_constrained, x0)
    mode, cov = find_mode(log_joint, x0)
    main = importance_sampling(log_joint, StudentTMixture([mode], [cov]), seed=41)
    check = grid_quadrature(log_joint, [mode], [cov], *grid)
    return target, main, check


def mixture(model: pm.Model, ordered: bool) -> tuple[Target, Estimate, Estimate]:
    """Two-component normal mixture, w ~ Dirichlet(1, 1), mu_k ~ N(0, 5²).

    Coordinates: (logit w0, mu0, mu1) for the unordered model, (logit w0, mu0, log(mu1 − mu0))
    for the ordered one (mu0 < mu1 only, prior not renormalized). Main: importance sampling
    (for the unordered model from a two-component Student-t mixture at both label-swapped
    modes). Check: trapezoid on whitened grids around each mode.
    """
    y = model_data(model)["y"]

    def unpack(u: np.ndarray) -> tuple[np.ndarray, ...]:
        w = special.expit(u[:, 0])
        log_jac = np.log(w) + np.log1p(-w)
        if ordered:
            gap = np.exp(u[:, 2])
            return w, u[:, 1], u[:, 1] + gap, log_jac + u[:, 2]
        return w, u[:, 1], u[:, 2], log_jac

    def log_joint(u: np.ndarray) -> np.ndarray:
        w, mu0, mu1, log_jac = unpack(u)
        comp0 = np.log(w)[:, None] + norm_logpdf(y, mu0[:, None], 1.0)
        comp1 = np.log1p(-w)[:, None] + norm_logpdf(y, mu1[:, None], 1.0)
        loglik = np.logaddexp(comp0, comp1).sum(1)
        return norm_logpdf(mu0, 0.0, 5.0) + norm_logpdf(mu1, 0.0, 5.0) + loglik + log_jac

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        w, mu0, mu1, log_jac = unpack(u[None, :])
        return {"w": np.r_[w, 1.0 - w], "mu": np.r_[mu0, mu1]}, float(log_jac[0])

    x0 = np.array([0.0, -2.0, np.log(4.0)]) if ordered else np.array([0.0, -2.0, 2.0])
    target = Target(log_joint, to_constrained, x0)
    mode, cov = find_mode(log_joint, x0)
    modes, covs = [mode], [cov]
    if not ordered:  # the label swap (w, mu0, mu1) -> (1 - w, mu1, mu0)
        swap = np.array([[-1.0, 0, 0], [0, 0, 1.0], [0, 1.0, 0]])
        modes.append(swap @ mode)
        covs.append(swap @ cov @ swap.T)
    main = importance_sampling(log_joint, StudentTMixture(modes, covs), seed=51 + ordered)
    check = grid_quadrature(log_joint, modes, covs, 10.0, 0.2)
    return target, main, check


def deterministic_and_potential(model: pm.Model) -> tuple[Target, Estimate, Estimate]:
    """Regression with known noise and the Potential log σ(5·slope) as part of the prior.

    Main: ``dblquad`` over (intercept, slope) on a ±12 sd box. Check: importance sampling.
    """
    x, y = gallery._regression_data(seed=7)
    assert np.array_equal(y, model_data(model)["y"]), "regenerated data differ from the model's"

    def log_joint(u: np.ndarray) -> np.ndarray:
        mean = u[:, :1] + u[:, 1:2] * x
        potential = -np.logaddexp(0.0, -5.0 * u[:, 1])  # log sigmoid(5 slope)
        prior = norm_logpdf(u, 0.0, 2.0).sum(1) + potential
        return prior + norm_logpdf(y, mean, 0.8).sum(1)

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        return {"intercept": u[0], "slope": u[1]}, 0.0

    target = Target(log_joint, to_constrained, np.zeros(2))
    mode, cov = find_mode(log_joint, target.x0)
    sd = np.sqrt(np.diag(cov))
    lo, hi = mode - 12 * sd, mode + 12 * sd
    scale = float(log_joint(mode[None, :])[0])

    def integrand(slope: float, intercept: float) -> float:
        return float(np.exp(log_joint(np.array([[intercept, slope]]))[0] - scale))

    val, err = integrate.dblquad(integrand, lo[0], hi[0], lo[1], hi[1], epsabs=0.0, epsrel=1e-10)
    main = Estimate(
        float(scale + np.log(val)),
        float(err / val),
        "quadrature: scipy.integrate.dblquad over (intercept, slope) on the mode ± 12 sd box, "
        "Potential included in the integrand; se = dblquad error",
    )
    check = importance_sampling(log_joint, StudentTMixture([mode], [cov]), seed=61)
    return target, main, check


def two_observed(model: pm.Model) -> tuple[Target, Estimate, Estimate]:
    """Two Gaussian measurements sharing a, b with known noise.

    Main: closed form, (y1, y2) ~ N(0, I + A Aᵀ) with A = [[x, 0], [x, 1]]. Check: importance
    sampling.
    """
    rng = np.random.default_rng(8)  # the model's own data stream, regenerated
    x = rng.normal(size=50)
    data = model_data(model)
    y1, y2 = data["y1"], data["y2"]
    assert np.array_equal(y1, 0.7 * x + rng.normal(size=50)), "regenerated data differ"

    def log_joint(u: np.ndarray) -> np.ndarray:
        a, b = u[:, :1], u[:, 1:2]
        prior = norm_logpdf(u, 0.0, 1.0).sum(1)
        return prior + norm_logpdf(y1, a * x, 1.0).sum(1) + norm_logpdf(y2, b + a * x, 1.0).sum(1)

    def to_constrained(u: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
        return {"a": u[0], "b": u[1]}, 0.0

    target = Target(log_joint, to_constrained, np.zeros(2))
    design = np.block([[x[:, None], np.zeros((50, 1))], [x[:, None], np.ones((50, 1))]])
    yy = np.r_[y1, y2]
    log_z = mvn_logpdf_zero_mean(yy, np.eye(100) + design @ design.T)
    main = Estimate(log_z, 0.0, "closed form: (y1, y2) ~ N(0, I + A Aᵀ), A = [[x, 0], [x, 1]]")
    mode, cov = find_mode(log_joint, target.x0)
    check = importance_sampling(log_joint, StudentTMixture([mode], [cov]), seed=71)
    return target, main, check


def discrete_latent(model: pm.Model) -> tuple[None, Estimate, Estimate]:
    """k ~ Categorical(½, ½), y ~ N(k, 1): Z = ½ N(y; 0, I) + ½ N(y; 1, I) exactly.

    Check: log-sum over k ∈ {0, 1} of PyMC's own model log density.
    """
    y = model_data(model)["y"]
    log_z = float(
        np.logaddexp(
            np.log(0.5) + stats.norm.logpdf(y, 0.0, 1.0).sum(),
            np.log(0.5) + stats.norm.logpdf(y, 1.0, 1.0).sum(),
        )
    )
    main = Estimate(log_z, 0.0, "closed form: log(½ N(y; 0, I) + ½ N(y; 1, I))")
    logp = model.compile_logp()
    terms = [float(logp({"k": np.array(k)})) for k in (0, 1)]
    check = Estimate(
        float(special.logsumexp(terms)), 0.0, "exact sum over k ∈ {0, 1} of PyMC's model logp"
    )
    return None, main, check


MODELS: dict[str, Callable[[pm.Model], tuple[Target | None, Estimate, Estimate]]] = {
    "eight_schools_centered": lambda m: eight_schools(m, centered=True),
    "eight_schools_noncentered": lambda m: eight_schools(m, centered=False),
    "linear_sigma_halfnormal": linear_sigma_halfnormal,
    "varying_intercept": varying_intercept,
    "logistic_glm": lambda m: glm(m, "logistic_glm"),
    "poisson_glm": lambda m: glm(m, "poisson_glm"),
    "negative_binomial_glm": lambda m: glm(m, "negative_binomial_glm"),
    "mixture_unordered": lambda m: mixture(m, ordered=False),
    "mixture_ordered": lambda m: mixture(m, ordered=True),
    "deterministic_and_potential": deterministic_and_potential,
    "two_observed": two_observed,
    "discrete_latent": discrete_latent,
}


def main() -> dict[str, dict]:
    """Compute every reference, print a table and write :data:`OUT`.

    Returns
    -------
    dict
        The references as written to the JSON file.
    """
    start = time.perf_counter()
    refs: dict[str, dict] = {}
    rng = np.random.default_rng(0)
    for name, compute in MODELS.items():
        t0 = time.perf_counter()
        model = GALLERY[name]()
        target, est, check = compute(model)
        if target is not None:  # transcription check at random points around the start
            d = target.x0.size
            points = target.x0 + 0.3 * rng.normal(size=(5, d))
            worst = check_against_pymc(model, target, points)
        else:
            worst = 0.0
        refs[name] = {**est.as_dict(), "check": check.as_dict()}
        gap, gap_se = est.log_z - check.log_z, float(np.hypot(est.se, check.se))
        diff = f"{gap / gap_se:+.1f} se" if gap_se > 0 else f"{gap:+.1e}"
        print(
            f"{name:28s} {est.log_z:12.5f} ± {est.se:.1e}   check {check.log_z:12.5f} ± "
            f"{check.se:.1e}   (diff {diff}; |hand − PyMC logp| ≤ {worst:.0e}; "
            f"{time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    unord, ordd = refs["mixture_unordered"], refs["mixture_ordered"]
    ordd["relation"] = {"method": "log Z_unordered − log Z_ordered − log 2 (expected 0)"}
    for key, u, o in [("main", unord, ordd), ("check", unord["check"], ordd["check"])]:
        gap = u["log_z"] - o["log_z"] - np.log(2.0)
        gap_se = float(np.hypot(u["se"], o["se"]))
        ordd["relation"][key] = {"difference": float(gap), "se": gap_se}
        print(
            f"mixture ({key}): log Z_unordered − log Z_ordered − log 2 = {gap:+.6f} ± {gap_se:.6f}"
        )
    OUT.write_text(json.dumps(refs, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} in {time.perf_counter() - start:.0f} s")
    return refs


if __name__ == "__main__":
    main()
