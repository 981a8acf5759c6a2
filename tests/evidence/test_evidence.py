"""log_marginal_likelihood against the exact log Z of conjugate linear regression.

Tolerances: |error| < 4·se + a small floor (the floor absorbs the bias of the log of an unbiased
estimate, about se²/2), and se itself must be useful (< 0.5 nat).
"""

import dataclasses
import warnings

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import pytest
import xarray as xr
from scipy import integrate, stats

import pymc_slt as slt
from pymc_slt.base.ladder import _ti_rule
from pymc_slt.base.smc import combine_chains, final_log_marginal_likelihood, infinite_chains
from pymc_slt.evidence.marginal_likelihood import METHODS, EvidenceResult, log_marginal_likelihood
from pymc_slt.evidence.path import (
    cross_check,
    stepping_stone,
    thermodynamic,
    thermodynamic_schedule,
)
from pymc_slt.evidence.result import Doubt
from pymc_slt.evidence.unconstrained import unconstrained_draws
from tests.conftest import make_conjugate

FLOOR = 0.02
SE_MAX = 0.5
NUTS_FAST = slt.NUTS(draws=500, tune=500, chains=4)
FAST = {"sampler": NUTS_FAST, "progressbar": False}


@pytest.fixture(scope="module", params=[2, 8], ids=["d2", "d8"])
def exact(request):
    return make_conjugate(n=200, d=request.param, seed=request.param, prior_sd=2.0)


def _check(result: EvidenceResult, exact, method: str) -> None:
    error = result.log_z - exact.log_evidence()
    assert result.method == method
    assert 0 < result.se < SE_MAX, result
    assert abs(error) < 4 * result.se + FLOOR, (error, result)
    assert result.free_energy == -result.log_z


def test_bridge_matches_exact(exact, recwarn):
    result = log_marginal_likelihood(exact.model(), method="bridge", random_seed=1, **FAST)
    _check(result, exact, "bridge")
    assert not [w for w in recwarn if "bridge sampling" in str(w.message)]


@pytest.fixture(scope="module")
def ladder(exact):
    model = exact.model()
    prior_var = exact.energy_variance(1e-12)  # the default schedule's own input, here exact
    betas = thermodynamic_schedule(16, exact.d, prior_var)
    return slt.sample_ladder(model, betas, random_seed=2, **FAST)


@pytest.mark.parametrize("method", ["stepping_stone", "thermodynamic"])
def test_ladder_methods_match_exact(exact, ladder, method):
    result = log_marginal_likelihood(exact.model(), method=method, data=ladder, random_seed=3)
    _check(result, exact, method)
    betas = result.diagnostics["betas"]
    assert betas[0] == 0.0 and betas[-1] == 1.0 and len(betas) == 17


def test_stepping_stone_samples_its_own_ladder():
    exact = make_conjugate(n=200, d=2, seed=5, prior_sd=2.0)
    result = log_marginal_likelihood(
        exact.model(), method=slt.SteppingStone(n_betas=12), random_seed=4, **FAST
    )
    _check(result, exact, "stepping_stone")
    assert len(result.diagnostics["betas"]) == 13


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({}, {"target_accept": 0.95}),
        ({"options": {"maxdepth": 8}}, {"target_accept": 0.95, "maxdepth": 8}),
        ({"target_accept": 0.8}, {"target_accept": 0.8}),
    ],
)
def test_ladder_rungs_run_nuts_at_a_high_target_accept_unless_set(monkeypatch, user, expected):
    from pymc_slt.evidence import path

    seen = {}

    def record(*args, **kwargs):
        seen.update(kwargs)
        raise InterruptedError  # stop before sampling

    monkeypatch.setattr(path, "sample_ladder", record)
    model = make_conjugate(n=20, d=2, seed=5, prior_sd=2.0).model()
    with pytest.raises(InterruptedError):
        log_marginal_likelihood(
            model,
            method="stepping_stone",
            sampler=dataclasses.replace(NUTS_FAST, **user),
            progressbar=False,
        )
    assert seen["sampler"].name == "nuts" and seen["sampler"].kwargs() == expected


