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

import calendar
import datetime as dt
import re
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


_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
#: days in each month (index 1-12) and days before it, in a common year and a leap year
_MONTH_DAYS = tuple((0, *(calendar.monthrange(y, m)[1] for m in range(1, 13))) for y in (2001, 2000))
_DAYS_BEFORE = tuple(tuple(sum(days[1:m]) for m in range(13)) for days in _MONTH_DAYS)


def decimal_period(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (decimal years) of ISO dates at year, month or day precision."""
    fast = _decimal_period_fast(text.tolist())
    if fast is not None:
        return fast
    s = text.astype(str).str.strip()
    n = s.str.len().to_numpy()
    padded = np.where(n == 4, s + "-01-01", np.where(n == 7, s + "-01", s))
    d = pd.to_datetime(pd.Series(padded, index=text.index), format="%Y-%m-%d", errors="coerce")
    year = d.dt.year.to_numpy(dtype=float)
    days = np.where(d.dt.is_leap_year.to_numpy(dtype=bool), 366.0, 365.0)
    start = year + (d.dt.day_of_year.to_numpy(dtype=float) - 1) / days
    length = np.where(n == 4, 1.0, np.where(n == 7, d.dt.days_in_month.to_numpy(dtype=float) / days, 1.0 / days))
    return start, start + length


def _decimal_period_fast(values: list) -> tuple[np.ndarray, np.ndarray] | None:
    """decimal_period's numbers from the calendar module where every value is a valid YYYY, YYYY-MM or
    YYYY-MM-DD without spaces (the same arithmetic on the same numbers); None for anything else (empty, missing,
    spaced, invalid, years out of 1700-2200), which decimal_period leaves to pandas."""
    if not values:
        return None
    n, year, doy, dim, leap = [], [], [], [], []
    for v in values:
        m = _ISO_DATE.fullmatch(v) if isinstance(v, str) else None
        if m is None:
            return None
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        is_leap = calendar.isleap(y)
        if not 1700 <= y <= 2200 or not 1 <= mo <= 12 or not 1 <= d <= _MONTH_DAYS[is_leap][mo]:
            return None
        n.append(len(v))
        year.append(y)
        doy.append(_DAYS_BEFORE[is_leap][mo] + d)
        dim.append(_MONTH_DAYS[is_leap][mo])
        leap.append(is_leap)
    n = np.array(n)
    days = np.where(np.array(leap, dtype=bool), 366.0, 365.0)
    start = np.array(year, dtype=float) + (np.array(doy, dtype=float) - 1) / days
    length = np.where(n == 4, 1.0, np.where(n == 7, np.array(dim, dtype=float) / days, 1.0 / days))
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
    keep = np.array(estimates["country_iso3"].astype(str).isin(set(countries["iso3"].astype(str))), dtype=bool)
    if p.exclude_estimator_kinds:
        keep &= ~estimates["estimator_kind"].astype(str).isin(p.exclude_estimator_kinds).to_numpy(dtype=bool)
    if not p.use_low_confidence:
        keep &= (estimates["confidence"].astype(str) != "low").to_numpy(dtype=bool)
    # only the columns read below, then plain numpy arrays: no pandas in the rules
    est = estimates[[c for c in USED_COLUMNS if c in estimates.columns]][keep].reset_index(drop=True)
    scope, measure, counted, qual, kind_est, grade = (
        _words(est[c]) for c in ("scope", "measure", "counted", "qualifier", "estimator_kind", "confidence"))
    low = pd.to_numeric(est["count_low"], errors="coerce").astype(float).to_numpy()
    high = pd.to_numeric(est["count_high"], errors="coerce").astype(float).to_numpy()
    high_or_low = np.where(np.isnan(high), low, high)
    start, end = decimal_period(est["as_of"])
    mid = (start + end) / 2
    pstart_text = _col(est, "period_start")
    has_pstart = pstart_text.notna().to_numpy()
    pstart = np.full(len(est), np.nan)
    if has_pstart.any():
        pstart[has_pstart] = decimal_period(pstart_text[has_pstart].astype(str))[0]
    period_days = (end - pstart) * 365.25

    stock = np.isin(measure, STOCKS) & (counted == "workers")
    national = (scope == "national") & stock & (qual != "presence_only")
    zero = national & (high_or_low == 0)
    official_zero = zero & np.isin(kind_est, OFFICIAL) & np.isin(grade, ["high", "medium"])
    national &= ~zero
    bound = np.isin(scope, SUBSETS) & stock & (low > 0) & ~np.isin(qual, ["at_most", "presence_only"])
    arrive = (np.isin(measure, ARRIVALS) & np.isin(counted, WORK_COUNTED) & np.isin(scope, ("national",) + SUBSETS)
              & (low > 0) & (np.isnan(period_days) | (period_days <= p.flow_max_days)))
    ret = np.isin(measure, RETURNS) & (counted == "workers") & (low > 0) & has_pstart
    if not p.flows_as_bounds:
        arrive &= False
    if not p.flows_as_bounds:
        ret &= False

    rows = []

    def add(mask, role, kind, lo, hi, t, arrival=False):
        idx = np.flatnonzero(mask)
        for i in idx:
            rows.append((i, role, kind, lo[i], hi[i], t[i], arrival))

    lo_n = np.log(np.maximum(np.where(np.isnan(low), high, low), 1.0))
    hi_n = np.log(np.maximum(high_or_low, 1.0))
    add(national & (qual == "at_least"), "national", "lower", lo_n, lo_n, mid)
    add(national & (qual == "at_most"), "national", "upper", hi_n, hi_n, mid)
    add(national & ~np.isin(qual, ["at_least", "at_most"]), "national", "interval", lo_n, hi_n, mid)
    lo_b = np.log(np.maximum(low, 1.0))
    add(bound, "bound", "lower", lo_b, lo_b, mid)
    add(arrive, "flow", "lower", lo_b, lo_b, end, arrival=True)
    add(ret, "flow", "lower", lo_b, lo_b, pstart)

    obs = _merge_copies(est, rows, start, end, pstart_text)
    iso3, eids = est["country_iso3"].astype(str), est["estimate_id"].astype(str)
    if p.exclude_estimate_ids:
        drop = set(p.exclude_estimate_ids)
        obs = obs[~obs["ids"].map(lambda ids: bool(drop & set(ids)))].reset_index(drop=True)
        est_keep = ~eids.isin(drop).to_numpy(dtype=bool)
    else:
        est_keep = np.ones(len(est), dtype=bool)

    present = ((measure == "workers_present") & np.isin(scope, ("national",) + SUBSETS)
               | np.isin(measure, ARRIVALS) & np.isin(counted, WORK_COUNTED))
    present &= (qual == "presence_only") | (high_or_low > 0)
    present &= est_keep
    zero_kept = official_zero & est_keep
    year = np.zeros(len(est), dtype=int)
    used = present | zero_kept
    year[used] = pd.Series(np.floor(mid[used])).astype(int).to_numpy()  # (pandas: an error, not garbage, for NaN)
    evidence = pd.DataFrame({"iso3": iso3, "t": mid, "estimate_id": eids, "year": year})
    presence = evidence[present]
    zeros = evidence[zero_kept]
    src = (est["source_id"] if "source_id" in est.columns else est["estimate_id"]).astype(str).tolist()
    sources: dict[str, set] = {}
    for host, source in zip(iso3[est_keep].tolist(), [v for v, k in zip(src, est_keep) if k]):
        ids = sources.setdefault(host, set())
        if not _missing(source):
            ids.add(source)
    return Observations(obs, presence.reset_index(drop=True), zeros.sort_values(["iso3", "t"]).reset_index(drop=True),
                        {k: len(sources[k]) for k in sorted(sources)})


#: The columns of worker_estimates that `build` reads.
USED_COLUMNS = ("estimate_id", "country_iso3", "scope", "subnational", "entity_id", "measure", "counted", "as_of",
                "period_start", "count_low", "count_high", "qualifier", "estimator_kind", "confidence", "source_id")


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _strings(column: pd.Series) -> list[str]:
    """A column as plain strings, '' where missing (a categorical of strings from its codes: no conversion of
    each value)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in column.cat.categories):
        names = [*column.cat.categories, ""]
        return [names[k] for k in column.cat.codes.tolist()]
    return ["" if _missing(v) else str(v) for v in column.tolist()]


