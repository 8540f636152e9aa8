"""The dated measurement-error model, solved exactly on a grid (a hidden Markov model, forward-backward).

For each host c, its log count at time t is x_c(t) = mu_c + z_c(t):
- mu_c, the host's own level, is drawn from N(level_mean, level_sd^2): partial pooling over hosts;
- z_c(t) is a mean-reverting (Ornstein-Uhlenbeck) process with stationary sd `ou_sd` and rate `ou_rate` per year,
  which at rate `jump_rate` per year jumps to a fresh draw from its stationary distribution (sudden changes such
  as a deadline to send workers home, with no date or country written into the model); an official zero ends a
  stretch and z starts afresh after it, the level mu_c is kept;
- a figure y at its date reads x_c(t) with an error e ~ error_sd[grade] x Student t(error_df): a point has the
  likelihood density(y - x); a range [a, b] averages it over the range (it adds its own width); "at least v" is
  P(x + e >= log v) and "at most v" is P(x + e <= log v) (censoring).

mu takes `level_nodes` values (a quadrature of its normal prior) and z lives on a grid of step `grid_step`; one
transition matrix per time gap serves every node and host, so a step is one (nodes x grid) @ (grid x grid)
product. Forward and backward messages give each host's posterior at any date, its likelihood (to fit the
hyperparameters) and, at no extra cost, what the other figures say at the date of a left-out one (back-test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

BIN = 0.05  # width of the bins of log counts in which posteriors are summarised
U_MAX, U_STEP = 60.0, 0.01  # the table of the standard t cdf: |u| <= U_MAX, step U_STEP
TINY = 1e-200  # probabilities below this (after normalising) are set to 0


_PHI_STEP = 0.002
# numpy and math only, so estimating does not import scipy (a quarter of a second in a fresh process)
_SQRT2 = math.sqrt(2.0)
# (the points as Python floats: the same numbers, three times faster than numpy scalars, at every import)
_PHI = np.array([0.5 * math.erfc(-x / _SQRT2) for x in np.arange(-10.0, 10.0 + _PHI_STEP / 2, _PHI_STEP).tolist()])


def student_t_cdf(df: float, u: np.ndarray) -> np.ndarray:
    """The Student t cdf on a uniform, symmetric grid u (step h, |u| <= U): the density integrated by Simpson's
    rule on half steps, plus the mass beyond -U from the density's power tail; error below 1e-6 for df >= 1."""
    h = float(u[1] - u[0])
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(x):
        return np.exp(log_c - (df + 1) / 2 * np.log1p(x * x / df))

    # Simpson on each cell [u_k, u_k + h]: (f(a) + 4 f(mid) + f(b)) h / 6
    f = pdf(u)
    mid = pdf(u[:-1] + h / 2)
    cells = (f[:-1] + 4 * mid + f[1:]) * h / 6
    upper = -float(u[0])
    tail = math.exp(log_c + (df + 1) / 2 * math.log(df) - df * math.log(upper)) / df
    cdf = tail + np.concatenate([[0.0], np.cumsum(cells)])
    cdf = 0.5 * (cdf + 1.0 - cdf[::-1])  # exactly symmetric: F(-u) = 1 - F(u)
    return np.clip(cdf, 0.0, 1.0)


_PHI_NEXT = np.append(_PHI[1:], _PHI[-1])  # _PHI_NEXT[i] is _PHI[i + 1]: one gather, no array i + 1


