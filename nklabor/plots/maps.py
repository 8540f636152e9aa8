"""World maps of where DPRK workers were in a year, how many, and what was done about it.

Symbols, not a choropleth: counts are not densities. Disc area is the reconstructed best estimate for the year
(`best_estimates`, docs/ESTIMATES.md), the solid ring the high end of its interval and the dotted ring the low
end; labels give it rounded to two significant figures with its range. A best estimate that rests on imputation
(interpolated, carried, presence only) or on unnamed sources alone is a pale disc with a dashed edge. Every map
drawn from the same data shares one scale, so two maps can be compared by eye.

Every symbol is named: beside it when there is room, otherwise in a list under the map. No two labels overlap.
The base map is drawn from packaged, pre-projected outlines (`nklabor.basemap.projected`) as one collection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

import nklabor
from nklabor import basemap, words
from nklabor.plots import style
from nklabor.plots.labels import Label, place

MAX_DIAMETER = 56.0  # points, for the largest figure in the data
MIN_DIAMETER = 4.0  # points: smaller discs would vanish, so they are drawn at this size and labelled


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
    top = pd.concat([style.interval(panel, "best_")[1], panel["best"].astype(float)]).dropna()
    return SymbolScale(float(top.max()) if len(top) and top.max() > 0 else 1.0)


OBSERVED = ("observed",)
#: Reconstructions that may rest on figures for one part of a host only (area_notes names the part).
PART_BASES = ("presence_only", "bounds_only")


def map_rows(year: int, panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The host countries with anything to show in `year`: one row each, with what kind of symbol and which
    action families apply."""
    panel = nklabor.load("country_year") if panel is None else panel
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
    rows["name"] = [words.country(c) for c in rows["iso3"]]
    rows["low"], rows["high"] = style.interval(rows, "best_")
    return rows.reset_index(drop=True)


def _short(value: float) -> str:
    value = words.round2(value) or 0
    if value < 1000:
        return f"{value:,}"
    return f"{value / 1000:.0f}k" if value >= 10000 else f"{value / 1000:.1f}k".replace(".0k", "k")


def map_aspect() -> float:
    """Width over height of the cropped map."""
    xmin, ymin, xmax, ymax = basemap.projected().bounds
    return (xmax - xmin) / (ymax - ymin)