def _words(column: pd.Series) -> np.ndarray:
    """A column as a numpy array of strings, '' where missing: compares equal to no word, as missing values do
    in pandas."""
    return np.array(_strings(column), dtype=str)


def _text_column(est: pd.DataFrame, name: str) -> list[str]:
    """A column as plain strings ('' where empty), for keys."""
    if name not in est.columns:
        return [""] * len(est)
    return _strings(est[name])


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
    cols = {c: o[c].tolist() for c in ("iso3", "t", "obs_id", "role", "kind", "lo", "hi", "grade")}
    # sorted by iso3, t (missing last), obs_id, stably, as DataFrame.sort_values sorts them
    order = sorted(range(len(o)), key=lambda k: (cols["iso3"][k], cols["t"][k] != cols["t"][k],
                                                 0.0 if cols["t"][k] != cols["t"][k] else cols["t"][k],
                                                 cols["obs_id"][k]))
    text = "\n".join(f"{cols['iso3'][k]}|{cols['t'][k]:.5f}|{cols['role'][k]}|{cols['kind'][k]}|{cols['lo'][k]:.6f}|"
                     f"{cols['hi'][k]:.6f}|{cols['grade'][k]}" for k in order)
    text += "\nzeros:" + ";".join(f"{iso3}|{t:.5f}" for iso3, t in zip(obs.zeros["iso3"].tolist(),
                                                                     obs.zeros["t"].tolist()))
    text += "\nsources:" + ";".join(f"{k}|{v}" for k, v in sorted(obs.n_sources.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
