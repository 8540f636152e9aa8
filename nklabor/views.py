"""Ready-made views for notebooks: every sourced figure for a country with the source it came from."""

from __future__ import annotations

import pandas as pd

import nklabor

FIGURE_COLUMNS = ["estimate_id", "as_of", "measure", "subnational", "count_low", "count_high", "qualifier",
                  "count_as_stated", "estimator", "estimator_kind", "confidence", "title", "publisher",
                  "original_publisher", "published", "url", "locator", "note"]


def country_figures(iso3: str, measure: str | None = None) -> pd.DataFrame:
    """All worker figures for one host country (or WLD), oldest first, each with its source's title and URL.

    Conflicting figures stay side by side; the `country_year` table says which one its central series uses.
    """
    est = nklabor.load("worker_estimates")
    src = nklabor.load("sources")[["source_id", "title", "publisher", "original_publisher", "published", "url"]]
    rows = est[est["country_iso3"] == iso3.upper()]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    out = rows.merge(src, on="source_id", how="left").sort_values(["as_of_date", "estimate_id"])
    return out[FIGURE_COLUMNS].reset_index(drop=True)
