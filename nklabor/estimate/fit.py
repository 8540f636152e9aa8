"""Fit the hyperparameters by maximum likelihood, and store the fit in fitted.py (`nklabor estimate --fit`).

The likelihood is exact for the grid model: the product over hosts of p(figures of the host), each computed by
the forward pass with the host's level integrated over its prior. The fit is never tuned to the back-test. It
takes tens of seconds, so the build uses the stored values; a test checks that they belong to the current data
(the fingerprint of the observations the likelihood sees).
"""

from __future__ import annotations

import json
import math
import time

import numpy as np

from nklabor.estimate import model, observations
from nklabor.estimate.params import FALLBACK, FITTED_FILE, HYPER, Params

#: Where the search starts when there is no stored fit to start from.
START = FALLBACK
#: Search bounds. The error scales keep the order of trust (ratios of at least 1); the degrees of freedom stay at
#: 2 or more (errors with a finite variance).
BOUNDS = {"level_mean": (-5.0, 14.0), "level_slope": (-3.0, 3.0), "level_sd": (0.1, 6.0), "ou_sd": (0.05, 4.0),
          "ou_rate": (0.005, 5.0), "jump_rate": (0.001, 5.0), "error_sd_high": (0.02, 3.0),
          "error_ratio_medium": (1.0025, 50.0), "error_ratio_low": (1.0025, 50.0), "error_df": (2.01, 100.0),
          "arrival_retention": (0.01, 0.999)}
#: The one prior: degrees of freedom ~ Gamma(shape 2, rate 0.1) (Juarez and Steel 2010), a weak prior that keeps
#: the fit from the edge where every figure is matched exactly and disagreements are put down to infinite tails.
DF_PRIOR = (2.0, 0.1)

LOGS = ("level_sd", "ou_sd", "ou_rate", "jump_rate", "error_sd_high")   # fitted on a log scale
ABOVE = {"error_ratio_medium": 1.0, "error_ratio_low": 1.0, "error_df": 2.0}  # log(value - floor)


def _to_vector(h: dict) -> np.ndarray:
    r = h["arrival_retention"]
    return np.array([h["level_mean"], h["level_slope"]] + [math.log(h[k]) for k in LOGS]
                    + [math.log(h[k] - f) for k, f in ABOVE.items()] + [math.log(r / (1 - r))])


def _from_vector(v: np.ndarray) -> dict:
    h = {"level_mean": float(v[0]), "level_slope": float(v[1])}
    for k, x in zip(LOGS, v[2:7]):
        h[k] = float(math.exp(x))
    for (k, f), x in zip(ABOVE.items(), v[7:10]):
        h[k] = float(f + math.exp(x))
    h["arrival_retention"] = float(1 / (1 + math.exp(-v[10])))
    return h


def log_prior(h: dict) -> float:
    shape, rate = DF_PRIOR
    return (shape - 1) * math.log(h["error_df"]) - rate * h["error_df"]


def hosts_data(obs: observations.Observations) -> list[tuple]:
    """Per host: its observations as plain columns and its official zeros (what the likelihood needs)."""
    from nklabor.estimate.series import arrays

    zeros = dict(tuple(obs.zeros.groupby("iso3")))
    out = []
    for iso3, o in obs.obs.groupby("iso3"):
        z = zeros.get(iso3)
        out.append((arrays(o), sorted(z["t"].tolist()) if z is not None else [], obs.n_sources.get(iso3, 1)))
    return out


def loglik(obs, hyper: dict, p: Params) -> float:
    """Log likelihood of every host's figures under `hyper` (obs: Observations or hosts_data(...))."""
    from nklabor.estimate.series import level_shift, make_events

    data = hosts_data(obs) if isinstance(obs, observations.Observations) else obs
    grid = model.Grid(hyper, p.grid_step, p.level_nodes)
    total = 0.0
    for cols, zero_t, n_sources in data:
        events, _ = make_events(grid, cols, zero_t, [], p, hyper, level_shift(hyper, n_sources))
        total += model.loglik_only(grid, events)
    return total


