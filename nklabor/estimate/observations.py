"""From sourced figures to the model's observations: each figure at its date, copies merged, bounds as bounds.

One row of `worker_estimates` becomes at most one observation of a host's log count at a date (decimal years):

- a year-only figure sits at mid-year, a month at mid-month, a day on that day;
- whole-country stock figures (`national`: workers present or valid permits) are intervals (a point is an
  interval of no width; a range keeps its width), "at least" a lower and "at most" an upper bound;
- counts for a region, one sector or one site (`bound`) are lower bounds on the whole country at their date;
- flows of workers (`flow`, when `flows_as_bounds`): arrivals, visas or permits issued for work over a period of
  at most `flow_max_days` give a lower bound of `arrival_retention` x the count at the period's end (the
  retention is fitted with the other hyperparameters);
  repatriations and departures with a stated period start give a lower bound of the count at that start (those
  sent home were there). Entries for study or other purposes are never read as workers;
- a zero is honoured only from a host government or the UN at medium or high confidence (an `official zero`);
  other zeros are not used as counts;
- copies (same country, same role and coverage, same figure, same kind of estimator, and one counted period
  within the other) are one observation carrying the best grade and all their ids.

Rows for several countries together, multi-year totals and figures without a count are not observations;
reports of workers without a count are kept as evidence of presence (they decide the years a host has rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from nklabor.estimate.params import Params

STOCKS = ("workers_present", "work_permits_valid")
OFFICIAL = ("host_government", "un")
ARRIVALS = ("arrivals", "visas_issued", "work_permits_issued")
RETURNS = ("workers_repatriated", "departures")
WORK_COUNTED = ("workers", "work_entries")
SUBSETS = ("subnational", "sector_subset", "entity")
GRADE_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Observations:
    obs: pd.DataFrame        # one row per distinct observation (copies merged)
    presence: pd.DataFrame   # iso3, t, year, estimate_id: evidence that workers were there
    zeros: pd.DataFrame      # iso3, t, year, estimate_id: official zeros
    n_sources: dict          # iso3 -> distinct sources with any row about the host (the level's covariate)


def _col(est: pd.DataFrame, name: str) -> pd.Series:
    if name in est.columns:
        return est[name].astype("object").where(est[name].notna(), None)
    return pd.Series([None] * len(est), index=est.index, dtype="object")


def decimal_period(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (decimal years) of ISO dates at year, month or day precision."""
    s = text.astype(str).str.strip()
    n = s.str.len().to_numpy()
    padded = np.where(n == 4, s + "-01-01", np.where(n == 7, s + "-01", s))
    d = pd.to_datetime(pd.Series(padded, index=text.index), format="%Y-%m-%d", errors="coerce")
    year = d.dt.year.to_numpy(dtype=float)
    days = np.where(d.dt.is_leap_year.to_numpy(dtype=bool), 366.0, 365.0)
    start = year + (d.dt.day_of_year.to_numpy(dtype=float) - 1) / days
    length = np.where(n == 4, 1.0, np.where(n == 7, d.dt.days_in_month.to_numpy(dtype=float) / days, 1.0 / days))
    return start, start + length


def reference_time(year: int, p: Params) -> float:
    return _reference_time(year, p.reference_month, p.reference_day)


@lru_cache(maxsize=4096)
def _reference_time(year: int, month: int, day: int) -> float:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    day_of_year = (dt.date(2000 if leap else 2001, month, day) - dt.date(2000 if leap else 2001, 1, 1)).days
    return year + day_of_year / (366.0 if leap else 365.0)


def reference_date(year: int, p: Params) -> str:
    return _reference_date(year, p.reference_month, p.reference_day)


