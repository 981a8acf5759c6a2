"""PyTensor's C backend gets the scipy-openblas32 wheel's BLAS on import (pymc_slt._link_blas),
unless the user set ``blas__ldflags``; each case in a fresh interpreter, as a user starts."""

import os
import subprocess
import sys

import pytest

PROBE = "import pymc_slt, pytensor; print(repr(pytensor.config.blas__ldflags))"


def _ldflags(**env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(sys.platform != "linux", reason="the wheel is a dependency on Linux only")
def test_import_links_the_wheel_blas():
    flags = _ldflags(PYTENSOR_FLAGS="")
    assert "scipy_openblas" in flags and "-Ddgemm_=scipy_dgemm_" in flags


def test_a_users_own_ldflags_are_left_alone():
    assert _ldflags(PYTENSOR_FLAGS="blas__ldflags=") == "''"
