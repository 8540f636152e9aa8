"""Each host's series: which years it has, its posterior at each reference date, and the words for its basis.

Years. A host has a row for every year from its first evidence (a figure, a bound, a flow of workers or a report
of workers without a count) to its last, and on to `end_year` where workers were reported within
`still_there_years` of it and no official zero came after. After an official zero the count is 0
(`official_zero`) until workers are reported again; the first reference date after a zero that ends a series
gets a row, so the zero is shown.

Basis. Each figure's weight at a reference date is its precision (1 / error_sd^2, a range adding its width^2/12,
a bound counting a quarter) times the squared correlation of the process over the time between them
(exp(-2 (ou_rate + jump_rate) |dt|)); figures on the far side of an official zero weigh nothing. Then:
`observed` where whole-country figures dated in that calendar year carry at least half the weight; `blended`
where they exist but carry less; `interpolated` where there are none that year but some before and after;
`extrapolated` where they lie on one side only; `bounds_only` where only lower or upper bounds (a region, a
sector, a site, flows) are known; `presence_only` where workers were reported but never counted (the figure is
the hierarchical prior over hosts); `official_zero` as above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nklabor.estimate import model
from nklabor.estimate.model import Event, Grid
from nklabor.estimate.observations import Observations, reference_date, reference_time
from nklabor.estimate.params import Params, error_sds

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass
class Host:
    iso3: str
    events: list[Event]
    obs_source: object             # its observations: a DataFrame, or (all hosts' frame, start, stop) to slice
    obs_events: list[int]          # event index of each observation
    segment: np.ndarray            # stretch (between official zeros) of each event
    alpha_pre: list
    alpha: list
    beta: list
    trans: list
    loglik: float
    delta: float = 0.0             # level shift: the host's log counts are the grid's plus delta

    @property
    def obs(self) -> pd.DataFrame:
        """This host's observations, in the order of `obs_events` (sliced on first use: the build never needs
        them as a DataFrame, only their columns as arrays)."""
        if isinstance(self.obs_source, tuple):
            frame, start, stop = self.obs_source
            self.obs_source = frame.iloc[start:stop].reset_index(drop=True)
        return self.obs_source


LIK_COLUMNS = ("t", "kind", "lo", "hi", "grade", "arrival")


def arrays(obs: pd.DataFrame) -> tuple:
    """The columns the likelihood needs, as plain lists (fast to loop over)."""
    return tuple(obs[c].tolist() for c in LIK_COLUMNS)


def columns(obs: pd.DataFrame) -> dict:
    """Every column of the observations as a numpy array (sliced per host; no pandas in the loops)."""
    return {c: obs[c].to_numpy() for c in obs.columns}


def level_shift(hyper: dict, n_sources: int) -> float:
    """The host's expected level above `level_mean`: level_slope x log(number of sources naming it)."""
    return hyper["level_slope"] * math.log(max(n_sources, 1))


def make_events(grid: Grid, obs, zero_times, ref_times, p: Params, hyper: dict | None = None, delta: float = 0.0
                ) -> tuple[list[Event], list[int]]:
    """Events of one host; `delta` is its level shift (the grid is shared, so its figures move by -delta)."""
    hyper = hyper or p.hyper()
    items = []
    shift = math.log(hyper["arrival_retention"])
    cols = obs if isinstance(obs, tuple) else arrays(obs)
    sds = error_sds(hyper)
    for i, (t, kind, lo, hi, grade, arrival) in enumerate(zip(*cols)):
        lo, hi = lo - delta, hi - delta
        if arrival:
            lo, hi = lo + shift, hi + shift
        lik = grid.likelihood(kind, lo, hi, sds[grade])
        items.append((t, 0, i, Event(t, lik=lik, obs=i)))
    for t in zero_times:
        items.append((t, 1, 0, Event(t, reset=True)))
    for k, t in enumerate(ref_times):
        items.append((t, 2, k, Event(t)))
    items.sort(key=lambda it: (it[0], it[1], it[2]))
    events = [it[3] for it in items]
    obs_events = [0] * len(cols[0])
    for j, ev in enumerate(events):
        if ev.obs is not None:
            obs_events[ev.obs] = j
    return events, obs_events


def fit_host(grid: Grid, iso3: str, obs, zero_times, ref_times, p: Params, delta: float = 0.0,
             cols: dict | None = None, hyper: dict | None = None, lean: bool = False) -> Host:
    """The host's forward-backward pass; `obs` its observations (a DataFrame, or (frame, start, stop): rows of a
    frame of all hosts), `cols` their columns as arrays (from `columns`). `lean`: keep the messages at the
    reference dates only (all the rows need; the back-test needs them all)."""
    if cols is None:
        cols = columns(obs if not isinstance(obs, tuple) else obs[0].iloc[obs[1]:obs[2]])
    lik_cols = tuple(cols[c].tolist() for c in LIK_COLUMNS)
    events, obs_events = make_events(grid, lik_cols, zero_times, ref_times, p, hyper, delta=delta)
    if not events:
        events = [Event(0.0)]
    keep = {j for j, ev in enumerate(events) if ev.lik is None and not ev.reset} if lean else None
    alpha_pre, alpha, beta, trans, loglik = model.forward_backward(grid, events, keep=keep)
    seg = np.cumsum([0] + [1 if ev.reset else 0 for ev in events[:-1]])
    host = Host(iso3, events, obs if isinstance(obs, tuple) else obs.reset_index(drop=True), obs_events, seg,
                alpha_pre, alpha, beta, trans, loglik, delta)
    host._cols = cols
    return host


