"""The worldwide total per year: simulated from the countries' posteriors, plus hosts no source names, beside
the worldwide figures sources published.

- Named hosts. For each year, `world_draws` draws from every host's posterior at the reference date (an official
  zero is 0), added up. Dependence assumption: the hosts' errors are independent given the hyperparameters.
  (If they all erred the same way the range would be wider; docs/ESTIMATES.md shows that case too.)
- Hosts no source names. Sources name a host once, twice or more; from the numbers named by exactly one (f1) and
  two (f2) sources, Chao's estimator f1 (f1 - 1) / (2 (f2 + 1)) gives how many hosts no source named. In year y
  their expected number is that times the share of the named hosts that have a row in y; each draw has a Poisson
  number of them, each of a size drawn from the log-normal that fits the hosts named by one or two sources (their
  posterior medians, with their spread), or the pooled prior over hosts where fewer than three such host-years
  are counted.
- Published figures: worldwide (WLD) workers-present figures, all-sector and IT-only kept apart; copies (same
  figure, same kind of estimator, same year) count once. `published_outside_80` is true where the envelope of
  the year's medium- and high-confidence figures (all figures where there are none) does not meet the 80% range.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nklabor.estimate import model
from nklabor.estimate.observations import reference_date
from nklabor.estimate.params import Params
from nklabor.estimate.present import display

FIRST_YEAR = 2000


def unnamed_hosts(estimates: pd.DataFrame, countries: pd.DataFrame) -> dict:
    """Chao's estimate of the number of hosts no source names, with f1 and f2."""
    est = estimates[estimates["country_iso3"].astype(str).isin(set(countries["iso3"].astype(str)))]
    n_sources = est.groupby(est["country_iso3"].astype(str))["source_id"].nunique()
    f1, f2 = int((n_sources == 1).sum()), int((n_sources == 2).sum())
    return {"f1": f1, "f2": f2, "named": int(len(n_sources)), "unseen": f1 * (f1 - 1) / (2 * (f2 + 1))}


QUANTILE_STEPS = 2048  # draws are read from the quantile function tabulated at this many probabilities


def _sample(rng, grid: model.Grid, hist: np.ndarray, n: int, delta: float = 0.0) -> np.ndarray:
    """n draws of the count from a binned posterior: its quantile function, interpolated at uniform draws."""
    probs = (np.arange(QUANTILE_STEPS + 1)) / QUANTILE_STEPS
    table = model.quantiles(grid, hist, probs)
    pos = rng.random(n) * QUANTILE_STEPS
    i = np.minimum(pos.astype(np.intp), QUANTILE_STEPS - 1)
    frac = pos - i
    return np.exp(table[i] * (1.0 - frac) + table[i + 1] * frac + delta)


def _size_model(rows: list[dict], rare: set, hyper: dict) -> tuple[float, float]:
    medians, spreads = [], []
    for r in rows:
        if r["iso3"] in rare and r["basis"] not in ("presence_only", "official_zero") and r["q"][2] > 0:
            medians.append(math.log(r["q"][2]))
            spreads.append((math.log(r["q"][4]) - math.log(max(r["q"][0], 1e-9))) / 2.563)
    if len(medians) < 3:
        return hyper["level_mean"] + hyper["level_slope"] * math.log(1.5), math.sqrt(hyper["level_sd"] ** 2
                                                                                   + hyper["ou_sd"] ** 2)
    return float(np.mean(medians)), float(math.sqrt(np.var(medians) + np.mean(np.square(spreads))))


def published(estimates: pd.DataFrame) -> pd.DataFrame:
    """Worldwide workers-present figures with a count, one row per distinct figure (copies merged)."""
    w = estimates[(estimates["country_iso3"].astype(str) == "WLD")
                  & (estimates["measure"].astype(str) == "workers_present")
                  & estimates["count_low"].fillna(estimates["count_high"]).notna()].copy()
    if w.empty:
        return w.assign(year=pd.Series(dtype=int), it=pd.Series(dtype=bool), ids=pd.Series(dtype=object))
    w["year"] = w["as_of"].astype(str).str[:4].astype(int)
    w["it"] = (w["scope"].astype(str) == "sector_subset") & w["sector"].fillna("").astype(str).str.contains(
        "it_services")
    w = w[(w["scope"].astype(str) == "national") | w["it"]]
    w["rank"] = w["confidence"].astype(str).map({"high": 0, "medium": 1, "low": 2})
    key = ["year", "it", "estimator_kind", "qualifier", "count_low", "count_high"]
    w[["count_low", "count_high"]] = w[["count_low", "count_high"]].astype("Float64")
    w["_key"] = ["|".join(map(str, vals)) for vals in w[key].itertuples(index=False)]
    ids = w.groupby("_key")["estimate_id"].agg(lambda s: ";".join(sorted(s)))
    best = w.sort_values(["_key", "rank", "estimate_id"]).drop_duplicates("_key")
    best = best.assign(ids=best["_key"].map(ids)).drop(columns=["_key", "rank"])
    return best.sort_values(["year", "as_of", "estimate_id"]).reset_index(drop=True)