@lru_cache(maxsize=4096)
def _reference_date(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def build(estimates: pd.DataFrame, countries: pd.DataFrame, p: Params) -> Observations:
    """The observations, presence evidence and official zeros of every host country (see the module text)."""
    est = estimates[estimates["country_iso3"].astype(str).isin(set(countries["iso3"].astype(str)))]
    if p.exclude_estimator_kinds:
        est = est[~est["estimator_kind"].astype(str).isin(p.exclude_estimator_kinds)]
    if not p.use_low_confidence:
        est = est[est["confidence"].astype(str) != "low"]
    est = est.reset_index(drop=True)
    scope, measure = est["scope"].astype(str), est["measure"].astype(str)
    counted, qual = est["counted"].astype(str), est["qualifier"].astype(str)
    kind_est, grade = est["estimator_kind"].astype(str), est["confidence"].astype(str)
    low = pd.to_numeric(est["count_low"], errors="coerce").astype(float)
    high = pd.to_numeric(est["count_high"], errors="coerce").astype(float)
    start, end = decimal_period(est["as_of"])
    mid = (start + end) / 2
    pstart_text = _col(est, "period_start")
    has_pstart = pstart_text.notna().to_numpy()
    pstart = np.full(len(est), np.nan)
    if has_pstart.any():
        pstart[has_pstart] = decimal_period(pstart_text[has_pstart].astype(str))[0]
    period_days = (end - pstart) * 365.25

    stock = measure.isin(STOCKS) & (counted == "workers")
    national = (scope == "national") & stock & (qual != "presence_only")
    zero = national & (high.fillna(low) == 0)
    official_zero = zero & kind_est.isin(OFFICIAL) & grade.isin(["high", "medium"])
    national &= ~zero
    bound = scope.isin(SUBSETS) & stock & (low > 0) & ~qual.isin(["at_most", "presence_only"])
    arrive = (measure.isin(ARRIVALS) & counted.isin(WORK_COUNTED) & scope.isin(("national",) + SUBSETS)
              & (low > 0) & (np.isnan(period_days) | (period_days <= p.flow_max_days)))
    ret = measure.isin(RETURNS) & (counted == "workers") & (low > 0) & pd.Series(has_pstart, index=est.index)
    if not p.flows_as_bounds:
        arrive &= False
    if not p.flows_as_bounds:
        ret &= False

    rows = []

    def add(mask, role, kind, lo, hi, t, arrival=False):
        idx = np.flatnonzero(mask.to_numpy(dtype=bool))
        for i in idx:
            rows.append((i, role, kind, lo[i], hi[i], t[i], arrival))

    lo_n = np.log(np.maximum(low.fillna(high).to_numpy(), 1.0))
    hi_n = np.log(np.maximum(high.fillna(low).to_numpy(), 1.0))
    add(national & (qual == "at_least"), "national", "lower", lo_n, lo_n, mid)
    add(national & (qual == "at_most"), "national", "upper", hi_n, hi_n, mid)
    add(national & ~qual.isin(["at_least", "at_most"]), "national", "interval", lo_n, hi_n, mid)
    lo_b = np.log(np.maximum(low.to_numpy(), 1.0))
    add(bound, "bound", "lower", lo_b, lo_b, mid)
    add(arrive, "flow", "lower", lo_b, lo_b, end, arrival=True)
    add(ret, "flow", "lower", lo_b, lo_b, pstart)

    obs = _merge_copies(est, rows, start, end, pstart_text)
    if p.exclude_estimate_ids:
        drop = set(p.exclude_estimate_ids)
        obs = obs[~obs["ids"].map(lambda ids: bool(drop & set(ids)))].reset_index(drop=True)
        est_keep = ~est["estimate_id"].astype(str).isin(drop)
    else:
        est_keep = pd.Series(True, index=est.index)

    present = ((measure == "workers_present") & scope.isin(("national",) + SUBSETS)
               | measure.isin(ARRIVALS) & counted.isin(WORK_COUNTED))
    present &= (qual == "presence_only") | (high.fillna(low) > 0)
    present &= est_keep
    presence = pd.DataFrame({"iso3": est["country_iso3"].astype(str), "t": mid,
                             "estimate_id": est["estimate_id"].astype(str)})[present.to_numpy()]
    zeros = pd.DataFrame({"iso3": est["country_iso3"].astype(str), "t": mid,
                          "estimate_id": est["estimate_id"].astype(str)})[(official_zero & est_keep).to_numpy()]
    for frame in (presence, zeros):
        frame["year"] = np.floor(frame["t"]).astype(int)
    src = est["source_id"].astype(str) if "source_id" in est.columns else est["estimate_id"].astype(str)
    n_sources = src[est_keep.to_numpy()].groupby(est["country_iso3"].astype(str)[est_keep.to_numpy()]).nunique()
    return Observations(obs, presence.reset_index(drop=True), zeros.sort_values(["iso3", "t"]).reset_index(drop=True),
                        {k: int(v) for k, v in n_sources.items()})


def _text_column(est: pd.DataFrame, name: str) -> list[str]:
    """A column as plain strings ('' where empty), for keys."""
    if name not in est.columns:
        return [""] * len(est)
    return ["" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
            for v in est[name].astype("object").tolist()]


def _merge_copies(est: pd.DataFrame, rows: list, start, end, pstart_text) -> pd.DataFrame:
    """One observation per group of copies (plain Python over a few hundred rows: no pandas in the loop)."""
    cols = ["obs_id", "ids", "iso3", "t", "year", "role", "kind", "lo", "hi", "grade", "estimator_kind", "as_of",
            "arrival"]
    if not rows:
        return pd.DataFrame(columns=cols)
    text = {c: _text_column(est, c) for c in ("estimate_id", "country_iso3", "confidence", "estimator_kind",
                                               "as_of", "scope", "subnational", "entity_id", "measure", "counted",
                                               "count_low", "count_high")}
    pstart = ["" if v is None else str(v) for v in pstart_text.tolist()]
    groups: dict[tuple, list[int]] = {}
    for k, (i, role, kind, *_rest) in enumerate(rows):
        # the national stock measures are one measure for copies (Russia's 30,023 appears as permits and present)
        measure = "stock" if role == "national" else text["measure"][i]
        key = (text["country_iso3"][i], role, kind, text["scope"][i], text["subnational"][i], text["entity_id"][i],
               measure, text["counted"][i], text["count_low"][i], text["count_high"][i], text["estimator_kind"][i],
               pstart[i] if role == "flow" else "")
        groups.setdefault(key, []).append(k)
    out = []
    for members in groups.values():
        members.sort(key=lambda k: (end[rows[k][0]], text["estimate_id"][rows[k][0]]))
        # one counted period within the other: a chain of such pairs is one figure repeated
        parent = {m: m for m in members}

        def root(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a
        for a_i, a in enumerate(members):
            sa, ea = start[rows[a][0]], end[rows[a][0]]
            for b in members[a_i + 1:]:
                sb, eb = start[rows[b][0]], end[rows[b][0]]
                if (sa <= sb + 1e-9 and eb <= ea + 1e-9) or (sb <= sa + 1e-9 and ea <= eb + 1e-9):
                    parent[root(b)] = root(a)
        by_root: dict[int, list[int]] = {}
        for m in members:
            by_root.setdefault(root(m), []).append(m)
        for copies in by_root.values():
            best = min(copies, key=lambda k: (GRADE_RANK[text["confidence"][rows[k][0]]],
                                              end[rows[k][0]] - start[rows[k][0]], text["estimate_id"][rows[k][0]]))
            i, role, kind, lo, hi, t, arrival = rows[best]
            ids = tuple(sorted(text["estimate_id"][rows[k][0]] for k in copies))
            out.append((ids[0], ids, text["country_iso3"][i], float(t), int(np.floor(t)), role, kind, float(lo),
                        float(hi), text["confidence"][i], text["estimator_kind"][i], text["as_of"][i],
                        bool(arrival)))
    out.sort(key=lambda r: (r[2], r[3], r[0]))
    return pd.DataFrame(out, columns=cols)


def fingerprint(obs: Observations) -> str:
    """A hash of what the likelihood sees (so a stored fit can say whether the data changed since)."""
    import hashlib

    o = obs.obs
    text = "\n".join(f"{r.iso3}|{r.t:.5f}|{r.role}|{r.kind}|{r.lo:.6f}|{r.hi:.6f}|{r.grade}"
                     for r in o.sort_values(["iso3", "t", "obs_id"]).itertuples(index=False))
    text += "\nzeros:" + ";".join(f"{r.iso3}|{r.t:.5f}" for r in obs.zeros.itertuples(index=False))
    text += "\nsources:" + ";".join(f"{k}|{v}" for k, v in sorted(obs.n_sources.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]

