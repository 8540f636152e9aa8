"""Enforcement actions over time, one row per kind of action, coloured by who acted, with the key dates marked."""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

import nklabor
from nklabor.plots import style
from nklabor.vocab import ACTION_TYPES


def _as_list(value) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def select_actions(countries=None, entities=None, types=None, start=None, end=None,
                   allow_empty: bool = False) -> pd.DataFrame:
    """Actions filtered by host country (as target or as actor), targeted entity, type and year range, each
    with its plotting date (middle of its period), half-period and actor group. Bad filters, or filters that
    match nothing (unless `allow_empty`), raise nklabor.ArgumentError."""
    from nklabor import args

    acts = nklabor.load("enforcement_actions")
    known = sorted(set(acts["actor"].astype(str)) | set(acts["target_country_iso3"].dropna().astype(str))
                   | set(nklabor.load("countries")["iso3"].astype(str)))
    countries = args.choices("country", [c.upper() for c in _as_list(countries)] if countries else None, known)
    entities = args.choices("entity", _as_list(entities), nklabor.load("entities")["entity_id"].astype(str))
    types = args.choices("action type", _as_list(types), ACTION_TYPES)
    start = args.data_year(start) if start is not None else None
    end = args.data_year(end) if end is not None else None
    if countries:
        acts = acts[acts["target_country_iso3"].isin(countries) | acts["actor"].isin(countries)]
    if entities:
        acts = acts[acts["target_entity_id"].isin(entities)]
    if types:
        acts = acts[acts["action_type"].isin(types)]
    acts = acts.assign(when=style.mid_period(acts["date_date"], acts["date_precision"]),
                       half=acts["date_precision"].astype(str).map({"year": 182, "month": 14, "day": 0}).fillna(0),
                       group=[style.actor_group(a, t) for a, t in zip(acts["actor"], acts["target_country_iso3"])])
    if start is not None:
        acts = acts[acts["when"].dt.year >= int(start)]
    if end is not None:
        acts = acts[acts["when"].dt.year <= int(end)]
    if acts.empty and not allow_empty:
        raise args.ArgumentError("no enforcement actions match " + ", ".join(
            f"{k}={v}" for k, v in (("countries", countries), ("entities", entities), ("types", types),
                                    ("start", start), ("end", end)) if v is not None) + "; widen the filters")
    return acts.sort_values(["when", "action_id"]).reset_index(drop=True)


def _lanes(xs: list[float], gap: float) -> list[int]:
    """Stack points that would overlap into lanes: 0, 1, 2, ... the first lane free at that x."""
    last: list[float] = []
    out = []
    for x in xs:
        lane = next((i for i, end in enumerate(last) if x - end >= gap), len(last))
        if lane == len(last):
            last.append(x)
        else:
            last[lane] = x
        out.append(lane)
    return out