def _figure_text(r) -> str:
    return f"{figure_words(r)} ({r['estimator_kind']}, {r['confidence']}; {r['ids']})"


def figure_words(r) -> str:
    """A published figure as its source words it: 'at least 50,000', '50,000-80,000', '100,000'."""
    lo, hi, q = r["count_low"], r["count_high"], str(r["qualifier"])
    if q == "at_least":
        v = f"at least {int(lo):,}"
    elif q == "at_most":
        v = f"at most {int(hi):,}"
    elif pd.notna(lo) and pd.notna(hi) and lo != hi:
        v = f"{int(lo):,}-{int(hi):,}"
    else:
        v = f"{int(hi if pd.notna(hi) else lo):,}"
    return v


def world_year(rows: list[dict], estimates: pd.DataFrame, countries: pd.DataFrame, grid: model.Grid,
               p: Params) -> pd.DataFrame:
    from nklabor.estimate import WORLD_COLUMNS

    hyper = p.hyper()
    rng = np.random.default_rng(p.seed)
    years = list(range(FIRST_YEAR, p.end_year + 1))
    by_year: dict[int, list[dict]] = {}
    for r in rows:
        by_year.setdefault(r["year"], []).append(r)
    unseen = unnamed_hosts(estimates, countries)
    n_sources = estimates[estimates["country_iso3"].astype(str).isin(set(countries["iso3"].astype(str)))] \
        .groupby("country_iso3")["source_id"].nunique()
    rare = set(n_sources[n_sources <= 2].index.astype(str))
    size_mean, size_sd = _size_model(rows, rare, hyper)
    hosts_with_rows = {r["iso3"] for r in rows}
    pub = published(estimates)
    pub_by: dict[tuple, list[dict]] = {}
    for r in pub.to_dict("records"):
        lo, hi = r["count_low"], r["count_high"]
        lo, hi = (None if pd.isna(lo) else float(lo)), (None if pd.isna(hi) else float(hi))
        pub_by.setdefault((int(r["year"]), bool(r["it"])), []).append({
            "low": lo if lo is not None else hi, "high": hi if hi is not None else lo, "ids": r["ids"],
            "confidence": str(r["confidence"]), "text": _figure_text(r),
            "env_low": lo if lo is not None else 0.0, "env_high": hi if hi is not None else np.inf})
    S = p.world_draws
    out = []
    for y in years:
        here = sorted(by_year.get(y, []), key=lambda r: r["iso3"])
        total = np.zeros(S)
        for r in here:
            if r["hist"] is not None:
                total += _sample(rng, grid, r["hist"], S, r["delta"])
        active = {r["iso3"] for r in here if r["basis"] != "official_zero"}
        lam = unseen["unseen"] * (len(active) / len(hosts_with_rows)) if hosts_with_rows else 0.0
        extra = np.zeros(S)
        if p.unnamed_hosts and lam > 0:
            counts = rng.poisson(lam, S)
            sizes = np.exp(rng.normal(size_mean, size_sd, counts.sum()))
            extra = np.bincount(np.repeat(np.arange(S), counts), weights=sizes, minlength=S)
        grand = total + extra
        q = np.quantile(grand, [0.1, 0.25, 0.5, 0.75, 0.9])
        qn = np.quantile(total, [0.1, 0.5, 0.9])
        qu = np.quantile(extra, [0.1, 0.5, 0.9])
        medians = {r["iso3"]: r["q"][2] for r in here}
        observed = sum(m for r in here for m in [medians[r["iso3"]]] if r["basis"] == "observed")
        named_sum = sum(medians.values())
        rec = {"year": y, "reference_date": reference_date(y, p),
               "best": q[2], "low_80": q[0], "high_80": q[4], "low_50": q[1], "high_50": q[3],
               "named_best": qn[1], "named_low_80": qn[0], "named_high_80": qn[2],
               "unnamed_best": qu[1], "unnamed_low_80": qu[0], "unnamed_high_80": qu[2],
               "unnamed_hosts_expected": round(lam, 2) if p.unnamed_hosts else 0.0,
               "n_countries": len(active),
               "n_countries_counted": sum(1 for r in here if r["basis"] not in ("presence_only", "official_zero")),
               "n_countries_presence_only": sum(1 for r in here if r["basis"] == "presence_only"),
               "share_observed": round(observed / named_sum, 3) if named_sum > 0 else None}
        for prefix, it in (("published", False), ("published_it", True)):
            f = pub_by.get((y, it), [])
            rec[f"{prefix}_low"] = min((r["low"] for r in f), default=None)
            rec[f"{prefix}_high"] = max((r["high"] for r in f), default=None)
            rec[f"{prefix}_estimate_ids"] = ";".join(sorted(i for r in f for i in r["ids"].split(";"))) or None
            if not it:
                rec["published_n"] = len(f)
                rec["published_figures"] = "; ".join(r["text"] for r in f) or None
                use = [r for r in f if r["confidence"] in ("high", "medium")] or f
                rec["published_outside_80"] = (bool(max(r["env_high"] for r in use) < q[0]
                                                    or min(r["env_low"] for r in use) > q[4]) if use else None)
        rec["display"] = display(q[2], q[0], q[4])
        out.append(rec)
    frame = pd.DataFrame(out)
    ints = ["year", "best", "low_80", "high_80", "low_50", "high_50", "named_best", "named_low_80", "named_high_80",
            "unnamed_best", "unnamed_low_80", "unnamed_high_80", "n_countries", "n_countries_counted",
            "n_countries_presence_only", "published_low", "published_high", "published_n", "published_it_low",
            "published_it_high"]
    for col in ints:
        frame[col] = pd.to_numeric(frame[col]).round().astype("Int64")
    for col in ("unnamed_hosts_expected", "share_observed"):
        frame[col] = frame[col].astype("Float64")
    frame["published_outside_80"] = frame["published_outside_80"].astype("boolean")
    for col in ("reference_date", "published_figures", "published_estimate_ids", "published_it_estimate_ids",
                "display"):
        frame[col] = frame[col].astype("string")
    return frame[list(WORLD_COLUMNS)]


