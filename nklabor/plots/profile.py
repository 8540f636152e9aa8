"""One host country on one page: every sourced figure over time, the reconstructed best estimate, and the actions."""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

import nklabor
from nklabor.derive import point_figure
from nklabor.plots import style
from nklabor.plots.timeline import actor_handles, draw_actions, mark_key_dates, select_actions
from nklabor.vocab import FLOW_MEASURES, MEASURES

KNOWN_MARKERS = {"workers_present": "o", "work_permits_valid": "s", "workers_repatriated": "v",
                 "work_permits_issued": "D", "arrivals": ">", "departures": "<", "visas_issued": "p"}
SPARE_MARKERS = ("h", "*", "X", "8", "d")
MEASURE_MARKERS = {m: KNOWN_MARKERS.get(m) or SPARE_MARKERS[i % len(SPARE_MARKERS)] for i, m in enumerate(MEASURES)}


def measure_label(measure: str) -> str:
    from nklabor import words

    text = words.label("measure", measure)
    return f"{text} (flow)" if measure in FLOW_MEASURES else text


def country_figures(iso3: str) -> pd.DataFrame:
    """The country's sourced figures with a plotting date and a point figure (midpoint, or low if open-ended)."""
    est = nklabor.load("worker_estimates")
    est = est[est["country_iso3"] == iso3]
    return est.assign(when=style.mid_period(est["as_of_date"], est["as_of_precision"]),
                      point=point_figure(est)).sort_values(["when", "estimate_id"]).reset_index(drop=True)


