"""nklabor: North Korea's overseas forced labour as an open, sourced dataset.

    >>> import nklabor
    >>> nklabor.tables()
    >>> est = nklabor.load("worker_estimates")          # every sourced figure, with its source
    >>> nklabor.describe("worker_estimates")
    >>> nklabor.best_figure("RUS", 2017)                 # reconstructed best figure, interval, basis, sources
    >>> nklabor.world(2017)                              # the worldwide total beside the published figures
    >>> nklabor.views.country_figures("RUS")             # a country's figures with scope, estimator, source
    >>> nklabor.series("RUS")                            # chart: best-estimate band and sourced stock figures
    >>> nklabor.screen(["Kim Kwang-jin", "Mansudae Overseas Project Co."])   # candidates, scores, designations
    >>> nklabor.entity("mansudae")                       # one organisation's card from a rough name

Data: load, tables, describe, best_figure, world, estimate, views; screening: screen, entity.
Plots (matplotlib and geopandas load on first use): deployment_map, deployment_maps, enforcement_timeline,
country_profile, series.
"""

from __future__ import annotations

__version__ = "0.1.0"
_PLOTS = ("deployment_map", "deployment_maps", "enforcement_timeline", "country_profile", "series")
_MODULES = ("views", "plots")
__all__ = ["load", "tables", "describe", "best_figure", "world", "estimate", "screen", "entity", "DataError",
           "ArgumentError",
           "__version__", *_PLOTS, *_MODULES]


