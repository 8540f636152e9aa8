"""The OLD calendar-year rules (nklabor/reconstruct.py before issue 16), kept only so the back-test can measure
the old method on the same protocols as the new one. Nothing else uses it.

The method as it was:

1. Observed years. Every whole-country (`scope` national) stock figure with a count contributes: workers present
   and valid work permits. Each becomes an interval (a range as given; a point as given; "at least v" as
   [v, v * open_span]; "at most v" as [v / open_span, v]) and a point (the geometric middle of that interval).
   `best` is the weighted geometric mean of the points, weight = confidence weight x estimator weight.
   Low-confidence figures count with a small weight; `rests_on_low_confidence` says when a year has nothing else.
   An official zero (a host government or the UN, medium or high confidence) that is the year's latest official
   figure gives 0 (`reported_zero`).
2. Lower bounds. Counts for a region, a sector or one employer (medium or high confidence) are lower bounds of
   the national figure: `best`, `low` and `high` are raised to the largest of them.
3. The interval of an observed year is the envelope of its figures (medium and high confidence where there are
   any), never narrower than `best` x/÷ exp(min_halfwidth).
4. Between observed years: log-linear interpolation of best, low and high; the interval widens by
   `interp_widen` (log units) per year of distance to the nearer observation.
5. After the last observation: carried forward for `carry_years` years, widening by `carry_widen` per year,
   less repatriations reported after the observation. A figure from before 2019 is not carried past 2019 (the
   UNSCR 2397 deadline of 22 December 2019). Before the first observation: carried back the same way.
6. Years with workers reported but no count near enough (`presence_only`): the quartiles of observed figures in
   hosts of the same region (other than the largest hosts), or of all such hosts where the region has too few.

Flows (arrivals, visas, permits issued, repatriations) are never used as stocks; repatriations reduce a carried
figure. All parameters are in `Params`; `nklabor.estimate(**changes)` recomputes with other choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

BASES = ("observed", "reported_zero", "interpolated", "carried_forward", "carried_back", "presence_only")
STOCKS = ("workers_present", "work_permits_valid")
OFFICIAL = ("host_government", "un")
DEADLINE_YEAR = 2019
CURRENT_YEAR = 2026


@dataclass(frozen=True)
class Params:
    """Every choice the reconstruction makes, in one place (see docs/ESTIMATES.md)."""

    confidence_weight: dict = field(default_factory=lambda: {"high": 1.0, "medium": 0.6, "low": 0.15})
    estimator_weight: dict = field(default_factory=lambda: {
        "host_government": 1.0, "un": 1.0, "us_government": 0.8, "rok_government": 0.8, "other_government": 0.7,
        "researcher": 0.7, "ngo": 0.6, "employer": 0.6, "media": 0.5, "testimony": 0.3})
    exclude_estimator_kinds: tuple = ()   # e.g. ("media", "testimony"): such figures are ignored entirely
    open_span: float = 1.5                # "at least v" read as [v, 1.5 v]; "at most v" as [v / 1.5, v]
    min_halfwidth: float = 0.405          # observed years: interval at least best x/÷ 1.5 (log 1.5 = 0.405)
    interp_widen: float = 0.1             # log units per year of distance to the nearer observation
    carry_years: int = 3                  # years a last (or first) observation is carried forward (back)
    carry_widen: float = 0.25             # log units per year carried
    neighbour_weight: float = 0.5         # a year with low-confidence figures only: weight of the value that the
    #                                       medium/high-confidence years around it give (interpolated or carried)
    presence_pool_min: int = 5            # fewer observed figures than this in a region: pool all regions
    presence_pool_exclude: tuple = ("CHN", "RUS")  # the largest hosts are not "hosts of a similar kind"
    start_year: int = 1980
    end_year: int = CURRENT_YEAR


# ----- inputs ----------------------------------------------------------------------------------------------------

def _year(text) -> int:
    return int(str(text)[:4])


def _prepare(estimates: pd.DataFrame, countries: pd.DataFrame, p: Params) -> pd.DataFrame:
    est = estimates[estimates["country_iso3"].isin(set(countries["iso3"]))].copy()
    if p.exclude_estimator_kinds:
        est = est[~est["estimator_kind"].astype(str).isin(p.exclude_estimator_kinds)]
    est["year"] = est["as_of"].astype(str).str[:4].astype(int)
    est["w"] = (est["confidence"].astype(str).map(p.confidence_weight).astype(float)
                * est["estimator_kind"].astype(str).map(p.estimator_weight).astype(float))
    est = est[est["w"] > 0]  # a weight of 0 (e.g. low confidence set to 0) leaves a figure out entirely
    low = est["count_low"].astype("Float64")
    high = est["count_high"].astype("Float64")
    qual = est["qualifier"].astype(str)
    lo = low.where(qual != "at_most", high / p.open_span)
    hi = high.where(qual != "at_least", low * p.open_span)
    est["lo"] = lo.astype(float)
    est["hi"] = hi.astype(float)
    return est


def national_stock_inputs(est: pd.DataFrame) -> pd.Series:
    """Rows that are whole-country stock figures with a count: the inputs of observed years."""
    return ((est["scope"].astype(str) == "national") & est["measure"].astype(str).isin(STOCKS)
            & (est["qualifier"].astype(str) != "presence_only") & est["lo"].notna())


def _lower_bound_rows(est: pd.DataFrame) -> pd.Series:
    return (est["scope"].astype(str).isin(["subnational", "sector_subset", "entity"])
            & (est["measure"].astype(str) == "workers_present") & (est["confidence"].astype(str) != "low")
            & est["count_low"].notna() & (est["qualifier"].astype(str) != "at_most"))


# ----- one country ---------------------------------------------------------------------------------------------

def _records(est: pd.DataFrame) -> list[dict]:
    """Plain records with the flags the method needs (plain Python keeps the per-year loop fast)."""
    frame = pd.DataFrame({
        "estimate_id": est["estimate_id"].astype(str), "year": est["year"].astype(int),
        "as_of": est["as_of"].astype(str), "confidence": est["confidence"].astype(str),
        "estimator_kind": est["estimator_kind"].astype(str), "w": est["w"].astype(float),
        "lo": est["lo"].astype(float), "hi": est["hi"].astype(float),
        "count_low": est["count_low"].astype("Float64").astype(float),
        "national": national_stock_inputs(est).astype(bool), "bound": _lower_bound_rows(est).astype(bool),
        "repat": ((est["measure"].astype(str) == "workers_repatriated") & est["lo"].notna()).astype(bool),
        # workers reported there: a stock figure above zero or a report without a count, or workers entering for
        # work (a flow is evidence that workers are there, never a head count)
        "presence": (((est["measure"].astype(str) == "workers_present")
                      | (est["measure"].astype(str).isin(["arrivals", "visas_issued", "work_permits_issued"])
                         & est["counted"].astype(str).isin(["workers", "work_entries"])))
                     & (est["hi"].fillna(1) > 0)).astype(bool),
    })
    return frame.to_dict("records")


def _observe(rows: list[dict], p: Params) -> dict:
    """best, low, high for a year with national stock figures."""
    official = [r for r in rows if r["estimator_kind"] in OFFICIAL and r["confidence"] != "low"]
    if official:
        latest = max(official, key=lambda r: (r["as_of"], r["estimate_id"]))
        if latest["hi"] == 0:
            return {"best": 0.0, "low": 0.0, "high": 0.0, "basis": "reported_zero", "ids": [latest["estimate_id"]],
                    "low_conf": False}
    positive = [r for r in rows if r["hi"] > 0]
    if not positive:
        return {"best": 0.0, "low": 0.0, "high": 0.0, "basis": "reported_zero",
                "ids": [r["estimate_id"] for r in rows], "low_conf": all(r["confidence"] == "low" for r in rows)}
    logs = [0.5 * (math.log(max(r["lo"], 1.0)) + math.log(r["hi"])) for r in positive]
    weights = [r["w"] for r in positive]
    best = math.exp(sum(w * x for w, x in zip(weights, logs)) / sum(weights))
    trusted = [r for r in positive if r["confidence"] != "low"]
    env = trusted or positive
    low = min(min(r["lo"] for r in env), best * math.exp(-p.min_halfwidth))
    high = max(max(r["hi"] for r in env), best * math.exp(p.min_halfwidth))
    return {"best": best, "low": low, "high": high, "basis": "observed",
            "ids": [r["estimate_id"] for r in positive], "low_conf": not trusted}


def _interp(a: float, b: float, t: float, log: bool) -> float:
    if log and a > 0 and b > 0:
        return math.exp(math.log(a) + t * (math.log(b) - math.log(a)))
    return a + t * (b - a)


def country_series(iso3: str, records: list[dict], pool: dict, p: Params, hidden=None) -> list[dict]:
    """The reconstructed series of one country: a dict per year. `hidden`: estimate ids left out."""
    recs = [r for r in records if r["estimate_id"] not in hidden] if hidden else records
    if not recs:
        return []
    by_year: dict[int, list[dict]] = {}
    for r in recs:
        if r["national"]:
            by_year.setdefault(r["year"], []).append(r)
    observed = {y: _observe(rows, p) for y, rows in by_year.items()}
    repat = [r for r in recs if r["repat"]]
    presence_years = sorted({r["year"] for r in recs if r["presence"]})
    # Years resting on low-confidence figures alone are blended with what the better-sourced years on both sides
    # of them say (interpolated); near one end of the series they stand alone and are flagged.
    trusted = {y: o for y, o in observed.items() if not o["low_conf"]}
    for y, o in list(observed.items()):
        if o["low_conf"] and o["best"] > 0:
            prior = _estimate_year(y, sorted(trusted), trusted, repat, presence_years, pool, p)
            if prior and prior["basis"] == "interpolated" and prior["best"] > 0:
                w_low = sum(r["w"] for r in by_year[y])
                w = p.neighbour_weight
                best = math.exp((w_low * math.log(o["best"]) + w * math.log(prior["best"])) / (w_low + w))
                observed[y] = {"best": best, "low": min(o["low"], prior["low"]), "high": max(o["high"], prior["high"]),
                               "basis": "observed", "ids": o["ids"] + prior["ids"], "low_conf": False}
    years_obs = sorted(observed)
    first = max(min(r["year"] for r in recs), p.start_year)
    last = max(r["year"] for r in recs)
    last_presence = presence_years[-1] if presence_years else None
    latest_obs = observed[years_obs[-1]] if years_obs else None
    still_there = (last_presence is not None and last_presence >= p.end_year - p.carry_years
                   and not (latest_obs and latest_obs["basis"] == "reported_zero" and years_obs[-1] >= last_presence))
    end = p.end_year if still_there else last
    bounds: dict[int, list[dict]] = {}
    for r in recs:
        if r["bound"]:
            bounds.setdefault(r["year"], []).append(r)
    out = []
    for y in range(first, end + 1):
        row = _estimate_year(y, years_obs, observed, repat, presence_years, pool, p,
                             large=iso3 in p.presence_pool_exclude)
        if row is None:
            continue
        if row["basis"] == "presence_only":
            row["ids"] = [r["estimate_id"] for r in recs if r["presence"] and y - p.carry_years <= r["year"] <= y]
        if y in bounds and row["basis"] != "reported_zero":
            top = max(bounds[y], key=lambda r: (r["count_low"], r["estimate_id"]))
            floor = top["count_low"]
            if floor > row["best"]:
                row["ids"] = row["ids"] + [top["estimate_id"]]
            row.update(best=max(row["best"], floor), low=max(row["low"], floor), high=max(row["high"], floor))
        row.update(iso3=iso3, year=y)
        out.append(row)
    return out


def _estimate_year(y, years_obs, observed, repat, presence_years, pool, p: Params, large: bool = False
                   ) -> dict | None:
    if y in observed:
        return dict(observed[y])
    before = [o for o in years_obs if o < y]
    after = [o for o in years_obs if o > y]
    if before and after:
        y0, y1 = before[-1], after[0]
        a, b = observed[y0], observed[y1]
        t = (y - y0) / (y1 - y0)
        log = a["best"] > 0 and b["best"] > 0
        d = min(y - y0, y1 - y)
        return {"best": _interp(a["best"], b["best"], t, log),
                "low": _interp(a["low"], b["low"], t, log) * math.exp(-p.interp_widen * d),
                "high": _interp(a["high"], b["high"], t, log) * math.exp(p.interp_widen * d),
                "basis": "interpolated", "ids": a["ids"] + b["ids"], "low_conf": a["low_conf"] and b["low_conf"]}
    if before:
        y0 = before[-1]
        a = observed[y0]
        gap = y - y0
        if gap <= p.carry_years and not (y0 < DEADLINE_YEAR < y):
            later = [r for r in repat if y0 < r["year"] <= y]
            gone = sum(math.sqrt(max(r["lo"], 0.0) * r["hi"]) for r in later)
            return {"best": max(a["best"] - gone, 0.0),
                    "low": max(a["low"] * math.exp(-p.carry_widen * gap) - gone, 0.0),
                    "high": a["high"] * math.exp(p.carry_widen * gap), "basis": "carried_forward",
                    "ids": a["ids"] + [r["estimate_id"] for r in later], "low_conf": a["low_conf"]}
        if a["basis"] == "reported_zero" and not any(py >= y for py in presence_years):
            return None
    elif after:
        y1 = after[0]
        b = observed[y1]
        gap = y1 - y
        if gap <= p.carry_years and b["best"] > 0:
            return {"best": b["best"], "low": b["low"] * math.exp(-p.carry_widen * gap),
                    "high": b["high"] * math.exp(p.carry_widen * gap), "basis": "carried_back", "ids": b["ids"],
                    "low_conf": b["low_conf"]}
    recent = [py for py in presence_years if y - p.carry_years <= py <= y]
    later_presence = any(py >= y for py in presence_years)
    if not recent and not (before and later_presence):
        return None
    if large and (before or after):
        # the largest hosts have no hosts of a similar kind: carry the nearest observed year, widening every year
        y0 = before[-1] if before else after[0]
        a, gap = observed[y0], abs(y - y0)
        if a["best"] > 0:
            return {"best": a["best"], "low": a["low"] * math.exp(-p.carry_widen * gap),
                    "high": a["high"] * math.exp(p.carry_widen * gap),
                    "basis": "carried_forward" if before else "carried_back", "ids": a["ids"],
                    "low_conf": a["low_conf"]}
    return {"best": pool["best"], "low": pool["low"], "high": pool["high"], "basis": "presence_only",
            "ids": [], "low_conf": False, "pool": pool["region"]}


def _pools(observed_rows: list[dict], regions: dict, p: Params) -> dict:
    """Quartiles of observed figures per region (largest hosts excluded), with the all-region pool as fallback."""
    frame = pd.DataFrame([r for r in observed_rows if r["basis"] == "observed" and r["best"] > 0
                          and r["iso3"] not in p.presence_pool_exclude])
    if frame.empty:
        frame = pd.DataFrame({"iso3": ["-"], "best": [1.0], "low": [1.0], "high": [1.0]})
    frame["region"] = frame["iso3"].map(regions)

    def quart(values: pd.Series, name: str) -> dict:
        return {"low": float(values.quantile(0.25)), "best": float(values.median()),
                "high": float(values.quantile(0.75)), "region": name, "n": int(len(values))}

    pools = {"*": quart(frame["best"], "all regions")}
    for region, group in frame.groupby("region"):
        if len(group) >= p.presence_pool_min:
            pools[region] = quart(group["best"], region)
    return pools


def _setup(estimates: pd.DataFrame, countries: pd.DataFrame, p: Params) -> tuple[dict, dict, dict, pd.DataFrame]:
    """Records per country, presence pools per region, and the prepared frame."""
    est = _prepare(estimates, countries, p)
    est = est[est["scope"].astype(str) != "multi_country"]
    regions = dict(zip(countries["iso3"].astype(str), countries["region"].astype(str)))
    groups: dict[str, list[dict]] = {}
    for rec, iso3 in zip(_records(est), est["country_iso3"].astype(str)):
        groups.setdefault(iso3, []).append(rec)
    first_pass = []
    for iso3, recs in groups.items():
        by_year: dict[int, list[dict]] = {}
        for r in recs:
            if r["national"]:
                by_year.setdefault(r["year"], []).append(r)
        first_pass += [{"iso3": iso3, **_observe(rows, p)} for rows in by_year.values()]
    return groups, _pools(first_pass, regions, p), regions, est