def row_years(evidence_t: np.ndarray, zero_t: np.ndarray, p: Params) -> list[tuple[int, str]]:
    """(year, 'estimate' | 'zero') for every year the host has a row (see the module text)."""
    if len(evidence_t) == 0:
        return []
    evidence_t = np.sort(evidence_t)
    first = max(int(math.floor(evidence_t[0])), p.start_year)
    last_ev = evidence_t[-1]
    last_year = int(math.floor(last_ev))
    zero_after_last = bool(len(zero_t)) and bool((zero_t > last_ev).any())
    end = p.end_year if (last_year >= p.end_year - p.still_there_years and not zero_after_last) else last_year
    out = []
    shown_zero = set()
    for y in range(first, p.end_year + 1):
        t = reference_time(y, p)
        z_before = zero_t[zero_t <= t]
        if len(z_before):
            z = z_before[-1]
            since = evidence_t[(evidence_t > z) & (evidence_t <= t)]
            if not len(since):
                later = (evidence_t > t).any()
                if later or z not in shown_zero:
                    shown_zero.add(z)
                    out.append((y, "zero"))
                continue
        if y <= end:
            out.append((y, "estimate"))
    return out


def _prepare(host: Host, p: Params, hyper: dict | None = None) -> dict:
    """Plain arrays of the host's observations, computed once per host."""
    if getattr(host, "_cache", None) is not None:
        return host._cache
    hyper = hyper or p.hyper()
    o = getattr(host, "_cols", None) or columns(host.obs)
    kind = o["kind"]
    sds = error_sds(hyper)
    sd = np.array([sds[g] for g in o["grade"]], dtype=float)
    width = np.where(kind == "interval", o["hi"].astype(float) - o["lo"].astype(float), 0.0)
    prec = 1.0 / (sd ** 2 + width ** 2 / 12.0)
    prec = np.where(kind == "interval", prec, prec / 4.0)
    n = len(kind)
    host._cache = {"t": o["t"].astype(float), "prec": prec, "rate": hyper["ou_rate"] + hyper["jump_rate"],
                   "seg": host.segment[np.asarray(host.obs_events, dtype=int)] if n else np.zeros(0, int),
                   "national": o["role"] == "national", "year": o["year"].astype(int), "low": o["grade"] == "low",
                   "ids": list(o["ids"]), "obs_id": list(o["obs_id"])}
    return host._cache


def weights(host: Host, j: int, p: Params) -> np.ndarray:
    """Weight of each of the host's observations at event j (see the module text)."""
    c = _prepare(host, p)
    if not len(c["t"]):
        return np.zeros(0)
    dt = np.abs(c["t"] - host.events[j].t)
    return c["prec"] * np.exp(-2.0 * c["rate"] * dt) * (c["seg"] == host.segment[j])


def describe_row(host: Host, j: int, year: int, p: Params) -> dict:
    """Basis word, weight share of the year's figures, and the inputs of the row at event j."""
    return describe_rows(host, [j], [year], p)[0]


def describe_rows(host: Host, js: list[int], years: list[int], p: Params, hyper: dict | None = None) -> list[dict]:
    """`describe_row` for each event j in js and its year: the weights of all of them in one array."""
    c = _prepare(host, p, hyper)
    national, obs_year, low, obs_t, obs_ids = c["national"], c["year"], c["low"], c["t"], c["ids"]
    if len(obs_t):
        dt = np.abs(obs_t[None, :] - np.array([host.events[j].t for j in js], dtype=float)[:, None])
        w_all = c["prec"] * np.exp(-2.0 * c["rate"] * dt) * (c["seg"][None, :] == host.segment[js][:, None])
    else:
        w_all = np.zeros((len(js), 0))
    # everything that is exact in two dimensions (comparisons, logic, division, a stable sort of each row) at
    # once; the sums row by row, as the arrays describe_row would add
    t_ev = np.array([host.events[j].t for j in js], dtype=float)[:, None]
    seg_ok = w_all > 0
    in_year = national & (obs_year == np.array(years)[:, None]) & seg_ok
    nat_ok = national & seg_ok
    has_year, has_national, has_any = in_year.any(axis=1), nat_ok.any(axis=1), seg_ok.any(axis=1)
    both_sides = (nat_ok & (obs_t < t_ev)).any(axis=1) & (nat_ok & (obs_t > t_ev)).any(axis=1)
    totals = [w.sum() for w in w_all]
    positive = np.array([total > 0 for total in totals], dtype=bool)
    share = w_all.copy()
    np.divide(w_all, np.array(totals, dtype=float)[:, None], out=share, where=positive[:, None])
    order = np.argsort(-share, axis=1, kind="stable")
    ranked = np.take_along_axis(share, order, axis=1)
    used = ranked >= p.input_share_min
    heavy = (ranked >= 0.1) & national[order]
    low_only = heavy.any(axis=1) & (low[order] | ~heavy).all(axis=1)
    out = []
    for r, (w, total) in enumerate(zip(w_all, totals)):
        share_year = float(w[in_year[r]].sum() / total) if total > 0 else 0.0
        if has_year[r]:
            basis = "observed" if share_year >= 0.5 else "blended"
        elif has_national[r]:
            basis = "interpolated" if both_sides[r] else "extrapolated"
        elif has_any[r]:
            basis = "bounds_only"
        else:
            basis = "presence_only"
        top = order[r][used[r]].tolist()
        out.append({"basis": basis, "share_in_year": share_year if basis != "presence_only" else None,
                    "n_observations": len(top), "ids": [eid for i in top for eid in obs_ids[i]],
                    "rests_on_low_confidence": bool(low_only[r]),
                    "main": [(c["obs_id"][i], float(share[r, i])) for i in top[:3]]})
    return out