def _draw_base(ax, hosts: set[str]) -> None:
    """Ocean, land and the host countries shaded: two artists, from the packaged projected outlines."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Polygon

    base = basemap.projected()
    ax.add_patch(Polygon(base.sphere, closed=True, facecolor=style.OCEAN, edgecolor="#c8d3de", linewidth=0.6,
                         zorder=0))
    colours = [style.HOST_LAND if c in hosts else style.LAND for c in base.iso3]
    ax.add_collection(PathCollection(base.paths, facecolors=colours, edgecolors=style.BORDER, linewidths=0.3,
                                     zorder=1, gid="countries"), autolim=False)
    xmin, ymin, xmax, ymax = base.bounds
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

    rng = style.range_words()
    return [
        Line2D([], [], ls="", marker="o", ms=9, mfc=style.WORKERS, mec="white", alpha=0.65,
               label="estimate resting on that year's own figures (disc area)"),
        Line2D([], [], ls="", marker="o", ms=9, mfc=style.WORKERS, mec=style.WORKERS, alpha=0.25,
               label="estimate carried from other years, or on unnamed sources only"),
        Line2D([], [], ls="", marker="o", ms=5, mfc=style.WORKERS, mec=style.WORKERS, alpha=0.25,
               label="reported, never counted: a typical host's size, labelled \u201cno count\u201d"),
        Line2D([], [], ls="", marker="o", ms=13, mfc="none", mec=style.WORKERS, mew=0.9,
               label=f"high end of its {rng} (solid ring)"),
        Line2D([], [], ls="", marker="o", ms=6, mfc="none", mec=style.WORKERS, mew=0.8, linestyle="none",
               label=f"low end of its {rng} (dotted ring)"),
        Line2D([], [], ls="", marker="x", ms=5, mec=style.INK, mew=1.1, label="officially reported as none"),
        Line2D([], [], ls="", marker="o", ms=3, mfc=style.MUTED, mec=style.MUTED,
               label="no worker figure; actions only (grey)"),
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
    lax.text(x, base_y, "Disc area: estimated workers", transform=head, fontsize=fontsize, va="bottom",
             color=style.INK, gid="size-key-title")
    for v in values:
        r = scale.diameter(v) / 2
        centre = offset_copy(lax.transAxes, fig, x=r_max, y=r, units="points")
        lax.scatter([x], [base_y], s=(2 * r) ** 2, facecolors="none", edgecolors=style.WORKERS, linewidths=0.8,
                    transform=centre, clip_on=False)
        top = offset_copy(lax.transAxes, fig, x=r_max, y=2 * r, units="points")
        lax.annotate(f"{v:,}", (x, base_y), xycoords=top, xytext=(r_max + 8, 0), textcoords="offset points",
                     fontsize=fontsize * 0.94, va="center", color=style.INK,
                     arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#999999", "shrinkA": 0, "shrinkB": 0})
    note = offset_copy(lax.transAxes, fig, x=0, y=-2, units="points")
    lax.text(x, base_y, f"under {scale.floor_value:,} drawn at the smallest size", transform=note,
             fontsize=fontsize * 0.88, va="top", color=style.MUTED, gid="size-key-note")


def _legend_row(lax, scale: SymbolScale, families: list[str], fontsize: float = 8) -> None:
    """Everything a reader needs to decode the map, in one strip: symbols, the size key, the action marks."""
    lax.set_axis_off()
    common = {"frameon": False, "fontsize": fontsize, "title_fontsize": fontsize, "borderaxespad": 0,
              "alignment": "left", "labelspacing": 0.7, "handletextpad": 0.5}
    first = lax.legend(handles=_symbol_handles(), title="Workers present: one symbol per host country",
                       loc="upper left", bbox_to_anchor=(0.0, 1.0), **common)
    first.set_gid("legend-workers")
    lax.add_artist(first)
    # the blocks side by side, each starting where the one before ends (measured), so none overlaps another
    renderer = lax.figure.canvas.get_renderer()
    strip_w = max(lax.get_window_extent(renderer).width, 1.0)
    pt = lax.figure.dpi / 72.0
    gap = 3 * fontsize * pt
    key_x = max(0.36, (first.get_window_extent(renderer).width + gap) / strip_w)
    r_max = scale.diameter(max(scale.references() or [0])) / 2
    key_w = max(2 * r_max + 8 + 5 * fontsize, 22 * fontsize * 0.88) * pt  # circles and values; its note's length
    _size_key(lax, scale, key_x, fontsize)
    if families:
        acts = [Line2D([], [], ls="", marker=style.ACTION_FAMILIES[f]["marker"], ms=6,
                       mfc=style.ACTION_FAMILIES[f]["colour"], mec=style.ACTION_FAMILIES[f]["colour"], label=f)
                for f in families]
        second = lax.legend(handles=acts, title="Actions that year (marks after the name)",
                            loc="upper left", bbox_to_anchor=(max(0.55, key_x + (key_w + gap) / strip_w), 1.0),
                            ncol=1, **common)
        second.set_gid("legend-actions")
        lax.add_artist(second)


def draw_symbols(ax, year: int, *, scale: SymbolScale, panel=None) -> pd.DataFrame:
    """Draw the base map and one year's symbols; return the rows drawn, with position and symbol size."""
    rows = map_rows(year, panel)
    _draw_base(ax, set(rows.loc[~rows["kind"].isin(["actions", "zero"]), "iso3"]))
    points = basemap.projected().anchors
    rows = rows[rows["iso3"].isin(list(points))].copy()
    rows["x"] = [points[c][0] for c in rows["iso3"]]
    rows["y"] = [points[c][1] for c in rows["iso3"]]
    best = rows["best"].astype(float)
    figured = rows[rows["kind"].isin(["count", "imputed"])].assign(_b=best).sort_values("_b", ascending=False)
    diameter = np.vectorize(scale.diameter, otypes=[float])
    ringed = figured[figured["high"] > figured["_b"]]
    ax.scatter(ringed["x"], ringed["y"], s=diameter(ringed["high"]) ** 2, facecolors="none",
               edgecolors=style.WORKERS, linewidths=0.9, zorder=3, gid="workers-high")
    inner = figured[(figured["low"] < figured["_b"])
                    & (np.vectorize(scale.true_diameter, otypes=[float])(figured["low"]) >= MIN_DIAMETER)]
    ax.scatter(inner["x"], inner["y"], s=diameter(inner["low"]) ** 2, facecolors="none", edgecolors=style.WORKERS,
               linewidths=0.8, linestyles=":", zorder=5, gid="workers-low")
    counted = figured[figured["kind"] == "count"]
    ax.scatter(counted["x"], counted["y"], s=diameter(counted["_b"]) ** 2, color=style.WORKERS, alpha=0.65,
               edgecolors="white", linewidths=0.5, zorder=4, gid="workers-best")
    imputed = figured[figured["kind"] == "imputed"]
    ax.scatter(imputed["x"], imputed["y"], s=diameter(imputed["_b"]) ** 2, color=style.WORKERS, alpha=0.25,
               edgecolors=style.WORKERS, linewidths=0.8, linestyles="--", zorder=4, gid="workers-imputed")
    for kind, gid, kw in (("presence", "workers-presence", {"marker": "D", "s": 30, "facecolors": "white",
                                                            "edgecolors": style.WORKERS, "linewidths": 1.2}),
                          ("zero", "workers-zero", {"marker": "x", "s": 25, "color": style.INK, "linewidths": 1.1}),
                          ("actions", "actions-only", {"marker": "o", "s": 5, "color": style.MUTED})):
        sel = rows[rows["kind"] == kind]
        ax.scatter(sel["x"], sel["y"], zorder=5, gid=gid, **kw)
    fixed = rows["kind"].map({"count": 0.0, "imputed": 0.0, "presence": 6.5, "zero": 5.5, "actions": 2.5})
    sized = rows["kind"].isin(["count", "imputed"])
    top = pd.concat([best, rows["high"]], axis=1).max(axis=1)
    rows["diameter"] = np.where(sized & top.notna(), diameter(top.fillna(0)), fixed)
    return rows