def fit(estimates, countries, p: Params | None = None, log=print, start: dict | None = None,
        max_evaluations: int = 1500) -> dict:
    """Maximise the likelihood over the hyperparameters; returns the record stored in fitted.py."""
    from scipy import optimize

    p = p or Params()
    obs = observations.build(estimates, countries, p)
    t0 = time.perf_counter()
    lows = _to_vector({k: b[0] for k, b in BOUNDS.items()})
    highs = _to_vector({k: b[1] for k, b in BOUNDS.items()})
    calls = [0]

    data = hosts_data(obs)

    def objective(v):
        calls[0] += 1
        v = np.clip(v, lows, highs)
        h = _from_vector(v)
        value = -(loglik(data, h, p) + log_prior(h))
        if calls[0] % 100 == 0:
            log(f"fit: {calls[0]} evaluations, {time.perf_counter() - t0:.0f} s, log posterior {-value:.2f}")
        return value

    if start is None:  # start from the stored fit: a refit after a few new rows takes a few dozen steps
        from nklabor.estimate.params import load_fitted

        start = {**START, **load_fitted()["values"]}
    x0 = np.clip(_to_vector(start), lows, highs)
    # quasi-Newton on the transformed scale with finite differences: a few hundred evaluations
    result = optimize.minimize(objective, x0, method="L-BFGS-B", bounds=list(zip(lows, highs)),
                               options={"maxfun": max_evaluations, "ftol": 1e-6, "eps": 1e-4})
    v = np.clip(result.x, lows, highs)
    best = _from_vector(v)
    seconds = time.perf_counter() - t0
    log(f"fit: log posterior {-result.fun:.2f} after {calls[0]} evaluations in {seconds:.1f} s")
    return {"values": {k: round(best[k], 4) for k in HYPER},
            "loglik": round(loglik(data, best, p), 3), "log_posterior": round(-float(result.fun), 3),
            "n_observations": int(len(obs.obs)), "n_hosts": int(obs.obs["iso3"].nunique()),
            "fingerprint": observations.fingerprint(obs), "evaluations": calls[0], "seconds": round(seconds, 1)}


HEADER = ('"""The hyperparameters fitted by maximum likelihood: generated by `nklabor estimate --fit`, do not edit.\n\n'
          '`fingerprint` identifies the observations they were fitted on. When the data change, the build and the\n'
          'tests use them anyway and say they are stale; then run `nklabor estimate --fit` and\n'
          '`nklabor estimate --write-docs`.\n"""\n\n')


def write(record: dict, path=FITTED_FILE) -> None:
    path.write_text(HEADER + "FIT = " + json.dumps(record, indent=4, sort_keys=True) + "\n", encoding="utf-8")
    from nklabor.estimate import params

    params._FITTED = None


def is_current(estimates, countries, path=FITTED_FILE) -> bool:
    """True if the stored fit was made from the observations the current data give."""
    return staleness(estimates, countries, path) is None


def staleness(estimates, countries, path=FITTED_FILE) -> str | None:
    """None if the stored fit belongs to the current data; otherwise one line saying so and what to run.

    A stale fit is still used (new rows never break the build or the tests): the hyperparameters move little
    when a few figures are added, and the refit takes about three minutes.
    """
    from nklabor.estimate.params import load_fitted

    record = load_fitted(path)
    obs = observations.build(estimates, countries, Params())
    if record.get("fingerprint") == observations.fingerprint(obs):
        return None
    return (f"the hyperparameters in nklabor/estimate/fitted.py were fitted on other data "
            f"({record.get('n_observations')} observations; the data now give {len(obs.obs)}): they are used "
            f"anyway; refit with `nklabor estimate --fit`, then `nklabor estimate --write-docs`")
