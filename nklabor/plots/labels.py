"""Place map labels where they overlap neither each other nor the symbols, with a leader line when moved away."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from matplotlib.offsetbox import AnnotationBbox, HPacker, TextArea
from matplotlib.transforms import Bbox

ANGLES = (0, 180, 35, 145, -35, -145, 90, -90, 60, 120, -60, -120)
STEPS = (3, 10, 20, 34, 52, 75, 100)


@dataclass
class Label:
    key: str
    x: float
    y: float
    radius: float  # points: the symbol's radius, so the label starts outside it
    text: str
    glyphs: list[tuple[str, str]] = field(default_factory=list)  # (character, colour)
    colour: str = "#222222"
    size: float = 7.0


def _box(label: Label) -> HPacker:
    parts = [TextArea(label.text, textprops={"size": label.size, "color": label.colour})]
    parts += [TextArea(ch, textprops={"size": label.size * 0.9, "color": c}) for ch, c in label.glyphs]
    return HPacker(children=parts, pad=0, sep=1.2, align="baseline")


def _alignment(angle: float) -> tuple[float, float]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = 0.0 if c > 0.3 else 1.0 if c < -0.3 else 0.5
    va = 0.0 if s > 0.3 else 1.0 if s < -0.3 else 0.5
    return ha, va


def _overlaps(box: Bbox, others: list[Bbox], pad: float) -> bool:
    grown = box.padded(pad)
    return any(grown.overlaps(o) for o in others)


def _make(ax, label: Label, dx: float, dy: float, align: tuple[float, float], leader: bool) -> AnnotationBbox:
    arrow = ({"arrowstyle": "-", "color": "#888888", "lw": 0.5, "shrinkA": 0, "shrinkB": label.radius}
             if leader else None)
    art = AnnotationBbox(_box(label), (label.x, label.y), xybox=(dx, dy), boxcoords="offset points",
                         box_alignment=align, frameon=False, pad=0.1, annotation_clip=False, arrowprops=arrow)
    art.set_figure(ax.figure)
    art.axes = ax
    return art


def place(ax, labels: list[Label], obstacles: list[Bbox]) -> list[AnnotationBbox]:
    """Add the labels to `ax` in the given order (most important first), each at the first free candidate spot."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    pad = 1.5 * ax.figure.dpi / 72.0
    placed: list[Bbox] = []
    artists = []
    for label in labels:
        spot = None
        for step in STEPS:
            for angle in ANGLES:
                dist = label.radius + step
                dx, dy = dist * math.cos(math.radians(angle)), dist * math.sin(math.radians(angle))
                art = _make(ax, label, dx, dy, _alignment(angle), leader=False)
                art.update_positions(renderer)
                bbox = art.offsetbox.get_window_extent(renderer)
                inside = frame.contains(bbox.x0, bbox.y0) and frame.contains(bbox.x1, bbox.y1)
                if inside and not _overlaps(bbox, placed + obstacles, pad):
                    spot = (dx, dy, _alignment(angle), step > 10, bbox)
                    break
            if spot:
                break
        if spot is None:  # nowhere free: sit just right of the symbol rather than vanish
            art = _make(ax, label, label.radius + 3, 0, (0.0, 0.5), leader=False)
            art.update_positions(renderer)
            spot = (label.radius + 3, 0, (0.0, 0.5), False, art.offsetbox.get_window_extent(renderer))
        dx, dy, align, leader, bbox = spot
        art = _make(ax, label, dx, dy, align, leader)
        art.set_gid(f"label-{label.key}")
        art.set_zorder(6)
        ax.add_artist(art)
        placed.append(bbox)
        artists.append(art)
    return artists
