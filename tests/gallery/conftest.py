"""Parametrize the gallery matrix by the ``MODELS`` of each test file.

``test_refused_models`` gets the models every entry point must refuse (discrete latent,
missing observations); every other matrix test gets the rest.
"""

from tests.gallery.models import EXPECTED_ERRORS

REFUSED = {**EXPECTED_ERRORS, "missing_observations": "imputes missing observations"}


def pytest_generate_tests(metafunc):
    if "gallery_name" not in metafunc.fixturenames:
        return
    refused = metafunc.function.__name__ == "test_refused_models"
    names = [m for m in metafunc.module.MODELS if (m in REFUSED) == refused]
    metafunc.parametrize("gallery_name", names, scope="module")
