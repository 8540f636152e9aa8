"""World maps of where DPRK workers were in a year, how many, and what was done about it.

Symbols, not a choropleth: counts are not densities. Disc area is the reconstructed best estimate for the year
(`best_estimates`, docs/ESTIMATES.md), the solid ring the high end of its 80% range and the dotted ring the low
end; labels are rounded to two significant figures. A best estimate not resting mostly on that year's figures
(blended, interpolated, extrapolated, bounds or presence only) or on unnamed sources alone is a pale
disc with a dashed edge: it is still a figure, never shown as "no count". Every map drawn from the same data
shares one scale, so two maps can be compared by eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

import nklabor
from nklabor import basemap
from nklabor.estimate.present import round2
from nklabor.plots import style
from nklabor.plots.labels import Label, place

MAX_DIAMETER = 56.0  # points, for the largest figure in the data
MIN_DIAMETER = 4.0  # points: smaller discs would vanish, so they are drawn at this size and labelled
SOUTH, NORTH = -57.0, 83.0


@dataclass(frozen=True)
class SymbolScale:
    """Disc diameter in points for a worker count: area proportional, with a floor for legibility."""

    vmax: float

    def diameter(self, value: float) -> float:
        return max(MIN_DIAMETER, self.true_diameter(value))

    def true_diameter(self, value: float) -> float:
        return MAX_DIAMETER * math.sqrt(max(value, 0) / self.vmax)

    @property
    def floor_value(self) -> int:
        """Figures below this are drawn at the minimum size."""
        return int(round(self.vmax * (MIN_DIAMETER / MAX_DIAMETER) ** 2))

    def references(self) -> list[int]:
        nice = [v * 10**e for e in range(2, 7) for v in (1, 2, 5)]
        picks = [v for v in nice if self.floor_value < v <= self.vmax]
        return picks[-1:] + picks[-3:-2] + picks[-5:-4] if len(picks) >= 5 else picks[::-1]


def shared_scale(panel: pd.DataFrame | None = None) -> SymbolScale:
    """One scale for all years: the largest figure anywhere in the panel gets the largest disc."""
    panel = nklabor.load("country_year") if panel is None else panel
    top = pd.concat([panel["best_high_80"], panel["best"]]).dropna()
    return SymbolScale(float(top.max()) if len(top) and top.max() > 0 else 1.0)


OBSERVED = ("observed",)


def map_rows(year: int, panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The host countries with anything to show in `year`: one row each, with what kind of symbol and which
    action families apply."""
    panel = nklabor.load("country_year") if panel is None else panel
    names = nklabor.load("countries").set_index("iso3")["name"]
    rows = panel[panel["year"] == year].copy()
    action_cols = [c for c in rows.columns if c.startswith("actions_")]
    rows["families"] = [
        [fam for fam, spec in style.ACTION_FAMILIES.items()
         if sum(int(r[f"actions_{t}"]) for t in spec["types"] if f"actions_{t}" in action_cols)]
        for _, r in rows.iterrows()]
    best = rows["best"].astype("Float64")
    observed = rows["basis"].astype(str).isin(OBSERVED) & ~rows["rests_on_low_confidence"].fillna(False).astype(bool)
    rows["kind"] = np.select(
        [(best.fillna(0) > 0).to_numpy(dtype=bool) & observed.to_numpy(dtype=bool),
         (best.fillna(0) > 0).to_numpy(dtype=bool), best.notna().to_numpy(dtype=bool),
         rows["has_presence"].astype(bool).to_numpy()],
        ["count", "imputed", "zero", "presence"], default="actions")
    rows = rows[(rows["kind"] != "actions") | (rows["families"].str.len() > 0)]
    rows["name"] = rows["iso3"].map(names).fillna(rows["iso3"])
    return rows.reset_index(drop=True)


def _short(value: int) -> str:
    if value < 1000:
        return f"{value:,}"
    return f"{value / 1000:.0f}k" if value >= 10000 else f"{value / 1000:.1f}k".replace(".0k", "k")


