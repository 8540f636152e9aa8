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
        world: bool = True) -> Result:
    """The whole estimation: observations, each host's posterior, the tables."""
    from nklabor.estimate import model, observations, series
    from nklabor.estimate import world as world_mod

    p = params or Params()
    obs = observations.build(estimates, countries, p)
    grid = model.Grid(p.hyper(), p.grid_step, p.level_nodes)
    rows, hosts = series.all_hosts(obs, countries, grid, p)
    best = best_frame(rows)
    wy = world_mod.world_year(rows, estimates, countries, grid, p) if world else None
    return Result(best, wy, rows, hosts, grid, obs, p)


def estimate_tables(estimates: pd.DataFrame, countries: pd.DataFrame, params: Params | None = None,
                    validate: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best_estimates, world_year), as the build writes them; the build validates them (validate=True)."""
    r = run(estimates, countries, params)
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
    f = pd.DataFrame(rows)
    q = pd.DataFrame(f["q"].tolist(), columns=["low_80", "low_50", "best", "high_50", "high_80"])
    out = pd.concat([f[["iso3", "year", "reference_date"]], q.round().astype("Int64")], axis=1)
    out["basis"] = pd.Categorical(f["basis"], categories=list(BASES))
    out["share_in_year"] = pd.array(f["share_in_year"].map(lambda v: None if v is None else round(v, 3)),
                                    dtype="Float64")
    out["n_observations"] = f["n_observations"].astype("Int64")
    out["input_estimate_ids"] = f["ids"].map(lambda ids: ";".join(dict.fromkeys(ids)) or None)
    out["rests_on_low_confidence"] = f["rests_on_low_confidence"].astype(bool)
    out["display"] = [display(b, lo, hi, zero=(basis == "official_zero"))
                      for b, lo, hi, basis in zip(q["best"], q["low_80"], q["high_80"], f["basis"])]
    for col in ("iso3", "reference_date", "input_estimate_ids", "display"):
        out[col] = out[col].astype("string")
    out["year"] = out["year"].astype("Int64")
    out = out.sort_values(["iso3", "year"]).reset_index(drop=True)
    return out[cols]


class _Callable(types.ModuleType):
    """`nklabor.estimate` is this package and, called, the function that recomputes the tables."""

    def __call__(self, exclude_estimate_ids=(), **params) -> dict:
        import nklabor

        return nklabor._estimate(exclude_estimate_ids, **params)


sys.modules[__name__].__class__ = _Callable
