"""Ready-made views for notebooks and the CLI: sourced figures with the source they came from."""

from __future__ import annotations

import pandas as pd

import nklabor
from nklabor import args

FIGURE_COLUMNS = ["estimate_id", "as_of", "measure", "scope", "counted", "subnational", "sector", "count_low",
                  "count_high", "qualifier", "count_as_stated", "wording_rule", "estimator", "estimator_kind",
                  "confidence", "title", "publisher", "original_publisher", "published", "url", "locator", "note"]


def _with_sources(rows: pd.DataFrame) -> pd.DataFrame:
    src = nklabor.load("sources")[["source_id", "title", "publisher", "original_publisher", "published", "url"]]
    out = rows.merge(src, on="source_id", how="left").sort_values(["as_of_date", "estimate_id"])
    return out[FIGURE_COLUMNS].reset_index(drop=True)


def country_figures(iso3: str, measure: str | None = None, scope: str | None = None) -> pd.DataFrame:
    """All worker figures for one host country (or WLD), oldest first, each with its source's title and URL.

    Every scope is shown (national, regional, one sector, one site, multi-year totals) with its `scope` and
    `counted` columns, so a figure for IT workers only or one city is never read as a national total.
    Conflicting figures stay side by side; `best_estimates` says which of them the reconstruction rests on.
    """
    from nklabor.vocab import MEASURES, SCOPES

    code = args.country(iso3, allow_world=True)
    args.choice("measure", measure, MEASURES) if measure is not None else None
    args.choice("scope", scope, SCOPES) if scope is not None else None
    est = nklabor.load("worker_estimates")
    rows = est[est["country_iso3"] == code]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    if scope is not None:
        rows = rows[rows["scope"] == scope]
    return _with_sources(rows)


def figures_by_id(ids) -> pd.DataFrame:
    """The given estimate ids with their sources (for the inputs of a reconstructed figure)."""
    est = nklabor.load("worker_estimates")
    return _with_sources(est[est["estimate_id"].isin(list(ids))])


def estimates_with_sources(tables: dict | None = None) -> pd.DataFrame:
    """Every worker estimate with its country name and its source's title, publisher, date and URL: the one
    table a spreadsheet user needs to read a figure and check it. `tables` defaults to the processed tables."""
    get = tables.__getitem__ if tables is not None else nklabor.load
    est = get("worker_estimates")
    names = get("countries")[["iso3", "name"]].rename(columns={"iso3": "country_iso3", "name": "country_name"})
    src = get("sources")[["source_id", "title", "publisher", "original_publisher", "published", "url"]]
    src = src.rename(columns={"title": "source_title", "publisher": "source_publisher",
                              "published": "source_published", "url": "source_url"})
    out = est.merge(names, on="country_iso3", how="left").merge(src, on="source_id", how="left")
    out.loc[out["country_iso3"] == "WLD", "country_name"] = "Worldwide"
    cols = ["estimate_id", "country_iso3", "country_name", "scope", "subnational", "sector", "measure", "counted",
            "as_of", "period_start", "count_low", "count_high", "qualifier", "count_as_stated", "wording_rule",
            "estimator", "estimator_kind", "confidence", "source_id", "source_title", "source_publisher",
            "original_publisher", "source_published", "source_url", "locator", "note", "checked_on"]
    return out[cols].sort_values("estimate_id").reset_index(drop=True)