def _interpolate(table: np.ndarray, table_next: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """table at the fractional positions pos (>= 0, below len - 1), linear between entries: the same numbers as
    table[i] * (1 - frac) + table[i + 1] * frac, with fewer temporary arrays. Overwrites pos."""
    i = pos.astype(np.intp)
    frac = np.subtract(pos, i, out=pos)
    hi = np.take(table_next, i)
    hi *= frac
    out = np.take(table, i)
    out *= np.subtract(1.0, frac, out=frac)
    out += hi
    return out


def normal_cdf(u: np.ndarray) -> np.ndarray:
    """The standard normal cdf by linear interpolation in a table (step 0.002; error below 1e-6)."""
    pos = np.add(u, 10.0)
    pos /= _PHI_STEP
    return _interpolate(_PHI, _PHI_NEXT, np.clip(pos, 0.0, len(_PHI) - 1.0001, out=pos))


@dataclass
class Grid:
    hyper: dict
    step: float
    nodes: int
    z: np.ndarray = field(init=False)
    mu: np.ndarray = field(init=False)
    prior: np.ndarray = field(init=False)
    stat: np.ndarray = field(init=False)
    x: np.ndarray = field(init=False)

    def __post_init__(self):
        h = self.hyper
        half = max(3.0, 5.0 * h["ou_sd"])
        n = int(math.ceil(half / self.step))
        self.z = np.arange(-n, n + 1) * self.step
        u = np.linspace(-4.0, 4.0, self.nodes)
        self.mu = h["level_mean"] + u * h["level_sd"]
        pm = np.exp(-0.5 * u * u)
        self.prior_mu = pm / pm.sum()
        self.stat = self._cells(np.zeros(1), h["ou_sd"])[0]
        self.prior = self.prior_mu[:, None] * self.stat[None, :]
        self.x = self.mu[:, None] + self.z[None, :]
        self.x_lo = float(self.x.min()) - BIN
        self.bins = np.round((self.x - self.x_lo) / BIN).astype(int).ravel()
        self.n_bins = int(self.bins.max()) + 1
        self.x_bins = self.x_lo + np.arange(self.n_bins) * BIN
        self.q_edges = np.concatenate([[self.x_bins[0] - BIN / 2], self.x_bins + BIN / 2])  # for `quantiles`
        self._T: dict[int, np.ndarray] = {}
        self._t_cdf: np.ndarray | None = None
        self._t_cdf_next: np.ndarray | None = None
        self._TT: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _cells(self, mean: np.ndarray, sd: float) -> np.ndarray:
        """Probability of each grid cell under N(mean_i, sd^2), one row per mean (rows sum to 1)."""
        edges = np.concatenate([self.z - self.step / 2, [self.z[-1] + self.step / 2]])
        if sd < 1e-6:
            out = np.zeros((len(mean), len(self.z)))
            out[np.arange(len(mean)), np.clip(np.searchsorted(edges, mean) - 1, 0, len(self.z) - 1)] = 1.0
            return out
        u = edges[None, :] - mean[:, None]
        u /= sd
        cdf = normal_cdf(u)
        out = np.diff(cdf, axis=1)
        out[:, 0] += cdf[:, 0]
        out[:, -1] += 1.0 - cdf[:, -1]
        out[out < TINY] = 0.0  # no subnormal numbers in the products (they are a hundred times slower)
        return out

    def transition(self, dt: float) -> np.ndarray | None:
        """Transition matrix of z over `dt` years (None for no time: the identity); cached per week."""
        key = int(round(dt * 52))
        if key <= 0:
            return None
        if key not in self._T:
            gap = key / 52
            rho = math.exp(-self.hyper["ou_rate"] * gap)
            T = self._cells(rho * self.z, self.hyper["ou_sd"] * math.sqrt(1 - rho * rho))
            stay = math.exp(-self.hyper["jump_rate"] * gap)
            self._T[key] = stay * T + (1 - stay) * self.stat[None, :]
        return self._T[key]

    def transposed(self, T: np.ndarray) -> np.ndarray:
        """T.T as a contiguous array, cached (a product with a transposed view is several times slower)."""
        key = id(T)
        hit = self._TT.get(key)
        if hit is None or hit[0] is not T:
            hit = (T, np.ascontiguousarray(T.T))
            self._TT[key] = hit
        return hit[1]

    def reset(self) -> np.ndarray:
        """After an official zero z starts afresh: every row is the stationary distribution."""
        return np.repeat(self.stat[None, :], len(self.z), axis=0)

    def _table(self) -> np.ndarray:
        """Student t cdf on a uniform grid of standardised errors (|u| <= U_MAX), computed once per grid."""
        if self._t_cdf is None:
            u = np.linspace(-U_MAX, U_MAX, int(round(2 * U_MAX / U_STEP)) + 1)
            self._t_cdf = np.append(student_t_cdf(self.hyper["error_df"], u), 1.0)
            self._t_cdf_next = np.append(self._t_cdf[1:], 1.0)
        return self._t_cdf

    def cdf(self, d: np.ndarray, sd: float) -> np.ndarray:
        """P(e <= d) for the error of scale sd (linear interpolation in a table of the standard t cdf)."""
        table = self._table()
        pos = np.divide(d, sd, dtype=float)
        pos += U_MAX
        pos /= U_STEP
        return _interpolate(table, self._t_cdf_next, np.clip(pos, 0.0, len(table) - 2.0, out=pos))

    def likelihood(self, kind: str, lo: float, hi: float, sd: float) -> np.ndarray:
        """Likelihood of one observation over the (nodes x grid) states."""
        if kind == "lower":
            return self.cdf(self.x - lo, sd)
        if kind == "upper":
            return self.cdf(hi - self.x, sd)
        a, b = lo - self.step / 2, hi + self.step / 2
        return (self.cdf(b - self.x, sd) - self.cdf(a - self.x, sd)) / (b - a)


@dataclass
class Event:
    t: float
    lik: np.ndarray | None = None   # (nodes x grid); None: a date where the posterior is wanted
    reset: bool = False             # an official zero: z starts afresh after it
    obs: int | None = None          # index of the observation


def forward_backward(grid: Grid, events: list[Event], backward: bool = True, keep=None):
    """Filtered messages before and after each event's likelihood, backward messages, and the log likelihood.

    alpha_pre[j]: p(state at event j, figures before j); alpha[j]: with figure j too; beta[j]: p(figures after j
    | state at j). All normalised; the log likelihood sums the normalisers. `keep`: the events whose messages are
    wanted (None: all); the others are left None, which spares memory and time, not a number.
    """
    n = len(events)
    kept = [True] * n if keep is None else [j in keep for j in range(n)]
    alpha_pre, alpha = [None] * n, [None] * n
    loglik = 0.0
    a = grid.prior
    t_prev = events[0].t if n else 0.0
    trans = []
    transition, tiny, log = grid.transition, TINY, math.log
    after_reset = False
    for j, ev in enumerate(events):
        T = transition(ev.t - t_prev)
        if after_reset:
            T = grid.reset()
        trans.append(T)
        if T is not None:
            a = a @ T
        if kept[j]:
            alpha_pre[j] = a
        lik = ev.lik
        if lik is not None:
            a = a * lik
            s = a.sum()
            if s <= 0:
                s = 1e-300
                a = grid.prior.copy()
            else:
                a /= s
                a[a < tiny] = 0.0
            loglik += log(s)
        if kept[j]:
            alpha[j] = a
        t_prev = ev.t
        after_reset = ev.reset
    if not backward:
        return alpha_pre, alpha, None, trans, loglik
    beta = [None] * n
    b = np.ones_like(grid.prior)
    transposed = grid.transposed
    for j in range(n - 1, -1, -1):
        if kept[j]:
            beta[j] = b
        lik = events[j].lik
        T = trans[j]
        if lik is None and T is None:
            s = b.sum()
            b = b / s if s > 0 else np.ones_like(b)
        else:
            bl = b * lik if lik is not None else b
            if T is not None:
                bl = bl @ transposed(T)
            s = bl.sum()
            if s > 0:
                bl /= s
                b = bl
            else:
                b = np.ones_like(bl)
        b[b < tiny] = 0.0
    return alpha_pre, alpha, beta, trans, loglik


def loglik_only(grid: Grid, events: list[Event]) -> float:
    return forward_backward(grid, events, backward=False)[4]


def marginal(grid: Grid, weights: np.ndarray) -> np.ndarray:
    """Posterior over the states -> probabilities of bins of the log count (width BIN)."""
    w = np.bincount(grid.bins, weights=weights.ravel(), minlength=grid.n_bins)
    total = w.sum()
    return w / total if total > 0 else w


def quantiles(grid: Grid, hist: np.ndarray, qs) -> np.ndarray:
    """Quantiles (log counts) of a binned distribution, linear within bins."""
    cdf = np.empty(len(hist) + 1)
    cdf[0] = 0.0
    np.cumsum(hist, out=cdf[1:])
    return np.interp(np.asarray(qs, dtype=float) * cdf[-1], cdf, grid.q_edges)


def with_error(grid: Grid, hist: np.ndarray, sd: float, width: float = 0.0) -> np.ndarray:
    """The binned distribution of a figure: the count plus the figure's error (and a range's own width)."""
    k = int(math.ceil((20 * sd + width) / BIN))
    d = np.arange(-k, k + 1) * BIN
    half = (width + BIN) / 2
    kern = grid.cdf(d + half, sd) - grid.cdf(d - half, sd)
    kern = kern / kern.sum()
    out = np.convolve(hist, kern, mode="full")
    # re-centre on the same bins (the kernel is centred); mass beyond the ends is folded onto them
    core = out[k:k + len(hist)].copy()
    core[0] += out[:k].sum()
    core[-1] += out[k + len(hist):].sum()
    return core


def predictive_cdf_at(grid: Grid, hist: np.ndarray, y: float) -> float:
    cdf = np.cumsum(hist)
    return float(np.interp(y, grid.x_bins + BIN / 2, cdf))