def __getattr__(name: str):
    """Plotting helpers and the views module, imported on first use so `import nklabor` stays light."""
    from importlib import import_module

    if name in _PLOTS:
        return getattr(import_module("nklabor.plots"), name)
    if name in _MODULES:
        return import_module(f"nklabor.{name}")
    raise AttributeError(f"module 'nklabor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__ + ["estimate_params"])


from nklabor.args import ArgumentError  # noqa: E402  (light: no pandas)


class DataError(RuntimeError):
    """A processed file is missing, damaged or does not match the build manifest."""


def tables() -> list[str]:
    """Names of the processed tables that `load()` accepts."""
    from nklabor.vocab import TABLE_NAMES

    return list(TABLE_NAMES)


def describe(name: str):
    """The data dictionary of one table: a DataFrame of column, type, required, description."""
    from nklabor import args
    from nklabor.dictionary import table_dictionary

    return table_dictionary(args.table(name))


def estimate(**params) -> dict:
    """Recompute the reconstruction with your own choices; returns {"best_estimates": ..., "world_year": ...}.

    Parameters are the fields of `nklabor.estimate_params()` (docs/ESTIMATES.md), for example
    `nklabor.estimate(exclude_estimator_kinds=("media", "testimony"))` or `nklabor.estimate(carry_years=1)`.
    """
    from nklabor import reconstruct as method

    p = method.with_changes(**params)
    best = method.best_estimates(load("worker_estimates"), load("countries"), p)
    return {"best_estimates": best, "world_year": method.world_year(best, load("worker_estimates"))}


def screen(names, threshold: float | None = None, countries=None, birth_dates=None):
    """Screen a name or a list of names against every entity and person: a DataFrame with one row per query and
    candidate at or above `threshold` (default: the measured one, docs/SCREENING.md), best first, with query,
    kind, matched_id, matched_name, score (0-100), the name that matched, why, status, designations, host
    countries and source URL. A query with no candidate has no row. See nklabor.screening.screen."""
    from nklabor.screening import screen as run

    return run(names, threshold=threshold, countries=countries, birth_dates=birth_dates)


def entity(name: str) -> dict:
    """One organisation's card from a name spelled roughly: names, status, designations, linked persons, host
    countries, actions and sources (nklabor.card)."""
    from nklabor.card import entity as card

    return card(name)


def estimate_params() -> dict:
    """The reconstruction's parameters and their current values."""
    from nklabor.reconstruct import params_dict

    return params_dict()


def best_figure(iso3: str, year: int) -> dict:
    """How many DPRK workers were in `iso3` in `year`: the reconstructed best figure, its interval and basis, and
    the sourced figures of that country and year (with titles and URLs) beside the ones the figure rests on."""
    from nklabor import args, views

    code = args.country(iso3)
    y = args.data_year(year)
    best = load("best_estimates")
    row = best[(best["iso3"] == code) & (best["year"] == y)]
    figures = views.country_figures(code)
    figures = figures[figures["as_of"].astype(str).str[:4] == str(y)].reset_index(drop=True)
    if row.empty:
        return {"iso3": code, "year": y, "best": None, "low": None, "high": None, "basis": None,
                "note": "no figure and no report of workers in or near this year", "sourced_figures": figures}
    r = row.iloc[0]
    ids = str(r["input_estimate_ids"]).split(";") if isinstance(r["input_estimate_ids"], str) else []
    return {"iso3": code, "year": y, "best": int(r["best"]), "low": int(r["low"]), "high": int(r["high"]),
            "basis": str(r["basis"]), "rests_on_low_confidence": bool(r["rests_on_low_confidence"]),
            "kind": "reconstruction (docs/ESTIMATES.md)", "inputs": views.figures_by_id(ids),
            "sourced_figures": figures}


def world(year: int) -> dict:
    """The worldwide total for `year`: reconstructed best and interval, the countries behind it, and the worldwide
    figures that sources published that year (all-sector and IT-workers-only kept apart)."""
    from nklabor import args, views

    w = load("world_year")
    y = args.data_year(year)
    if not (w["year"] == y).any():
        raise args.ArgumentError(f"no worldwide reconstruction for {y}: it starts in {int(w['year'].min())}")
    r = w[w["year"] == y].iloc[0]
    best = load("best_estimates")
    parts = best[(best["year"] == y) & (best["best"] > 0)].sort_values("best", ascending=False)

    def ids(col):
        return str(r[col]).split(";") if isinstance(r[col], str) else []

    return {"year": y, "best": int(r["best"]), "low": int(r["low"]), "high": int(r["high"]),
            "kind": "reconstruction: sum of best_estimates (docs/ESTIMATES.md)",
            "share_observed": None if r["share_observed"] is None or r["share_observed"] != r["share_observed"]
            else float(r["share_observed"]),
            "countries": parts[["iso3", "low", "best", "high", "basis"]].reset_index(drop=True),
            "published": views.figures_by_id(ids("published_estimate_ids")),
            "published_it_only": views.figures_by_id(ids("published_it_estimate_ids"))}


def load(name: str):
    """Return a processed table as a typed pandas DataFrame, building it first if outputs are missing or stale."""
    import hashlib
    import sys

    from nklabor import args, manifest
    from nklabor.paths import processed_dir, raw_dir

    args.table(name)
    out = processed_dir()
    for _attempt in range(3):
        record = manifest.read(out)
        if record is None or (raw_dir().exists() and record.get("inputs") != manifest.input_hashes(raw_dir())):
            from nklabor.build import build

            print("nklabor: processed tables are missing or older than data/raw; building them now", file=sys.stderr)
            record = build(log=lambda msg: print(msg, file=sys.stderr))
        info = record["outputs"].get(name)
        path = out / (info["file"] if info else f"{name}.parquet")
        data = path.read_bytes() if info is not None and path.exists() else None
        if data is not None and hashlib.sha256(data).hexdigest() == info["sha256"]:
            from nklabor.parquet import read_frame

            return read_frame(data)  # the very bytes that were checked, even if a build renames
        from nklabor.build import settle

        settle(out)  # a build may be switching tables right now, or may have died doing it: wait, repair, retry
    raise DataError(f"{path} is missing or does not match its checksum in {out / manifest.MANIFEST}; "
                    f"it was changed or truncated after the build. Rebuild with `make data` "
                    f"(or `python -m nklabor build --force`).")
