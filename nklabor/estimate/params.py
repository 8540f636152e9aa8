"""Every parameter of the estimation, in one dataclass, with its type, allowed range and a one-line help.

Two kinds: stated choices (how figures are read, the reference date, the span of a series) and hyperparameters
of the model. A hyperparameter left at None takes the value fitted by maximum likelihood (`fitted.py`, written
by `nklabor estimate --fit` into fitted.py); setting it (`--set ou_rate=0.5`) overrides the fit for that run only.
`with_changes(**changes)` checks every change against the metadata and raises a one-line ArgumentError.
"""

from __future__ import annotations

import ast
import math
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

FITTED_FILE = Path(__file__).with_name("fitted.py")
#: The hyperparameters fitted by likelihood (the names of the Params fields that default to the fit).
HYPER = ("level_mean", "level_slope", "level_sd", "ou_sd", "ou_rate", "jump_rate", "error_sd_high",
         "error_ratio_medium", "error_ratio_low", "error_df", "arrival_retention")
#: Used only where fitted.py lacks a hyperparameter (a fit older than the model): a rough earlier fit.
FALLBACK = {"level_mean": 6.0, "level_slope": 0.5, "level_sd": 1.8, "ou_sd": 1.0, "ou_rate": 0.1, "jump_rate": 0.3,
            "error_sd_high": 0.15, "error_ratio_medium": 1.5, "error_ratio_low": 1.5, "error_df": 4.0,
            "arrival_retention": 0.1}
#: Grades in order of trust; each grade's error scale is the one above it times a ratio of at least 1.
GRADES = ("high", "medium", "low")


def error_sds(hyper: dict) -> dict:
    """Error scale of each grade: high, medium = high x ratio_medium, low = medium x ratio_low (ratios >= 1)."""
    high = hyper["error_sd_high"]
    medium = high * max(hyper["error_ratio_medium"], 1.0)
    return {"high": high, "medium": medium, "low": medium * max(hyper["error_ratio_low"], 1.0)}


def _p(default, kind, help_text: str, *, lo=None, hi=None, choices=None, hyper: bool = False):
    meta = {"type": kind, "min": lo, "max": hi, "choices": choices, "help": help_text, "hyper": hyper}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Params:
    """The estimation's parameters (docs/ESTIMATES.md lists them with their values)."""

    # --- which figures count ---------------------------------------------------------------------------------
    exclude_estimator_kinds: tuple = _p((), "kinds", "leave out every figure made by these kinds of estimator "
                                                     "(e.g. media)")
    exclude_estimate_ids: tuple = _p((), "ids", "leave out these figures and their copies (what if a figure "
                                                "is wrong?)")
    use_low_confidence: bool = _p(True, bool, "use figures graded low (unnamed sources); False leaves them out")
    # --- how flows are read ----------------------------------------------------------------------------------
    flows_as_bounds: bool = _p(True, bool, "read flows of workers as lower bounds on the stock (arrivals at the "
                                           "period end, repatriations at its start)")
    flow_max_days: int = _p(400, int, "arrivals counted over a longer period than this are not used", lo=1,
                            hi=10000)
    # --- the published table ---------------------------------------------------------------------------------
    reference_month: int = _p(7, int, "each calendar year is published at this month's reference date", lo=1,
                              hi=12)
    reference_day: int = _p(1, int, "day of the month of the reference date", lo=1, hi=28)
    start_year: int = _p(1980, int, "first year published", lo=1950, hi=2100)
    end_year: int = _p(2026, int, "last year published (the current year)", lo=1950, hi=2100)
    still_there_years: int = _p(3, int, "workers reported within this many years of end_year: the series runs "
                                        "on to end_year", lo=0, hi=50)
    input_share_min: float = _p(0.02, float, "a figure is listed among a row's inputs when it carries at least "
                                             "this share of the weight", lo=0.0, hi=1.0)
    # --- the model's hyperparameters (None: the maximum-likelihood fit in fitted.json) -----------------------
    level_mean: float | None = _p(None, float, "common level of hosts' log counts (partial pooling)", lo=-5.0,
                                  hi=20.0, hyper=True)
    level_slope: float | None = _p(None, float, "change of a host's expected level per unit of log(number of sources "
                                                "naming it)", lo=-5.0, hi=5.0, hyper=True)
    level_sd: float | None = _p(None, float, "spread of hosts' levels around the common level (log units)",
                                lo=0.01, hi=10.0, hyper=True)
    ou_sd: float | None = _p(None, float, "spread of a host's log count around its own level (log units)",
                             lo=0.01, hi=10.0, hyper=True)
    ou_rate: float | None = _p(None, float, "mean-reversion rate per year (1/years to forget)", lo=0.001, hi=20.0,
                               hyper=True)
    jump_rate: float | None = _p(None, float, "rate per year of sudden changes (a fresh draw around the host's "
                                              "level)", lo=0.0, hi=20.0, hyper=True)
    error_sd_high: float | None = _p(None, float, "error scale of high-confidence figures (log units)", lo=0.01,
                                     hi=5.0, hyper=True)
    error_ratio_medium: float | None = _p(None, float, "error scale of medium-confidence figures as a multiple of "
                                                       "high's (at least 1: grades keep their order)", lo=1.0,
                                          hi=100.0, hyper=True)
    error_ratio_low: float | None = _p(None, float, "error scale of low-confidence figures as a multiple of "
                                                    "medium's (at least 1)", lo=1.0, hi=100.0, hyper=True)
    error_df: float | None = _p(None, float, "degrees of freedom of the Student t errors (small: heavy tails; at "
                                             "least 2, so the errors have a finite variance)",
                                lo=2.0, hi=200.0, hyper=True)
    arrival_retention: float | None = _p(None, float, "share of workers who arrived in a counted period still "
                                                      "there at its end (arrivals as lower bounds)", lo=0.001, hi=1.0,
                                         hyper=True)
    # --- numerics and the world total ------------------------------------------------------------------------
    grid_step: float = _p(0.1, float, "step of the grid of log counts", lo=0.01, hi=0.5)
    level_nodes: int = _p(31, int, "nodes of the grid of host levels", lo=5, hi=201)
    world_draws: int = _p(4000, int, "draws per year in the simulation of the world total", lo=100, hi=1000000)
    seed: int = _p(2026, int, "seed of the simulation (fixed: the same data give the same numbers)", lo=0,
                   hi=2**31 - 1)
    unnamed_hosts: bool = _p(True, bool, "add the term for hosts no source names to the world total")

    def hyper(self) -> dict:
        """The hyperparameters in use: the fit, with any values set explicitly."""
        if all(getattr(self, name) is not None for name in HYPER):
            return {name: getattr(self, name) for name in HYPER}
        fitted = {**FALLBACK, **load_fitted()["values"]}
        return {name: (getattr(self, name) if getattr(self, name) is not None else fitted[name]) for name in HYPER}

    def error_sd(self, grade: str) -> float:
        return error_sds(self.hyper())[grade]


