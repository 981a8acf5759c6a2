"""``pymc-slt study``: the SLT study of the model zoo and its report.

:mod:`~pymc_slt.study.plan` says what runs, :mod:`~pymc_slt.study.run` runs it,
:mod:`~pymc_slt.study.figures` and :mod:`~pymc_slt.study.reading` turn the results into figures
and sentences, and :mod:`~pymc_slt.study.report` writes the folder.
"""
