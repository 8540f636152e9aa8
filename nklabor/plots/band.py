"""A chart for print: the reconstructed best estimate over time as a band, with the sourced figures as points.

One country (or WLD, the world total beside the worldwide figures sources published). Stocks only by default,
so a yearly inflow is never read against a head count; flows can be shown on their own marker.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import nklabor
from nklabor import args, words
from nklabor.derive import point_figure
from nklabor.plots import style

BAND = "#f4c7c3"
CONFIDENCE_MARKERS = {"high": "o", "medium": "s", "low": "^"}
STOCKS = ("workers_present", "work_permits_valid")


def _band(iso3: str) -> pd.DataFrame:
    """Year, best, low and high (the interval through style.interval) for one country or the world."""
    if iso3 == "WLD":
        frame = nklabor.load("world_year").assign(basis="sum")
    else:
        frame = nklabor.load("best_estimates")
        frame = frame[frame["iso3"] == iso3]
    low, high = style.interval(frame)
    return pd.DataFrame({"year": frame["year"], "best": frame["best"].astype(float), "low": low, "high": high,
                         "basis": frame["basis"]})


def _points(iso3: str, flows: bool) -> pd.DataFrame:
    est = nklabor.load("worker_estimates")
    est = est[(est["country_iso3"] == iso3) & (est["qualifier"] != "presence_only")]
    if not flows:
        est = est[est["measure"].isin(STOCKS)]
    est = est.assign(when=style.mid_period(est["as_of_date"], est["as_of_precision"]), point=point_figure(est))
    return est[est["point"].notna()]


def series(iso3: str = "WLD", *, start=None, end=None, flows: bool = False, ax=None, title: str | None = None,
           subtitle: str | None = None, credit: str | None = None, fontsize: float = 11):
    """Best-estimate band (its range) and line for one country or the world, with the published figures.

    Points: whole-country stock figures as filled markers (shape = confidence), figures for a region, sector or
    site as hollow markers; with `flows=True`, flows as grey crosses. `title`, `subtitle` and `credit` replace
    the default wording; `fontsize` is the title's size and every other text scales with it. The legend sits
    right of the chart in at most a quarter of the figure's width. Returns (figure, axes).
    """
    code = args.country(iso3, allow_world=True)
    band = _band(code)
    if band.empty:
        raise args.ArgumentError(f"no best estimates for {code}: workers are reported there but never in a year "
                                 f"that can be estimated; see nklabor figures {code}")
    first, last = int(band["year"].min()), int(band["year"].max())
    start = args.data_year(start) if start is not None else first
    end = args.data_year(end) if end is not None else last
    if start > end:
        raise args.ArgumentError(f"start {start} is after end {end}")
    style.use_agg_without_display()
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    band = band[(band["year"] >= start) & (band["year"] <= end)]
    k = fontsize / 11
    pts = _points(code, flows)
    pts = pts[(pts["when"].dt.year >= start) & (pts["when"].dt.year <= end)]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.2), layout="constrained")
    fig = ax.figure
    x = mdates.date2num([pd.Timestamp(year=int(y), month=7, day=1) for y in band["year"]])
    ax.fill_between(x, band["low"], band["high"], color=BAND, lw=0, zorder=1,
                    gid="best-band")
    ax.plot(x, band["best"], color=style.WORKERS, lw=2, zorder=3, gid="best-line")
    stocks = pts[pts["measure"].isin(STOCKS)]
    national = stocks["scope"].astype(str).isin(["national"]) if code != "WLD" else \
        stocks["scope"].astype(str).isin(["national"])
    for conf, marker in CONFIDENCE_MARKERS.items():
        sel = stocks[national & (stocks["confidence"] == conf)]
        ax.scatter(mdates.date2num(sel["when"]), sel["point"].astype(float), marker=marker, s=28, color=style.INK,
                   zorder=4, gid=f"sourced-{conf}")
        sub = stocks[~national & (stocks["confidence"] == conf)]
        ax.scatter(mdates.date2num(sub["when"]), sub["point"].astype(float), marker=marker, s=28,
                   facecolors="none", edgecolors=style.INK, linewidths=0.9, zorder=4, gid=f"subset-{conf}")
    if flows:
        fl = pts[~pts["measure"].isin(STOCKS)]
        ax.scatter(mdates.date2num(fl["when"]), fl["point"].astype(float), marker="x", s=22, color=style.MUTED,
                   zorder=2, gid="flows")
    from nklabor.plots.timeline import mark_key_dates

    ax.set_xlim(mdates.date2num(pd.Timestamp(year=start, month=1, day=1)),
                mdates.date2num(pd.Timestamp(year=end, month=12, day=31)))
    mark_key_dates(ax, fontsize=7.5 * k)
    ax.xaxis_date()
    ax.yaxis.set_major_formatter(style.thousands)
    ax.set_ylim(bottom=0)
    ax.tick_params(labelsize=9 * k)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#eeeeee", lw=0.6)
    name = "all host countries" if code == "WLD" else words.country(code)
    rng = style.range_words()
    latest = band.iloc[-1]
    ax.set_title(f"North Korean workers in {name}, {start}\u2013{end}" if title is None else title,
                 fontsize=fontsize, loc="left", pad=30 * k + (1.35 * 0.8 * fontsize if subtitle != "" else 0))
    if subtitle is None:
        subtitle = (f"{int(latest['year'])}: {style.about(latest['best'], latest['low'], latest['high'])}, a "
                    f"reconstruction from the published figures (line; shaded: its {rng}), rounded")
    if subtitle:
        from matplotlib.transforms import offset_copy

        ax.text(0.0, 1.0, subtitle, transform=offset_copy(ax.transAxes, fig, x=0, y=30 * k, units="points"),
                fontsize=0.8 * fontsize, color=style.MUTED, va="bottom", gid="subtitle")
    what = "all hosts" if code == "WLD" else "whole country"
    handles = [Line2D([], [], color=style.WORKERS, lw=2, label="best estimate\n(a reconstruction)"),
               Patch(color=BAND, label=f"its {rng}")]
    handles += [Line2D([], [], ls="", marker=m, color=style.INK, label=f"published, {c}\nconfidence ({what})")
                for c, m in CONFIDENCE_MARKERS.items()]
    handles.append(Line2D([], [], ls="", marker="o", mfc="none", mec=style.INK,
                          label="published, one sector,\nregion or site only"))
    if flows:
        handles.append(Line2D([], [], ls="", marker="x", color=style.MUTED, label="arrivals, returns\nand other flows"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8 * k,
              labelspacing=0.9).set_gid("legend")
    ax.set_ylabel("North Korean workers", fontsize=9 * k)
    style.add_credit(fig, text=credit, fontsize=7 * k)
    return fig, ax