def spec() -> dict[str, dict]:
    """Name -> {type, min, max, choices, help, hyper, default} for every parameter."""
    return {f.name: {**f.metadata, "default": f.default} for f in fields(Params)}


def load_fitted(path: Path = FITTED_FILE) -> dict:
    """The stored maximum-likelihood fit: {"values": {...}, "fingerprint": ..., ...} (a literal in fitted.py)."""
    global _FITTED
    if _FITTED is None or path != FITTED_FILE:
        text = path.read_text(encoding="utf-8")
        data = ast.literal_eval(text.split("FIT = ", 1)[1])
        if path != FITTED_FILE:
            return data
        _FITTED = data
    return _FITTED


_FITTED: dict | None = None


def _type_name(kind) -> str:
    return {int: "a whole number", float: "a number", bool: "true or false", "kinds": "estimator kinds",
            "ids": "estimate ids"}[kind]


def _check(name: str, value, meta: dict):
    """The value parsed and checked against its field's metadata (messages as `nklabor.args.parameters` words them)."""
    from nklabor.args import ArgumentError, choice
    from nklabor.vocab import ESTIMATOR_KINDS

    kind, lo, hi = meta["type"], meta["min"], meta["max"]
    bad = f"estimate parameter {name}"
    if kind in ("kinds", "ids"):
        if isinstance(value, str):
            value = tuple(v.strip() for v in value.split(",") if v.strip())
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
            raise ArgumentError(f"{bad} must be {_type_name(kind)} (a string or a list of strings), not {value!r}")
        value = tuple(sorted(set(value))) if kind == "ids" else tuple(dict.fromkeys(value))
        if kind == "kinds":
            for v in value:
                choice(f"value of {name}:", v, ESTIMATOR_KINDS)
        return value
    if value is None and meta["hyper"]:
        return None
    if kind is bool:
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.strip().lower() in ("true", "1", "yes")
        if not isinstance(value, bool):
            raise ArgumentError(f"{bad} must be true or false, not {value!r}")
        return value
    word = _type_name(kind)
    try:
        if isinstance(value, bool) or (kind is int and isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = kind(str(value).strip()) if isinstance(value, str) else kind(value)
        if isinstance(value, (int, float)) and kind is int:
            number = int(value)
    except (TypeError, ValueError):
        raise ArgumentError(f"{bad} must be {word}, not {value!r}") from None
    if kind is float and not math.isfinite(number):
        raise ArgumentError(f"{bad} must be a finite number, not {value!r}")
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ArgumentError(f"{bad}={number} is out of range; allowed: {lo:g} to {hi:g}")
    return number


def with_changes(base: Params | None = None, **changes) -> Params:
    """Params with the given fields changed, each checked against its metadata (one-line ArgumentError)."""
    from nklabor.args import ArgumentError, _closest

    table = spec()
    checked = {}
    for name, value in changes.items():
        if name not in table:
            raise ArgumentError(f"unknown estimate parameter {name!r}; {_closest(name, sorted(table), limit=40)}")
        checked[name] = _check(name, value, table[name])
    p = replace(base or Params(), **checked)
    if p.start_year > p.end_year:
        raise ArgumentError(f"estimate parameter start_year={p.start_year} is after end_year={p.end_year}")
    return p


def params_dict(p: Params | None = None) -> dict:
    """Every parameter with the value in use (hyperparameters: the fitted value unless set)."""
    p = p or Params()
    return {**asdict(p), **p.hyper()}