def area_notes(rows: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """For each host known only from figures for one part of it (e.g. Ukraine: Russian-occupied Donbas) and never
    counted as a whole, that part and a note saying what the symbol stands for, by ISO3."""
    nocount = rows[rows["basis"].astype(str).isin(PART_BASES) | (rows["kind"] == "presence")]
    if nocount.empty:
        return {}
    best = nklabor.load("best_estimates")
    est = nklabor.load("worker_estimates").set_index("estimate_id")
    inputs = best.set_index(["iso3", "year"])["input_estimate_ids"]
    out = {}
    for _, row in nocount.iterrows():
        ids = inputs.get((row["iso3"], row["year"]))
        wanted = [i for i in str(ids if isinstance(ids, str) else "").split(";") if i in est.index]
        reports = est.loc[wanted]
        areas = set(reports["subnational"].dropna())
        if not wanted or len(areas) != 1 or not (reports["scope"].astype(str) == "subnational").all():
            continue
        area = areas.pop()
        told = []
        for _, r in reports.iterrows():
            if pd.isna(r["count_low"]):
                count = "workers present, no number"
            else:
                q, lo, hi = str(r["qualifier"]), int(r["count_low"]), r["count_high"]
                amount = (f"between {lo:,} and {int(hi):,}" if q == "range" and pd.notna(hi)
                          else f"{words.label('qualifier', q)} {lo:,}")
                count = f"{amount} {words.label('measure', r['measure'])}"
            when = pd.Timestamp(r["as_of_date"]).strftime("%Y" if str(r["as_of_precision"]) == "year" else "%B %Y")
            told.append(f"{count}, {when} ({words.label('estimator_kind', r['estimator_kind'])}, "
                        f"{words.label('confidence', r['confidence'])})")
        said = "one report" if len(told) == 1 else f"{len(told)} reports"
        disc = ("the disc is a typical host's size" if str(row["basis"]) == "presence_only"
                else "the disc is the model's reconstruction from that alone")
        out[row["iso3"]] = (area, f"{row['name']} stands for {area} only, known from {said}: {'; '.join(told)}. "
                                  f"No count for the country; {disc}.")
    return out


def label_text(row, labels: str = "name", part: tuple[str, str] | None = None) -> str:
    """What a symbol's label says: the country, the rounded estimate and its range, or 'no count'/'none'; `part`
    is the one area a no-count host stands for (`area_notes`)."""
    name = row["iso3"] if labels == "iso3" else row["name"]
    kind = row["kind"]
    if kind == "actions":
        return name
    if kind == "zero":
        return f"{name}: none"
    if kind == "presence" or str(row["basis"]) == "presence_only":
        return f"{name}, {part[0]}: no count" if part and labels != "iso3" else f"{name}: no count"
    if labels == "iso3":
        return f"{name} {_short(row['best'])}"
    if part:
        name = f"{name}, {part[0]}:"
    text = f"{name} {words.number(row['best'])}"
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high) and words.round2(low) != words.round2(high):
        text += f" ({words.number(low)}\u2013{words.number(high)})"
    return text