def test_smc_matches_exact(exact):
    # the se rests on the spread of 6 chains (t with 5 dof: |t| > 4 has probability 1 %)
    result = log_marginal_likelihood(
        exact.model(),
        method="smc",
        sampler=slt.SMC(draws=1000, chains=6),
        random_seed=5,
        progressbar=False,
    )
    _check(result, exact, "smc")
    assert result.diagnostics["log_z_chains"].shape == (6,)
    assert result.diagnostics["se_dof"] == 5


@pytest.mark.slow
def test_default_method_at_d20():
    exact = make_conjugate(n=200, d=20, seed=20, prior_sd=2.0)
    result = log_marginal_likelihood(exact.model(), random_seed=6, progressbar=False)
    assert result.method == next(iter(METHODS))
    assert abs(result.log_z - exact.log_evidence()) < 0.05
    _check(result, exact, next(iter(METHODS)))


@pytest.mark.slow
@pytest.mark.parametrize("method", ["stepping_stone", "thermodynamic"])
def test_ladder_methods_at_d20(method):
    exact = make_conjugate(n=200, d=20, seed=21, prior_sd=2.0)
    result = log_marginal_likelihood(exact.model(), method=method, random_seed=7, progressbar=False)
    _check(result, exact, method)


def test_bridge_handles_transformed_parameters():
    """y ~ N(μ, s), μ ~ N(0, 1), s ~ HalfNormal(1): μ integrates out, s by quadrature."""
    rng = np.random.default_rng(4)
    y = 0.3 + 0.8 * rng.normal(size=30)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        s = pm.HalfNormal("s", 1)
        pm.Normal("y", mu, s, observed=y)

    def log_marginal(sd: float) -> float:
        cov = sd**2 * np.eye(y.size) + np.ones((y.size, y.size))
        return stats.multivariate_normal(np.zeros(y.size), cov).logpdf(y) + stats.halfnorm.logpdf(
            sd
        )

    shift = max(log_marginal(sd) for sd in np.linspace(0.05, 3, 60))
    value, _ = integrate.quad(lambda sd: np.exp(log_marginal(sd) - shift), 0, np.inf, limit=200)
    result = log_marginal_likelihood(model, random_seed=3, **FAST)
    error = result.log_z - (shift + np.log(value))
    assert 0 < result.se < SE_MAX and abs(error) < 4 * result.se + FLOOR, (error, result)


def test_unconstrained_draws_follow_value_transforms():
    with pm.Model() as model:
        lo = pm.Normal("lo", 0, 1)
        pm.Uniform("u", lo, lo + 2)
        pm.HalfNormal("s", 1, shape=2)
        pm.Normal("y", lo, 1, observed=np.zeros(2))
    lo_draws = np.array([[0.0, -1.0]])
    u_draws = lo_draws + np.array([[0.5, 1.5]])
    s_draws = np.array([[[1.0, 2.0], [0.5, 3.0]]])
    posterior = xr.Dataset(
        {
            "lo": (("chain", "draw"), lo_draws),
            "u": (("chain", "draw"), u_draws),
            "s": (("chain", "draw", "s_dim_0"), s_draws),
        }
    )
    theta = unconstrained_draws(model, posterior)
    frac = (u_draws - lo_draws) / 2
    expected = np.concatenate(
        [lo_draws[..., None], np.log(frac / (1 - frac))[..., None], np.log(s_draws)], axis=-1
    )
    np.testing.assert_allclose(theta, expected)


# --- the same seed gives the same number ------------------------------------------------------


def test_same_seed_same_number_smc():
    model = make_conjugate(n=50, d=2, seed=1).model()
    kwargs = {"method": "smc", "sampler": slt.SMC(draws=300, chains=2), "progressbar": False}
    first = log_marginal_likelihood(model, random_seed=9, **kwargs)
    again = log_marginal_likelihood(model, random_seed=9, **kwargs)
    other = log_marginal_likelihood(model, random_seed=10, **kwargs)
    assert first.log_z == again.log_z and first.se == again.se
    assert first.log_z != other.log_z


