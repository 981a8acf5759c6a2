"""The gallery matrix (``matrix.py``) on the hierarchical models, regressions and GLMs."""

from tests.gallery.matrix import *  # noqa: F403 - the shared tests of the matrix

MODELS = [
    "eight_schools_centered",
    "eight_schools_noncentered",
    "linear_sigma_halfnormal",
    "varying_intercept",
    "logistic_glm",
    "poisson_glm",
    "negative_binomial_glm",
    "discrete_latent",
]


def test_discrete_latent_by_smc_matches_the_exact_sum():
    """NUTS refuses the discrete k (test_refused_models); SMC moves it, and its log Z matches
    Z = ½ N(y; 0, I) + ½ N(y; 1, I) summed over k (references.json, closed form)."""
    from tests.gallery.matrix import REFERENCES, quiet, slt
    from tests.gallery.models import discrete_latent

    result = quiet(
        slt.log_marginal_likelihood,
        discrete_latent(),
        method="smc",
        sampler=slt.SMC(draws=500, chains=4),
        random_seed=1,
        progressbar=False,
    )
    ref = REFERENCES["discrete_latent"]
    assert abs(result.estimate - ref["log_z"]) < 4 * result.se + 0.02, (result, ref)


def test_the_compare_command_on_a_users_file(tmp_path, capsys):
    """`pymc-slt compare` on a file that builds a gallery model: a table, and no traceback."""
    from pymc_slt.cli import main

    source = tmp_path / "my_models.py"
    source.write_text(
        "from tests.gallery.models import poisson_glm\n\n\n"
        "def poisson():\n    return poisson_glm()\n"
    )
    code = main(["compare", str(source), "--draws", "200", "--tune", "200", "--chains", "2",
                 "--seed", "1", "--no-progress"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "poisson" in out and "log_z" in out and "Traceback" not in out