@lru_cache(maxsize=1)
def _sphere():
    """The map's outline: the Equal Earth world between SOUTH and NORTH."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    lons = np.linspace(-180, 180, 181)
    ring = ([(x, SOUTH) for x in lons] + [(180, y) for y in np.linspace(SOUTH, NORTH, 60)]
            + [(x, NORTH) for x in lons[::-1]] + [(-180, y) for y in np.linspace(NORTH, SOUTH, 60)])
    return gpd.GeoSeries([Polygon(ring)], crs="EPSG:4326").to_crs(basemap.EQUAL_EARTH)


def map_aspect() -> float:
    """Width over height of the cropped map."""
    xmin, ymin, xmax, ymax = _sphere().total_bounds
    return (xmax - xmin) / (ymax - ymin)


def _draw_base(ax, hosts: set[str]) -> None:
    sphere = _sphere()
    sphere.plot(ax=ax, color=style.OCEAN, edgecolor="#c8d3de", linewidth=0.6, zorder=0)
    world = basemap.countries()
    world.plot(ax=ax, color=style.LAND, edgecolor=style.BORDER, linewidth=0.3, zorder=1)
    world[world["iso3"].isin(hosts)].plot(ax=ax, color=style.HOST_LAND, edgecolor=style.BORDER, linewidth=0.3,
                                          zorder=1)
    xmin, ymin, xmax, ymax = sphere.total_bounds
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _symbol_bbox(ax, x: float, y: float, diameter_pt: float) -> Bbox:
    cx, cy = ax.transData.transform((x, y))
    r = diameter_pt / 2 * ax.figure.dpi / 72.0
    return Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)


def _symbol_handles() -> list:
    from matplotlib.patches import Patch

    return [
        Line2D([], [], ls="", marker="o", ms=9, mfc=style.WORKERS, mec="white", alpha=0.65,
               label="best estimate, from that year's figures (disc area)"),
        Line2D([], [], ls="", marker="o", ms=9, mfc=style.WORKERS, mec=style.WORKERS, alpha=0.25,
               label="best estimate imputed, or on unnamed sources only (~)"),
        Line2D([], [], ls="", marker="$?$", ms=7, mfc=style.INK, mec=style.INK,
               label="reported, never counted (disc: a typical host)"),
        Line2D([], [], ls="", marker="o", ms=13, mfc="none", mec=style.WORKERS, mew=0.9,
               label="high end of its 80% range (solid ring)"),
        Line2D([], [], ls="", marker="o", ms=6, mfc="none", mec=style.WORKERS, mew=0.8, linestyle="none",
               label="low end of its 80% range (dotted ring)"),
        Line2D([], [], ls="", marker="x", ms=5, mec=style.INK, mew=1.1, label="officially reported as zero"),
        Line2D([], [], ls="", marker="o", ms=3, mfc=style.MUTED, mec=style.MUTED,
               label="no worker figure; actions only"),
        Patch(facecolor=style.HOST_LAND, edgecolor="#cccccc", label="shading: country with workers that year"),
    ]


def _size_key(lax, scale: SymbolScale, x: float, fontsize: float) -> None:
    """Nested circles, bottom-aligned, each labelled at its top: the classic key for proportional symbols."""
    from matplotlib.transforms import offset_copy

    fig = lax.figure
    values = sorted(scale.references(), reverse=True)
    base_y = 0.15
    r_max = scale.diameter(values[0]) / 2 if values else 0
    head = offset_copy(lax.transAxes, fig, x=0, y=2 * r_max + 6, units="points")
    lax.text(x, base_y, "Disc area = best estimate", transform=head, fontsize=fontsize, va="bottom",
             color=style.INK, gid="size-key-title")
    for v in values:
        r = scale.diameter(v) / 2
        centre = offset_copy(lax.transAxes, fig, x=r_max, y=r, units="points")
        lax.scatter([x], [base_y], s=(2 * r) ** 2, facecolors="none", edgecolors=style.WORKERS, linewidths=0.8,
                    transform=centre, clip_on=False)
        top = offset_copy(lax.transAxes, fig, x=r_max, y=2 * r, units="points")
        lax.plot([x, x], [base_y, base_y], transform=top)
        lax.annotate(f"{v:,}", (x, base_y), xycoords=top, xytext=(r_max + 8, 0), textcoords="offset points",
                     fontsize=fontsize - 0.5, va="center", color=style.INK,
                     arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#999999", "shrinkA": 0, "shrinkB": 0})
    note = offset_copy(lax.transAxes, fig, x=0, y=-2, units="points")
    lax.text(x, base_y, f"figures under {scale.floor_value:,} drawn at the smallest size", transform=note,
             fontsize=fontsize - 1, va="top", color=style.MUTED)


def _legend_row(lax, scale: SymbolScale, families: list[str], fontsize: float = 8) -> None:
    """Everything a reader needs to decode the map, in one strip: symbols, the size key, the action marks."""
    lax.set_axis_off()
    common = {"frameon": False, "fontsize": fontsize, "title_fontsize": fontsize, "borderaxespad": 0,
              "alignment": "left", "labelspacing": 0.7, "handletextpad": 0.5}
    first = lax.legend(handles=_symbol_handles(), title="Workers present, symbol at each host country",
                       loc="upper left", bbox_to_anchor=(0.0, 1.0), **common)
    first.set_gid("legend-workers")
    lax.add_artist(first)
    _size_key(lax, scale, 0.29, fontsize)
    if families:
        acts = [Line2D([], [], ls="", marker=style.ACTION_FAMILIES[f]["marker"], ms=6,
                       mfc=style.ACTION_FAMILIES[f]["colour"], mec=style.ACTION_FAMILIES[f]["colour"], label=f)
                for f in families]
        second = lax.legend(handles=acts, title="Enforcement actions that year (marks after the country name)",
                            loc="upper left", bbox_to_anchor=(0.50, 1.0), ncol=2, columnspacing=1.2, **common)
        second.set_gid("legend-actions")
        lax.add_artist(second)


def draw_symbols(ax, year: int, *, scale: SymbolScale, panel=None) -> pd.DataFrame:
    """Draw the base map and one year's symbols; return the rows drawn, with position and symbol size."""
    rows = map_rows(year, panel)
    _draw_base(ax, set(rows.loc[~rows["kind"].isin(["actions", "zero"]), "iso3"]))
    points = basemap.anchors()
    rows = rows[rows["iso3"].isin(points.index)].copy()
    rows["x"] = rows["iso3"].map(points.x)
    rows["y"] = rows["iso3"].map(points.y)
    figured = rows[rows["kind"].isin(["count", "imputed"])].sort_values("best", ascending=False)
    high = figured["best_high_80"].astype(float)
    ringed = figured[high > figured["best"].astype(float)]
    ax.scatter(ringed["x"], ringed["y"], s=ringed["best_high_80"].astype(float).map(scale.diameter) ** 2,
               facecolors="none", edgecolors=style.WORKERS, linewidths=0.9, zorder=3, gid="workers-high")
    low = figured["best_low_80"].astype(float)
    inner = figured[(low < figured["best"].astype(float)) & (low.map(scale.true_diameter) >= MIN_DIAMETER)]
    ax.scatter(inner["x"], inner["y"], s=inner["best_low_80"].astype(float).map(scale.diameter) ** 2,
               facecolors="none", edgecolors=style.WORKERS, linewidths=0.8, linestyles=":", zorder=5,
               gid="workers-low")
    counted = figured[figured["kind"] == "count"]
    ax.scatter(counted["x"], counted["y"], s=counted["best"].astype(float).map(scale.diameter) ** 2,
               color=style.WORKERS, alpha=0.65, edgecolors="white", linewidths=0.5, zorder=4, gid="workers-best")
    imputed = figured[figured["kind"] == "imputed"]
    ax.scatter(imputed["x"], imputed["y"], s=imputed["best"].astype(float).map(scale.diameter) ** 2,
               color=style.WORKERS, alpha=0.25, edgecolors=style.WORKERS, linewidths=0.8, linestyles="--",
               zorder=4, gid="workers-imputed")
    for kind, gid, kw in (("presence", "workers-presence", {"marker": "D", "s": 30, "facecolors": "white",
                                                            "edgecolors": style.WORKERS, "linewidths": 1.2}),
                          ("zero", "workers-zero", {"marker": "x", "s": 25, "color": style.INK, "linewidths": 1.1}),
                          ("actions", "actions-only", {"marker": "o", "s": 5, "color": style.MUTED})):
        sel = rows[rows["kind"] == kind]
        ax.scatter(sel["x"], sel["y"], zorder=5, gid=gid, **kw)
    sizes = []
    for _, r in rows.iterrows():
        d = {"count": 0.0, "imputed": 0.0, "presence": 6.5, "zero": 5.5, "actions": 2.5}[r["kind"]]
        for col in ("best", "best_high_80"):
            if r["kind"] in ("count", "imputed") and pd.notna(r[col]):
                d = max(d, scale.diameter(float(r[col])))
        sizes.append(d)
    rows["diameter"] = sizes
    return rows


