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
    if name in _MODULES or name == "estimate":
        return import_module(f"nklabor.{name}")  # nklabor.estimate: a package you can call (see _estimate)
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


def _estimate(exclude_estimate_ids=(), **params) -> dict:
    """Recompute the reconstruction with your own choices; returns {"best_estimates": ..., "world_year": ...}.

    `exclude_estimate_ids`: figures to leave out, with their copies ("what if this figure is wrong?"). Other
    parameters are those of `nklabor.estimate_params()` (docs/ESTIMATES.md), for example
    `nklabor.estimate(exclude_estimator_kinds=("media", "testimony"))` or `nklabor.estimate(ou_rate=0.5)`.
    """
    from nklabor import estimate as method

    if exclude_estimate_ids:
        params["exclude_estimate_ids"] = exclude_estimate_ids
    p = method.with_changes(**params)
    if p.exclude_estimate_ids:
        known = set(load("worker_estimates")["estimate_id"].astype(str))
        for eid in p.exclude_estimate_ids:
            if eid not in known:
                from nklabor.args import _closest

                raise ArgumentError(f"unknown estimate id {eid!r}; {_closest(eid, sorted(known))}")
    best, world_ = method.estimate_tables(load("worker_estimates"), load("countries"), p)
    return {"best_estimates": best, "world_year": world_}


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
    """The estimation's parameters and the values in use (hyperparameters: fitted by likelihood)."""
    from nklabor.estimate import params_dict

    return params_dict()


def best_figure(iso3: str, year: int):
    """How many DPRK workers were in `iso3` in `year`: printed, a paragraph (rounded figure, its range in words,
    basis, main sources with dates, where the method is); `.inputs` lists the figures it rests on, heaviest
    first, and `.sourced_figures` every figure of that country dated in the year."""
    from nklabor import args, views
    from nklabor.estimate.present import Figure

    if isinstance(iso3, str) and iso3.strip().upper() == "WLD":
        raise ArgumentError("WLD is the world, not a host country: use nklabor.world(year) for the worldwide total")
    code = args.country(iso3)
    y = args.data_year(year)
    best = load("best_estimates")
    row = best[(best["iso3"] == code) & (best["year"] == y)]
    name = str(load("countries").set_index("iso3").loc[code, "name"])
    figures = views.country_figures(code)
    figures = figures[figures["as_of"].astype(str).str[:4] == str(y)].reset_index(drop=True)
    if row.empty:
        return Figure(code, name, y, None, None, None, None, None, None, None, "", sourced_figures=figures)
    r = row.iloc[0]
    ids = str(r["input_estimate_ids"]).split(";") if isinstance(r["input_estimate_ids"], str) else []
    inputs = views.figures_by_id(ids)
    order = {eid: i for i, eid in enumerate(ids)}
    inputs = inputs.assign(_o=inputs["estimate_id"].map(order)).sort_values("_o").drop(columns="_o")
    return Figure(code, name, y, str(r["reference_date"]), int(r["best"]), int(r["low_80"]), int(r["high_80"]),
                  int(r["low_50"]), int(r["high_50"]), str(r["basis"]), str(r["display"]),
                  n_observations=int(r["n_observations"]), rests_on_low_confidence=bool(r["rests_on_low_confidence"]),
                  inputs=inputs.reset_index(drop=True), sourced_figures=figures)


def world(year: int):
    """DPRK workers abroad in `year`: printed, a paragraph; `.countries` the hosts behind the total, `.published`
    the worldwide figures sources published that year (copies merged), `.published_it_only` IT-only figures."""
    from nklabor import args
    from nklabor.estimate.present import World
    from nklabor.estimate.world import published

    w = load("world_year")
    y = args.data_year(year)
    if not (w["year"] == y).any():
        raise args.ArgumentError(f"no worldwide reconstruction for {y}: it starts in {int(w['year'].min())}")
    r = w[w["year"] == y].iloc[0]
    best = load("best_estimates")
    names = load("countries").set_index("iso3")["name"].astype(str)
    parts = best[(best["year"] == y) & (best["basis"] != "official_zero")].sort_values("best", ascending=False)
    parts = parts.assign(name=parts["iso3"].map(names))[["iso3", "name", "best", "low_80", "high_80", "basis",
                                                          "display"]].reset_index(drop=True)
    pub = published(load("worker_estimates"))
    pub = pub[pub["year"] == y] if len(pub) else pub
    src = load("sources")[["source_id", "title", "url"]]
    cols = ["ids", "as_of", "count_low", "count_high", "qualifier", "count_as_stated", "estimator",
            "estimator_kind", "confidence", "title", "url"]
    pub = pub.merge(src, on="source_id", how="left")[cols + ["it"]] if len(pub) else pd_empty(cols + ["it"])
    it = pub["it"].astype(bool)
    share = r["share_observed"]
    return World(y, str(r["reference_date"]), int(r["best"]), int(r["low_80"]), int(r["high_80"]), int(r["low_50"]),
                 int(r["high_50"]), str(r["display"]), int(r["unnamed_best"]), int(r["unnamed_low_80"]),
                 int(r["unnamed_high_80"]), int(r["n_countries"]), int(r["n_countries_presence_only"]),
                 None if share is None or share != share else float(share),
                 None if r["published_outside_80"] is None or str(r["published_outside_80"]) == "<NA>"
                 else bool(r["published_outside_80"]),
                 countries=parts, published=pub[~it].drop(columns="it").reset_index(drop=True),
                 published_it_only=pub[it].drop(columns="it").reset_index(drop=True))


def pd_empty(cols):
    import pandas as pd

    return pd.DataFrame(columns=cols)


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
