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


def _values(column: pd.Series) -> list:
    """A column as plain Python values, None where empty (for loops over a few hundred rows without pandas)."""
    return [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
            for v in column.tolist()]


def _sources_per_host(estimates: pd.DataFrame, countries: pd.DataFrame) -> dict[str, int]:
    """iso3 -> number of distinct sources with a row about it, for the hosts in `countries` that have rows."""
    hosts = set(countries["iso3"].astype(str))
    seen: dict[str, set] = {}
    for iso3, src in zip(estimates["country_iso3"].astype(str).tolist(), _values(estimates["source_id"])):
        if iso3 in hosts:
            ids = seen.setdefault(iso3, set())
            if src is not None:
                ids.add(src)
    return {iso3: len(ids) for iso3, ids in seen.items()}


def unnamed_hosts(estimates: pd.DataFrame, countries: pd.DataFrame, n_sources: dict | None = None) -> dict:
    """Chao's estimate of the number of hosts no source names, with f1 and f2."""
    n_sources = _sources_per_host(estimates, countries) if n_sources is None else n_sources
    f1 = sum(1 for n in n_sources.values() if n == 1)
    f2 = sum(1 for n in n_sources.values() if n == 2)
    return {"f1": f1, "f2": f2, "named": len(n_sources), "unseen": f1 * (f1 - 1) / (2 * (f2 + 1))}


QUANTILE_STEPS = 2048  # draws are read from the quantile function tabulated at this many probabilities


_PROBS = np.arange(QUANTILE_STEPS + 1) / QUANTILE_STEPS


def _sample(rng, grid: model.Grid, hist: np.ndarray, n: int, delta: float = 0.0) -> np.ndarray:
    """n draws of the count from a binned posterior: its quantile function, interpolated at uniform draws."""
    return _draws(grid, [hist], [delta], rng.random((1, n)))[0]


def _draws(grid: model.Grid, hists: list, deltas: list, u: np.ndarray) -> np.ndarray:
    """Draws of each host's count (one row per host) from uniform draws u (hosts x draws), as `_sample` makes
    them one host at a time: rng.random((k, n)) are the numbers k calls of rng.random(n) give."""
    table = np.stack([model.quantiles(grid, h, _PROBS) for h in hists])
    pos = u * QUANTILE_STEPS
    i = pos.astype(np.intp)
    np.minimum(i, QUANTILE_STEPS - 1, out=i)
    frac = np.subtract(pos, i, out=pos)
    i += np.arange(len(hists))[:, None] * (QUANTILE_STEPS + 1)  # row k's table starts at k (QUANTILE_STEPS + 1)
    flat = table.ravel()
    # table[i] * (1 - frac) + table[i + 1] * frac + delta, with fewer temporary arrays
    upper = np.take(flat, i + 1)
    upper *= frac
    out = np.take(flat, i)
    out *= np.subtract(1.0, frac, out=frac)
    out += upper
    out += np.asarray(deltas, dtype=float)[:, None]
    return np.exp(out, out=out)


def quantiles(values: np.ndarray, qs) -> np.ndarray:
    """np.quantile(values, qs) (its default 'linear' method, the same numbers) from one sort, several times faster
    than its partitions on a few thousand draws."""
    s = np.sort(values)
    n = len(s)
    v = (n - 1) * np.asarray(qs, dtype=float)
    prev = np.floor(v)
    nxt = prev + 1
    above = v >= n - 1
    prev[above] = -1
    nxt[above] = -1
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = v - prev
    a, b = s[prev], s[nxt]
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


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