def label_symbols(ax, rows: pd.DataFrame, labels: str = "name") -> None:
    """Name each symbol (with its best estimate, '~' where imputed, and action marks), avoiding overlaps."""
    obstacles = [_symbol_bbox(ax, r["x"], r["y"], r["diameter"]) for _, r in rows.iterrows()]
    order = rows.assign(_k=rows["kind"].map({"count": 0, "imputed": 0, "zero": 1, "presence": 2, "actions": 3}),
                        _v=-rows["best"].astype(float).fillna(0)).sort_values(["_k", "_v", "iso3"])
    items = []
    for _, r in order.iterrows():
        name = r["iso3"] if labels == "iso3" else r["name"]
        figure = ""
        if r["kind"] == "imputed" and str(r["basis"]) == "presence_only":
            figure = " ?"
        elif r["kind"] in ("count", "imputed", "zero"):
            value = round2(int(r["best"]))
            figure = " " + ("~" if r["kind"] == "imputed" else "") + (_short(value) if labels == "iso3"
                                                                       else f"{value:,}")
        glyphs = [(style.ACTION_FAMILIES[f]["glyph"], style.ACTION_FAMILIES[f]["colour"]) for f in r["families"]]
        items.append(Label(r["iso3"], r["x"], r["y"], r["diameter"] / 2, name + figure, glyphs,
                           colour=style.MUTED if r["kind"] == "actions" else style.INK,
                           size=6.5 if labels == "iso3" else 7.0))
    place(ax, items, obstacles)


