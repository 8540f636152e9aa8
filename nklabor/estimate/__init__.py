"""How many DPRK workers, where, and in all: a dated measurement-error model of the sourced figures.

Call it to recompute with your own choices: `nklabor.estimate(exclude_estimate_ids=["est-0281"])` or
`nklabor.estimate(exclude_estimator_kinds="media")` returns {"best_estimates": ..., "world_year": ...}.

The stage `raw -> validate -> derive -> estimate -> write`: a pure function of `worker_estimates`, `countries`
and one `Params` object. Modules, one job each:

- params: every parameter, its range and help; `with_changes()` checks changes (the CLI's `--set`);
- observations: sourced figures -> dated observations (copies merged, bounds as bounds, official zeros);
- model: the grid model and its forward-backward messages;
- fit: the hyperparameters by maximum likelihood (stored in fitted.py by `nklabor estimate --fit`);
- series: each host's rows, their posterior and basis;
- world: the worldwide total, the hosts no source names, the published worldwide figures;
- present: rounding and words (`display`, the printed paragraphs);
- backtest: the three protocols, the new method against the old (legacy: the old rules, kept for that only);
- docs: the measured part of docs/ESTIMATES.md.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nklabor.estimate.params import Params, params_dict, with_changes

__all__ = ["Params", "with_changes", "params_dict", "run", "estimate_tables", "Result"]

#: The columns of best_estimates and world_year, in order (the schemas in nklabor/schemas.py define them; a test
#: keeps these equal, so that estimating never needs to import pandera).
BEST_COLUMNS = ("iso3", "year", "reference_date", "best", "low_80", "high_80", "low_50", "high_50", "basis",
                "share_in_year", "n_observations", "input_estimate_ids", "rests_on_low_confidence", "display")
WORLD_COLUMNS = ("year", "reference_date", "best", "low_80", "high_80", "low_50", "high_50", "named_best",
                 "named_low_80", "named_high_80", "unnamed_best", "unnamed_low_80", "unnamed_high_80",
                 "unnamed_hosts_expected", "n_countries", "n_countries_counted", "n_countries_presence_only",
                 "share_observed", "published_low", "published_high", "published_n", "published_figures",
                 "published_estimate_ids", "published_outside_80", "published_it_low", "published_it_high",
                 "published_it_estimate_ids", "display")


@dataclass
class Result:
    best_estimates: pd.DataFrame
    world_year: pd.DataFrame
    rows: list
    hosts: dict
    grid: object
    observations: object
    params: Params


def run(estimates: pd.DataFrame, countries: pd.DataFrame, params: Params | None = None,
        world: bool = True, lean: bool = False) -> Result:
    """The whole estimation: observations, each host's posterior, the tables. `lean`: the hosts keep their
    forward-backward messages at the rows' dates only (the tables need no more; the back-test needs them all)."""
    from nklabor.estimate import model, observations, series
    from nklabor.estimate import world as world_mod

    p = params or Params()
    obs = observations.build(estimates, countries, p)
    grid = model.Grid(p.hyper(), p.grid_step, p.level_nodes)
    rows, hosts = series.all_hosts(obs, countries, grid, p, lean=lean)
    best = best_frame(rows)
    wy = world_mod.world_year(rows, estimates, countries, grid, p) if world else None
    return Result(best, wy, rows, hosts, grid, obs, p)


def estimate_tables(estimates: pd.DataFrame, countries: pd.DataFrame, params: Params | None = None,
                    validate: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best_estimates, world_year), as the build writes them; the build validates them (validate=True)."""
    r = run(estimates, countries, params, lean=True)
    if not validate:
        return r.best_estimates, r.world_year
    from nklabor.schemas import BestEstimates, WorldYear

    return BestEstimates.validate(r.best_estimates), WorldYear.validate(r.world_year)


def best_frame(rows: list[dict]) -> pd.DataFrame:
    from nklabor.estimate.present import display
    from nklabor.vocab import BASES

    cols = list(BEST_COLUMNS)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols}).astype(
            {"iso3": "string", "year": "Int64", "reference_date": "string", "best": "Int64", "low_80": "Int64",
             "high_80": "Int64", "low_50": "Int64", "high_50": "Int64", "share_in_year": "Float64",
             "n_observations": "Int64", "input_estimate_ids": "string", "rests_on_low_confidence": bool,
             "display": "string"}).assign(basis=pd.Categorical([], categories=list(BASES)))[cols]
    rows = sorted(rows, key=lambda r: (r["iso3"], r["year"]))  # the published order
    q = np.array([r["q"] for r in rows], dtype=float)  # low_80, low_50, best, high_50, high_80
    whole = np.round(q)
    basis = [r["basis"] for r in rows]
    # each column built once in its published dtype (no DataFrame of the rows, no conversions afterwards)
    out = pd.DataFrame({
        "iso3": pd.array([r["iso3"] for r in rows], dtype="string"),
        "year": pd.array([r["year"] for r in rows], dtype="Int64"),
        "reference_date": pd.array([r["reference_date"] for r in rows], dtype="string"),
        **{name: pd.array(whole[:, k], dtype="Int64") for k, name in enumerate(QUANTILE_COLUMNS)},
        "basis": pd.Categorical(basis, categories=list(BASES)),
        "share_in_year": pd.array([None if r["share_in_year"] is None else round(r["share_in_year"], 3)
                                   for r in rows], dtype="Float64"),
        "n_observations": pd.array([r["n_observations"] for r in rows], dtype="Int64"),
        "input_estimate_ids": pd.array([";".join(dict.fromkeys(r["ids"])) or None for r in rows], dtype="string"),
        "rests_on_low_confidence": np.array([bool(r["rests_on_low_confidence"]) for r in rows], dtype=bool),
        "display": pd.array([display(b, lo, hi, zero=(kind == "official_zero"))
                             for b, lo, hi, kind in zip(q[:, 2].tolist(), q[:, 0].tolist(), q[:, 4].tolist(), basis)],
                            dtype="string"),
    })
    return out[cols]


#: The columns of a row's "q" (its quantiles 0.1, 0.25, 0.5, 0.75, 0.9).
QUANTILE_COLUMNS = ("low_80", "low_50", "best", "high_50", "high_80")


class _Callable(types.ModuleType):
    """`nklabor.estimate` is this package and, called, the function that recomputes the tables."""

    def __call__(self, exclude_estimate_ids=(), **params) -> dict:
        import nklabor

        return nklabor._estimate(exclude_estimate_ids, **params)


sys.modules[__name__].__class__ = _Callable