def draw_actions(ax, acts: pd.DataFrame, *, span_days: float | None = None) -> list[str]:
    """One row per action type present; returns the row labels from top to bottom."""
    import matplotlib.dates as mdates

    types = [t for t in ACTION_TYPES if t in set(acts["action_type"].astype(str))]
    if span_days is None:
        span_days = max((acts["when"].max() - acts["when"].min()).days, 365) if len(acts) else 365
    gap = span_days / 150
    for row, t in enumerate(types):
        sel = acts[acts["action_type"] == t].sort_values("when")
        x = mdates.date2num(sel["when"])
        lanes = _lanes(list(x), gap)
        step = min(0.14, 0.8 / max(max(lanes) + 1, 1))
        offsets = [step * ((lane + 1) // 2) * (1 if lane % 2 else -1) for lane in lanes]
        y = [len(types) - 1 - row + o for o in offsets]
        colours = [style.ACTOR_GROUPS[g] for g in sel["group"]]
        exact = (sel["half"] == 0).to_numpy()
        ax.errorbar(x[~exact], [v for v, e in zip(y, exact) if not e], xerr=sel["half"].to_numpy()[~exact],
                    fmt="none", ecolor="#bbbbbb", elinewidth=0.8, capsize=0, zorder=2)
        ax.scatter(x[exact], [v for v, e in zip(y, exact) if e], s=26, c=[c for c, e in zip(colours, exact) if e],
                   edgecolors="white", linewidths=0.4, zorder=3, gid=f"actions-{t}-day")
        ax.scatter(x[~exact], [v for v, e in zip(y, exact) if not e], s=26, facecolors="white",
                   edgecolors=[c for c, e in zip(colours, exact) if not e], linewidths=1.2, zorder=3,
                   gid=f"actions-{t}-period")
    labels = [f"{style.pretty(t)} ({(acts['action_type'] == t).sum()})" for t in types]
    ax.set_yticks(range(len(types)), labels[::-1], fontsize=8)
    ax.set_ylim(-0.7, len(types) - 0.3)
    for i in range(len(types)):
        ax.axhline(i, color="#eeeeee", lw=0.6, zorder=0)
    ax.xaxis_date()
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return labels


def mark_key_dates(ax, *, label: bool = True, cluster_days: int = 240, fontsize: float = 7.5) -> list[str]:
    """Vertical lines at the key dates within the axis range; nearby dates share one label above the axes."""
    import matplotlib.dates as mdates

    lo, hi = ax.get_xlim()
    shown = [(mdates.date2num(pd.Timestamp(d)), text) for d, text in style.KEY_DATES
             if lo <= mdates.date2num(pd.Timestamp(d)) <= hi]
    clusters: list[list[tuple[float, str]]] = []
    for x, text in shown:
        ax.axvline(x, color="#666666", lw=0.7, ls=(0, (4, 3)), zorder=1, gid="key-date")
        if clusters and x - clusters[-1][-1][0] <= cluster_days:
            clusters[-1].append((x, text))
        else:
            clusters.append([(x, text)])
    texts = []
    for i, group in enumerate(clusters):
        names = [t for _, t in group]
        if all(n.startswith("UNSCR ") for n in names) and len(names) > 1:
            text = "UNSCR " + ", ".join(n.split()[1] for n in names)
        else:
            text = " \u00b7 ".join(names)
        texts.append(text)
        if label:
            right = (group[0][0] - lo) / (hi - lo) > 0.7  # near the right edge: the text runs leftwards
            ax.annotate(text, (group[0][0], 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3 + 1.35 * fontsize * (i % 2)), textcoords="offset points", fontsize=fontsize,
                        color="#444444", ha="right" if right else "left", va="bottom", gid="key-date-label")
    return texts


def actor_handles(groups) -> list[Line2D]:
    present = set(groups)
    handles = [Line2D([], [], ls="", marker="o", ms=6, mfc=c, mec="white", label=g)
               for g, c in style.ACTOR_GROUPS.items() if g in present]
    handles.append(Line2D([], [], ls="-", marker="o", ms=6, mfc="white", mec="#555555", color="#bbbbbb",
                          label="dated to month or year only (bar: the period)"))
    return handles


def enforcement_timeline(countries=None, entities=None, types=None, *, start=None, end=None, ax=None,
                         title: str | None = None):
    """Actions over time by type (rows) and actor (colour), with UNSCR 2371/2375/2397, the 2397 deadline and the
    2020 border closure marked. Filter by host country (ISO3, as target or actor), entity id, type, years.

    Returns (figure, axes).
    """
    acts = select_actions(countries, entities, types, start, end)
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    ntypes = max(acts["action_type"].astype(str).nunique(), 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(13, 1.9 + 0.36 * ntypes), layout="constrained")
    fig = ax.figure
    draw_actions(ax, acts)
    if len(acts):
        lo, hi = acts["when"].min() - pd.Timedelta(days=200), acts["when"].max() + pd.Timedelta(days=200)
        ax.set_xlim(lo, hi)
    mark_key_dates(ax)
    ax.legend(handles=actor_handles(acts["group"]), loc="upper left", bbox_to_anchor=(0, -0.08), ncol=3,
              frameon=False, fontsize=8, title="Who acted", title_fontsize=8, alignment="left")
    scope = []
    if countries:
        from nklabor import words

        scope.append(words.countries(_as_list(countries)))
    if entities:
        scope.append(", ".join(_as_list(entities)))
    ax.set_title(title or "Enforcement actions on North Korean labour abroad, by type and who acted"
                 + (f": {'; '.join(scope)}" if scope else "") + f" ({len(acts)} actions)",
                 fontsize=12, loc="left", pad=34)
    style.add_credit(fig)
    return fig, ax