def draw_figures(ax, est: pd.DataFrame, central: pd.DataFrame) -> None:
    """Points coloured by estimator kind and shaped by measure, vertical bars for ranges, an arrow for 'at
    least', ticks along the bottom for presence reported without a count, and the central series as a line."""
    import matplotlib.dates as mdates
    from matplotlib.transforms import blended_transform_factory

    counted = est[est["point"].notna()]
    for measure, marker in MEASURE_MARKERS.items():
        sel = counted[counted["measure"] == measure]
        if sel.empty:
            continue
        x = mdates.date2num(sel["when"])
        colours = [style.ESTIMATOR_COLOURS[str(k)] for k in sel["estimator_kind"]]
        bounded = (sel["count_high"].notna() & (sel["count_low"] != sel["count_high"])).fillna(False).astype(bool)
        ax.vlines(x[bounded.to_numpy()], sel.loc[bounded, "count_low"].astype(float).fillna(0),
                  sel.loc[bounded, "count_high"].astype(float), colors=[c for c, b in zip(colours, bounded) if b],
                  lw=1.2, alpha=0.7, zorder=2)
        for xi, yi, c in zip(x[sel["count_high"].isna().to_numpy()],
                             sel.loc[sel["count_high"].isna(), "point"].astype(float),
                             [c for c, h in zip(colours, sel["count_high"].isna()) if h]):
            ax.annotate("", (xi, yi), xytext=(0, 16), textcoords="offset points", xycoords="data",
                        arrowprops={"arrowstyle": "<-", "color": c, "lw": 1.1})
        ax.scatter(x, sel["point"].astype(float), marker=marker, s=30, c=colours, edgecolors="white",
                   linewidths=0.5, zorder=3, gid=f"figures-{measure}")
    presence = est[est["qualifier"] == "presence_only"]
    if len(presence):
        strip = blended_transform_factory(ax.transData, ax.transAxes)
        ax.vlines(mdates.date2num(presence["when"]), 0, 0.045, transform=strip, lw=1.6, zorder=3,
                  colors=[style.ESTIMATOR_COLOURS[str(k)] for k in presence["estimator_kind"]], gid="presence-only")
    if len(central):
        years = range(int(central["year"].min()), int(central["year"].max()) + 1)
        series = central.set_index("year")["best"].astype(float).reindex(years)
        x = mdates.date2num([pd.Timestamp(year=y, month=7, day=1) for y in years])
        ax.plot(x, series.to_numpy(), color=style.INK, lw=1.3, marker="_", ms=9, mew=1.5, zorder=4,
                gid="central-series")
    ax.yaxis.set_major_formatter(style.thousands)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("workers (as each source counts them)", fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#eeeeee", lw=0.6)
    ax.xaxis_date()


def _figure_handles(est: pd.DataFrame, has_central: bool) -> list[Line2D]:
    kinds = [k for k in style.ESTIMATOR_COLOURS if k in set(est["estimator_kind"].astype(str))]
    measures = [m for m in MEASURE_MARKERS if m in set(est.loc[est["point"].notna(), "measure"].astype(str))]
    handles = [Line2D([], [], ls="", marker="o", ms=6, mfc=style.ESTIMATOR_COLOURS[k], mec="white",
                      label=f"estimator: {style.pretty(k, 'estimator_kind')}") for k in kinds]
    handles += [Line2D([], [], ls="", marker=MEASURE_MARKERS[m], ms=6, mfc="white", mec=style.INK,
                       label=measure_label(m)) for m in measures]
    handles.append(Line2D([], [], color="#999999", lw=1.2, label="low to high range; arrow: 'at least'"))
    if (est["qualifier"] == "presence_only").any():
        handles.append(Line2D([], [], ls="", marker="|", ms=8, mew=1.6, mec="#999999",
                              label="presence reported, no count (tick at bottom)"))
    if has_central:
        handles.append(Line2D([], [], color=style.INK, lw=1.3, marker="_", ms=9, mew=1.5,
                              label="best estimate per year (a reconstruction)"))
    return handles


def country_profile(iso3: str, *, ax=None, start=None, end=None, measures=None, title: str | None = None):
    """Every sourced figure for one host country over time, its best-estimate series, and the actions concerning
    it. `measures` limits the figures shown (e.g. ["workers_present"] for stocks only); `start`, `end` the years.

    Without `ax`: a two-panel figure (figures above, actions below on the same time axis); returns (figure,
    (figures_axes, actions_axes)). With `ax`: figures only, on that axes; returns (figure, ax).
    """
    from nklabor import args

    iso3 = args.country(iso3)
    measures = args.choices("measure", measures, MEASURES)
    start = args.data_year(start) if start is not None else None
    end = args.data_year(end) if end is not None else None
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    from nklabor import words

    names = {iso3: words.country(iso3)}
    est = country_figures(iso3)
    if measures:
        est = est[est["measure"].isin(measures)]
    panel = nklabor.load("best_estimates")
    central = panel[panel["iso3"] == iso3]
    if start is not None:
        est, central = est[est["when"].dt.year >= int(start)], central[central["year"] >= int(start)]
    if end is not None:
        est, central = est[est["when"].dt.year <= int(end)], central[central["year"] <= int(end)]
    acts = select_actions(countries=[iso3], start=start, end=end, allow_empty=True)
    ntypes = acts["action_type"].astype(str).nunique()
    own = ax is None
    if own:
        fig, (ax, act_ax) = plt.subplots(2, 1, figsize=(13, 6.8 + 0.3 * ntypes), sharex=True, layout="constrained",
                                         gridspec_kw={"height_ratios": [5, 1.0 + 0.32 * max(ntypes, 1)]})
    fig = ax.figure
    draw_figures(ax, est, central)
    whens = pd.concat([est["when"], acts["when"]]) if own else est["when"]
    if len(whens):
        ax.set_xlim(whens.min() - pd.Timedelta(days=240), whens.max() + pd.Timedelta(days=240))
    mark_key_dates(ax, label=own)
    ax.legend(handles=_figure_handles(est, len(central) > 0), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, fontsize=8)
    n_counted = int(est["point"].notna().sum())
    ax.set_title(title or f"{names[iso3]}: {n_counted} published figures of North Korean workers"
                 f"{f' and {len(acts)} actions' if own else ''}, by who made them", fontsize=12, loc="left", pad=34)
    style.add_credit(fig)
    if not own:
        return fig, ax
    if len(acts):
        draw_actions(act_ax, acts, span_days=(ax.get_xlim()[1] - ax.get_xlim()[0]))
        mark_key_dates(act_ax, label=False)
        act_ax.legend(handles=actor_handles(acts["group"]), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      frameon=False, fontsize=8, title="Who acted", title_fontsize=8, alignment="left")
    else:
        act_ax.text(0.5, 0.5, "no enforcement actions recorded for this country", transform=act_ax.transAxes,
                    ha="center", va="center", fontsize=9, color=style.MUTED)
        act_ax.set_yticks([])
    act_ax.set_title("Actions concerning this country (as target or actor)", fontsize=9, loc="left")
    return fig, (ax, act_ax)