def test_same_seed_same_number_bridge():
    exact = make_conjugate(n=50, d=2, seed=1)
    draws = slt.sample_tempered(exact.model(), random_seed=1, **FAST)
    first = log_marginal_likelihood(exact.model(), data=draws, random_seed=9)
    again = log_marginal_likelihood(exact.model(), data=draws, random_seed=9)
    assert first.log_z == again.log_z and first.se == again.se
    _check(first, exact, "bridge")


# --- bridge sampling on a multimodal posterior ------------------------------------------------


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_bridge_warns_on_bimodal_posterior():
    """y = a·b·x with a·b = 1: modes (a, b) and (−a, −b) that NUTS chains do not cross."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    y = x + rng.normal(size=50)
    with pm.Model() as model:
        a = pm.Normal("a", 0, 1)
        b = pm.Normal("b", 0, 1)
        pm.Normal("y", a * b * x, 1, observed=y)
    # 6 chains start at random points: all in the same mode with probability 2/2⁶ only.
    with pytest.warns(UserWarning, match="stepping_stone"):
        result = log_marginal_likelihood(
            model,
            random_seed=0,
            sampler=slt.NUTS(draws=300, tune=300, chains=6),
            progressbar=False,
            fallback=False,
        )
    assert result.method == "bridge" and result.diagnostics["max_rhat"] > 1.01


# --- SMC extraction ---------------------------------------------------------------------------


def _stats(values, dims) -> xr.Dataset:
    return xr.Dataset({"log_marginal_likelihood": (dims, values)})


def test_smc_extraction_object_array_padded_with_nan():
    values = np.empty((2, 4), dtype=object)
    values[0] = [np.nan, np.nan, np.nan, -72.8]
    values[1] = [np.nan, np.nan, -72.9, np.nan]
    out = final_log_marginal_likelihood(_stats(values, ("chain", "stage")))
    np.testing.assert_array_equal(out, [-72.8, -72.9])


def test_smc_extraction_ragged_chains():
    values = np.empty(3, dtype=object)
    values[0] = np.array([np.nan, -1.0, -2.0])
    values[1] = np.array([np.nan, -3.0])
    values[2] = [np.nan, -4.0, -5.0, -6.0]
    out = final_log_marginal_likelihood(_stats(values, ("chain",)))
    np.testing.assert_array_equal(out, [-2.0, -3.0, -6.0])


def test_infinite_weights_are_named_and_warned():
    """NaN is padding; ±∞ at any stage means the weights overflowed: that chain is named, and
    method='smc' on such data warns instead of returning the last finite value silently."""
    values = np.empty(3, dtype=object)
    values[0] = np.array([np.nan, -1.0, -2.0])
    values[1] = np.array([np.nan, -np.inf, -3.0])
    values[2] = [np.nan, -4.0, np.inf]
    stats = _stats(values, ("chain",))
    assert infinite_chains(stats) == [1, 2]
    data = xr.DataTree.from_dict({"sample_stats": stats})
    with pytest.warns(slt.EvidenceWarning, match=r"chain\(s\) \[1, 2\] became infinite"):
        log_marginal_likelihood(make_conjugate().model(), method="smc", data=data)


def test_smc_extraction_per_draw_lists():
    """Old PyMC layout: (chain, draw), every entry the list of per-stage values."""
    values = np.empty((2, 3), dtype=object)
    for d in range(3):
        values[0, d] = [np.nan, -10.0, -11.0]
        values[1, d] = [np.nan, -12.0]
    out = final_log_marginal_likelihood(_stats(values, ("chain", "draw")))
    np.testing.assert_array_equal(out, [-11.0, -12.0])


def test_smc_extraction_float_array_and_errors():
    out = final_log_marginal_likelihood(_stats(np.array([-1.0, -2.0]), ("chain",)))
    np.testing.assert_array_equal(out, [-1.0, -2.0])
    with pytest.raises(ValueError, match="no finite"):
        final_log_marginal_likelihood(_stats(np.array([np.nan, -2.0]), ("chain",)))
    with pytest.raises(ValueError, match="log_marginal_likelihood"):
        final_log_marginal_likelihood(xr.Dataset())


def test_smc_pools_chains_on_the_z_scale():
    log_z, se = combine_chains(np.array([-1.0, -1.2]))
    assert log_z == pytest.approx(np.log(np.mean(np.exp([-1.0, -1.2]))))
    assert se == pytest.approx(np.std([-1.0, -1.2], ddof=1) / np.sqrt(2))


def test_smc_method_reads_existing_run(conjugate):
    values = np.empty((2, 3), dtype=object)
    values[0] = [np.nan, np.nan, -5.0]
    values[1] = [np.nan, -5.2, np.nan]
    tree = xr.DataTree.from_dict({"sample_stats": _stats(values, ("chain", "stage"))})
    result = log_marginal_likelihood(conjugate.model(), method="smc", data=tree)
    assert result.log_z == pytest.approx(combine_chains(np.array([-5.0, -5.2]))[0])
    assert result.diagnostics["se_dof"] == 1


# --- quadrature and schedule ------------------------------------------------------------------


def test_corrected_trapezoid_is_exact_for_cubics():
    betas = np.array([0.0, 0.1, 0.35, 0.7, 1.0])
    # E_β[nL_n] = 2 + 3β − β² + 4β³, so f = −E and f' = Var = −dE/dβ
    means = 2 + 3 * betas - betas**2 + 4 * betas**3
    variances = -(3 - 2 * betas + 12 * betas**2)
    corrected, trapezoid, _ = _ti_rule(betas, means, variances)
    exact = -(2 + 3 / 2 - 1 / 3 + 1)
    assert corrected == pytest.approx(exact, abs=1e-12)
    assert abs(trapezoid - exact) > 1e-3


def test_schedule_is_dense_near_zero_and_ends_at_one():
    betas = thermodynamic_schedule(16, 8, prior_var=1e6)
    assert betas[-1] == 1.0 and np.all(np.diff(betas) > 0)
    assert betas[0] < 1e-3
    np.testing.assert_allclose(thermodynamic_schedule(4, 8, prior_var=0.0), [0.25, 0.5, 0.75, 1])


# --- the result and bad input -----------------------------------------------------------------


def test_result_is_frozen_with_a_table_repr():
    result = EvidenceResult(-10.0, 0.1, "bridge", {"pareto_khat": 0.2, "betas": np.ones(3)})
    assert result.free_energy == 10.0
    text = repr(result)
    assert "log Z" in text and "free energy" in text and "pareto_khat=0.2" in text
    assert "betas" not in text
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimate = 0.0
    with pytest.raises(TypeError):
        result.diagnostics["x"] = 1
    assert result.log_z == result.estimate == -10.0
    ds = result.to_dataset()
    assert float(ds["estimate"]) == -10.0 and ds.attrs["method"] == "bridge"
    assert float(ds["pareto_khat"]) == 0.2 and ds["betas"].shape == (3,)


@pytest.mark.parametrize(
    "prior",
    [
        lambda: pm.Flat("w"),
        lambda: pm.HalfFlat("w"),
        lambda: pm.CustomDist("w", logp=lambda value: pt.zeros_like(value)),
    ],
    ids=["Flat", "HalfFlat", "constant-logp"],
)
def test_improper_prior_rejected(prior):
    with pm.Model() as model:
        w = prior()
        pm.Normal("y", w, 1, observed=np.zeros(3))
    with pytest.raises(ValueError, match="improper"):
        log_marginal_likelihood(model, progressbar=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "nested"}, ValueError, "bridge.*stepping_stone.*thermodynamic.*smc"),
        ({"fallback": "no"}, TypeError, "fallback must be True or False"),
        ({"method": "smc", "sampler": slt.SMC(chains=1)}, ValueError, "chains"),
        ({"data": {"posterior": 1}}, TypeError, "data"),
        ({"random_seed": -1}, ValueError, "random_seed"),
    ],
)
def test_bad_input(conjugate, kwargs, error, match):
    with pytest.raises(error, match=match):
        log_marginal_likelihood(conjugate.model(), progressbar=False, **kwargs)


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (
            lambda: slt.Thermodynamic(betas=[0.1, 0.5]),
            ValueError,
            r"Thermodynamic\(betas=…\) must rise to 1.0",
        ),
        (lambda: slt.Thermodynamic(betas=[0.1, 1], n_betas=4), ValueError, "not both"),
        (lambda: slt.SteppingStone(n_betas=1), ValueError, r"SteppingStone\(n_betas=…\)"),
        (lambda: slt.NUTS(draws=0), ValueError, r"NUTS\(draws=…\)"),
        (lambda: slt.NUTS(draws=1.5), TypeError, r"NUTS\(draws=…\)"),
        (lambda: slt.NUTS(options=[1]), TypeError, r"NUTS\(options=…\) must be a dict"),
    ],
)
def test_bad_method_or_sampler_value(build, error, match):
    """A bad option fails when the method or sampler value is built, before any model."""
    with pytest.raises(error, match=match):
        build()


def test_deprecated_arguments_still_work_and_warn(monkeypatch, conjugate):
    """The loose sampler settings and method options (until 0.3.0) become the same values, with
    one DeprecationWarning; one the method does not take is still refused."""
    from pymc_slt.evidence import path

    seen = {}

    def record(model, betas, **kwargs):
        seen.update(kwargs, betas=betas)
        raise InterruptedError  # stop before sampling

    monkeypatch.setattr(path, "sample_ladder", record)
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(InterruptedError):
        log_marginal_likelihood(
            conjugate.model(), method="stepping_stone", n_betas=4, draws=500, tune=500, chains=4,
            sampler_kwargs={"maxdepth": 8}, progressbar=False,
        )  # fmt: skip
    assert seen["sampler"] == slt.NUTS(
        draws=500, tune=500, chains=4, target_accept=0.95, options={"maxdepth": 8}
    )
    assert len(seen["betas"]) == 4
    for old, match in (
        ({"method": "bridge", "betas": [0.5, 1.0]}, "betas applies to"),
        ({"method": "smc", "n_betas": 8}, "n_betas applies to"),
        ({"method": "stepping_stone", "bridge_proposal": "warp3"}, "applies to method='bridge'"),
    ):
        with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match=match):
            log_marginal_likelihood(conjugate.model(), progressbar=False, **old)


def test_bad_model_and_data(conjugate):
    with pytest.raises(TypeError, match="model"):
        log_marginal_likelihood("model")
    hot = xr.DataTree.from_dict({"posterior": xr.Dataset()})
    hot.attrs["beta"] = 0.5
    with pytest.raises(ValueError, match=r"beta=1\.0"):
        log_marginal_likelihood(conjugate.model(), data=hot)
    with pytest.raises(ValueError, match="not a ladder"):
        log_marginal_likelihood(conjugate.model(), method="thermodynamic", data=hot)


def test_discrete_parameters_need_smc():
    with pm.Model() as model:
        k = pm.Poisson("k", 3)
        pm.Normal("y", k, 1, observed=np.zeros(3))
    with pytest.raises(ValueError, match="method='smc'"):
        log_marginal_likelihood(model, progressbar=False)


def test_bridge_from_smc_draws_matches_exact():
    """sampler='smc' draws the posterior with pm.sample_smc; the bridge step is the same."""
    exact = make_conjugate(n=200, d=2, seed=2, prior_sd=2.0)
    result = log_marginal_likelihood(
        exact.model(),
        sampler=slt.SMC(draws=1000, chains=4),
        random_seed=6,
        progressbar=False,
    )
    _check(result, exact, "bridge")


def test_sampler_argument_is_checked_before_sampling():
    model = make_conjugate(n=20, d=2, seed=0, prior_sd=2.0).model()
    with pytest.raises(ValueError, match=r"method='smc' runs its own sampler; drop sampler='nuts'"):
        log_marginal_likelihood(model, method="smc", sampler="nuts")
    with pytest.raises(ValueError, match="sampler must be"):
        log_marginal_likelihood(model, sampler="hmc")


def test_stepping_stone_and_ti_disagreeing_on_one_ladder_are_flagged():
    """Rungs whose energies are Gaussian with a fixed spread: stepping stone is
    Σ log E[e^{-Δβ e}] = Σ (−Δβ μ_k + Δβ² s²/2) and TI's last segment is the trapezoid
    −Δβ (μ_1 + μ_2)/2, here 0.875 nat apart while both se are ~0.02: the check must say so."""
    rng = np.random.default_rng(0)
    betas = np.array([0.0, 0.5, 1.0])
    energies = [rng.normal(mu, 1.0, (4, 500)) for mu in (10.0, 5.0, 1.0)]  # (chain, draw)
    log_z, se, _ = stepping_stone(betas, energies)
    assert abs(log_z - (-7.25)) < 5 * se
    (name, ti_z, ti_se), problem = cross_check(thermodynamic, betas, energies, None, log_z, se)
    assert name == "thermodynamic" and abs(ti_z - (-6.375)) < 5 * ti_se + 0.02
    assert problem is not None and "thermodynamic on the same draws gives" in problem
    # nearly constant energies on [0.5, 1]: both rules give −Δβ μ there, and agree
    close = [rng.normal(mu, sd, (4, 500)) for mu, sd in ((10.0, 1.0), (5.0, 0.05), (5.0, 0.05))]
    log_z, se, _ = stepping_stone(betas, close)
    assert cross_check(thermodynamic, betas, close, None, log_z, se)[1] is None


def test_try_bridge_reports_why_and_passes_other_warnings_on():
    from pymc_slt.evidence.fallback import try_bridge
    from pymc_slt.evidence.result import warn_problems

    def bridge(doubts: str | None):
        def call():
            warnings.warn("slow chains", slt.PoorMixingWarning, stacklevel=1)
            warn_problems(["halves disagree", "k̂ 0.9"], "use stepping stone")
            kinds = (Doubt.HALVES,) if doubts else ()
            diagnostics = {} if doubts is None else {"doubts": doubts, "doubt_kinds": kinds}
            return EvidenceResult(-1.0, 0.1, "bridge", diagnostics)

        return call

    with pytest.warns(slt.PoorMixingWarning, match="slow chains"):  # the doubt is not passed on
        result, why = try_bridge(bridge("halves disagree"))
    assert why == "bridge sampling warned (halves disagree)" and result.estimate == -1.0
    for no_doubt in (None, ""):  # doubts are the result's, never read from warning text
        with pytest.warns(slt.EvidenceWarning, match="k̂ 0.9"):  # warned, no doubt: passed on
            assert try_bridge(bridge(no_doubt))[1] is None

    def diverging():
        raise RuntimeError("did not converge\nsecond line")

    assert try_bridge(diverging) == (
        None,
        "bridge sampling failed (RuntimeError: did not converge)",
    )

    def bad_input():
        raise ValueError("not a bridge problem")

    with pytest.raises(ValueError, match="not a bridge problem"):
        try_bridge(bad_input)


def test_warp3_keeps_its_estimate_under_a_poor_gaussian_fit_and_normal_does_not(monkeypatch):
    """A poor Gaussian fit (Pareto k̂) is a doubt, and warned, with the normal proposal only;
    there it is checked by stepping stone, which agrees on this conjugate model, so bridge
    sampling's estimate stands and the check is kept, without a warning. Under warp-III k̂ is
    only recorded."""
    from pymc_slt.base import bridge

    monkeypatch.setattr(bridge, "KHAT_MAX", -1.0)  # every fit is "poor"
    exact = make_conjugate(n=50, d=2, seed=5, prior_sd=2.0)
    post = slt.sample_tempered(exact.model(), 1.0, sampler=slt.NUTS(draws=1000, tune=500,
                               chains=4), random_seed=1, progressbar=False)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", slt.EvidenceWarning)
        warp3 = log_marginal_likelihood(exact.model(), data=post, random_seed=2)
    assert warp3.method == "bridge" and warp3.diagnostics["doubts"] == ""
    assert warp3.diagnostics["pareto_khat"] > -1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", slt.EvidenceWarning)
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        normal = log_marginal_likelihood(
            exact.model(), data=post, method=slt.Bridge(proposal="normal"), random_seed=2,
            sampler=slt.NUTS(draws=200, tune=200, chains=2), progressbar=False,
        )  # fmt: skip
    assert normal.method == "bridge"
    assert normal.diagnostics["fallback_from"].startswith("bridge sampling warned (a Gaussian")
    check = normal.diagnostics["candidates"]["stepping_stone"]
    assert abs(check["log_z"] - exact.log_evidence()) < 4 * check["se"] + 0.02