def decompose(rows: list[dict], grid: model.Grid, year: int, p: Params) -> list[tuple[str, float, float, float]]:
    """(part, median, 10th, 90th percentile) of each part of the named hosts' total in `year`: the two largest
    hosts that year, the other hosts with whole-country figures, hosts with lower bounds only, hosts never
    counted; then the simulated sum and the sum of the hosts' medians (the gap is the right tails)."""
    from nklabor import words

    rng = np.random.default_rng(p.seed)
    here = sorted((r for r in rows if r["year"] == year and r["hist"] is not None), key=lambda r: r["iso3"])
    largest = [r["iso3"] for r in sorted(here, key=lambda r: -r["q"][2])[:2]]
    parts = [(words.country(c), lambda r, c=c: r["iso3"] == c) for c in largest]
    parts += [("other hosts with whole-country figures", lambda r: r["iso3"] not in largest and r["basis"] in (
                  "observed", "blended", "interpolated", "extrapolated")),
              ("hosts with lower bounds only", lambda r: r["iso3"] not in largest and r["basis"] == "bounds_only"),
              ("hosts reported, never counted", lambda r: r["basis"] == "presence_only")]
    out, medians = [], 0.0
    total = np.zeros(p.world_draws)
    for name, test in parts:
        part = np.zeros(p.world_draws)
        for r in here:
            if test(r):
                part += _sample(rng, grid, r["hist"], p.world_draws, r["delta"])
                medians += r["q"][2]
        total += part
        q = np.quantile(part, [0.5, 0.1, 0.9])
        out.append((name, float(q[0]), float(q[1]), float(q[2])))
    q = np.quantile(total, [0.5, 0.1, 0.9])
    out.append(("all named hosts (simulated sum)", float(q[0]), float(q[1]), float(q[2])))
    out.append(("sum of the named hosts' medians", medians, float("nan"), float("nan")))
    return out