def posterior(host: Host, grid: Grid, j: int) -> np.ndarray:
    return model.marginal(grid, host.alpha[j] * host.beta[j])


def _split(frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """iso3 -> (start, stop) of its rows in a frame sorted by iso3."""
    if frame.empty:
        return {}
    codes = frame["iso3"].to_numpy().astype(str)
    uniq, first = np.unique(codes, return_index=True)
    stops = np.append(first[1:], len(codes))
    return {u: (int(a), int(b)) for u, a, b in zip(uniq, first, stops)}


def all_hosts(obs: Observations, countries: pd.DataFrame, grid: Grid, p: Params, lean: bool = False
              ) -> tuple[list[dict], dict]:
    """Rows (one dict per host and year, with its binned posterior under 'hist') and the fitted hosts (`lean`:
    with their messages at the rows' dates only, see `fit_host`)."""
    rows, hosts = [], {}
    frame = obs.obs.sort_values(["iso3", "t", "obs_id"], kind="stable").reset_index(drop=True)
    cols = columns(frame)
    spans = _split(frame)
    presence = obs.presence.sort_values(["iso3", "t"], kind="stable").reset_index(drop=True)
    pr_spans = _split(presence)
    pr_t, pr_year = presence["t"].to_numpy(dtype=float), presence["year"].to_numpy(dtype=int)
    pr_ids = presence["estimate_id"].to_numpy().astype(str)
    zeros = obs.zeros
    z_spans = _split(zeros)
    z_t, z_ids = zeros["t"].to_numpy(dtype=float), zeros["estimate_id"].to_numpy().astype(str)
    hyper = p.hyper()
    for iso3 in sorted(set(countries["iso3"].astype(str))):
        a, b = spans.get(iso3, (0, 0))
        pa, pb = pr_spans.get(iso3, (0, 0))
        za, zb = z_spans.get(iso3, (0, 0))
        evidence = np.concatenate([cols["t"][a:b].astype(float), pr_t[pa:pb]])
        zero_t = np.sort(z_t[za:zb])
        years = row_years(evidence, zero_t, p)
        if not years:
            continue
        est_years = [y for y, what in years if what == "estimate"]
        delta = level_shift(hyper, obs.n_sources.get(iso3, 1))
        host = fit_host(grid, iso3, (frame, a, b), zero_t, [reference_time(y, p) for y in est_years], p, delta,
                        cols={c: v[a:b] for c, v in cols.items()}, hyper=hyper, lean=lean)
        hosts[iso3] = host
        ref_events = {}
        k = 0
        for j, ev in enumerate(host.events):
            if ev.lik is None and not ev.reset and ev.obs is None and k < len(est_years):
                ref_events[est_years[k]] = j
                k += 1
        js = [ref_events[y] for y in est_years]
        described = dict(zip(est_years, describe_rows(host, js, est_years, p, hyper)))
        for y, what in years:
            base = {"iso3": iso3, "year": y, "reference_date": reference_date(y, p)}
            if what == "zero":
                t = reference_time(y, p)
                zt = z_t[za:zb]
                last = zt[zt <= t].max()
                rows.append({**base, "q": (0.0,) * 5, "basis": "official_zero", "share_in_year": None,
                             "n_observations": 1, "ids": list(z_ids[za:zb][zt == last]),
                             "rests_on_low_confidence": False, "main": [], "hist": None})
                continue
            j = ref_events[y]
            hist = posterior(host, grid, j)
            q = np.exp(model.quantiles(grid, hist, QUANTILES) + delta)
            info = described[y]
            if info["basis"] in ("presence_only",) and pb > pa:
                py = pr_year[pa:pb]
                window = (py <= y) & (py >= y - p.still_there_years)
                info["ids"] = sorted(pr_ids[pa:pb][window])
            rows.append({**base, "q": tuple(q), **info, "hist": hist, "delta": delta})
    return rows, hosts