def _families(rows: pd.DataFrame) -> list[str]:
    present = {f for fams in rows["families"] for f in fams}
    return [f for f in style.ACTION_FAMILIES if f in present]


def _settle(fig) -> None:
    """Run the layout once, then freeze it, so labels are placed against the final axes positions."""
    if fig.get_layout_engine() is not None:
        fig.canvas.draw()
        fig.set_layout_engine("none")


CAPTION = ("Disc: best estimate of DPRK workers present on 1 July, a reconstruction from the sourced figures "
           "(method: docs/ESTIMATES.md), labelled to two significant figures; rings: its 80% range. The sourced "
           "figures: nklabor figures ISO3.")


def deployment_map(year: int, *, ax=None, labels: str = "name", scale: SymbolScale | None = None,
                   legend: bool = True, title: str | None = None, credit: str | None = None,
                   fontsize: float = 12):
    """Map of one year: workers present per host country as proportional symbols, and enforcement actions.

    Returns (figure, axes). `labels` is "name" or "iso3". Pass `scale` to share one with other maps; by default
    the scale is set by the largest figure in the whole panel, so maps of different years compare directly.
    Given an `ax`, the key goes in a strip below it; a figure with a layout engine has its layout fixed before
    the labels are placed, since they are placed to avoid each other on the page.
    """
    from nklabor import args

    panel = nklabor.load("country_year")
    year = args.data_year(year)
    args.choice("labels", labels, ["name", "iso3"])
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    scale = scale or shared_scale(panel)
    if ax is None:
        width, strip, head, foot = 13.0, 1.75 if legend else 0.0, 0.45, 0.25
        map_h = width * 0.985 / map_aspect()
        height = map_h + strip + head + foot
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes((0.0075, (strip + foot) / height, 0.985, map_h / height))
        lax = fig.add_axes((0.01, foot / height, 0.98, strip / height)) if legend else None
    else:
        fig = ax.figure
        lax = ax.inset_axes((0.0, -0.32, 1.0, 0.3)) if legend else None
    rows = draw_symbols(ax, year, scale=scale, panel=panel)
    if lax is not None:
        _legend_row(lax, scale, _families(rows))
    ax.set_title(title or f"DPRK workers abroad in {year}: best estimate per host country, and actions taken",
                 fontsize=fontsize, loc="left", pad=fontsize * 1.3)
    ax.text(0.0, 1.002, CAPTION, transform=ax.transAxes, fontsize=fontsize * 0.62, color=style.MUTED,
            va="bottom", gid="caption")
    style.add_credit(fig, "base map: Natural Earth 1:50m", text=credit)
    _settle(fig)
    label_symbols(ax, rows, labels)
    return fig, ax


