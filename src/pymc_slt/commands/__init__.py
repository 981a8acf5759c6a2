"""Subcommands of the ``pymc-slt`` command line, one module each (see :mod:`pymc_slt.cli`)."""
