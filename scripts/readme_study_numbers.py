"""The numbers docs/study.md quotes from the quick study, read off a report folder.

Run: ``pymc-slt study --quick --seed 0 --out report/`` then
``.venv/bin/python scripts/readme_study_numbers.py report/``. It prints, at the largest n of
the study, λ̂ ± se against theory for each model and how far WBIC and BIC sit from F, and the
share of the phase-transition posterior in the rank-2 phase at the smallest and largest n — the
sentences of docs/study.md's "What the quick study found" section, so that it is regenerated,
not retyped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import xarray as xr


def main(report: Path) -> None:
    summary = pd.read_csv(report / "summary.csv")
    top = summary[summary["n"] == summary["n"].max()].set_index("model")
    n = int(top["n"].iloc[0])
    print(f"at n = {n}:")
    for model, row in top.iterrows():
        gap = (row["lambda_hat"] - row["lambda_theory"]) / row["lambda_theory"]
        print(
            f"  {model:16s} λ̂ = {row['lambda_hat']:.2f} ± {row['lambda_se']:.2f} "
            f"(theory {row['lambda_theory']:.3g}, {gap:+.0%}); "
            f"WBIC − F = {row['wbic'] - row['free_energy']:+.1f}, "
            f"BIC − F = {row['bic'] - row['free_energy']:+.1f} nats; max r̂ {row['max_rhat']:.2f}"
        )
    transition = xr.open_datatree(report / "results.nc")["phases/transition"].to_dataset()
    table = transition.to_dataframe().sort_values("n")
    first, last = table.iloc[0], table.iloc[-1]
    print(
        f"phase transition: {first['fraction_high']:.0%} of the posterior in the rank-2 phase at "
        f"n = {int(first['n'])}, {last['fraction_high']:.0%} at n = {int(last['n'])}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "report"))