def label_symbols(ax, rows: pd.DataFrame, labels: str = "name", size: float = 7.0, parts=None) -> list[str]:
    """Name each symbol (its rounded estimate and range, and action marks) where no label overlaps another.

    Returns the labels that found no room on the map, for listing beside it.
    """
    obstacles = [_symbol_bbox(ax, x, y, d) for x, y, d in zip(rows["x"], rows["y"], rows["diameter"])]
    order = rows.assign(_k=rows["kind"].map({"count": 0, "imputed": 0, "zero": 1, "presence": 2, "actions": 3}),
                        _v=-rows["best"].astype(float).fillna(0)).sort_values(["_k", "_v", "iso3"])
    items, parts = [], area_notes(rows) if parts is None else parts
    for _, r in order.iterrows():
        glyphs = [(style.ACTION_FAMILIES[f]["glyph"], style.ACTION_FAMILIES[f]["colour"],
                   style.ACTION_FAMILIES[f]["marker"]) for f in r["families"]]
        items.append(Label(r["iso3"], r["x"], r["y"], r["diameter"] / 2, label_text(r, labels, parts.get(r["iso3"])),
                           glyphs, colour=style.MUTED if r["kind"] == "actions" else style.INK, size=size))
    _, unplaced = place(ax, items, obstacles)
    return [item.text + ("" if not item.glyphs else " " + "".join(g for g, _, _ in item.glyphs)) for item in unplaced]


def map_notes(parts: dict, unplaced: list[str], prefix: str = "") -> list[str]:
    """Lines under a map: what a part-country symbol stands for, and the symbols with no room for a label."""
    notes = [prefix + note for _, note in parts.values()]
    if unplaced:
        notes.append(f"{prefix}Not labelled on the map for lack of room: " + "; ".join(unplaced) + ".")
    return notes


def _families(rows: pd.DataFrame) -> list[str]:
    present = {f for fams in rows["families"] for f in fams}
    return [f for f in style.ACTION_FAMILIES if f in present]


def _settle(fig) -> None:
    """Run the layout once, then freeze it, so labels are placed against the final axes positions."""
    if fig.get_layout_engine() is not None:
        fig.canvas.draw()
        fig.set_layout_engine("none")


def _wrap(text: str, fontsize: float, width_in: float) -> list[str]:
    """Lines of `text` that fit `width_in` inches at `fontsize` (an average character is about 0.55 em)."""
    import textwrap

    chars = max(30, int(width_in * 72 / (fontsize * 0.55)))
    return [line for para in text.split("\n") for line in (textwrap.wrap(para, chars) or [""])]


def _sizes(fontsize: float, base: float) -> dict[str, float]:
    """Every text of a map, in proportion to `fontsize` (the title's size; `base` is its default)."""
    k = fontsize / base
    return {"title": fontsize, "subtitle": 8.6 * k, "label": 7.0 * k, "legend": 8.0 * k, "note": 7.6 * k,
            "credit": 7.0 * k, "panel": 11.0 * k}


def _strip_height(sizes: dict[str, float]) -> float:
    """Inches for the legend strip: a title and eight rows of the workers' legend."""
    return (9 * 1.72 * sizes["legend"] + 8) / 72


def default_subtitle(years: int | list[int]) -> str:
    rng = style.range_words()
    when = "that year" if isinstance(years, int) else "each year"
    return (f"Estimated number in each host country: a reconstruction from the published figures, rounded to two "
            f"significant figures, with its {rng}. Marks after a name: enforcement actions {when}.")


def _head(ax, title: str, subtitle: str, sizes: dict[str, float], width_in: float) -> float:
    """Title and subtitle above the map axes, left-aligned; returns the inches they take."""
    from matplotlib.transforms import offset_copy

    lines = _wrap(subtitle, sizes["subtitle"], width_in) if subtitle else []
    sub_pt = len(lines) * 1.3 * sizes["subtitle"]
    ax.set_title(title, fontsize=sizes["title"], loc="left", pad=sub_pt + 6)
    if lines:
        ax.text(0.0, 1.0, "\n".join(lines), transform=offset_copy(ax.transAxes, ax.figure, x=0, y=3, units="points"),
                fontsize=sizes["subtitle"], color=style.MUTED, va="bottom", linespacing=1.3, gid="subtitle")
    return (sub_pt + 6 + 1.45 * sizes["title"] + 6) / 72