def _published_records(estimates: pd.DataFrame) -> list[dict]:
    """The rows of `published(estimates)` as plain records (the fields world_year reads), in the same order,
    without pandas: a few loops over the rows instead of some twenty DataFrame operations."""
    wld = np.flatnonzero(np.asarray(estimates["country_iso3"].astype(str) == "WLD", dtype=bool))
    cols = {c: _values(estimates[c].iloc[wld]) for c in ("measure", "count_low", "count_high", "as_of", "scope",
                                                         "sector", "confidence", "estimator_kind", "qualifier",
                                                         "estimate_id")}
    rank = {"high": 0, "medium": 1, "low": 2}
    groups: dict[tuple, list[dict]] = {}
    for k in range(len(wld)):
        if (str(cols["measure"][k]) != "workers_present"
                or (cols["count_low"][k] is None and cols["count_high"][k] is None)):
            continue
        scope, sector = str(cols["scope"][k]), cols["sector"][k]
        it = scope == "sector_subset" and "it_services" in ("" if sector is None else str(sector))
        if scope != "national" and not it:
            continue
        lo, hi = cols["count_low"][k], cols["count_high"][k]
        r = {"year": int(str(cols["as_of"][k])[:4]), "it": it, "as_of": str(cols["as_of"][k]),
             "estimate_id": str(cols["estimate_id"][k]), "count_low": None if lo is None else float(lo),
             "count_high": None if hi is None else float(hi), "qualifier": cols["qualifier"][k],
             "confidence": cols["confidence"][k], "estimator_kind": cols["estimator_kind"][k],
             "rank": rank.get(str(cols["confidence"][k]), math.inf), "pos": k}
        key = (r["year"], it, str(r["estimator_kind"]), str(r["qualifier"]), r["count_low"], r["count_high"])
        groups.setdefault(key, []).append(r)
    out = []
    for members in groups.values():
        best = dict(min(members, key=lambda r: (r["rank"], r["estimate_id"], r["pos"])))
        best["ids"] = ";".join(sorted(r["estimate_id"] for r in members))
        out.append(best)
    out.sort(key=lambda r: (r["year"], r["as_of"], r["estimate_id"]))
    return out


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
    n_sources = _sources_per_host(estimates, countries)
    unseen = unnamed_hosts(estimates, countries, n_sources)
    rare = {iso3 for iso3, n in n_sources.items() if n <= 2}
    size_mean, size_sd = _size_model(rows, rare, hyper)
    hosts_with_rows = {r["iso3"] for r in rows}
    pub_by: dict[tuple, list[dict]] = {}
    for r in _published_records(estimates):
        lo, hi = r["count_low"], r["count_high"]
        pub_by.setdefault((r["year"], r["it"]), []).append({
            "low": lo if lo is not None else hi, "high": hi if hi is not None else lo, "ids": r["ids"],
            "confidence": str(r["confidence"]), "text": _figure_text(r),
            "env_low": lo if lo is not None else 0.0, "env_high": hi if hi is not None else np.inf})
    S = p.world_draws
    out = []
    for y in years:
        here = sorted(by_year.get(y, []), key=lambda r: r["iso3"])
        total = np.zeros(S)
        drawn = [r for r in here if r["hist"] is not None]
        if drawn:
            # one host after the other, as many calls of rng.random(S) would draw them
            for d in _draws(grid, [r["hist"] for r in drawn], [r["delta"] for r in drawn],
                            rng.random((len(drawn), S))):
                total += d
        active = {r["iso3"] for r in here if r["basis"] != "official_zero"}
        lam = unseen["unseen"] * (len(active) / len(hosts_with_rows)) if hosts_with_rows else 0.0
        extra = np.zeros(S)
        if p.unnamed_hosts and lam > 0:
            counts = rng.poisson(lam, S)
            sizes = np.exp(rng.normal(size_mean, size_sd, counts.sum()))
            extra = np.bincount(np.repeat(np.arange(S), counts), weights=sizes, minlength=S)
        grand = total + extra
        q = quantiles(grand, [0.1, 0.25, 0.5, 0.75, 0.9])
        qn = quantiles(total, [0.1, 0.5, 0.9])
        qu = quantiles(extra, [0.1, 0.5, 0.9])
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
    ints = {"year", "best", "low_80", "high_80", "low_50", "high_50", "named_best", "named_low_80", "named_high_80",
            "unnamed_best", "unnamed_low_80", "unnamed_high_80", "n_countries", "n_countries_counted",
            "n_countries_presence_only", "published_low", "published_high", "published_n", "published_it_low",
            "published_it_high"}
    floats = {"unnamed_hosts_expected", "share_observed"}
    texts = {"reference_date", "published_figures", "published_estimate_ids", "published_it_estimate_ids", "display"}
    columns = {}
    for col in WORLD_COLUMNS:
        values = [rec[col] for rec in out]
        if col in ints:  # rounded half to even, as pandas rounds
            columns[col] = pd.array(np.round(np.array([np.nan if v is None else v for v in values], dtype=float)),
                                    dtype="Int64")
        elif col in floats:
            columns[col] = pd.array(values, dtype="Float64")
        elif col in texts:
            columns[col] = pd.array(values, dtype="string")
        else:
            columns[col] = pd.array(values, dtype="boolean")
    return pd.DataFrame(columns)


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
