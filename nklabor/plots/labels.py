"""Place map labels where they overlap neither each other nor the symbols, with a leader line when moved away.

Each label is measured once; its candidate spots around the symbol are then plain arithmetic on that size, so the
search costs no drawing. A label with no free spot is returned to the caller, which lists it beside the map: no
label is ever drawn on top of another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnnotationBbox, DrawingArea, HPacker, TextArea
from matplotlib.transforms import Bbox

ANGLES = (0, 180, 35, 145, -35, -145, 90, -90, 60, 120, -60, -120)
STEPS = (3, 10, 20, 34, 52, 75, 100, 130, 165)
LEADER_FROM = 10  # points: a label further than this from its symbol gets a leader line


@dataclass
class Label:
    key: str
    x: float
    y: float
    radius: float  # points: the symbol's radius, so the label starts outside it
    text: str
    glyphs: list[tuple[str, str, str]] = field(default_factory=list)  # (character, colour, marker)
    colour: str = "#222222"
    size: float = 7.0
    style: str = "normal"


def _box(label: Label) -> HPacker:
    """The label's text, then its marks drawn as markers (the legend's own shapes; cheaper to draw than text)."""
    parts = [TextArea(label.text, textprops={"size": label.size, "color": label.colour, "style": label.style})]
    if label.glyphs:
        step = label.size * 0.95
        marks = DrawingArea(step * len(label.glyphs), label.size * 0.75)
        for i, (char, colour, marker) in enumerate(label.glyphs):
            marks.add_artist(Line2D([step * (i + 0.5)], [label.size * 0.36], ls="", marker=marker,
                                    ms=label.size * 0.62, mfc=colour, mec=colour, mew=0, label=char))
        parts.append(marks)
    return HPacker(children=parts, pad=0, sep=label.size * 0.25, align="baseline")


def _alignment(angle: float) -> tuple[float, float]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = 0.0 if c > 0.3 else 1.0 if c < -0.3 else 0.5
    va = 0.0 if s > 0.3 else 1.0 if s < -0.3 else 0.5
    return ha, va


def _free(box: tuple[float, float, float, float], taken: np.ndarray, pad: float) -> bool:
    if not len(taken):
        return True
    x0, y0, x1, y1 = box
    return not bool(np.any((taken[:, 0] < x1 + pad) & (taken[:, 2] > x0 - pad)
                           & (taken[:, 1] < y1 + pad) & (taken[:, 3] > y0 - pad)))


def _make(ax, label: Label, box: HPacker, dx: float, dy: float, align, leader: bool) -> AnnotationBbox:
    arrow = ({"arrowstyle": "-", "color": "#888888", "lw": 0.5, "shrinkA": 0, "shrinkB": label.radius}
             if leader else None)
    art = AnnotationBbox(box, (label.x, label.y), xybox=(dx, dy), boxcoords="offset points", box_alignment=align,
                         frameon=False, pad=0, annotation_clip=False, arrowprops=arrow)
    art.set_figure(ax.figure)
    art.axes = ax
    return art


def place(ax, labels: list[Label], obstacles: list[Bbox]) -> tuple[list[AnnotationBbox], list[Label]]:
    """Add the labels to `ax` in the given order (most important first), each at the first free candidate spot.

    Returns the artists added and the labels that found no free spot inside the axes (for the caller to list).
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px = fig.dpi / 72.0
    pad = 1.5 * px
    taken = np.array([o.extents for o in obstacles], dtype=float).reshape(-1, 4)
    to_display = ax.transData.transform
    artists, unplaced = [], []
    for label in labels:
        box = _box(label)
        box.set_figure(fig)
        size = box.get_bbox(renderer)
        w, h = size.width, size.height
        cx, cy = to_display((label.x, label.y))
        spot = None
        for step in STEPS:
            dist = label.radius + step
            for angle in ANGLES:
                dx, dy = dist * math.cos(math.radians(angle)), dist * math.sin(math.radians(angle))
                ha, va = _alignment(angle)
                x0, y0 = cx + dx * px - ha * w, cy + dy * px - va * h
                cand = (x0, y0, x0 + w, y0 + h)
                if (cand[0] >= frame.x0 and cand[2] <= frame.x1 and cand[1] >= frame.y0 and cand[3] <= frame.y1
                        and _free(cand, taken, pad)):
                    spot = (dx, dy, (ha, va), step > LEADER_FROM)
                    break
            if spot:
                break
        if spot is None:
            unplaced.append(label)
            continue
        art = _make(ax, label, box, *spot)
        art.update_positions(renderer)
        drawn = art.offsetbox.get_window_extent(renderer)
        art.set_gid(f"label-{label.key}")
        art.set_zorder(6)
        ax.add_artist(art)
        taken = np.vstack([taken, drawn.extents])
        artists.append(art)
    return artists, unplaced