def _notes(fig, notes: list[str], sizes: dict[str, float], width_in: float) -> tuple[list[str], float]:
    lines = [line for note in notes for line in _wrap(note, sizes["note"], width_in)]
    return lines, (len(lines) * 1.3 * sizes["note"] + 6) / 72 if lines else 0.0


def deployment_map(year: int, *, ax=None, labels: str = "name", scale: SymbolScale | None = None,
                   legend: bool = True, title: str | None = None, subtitle: str | None = None,
                   credit: str | None = None, fontsize: float = 12):
    """Map of one year: workers present per host country as proportional symbols, and enforcement actions.

    Returns (figure, axes). `labels` is "name" or "iso3". Pass `scale` to share one with other maps; by default
    the scale is set by the largest figure in the whole panel, so maps of different years compare directly.
    `title`, `subtitle` and `credit` replace the default wording ("" leaves the subtitle out); `fontsize` is the
    title's size, and every other text (subtitle, labels, legends, notes, credit) scales with it.
    Given an `ax`, the key goes in a strip below it; a figure with a layout engine has its layout fixed before
    the labels are placed, since they are placed to avoid each other on the page. Symbols with no room for a
    label are listed under the map.
    """
    from nklabor import args

    panel = nklabor.load("country_year")
    year = args.data_year(year)
    args.choice("labels", labels, ["name", "iso3"])
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    scale = scale or shared_scale(panel)
    sizes = _sizes(fontsize, 12)
    title = f"North Korean workers abroad in {year}" if title is None else title
    subtitle = default_subtitle(year) if subtitle is None else subtitle
    own = ax is None
    if own:
        width, margin = 13.0, 0.1
        map_w = width - 2 * margin
        map_h = map_w / map_aspect()
        strip = _strip_height(sizes) if legend else 0.0
        foot = (1.5 * sizes["credit"] + 8) / 72
        fig = plt.figure(figsize=(width, map_h + strip + foot + 1.5))
        ax = fig.add_axes((0, 0, 1, 1))
        lax = fig.add_axes((0, 0, 1, 1)) if legend else None
        head = _head(ax, title, subtitle, sizes, map_w)

        def arrange(notes_h: float) -> None:
            height = head + map_h + 0.12 + strip + notes_h + foot
            fig.set_size_inches(width, height)
            ax.set_position((margin / width, (foot + notes_h + strip + 0.12) / height, map_w / width,
                             map_h / height))
            if lax is not None:
                lax.set_position((margin / width, (foot + notes_h) / height, map_w / width, strip / height))

        arrange(0.0)
    else:
        fig = ax.figure
        width_in = ax.get_position().width * fig.get_figwidth()
        _head(ax, title, subtitle, sizes, width_in)
        lax = ax.inset_axes((0.0, -0.32, 1.0, 0.3)) if legend else None
        if width_in < 10:  # a narrower map: the key's three blocks must still fit side by side
            sizes["legend"] = max(6.0, sizes["legend"] * width_in / 10)
        style.add_credit(fig, "base map: Natural Earth", text=credit, fontsize=sizes["credit"])
        _settle(fig)  # the key below is laid out against the axes' final size
    rows = draw_symbols(ax, year, scale=scale, panel=panel)
    if lax is not None:
        _legend_row(lax, scale, _families(rows), sizes["legend"])
    style.add_credit(fig, "base map: Natural Earth", text=credit, fontsize=sizes["credit"])
    _settle(fig)
    parts = area_notes(rows)
    unplaced = label_symbols(ax, rows, labels, size=sizes["label"], parts=parts)
    notes = map_notes(parts, unplaced)
    if own:
        lines, notes_h = _notes(fig, notes, sizes, map_w)
        arrange(notes_h)
        if lines:
            fig.text(margin / fig.get_figwidth(), (foot + notes_h) / fig.get_figheight(), "\n".join(lines),
                     fontsize=sizes["note"], color=style.INK, va="top", linespacing=1.3, gid="notes")
    elif notes:
        lines = _wrap(" ".join(notes), sizes["note"], ax.get_position().width * fig.get_figwidth())
        ax.text(0.0, -0.34 if legend else -0.02, "\n".join(lines), transform=ax.transAxes, fontsize=sizes["note"],
                va="top", linespacing=1.3, gid="notes")
    return fig, ax