def deployment_maps(years, *, ncols: int = 2, labels: str = "iso3", scale: SymbolScale | None = None,
                    title: str | None = None):
    """Small multiples: one map per year on one figure, all on the same symbol scale. Returns (figure, axes)."""
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    from nklabor import args

    panel = nklabor.load("country_year")
    years = [args.data_year(y) for y in ([years] if isinstance(years, (int, str)) else years)]
    if not years:
        raise args.ArgumentError("give at least one year")
    scale = scale or shared_scale(panel)
    ncols = min(ncols, len(years))
    nrows = math.ceil(len(years) / ncols)
    panel_w = 7.0
    map_h = panel_w * 0.98 / map_aspect()
    row_h, strip, head, foot = map_h + 0.3, 1.75, 0.5, 0.25
    width, height = panel_w * ncols, row_h * nrows + strip + head + foot
    fig = plt.figure(figsize=(width, height))
    axes = []
    for i in range(nrows * ncols):
        r, c = divmod(i, ncols)
        bottom = (foot + strip + (nrows - 1 - r) * row_h) / height
        axes.append(fig.add_axes(((c + 0.01) / ncols, bottom, 0.98 / ncols, map_h / height)))
    drawn = []
    for ax, year in zip(axes, years):
        rows = draw_symbols(ax, year, scale=scale, panel=panel)
        ax.set_title(str(year), fontsize=11, loc="left", fontweight="bold")
        drawn.append((ax, rows))
    for ax in axes[len(years):]:
        ax.set_axis_off()
    lax = fig.add_axes((0.01, foot / height, 0.98, strip / height))
    _legend_row(lax, scale, _families(pd.concat([r for _, r in drawn])))
    fig.text(0.01, 1 - 0.3 / height, CAPTION, fontsize=7.5, color=style.MUTED, va="top", gid="caption")
    fig.suptitle(title or "DPRK workers abroad, " + ", ".join(map(str, years))
                 + ": best estimates, one symbol scale for all maps",
                 fontsize=13, x=0.01, y=1 - 0.12 / height, ha="left", va="top")
    style.add_credit(fig, "base map: Natural Earth 1:50m")
    for ax, rows in drawn:
        label_symbols(ax, rows, labels)
    return fig, np.array(axes).reshape(nrows, ncols)
