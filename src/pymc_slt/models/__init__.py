"""Building and transforming PyMC models: tempering and the model zoo."""

from pymc_slt.models.tempering import temper

__all__ = ["temper"]