def deployment_maps(years, *, ncols: int = 2, labels: str = "name", scale: SymbolScale | None = None,
                    title: str | None = None, subtitle: str | None = None, credit: str | None = None,
                    fontsize: float = 13):
    """Small multiples: one map per year on one figure, all on the same symbol scale. Returns (figure, axes).

    `title`, `subtitle`, `credit` and `fontsize` as for `deployment_map` (here the title's default size is 13).
    """
    style.use_agg_without_display()
    import matplotlib.pyplot as plt

    from nklabor import args

    panel = nklabor.load("country_year")
    years = [args.data_year(y) for y in ([years] if isinstance(years, (int, str)) else years)]
    if not years:
        raise args.ArgumentError("give at least one year")
    args.choice("labels", labels, ["name", "iso3"])
    scale = scale or shared_scale(panel)
    sizes = _sizes(fontsize, 13)
    sizes["label"] = 6.5 * fontsize / 13
    ncols = min(ncols, len(years))
    nrows = math.ceil(len(years) / ncols)
    panel_w, margin = 7.0, 0.1
    map_w = panel_w - 2 * margin
    map_h = map_w / map_aspect()
    row_h = map_h + (1.5 * sizes["panel"] + 4) / 72
    width = panel_w * ncols
    strip = _strip_height(sizes)
    foot = (1.5 * sizes["credit"] + 8) / 72
    title = ("North Korean workers abroad, " + ", ".join(map(str, years)) + ": one symbol scale for all maps"
             if title is None else title)
    subtitle = default_subtitle(years) if subtitle is None else subtitle
    sub_lines = _wrap(subtitle, sizes["subtitle"], width - 2 * margin) if subtitle else []
    head = (0.1 * 72 + 1.45 * sizes["title"] + len(sub_lines) * 1.3 * sizes["subtitle"] + 6) / 72
    fig = plt.figure(figsize=(width, head + row_h * nrows + strip + foot))
    axes = [fig.add_axes((0, 0, 1, 1)) for _ in range(nrows * ncols)]
    lax = fig.add_axes((0, 0, 1, 1))

    def arrange(notes_h: float) -> float:
        height = head + row_h * nrows + strip + notes_h + foot
        fig.set_size_inches(width, height)
        for i, ax in enumerate(axes):
            r, c = divmod(i, ncols)
            bottom = foot + notes_h + strip + (nrows - 1 - r) * row_h
            ax.set_position(((c * panel_w + margin) / width, bottom / height, map_w / width, map_h / height))
        lax.set_position((margin / width, (foot + notes_h) / height, (width - 2 * margin) / width, strip / height))
        return height

    arrange(0.0)
    drawn = []
    for ax, year in zip(axes, years):
        rows = draw_symbols(ax, year, scale=scale, panel=panel)
        ax.set_title(str(year), fontsize=sizes["panel"], loc="left", fontweight="bold")
        drawn.append((ax, year, rows))
    for ax in axes[len(years):]:
        ax.set_axis_off()
    _legend_row(lax, scale, _families(pd.concat([r for _, _, r in drawn])), sizes["legend"])
    style.add_credit(fig, "base map: Natural Earth", text=credit, fontsize=sizes["credit"])
    notes = []
    for ax, year, rows in drawn:
        parts = area_notes(rows)
        unplaced = label_symbols(ax, rows, labels, size=sizes["label"], parts=parts)
        notes += [n for n in map_notes(parts, unplaced, prefix=f"{year}: ") if n not in notes]
    lines, notes_h = _notes(fig, notes, sizes, width - 2 * margin)
    height = arrange(notes_h)
    fig.text(margin / width, 1 - 0.1 / height, title, fontsize=sizes["title"], va="top", gid="title")
    if sub_lines:
        fig.text(margin / width, 1 - (0.1 + 1.45 * sizes["title"] / 72) / height, "\n".join(sub_lines),
                 fontsize=sizes["subtitle"], color=style.MUTED, va="top", linespacing=1.3, gid="subtitle")
    if lines:
        fig.text(margin / width, (foot + notes_h) / height, "\n".join(lines), fontsize=sizes["note"],
                 color=style.INK, va="top", linespacing=1.3, gid="notes")
    return fig, np.array(axes).reshape(nrows, ncols)
