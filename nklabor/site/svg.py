"""Charts as hand-written SVG with real text: a best-estimate band chart and a world map of one SVG for all years.

No plotting library at view time and nothing fetched from elsewhere; every chart carries a <title> and <desc>
for screen readers, and sits beside a table that says the same in text.
"""

from __future__ import annotations

import math
from functools import lru_cache
from html import escape

WORKERS = "#b2182b"
BAND = "#f4c7c3"
INK = "#222222"
MUTED = "#6b6b6b"


def _nice_step(top: float) -> float:
    raw = top / 5 if top > 0 else 1
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _fmt(v: float) -> str:
    return f"{int(round(v)):,}"


#: How each year of a reconstruction is drawn: a band where the country has figures of its own that year, a dashed
#: line between or beyond them, nothing where workers are reported but never counted.
EVIDENCE, BETWEEN, NONE = "evidence", "between", "none"
FONT = 12


def band_chart(years, low, best, high, points=(), *, title: str, desc: str, width: int = 760,
               height: int = 320, gid: str = "chart", key_years=(), legend: bool = True, kinds=None) -> str:
    """Band (low-high) and line (best) over years, with optional points (year_float, value, label, hollow).

    `kinds` (one per year: EVIDENCE, BETWEEN or NONE) keeps the band to years with the country's own figures,
    dashes the line across years without them, and draws nothing for NONE; no line joins years that are not
    consecutive. `width` below 500 gives the phone layout (fewer ticks, legend stacked)."""
    narrow = width < 500
    left, right, bottom = (46 if narrow else 70), (16 if narrow else 28), 40
    lines = 3 if (legend and narrow) else 1
    top = 12 + 16 * lines + 8
    pw, ph = width - left - right, height - top - bottom
    kinds = list(kinds) if kinds is not None else [EVIDENCE] * len(list(years))
    shown = [(yr, lo, b, hi, k) for yr, lo, b, hi, k in zip(years, low, best, high, kinds) if k != NONE]
    values = [hi if k == EVIDENCE else b for _, _, b, hi, k in shown] + [p[1] for p in points]
    ymax = max(values + [1])
    step = _nice_step(ymax)
    ytop = step * math.ceil(ymax / step)
    xs = list(years) + [p[0] for p in points]
    x0, x1 = (min(xs), max(xs)) if xs else (0, 1)
    x1 = x1 if x1 > x0 else x0 + 1

    def sx(x):
        return left + (x - x0) / (x1 - x0) * pw

    def sy(y):
        return top + ph - (y / ytop) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{gid}-t {gid}-d" class="chart" id="{gid}">',
           f'<title id="{gid}-t">{escape(title)}</title><desc id="{gid}-d">{escape(desc)}</desc>']
    y = 0.0
    while y <= ytop + 1e-9:
        label = _short(y) if narrow else _fmt(y)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#e6e6e6"/>'
                   f'<text x="{left - 5}" y="{sy(y) + 4:.1f}" text-anchor="end" font-size="{FONT}" '
                   f'fill="{MUTED}">{label}</text>')
        y += step
    span = int(x1) - int(x0)
    every = (1 if span <= 5 else 5 if span <= 25 else 10) if narrow else (1 if span <= 10 else 2 if span <= 20 else 5)
    for yr in range(int(math.ceil(x0)), int(x1) + 1):
        if yr % every == 0:
            out.append(f'<text x="{sx(yr):.1f}" y="{height - bottom + 17}" text-anchor="middle" font-size="{FONT}" '
                       f'fill="{MUTED}">{yr}</text>')
    for i, (yr, label) in enumerate(key_years):
        if x0 <= yr <= x1:
            out.append(f'<line x1="{sx(yr):.1f}" x2="{sx(yr):.1f}" y1="{top}" y2="{top + ph}" stroke="#999" '
                       f'stroke-dasharray="3 3"/>')
            if not narrow:
                out.append(f'<text x="{sx(yr) + 3:.1f}" y="{top + 12 + 13 * i}" font-size="{FONT - 1}" '
                           f'fill="{MUTED}">{escape(label)}</text>')
    runs: list[list] = []
    for row in shown:
        if runs and row[0] == runs[-1][-1][0] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        ev: list[list] = []
        for row in run:
            if row[4] == EVIDENCE and ev and ev[-1][-1][0] == row[0] - 1:
                ev[-1].append(row)
            elif row[4] == EVIDENCE:
                ev.append([row])
        for seg in ev:
            if len(seg) == 1:
                yr, lo, _, hi, _ = seg[0]
                out.append(f'<line x1="{sx(yr):.1f}" x2="{sx(yr):.1f}" y1="{sy(lo):.1f}" y2="{sy(hi):.1f}" '
                           f'stroke="{BAND}" stroke-width="7" class="band"/>')
                continue
            upper = " ".join(f"{sx(r[0]):.1f},{sy(r[3]):.1f}" for r in seg)
            lower = " ".join(f"{sx(r[0]):.1f},{sy(r[1]):.1f}" for r in reversed(seg))
            out.append(f'<polygon points="{upper} {lower}" fill="{BAND}" class="band"/>')
        for a, b in zip(run, run[1:]):
            dash = "" if a[4] == EVIDENCE and b[4] == EVIDENCE else ' stroke-dasharray="5 4"'
            out.append(f'<line x1="{sx(a[0]):.1f}" y1="{sy(a[2]):.1f}" x2="{sx(b[0]):.1f}" y2="{sy(b[2]):.1f}" '
                       f'stroke="{WORKERS}" stroke-width="2.2"{dash} class="best"/>')
        if len(run) == 1:
            yr, _, b, _, _ = run[0]
            out.append(f'<circle cx="{sx(yr):.1f}" cy="{sy(b):.1f}" r="3" fill="{WORKERS}" class="best"/>')
    for yr, _, _, _, k in zip(years, low, best, high, kinds):
        if k == NONE:
            out.append(f'<rect x="{sx(yr) - 4:.1f}" y="{top + ph - 4:.1f}" width="8" height="4" fill="#bbbbbb" '
                       f'class="nocount"><title>{yr}: workers reported, never counted</title></rect>')
    for x, v, label, hollow in points:
        fill = "none" if hollow else INK
        out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(v):.1f}" r="3.6" fill="{fill}" stroke="{INK}" '
                   f'stroke-width="1.2" class="point"><title>{escape(label)}</title></circle>')
    if legend:
        items = [("band", "reconstruction and its 80% range"), ("dot", "sourced figure"),
                 ("ring", "part of the country only")]
        out.append(f'<g font-size="{FONT}" fill="{INK}" class="legend">')
        x, y = left, 16
        for i, (kind, text) in enumerate(items):
            if narrow:
                x, y = 8, 16 + 16 * i
            if kind == "band":
                out.append(f'<rect x="{x}" y="{y - 8}" width="14" height="9" fill="{BAND}"/><line x1="{x}" '
                           f'x2="{x + 14}" y1="{y - 3.5}" y2="{y - 3.5}" stroke="{WORKERS}" stroke-width="2.2"/>')
            else:
                fill = INK if kind == "dot" else "none"
                out.append(f'<circle cx="{x + 7}" cy="{y - 3.5}" r="3.6" fill="{fill}" stroke="{INK}"/>')
            out.append(f'<text x="{x + 20}" y="{y}">{escape(text)}</text>')
            x += 20 + int(len(text) * FONT * 0.55) + 18
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _short(v: float) -> str:
    return f"{v / 1000:g}k" if v >= 1000 else _fmt(v)


def bar_chart(years, counts, *, title: str, desc: str, partial: tuple[int, str] | None = None, width: int = 760,
              height: int = 280, gid: str = "bars", key_years=()) -> str:
    """Counts per year as bars; `partial` (year, words) draws that year pale and says it is not complete."""
    narrow = width < 500
    left, right, top, bottom = (40 if narrow else 56), 12, 30, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = max(list(counts) + [1])
    step = _nice_step(ymax)
    ytop = step * math.ceil(ymax / step)
    years = list(years)
    n = max(len(years), 1)
    bw = pw / n

    def sy(y):
        return top + ph - (y / ytop) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{gid}-t {gid}-d" class="chart" id="{gid}">',
           f'<title id="{gid}-t">{escape(title)}</title><desc id="{gid}-d">{escape(desc)}</desc>']
    y = 0.0
    while y <= ytop + 1e-9:
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#e6e6e6"/>'
                   f'<text x="{left - 5}" y="{sy(y) + 4:.1f}" text-anchor="end" font-size="{FONT}" '
                   f'fill="{MUTED}">{_fmt(y)}</text>')
        y += step
    every = (5 if n > 12 else 2) if narrow else (1 if n <= 12 else 2 if n <= 24 else 5)
    for i, (yr, c) in enumerate(zip(years, counts)):
        x = left + i * bw
        pale = partial is not None and yr == partial[0]
        fill = f'fill="#ffffff" stroke="{INK}" stroke-dasharray="3 2"' if pale else f'fill="{INK}"'
        out.append(f'<rect x="{x + bw * 0.15:.1f}" y="{sy(c):.1f}" width="{bw * 0.7:.1f}" '
                   f'height="{sy(0) - sy(c):.1f}" {fill} class="{"bar partial" if pale else "bar"}">'
                   f'<title>{yr}: {int(c)}{" (" + escape(partial[1]) + ")" if pale else ""}</title></rect>')
        if yr % every == 0:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{height - bottom + 17}" text-anchor="middle" '
                       f'font-size="{FONT}" fill="{MUTED}">{yr}</text>')
        if pale:
            out.append(f'<text x="{width - right}" y="{top - 12}" text-anchor="end" font-size="{FONT}" '
                       f'fill="{INK}" class="partial-label">dashed bar: {escape(partial[1])}</text>')
    for yr, _ in key_years:
        if years and years[0] <= yr <= years[-1] + 1:
            x = left + (yr - years[0] + 0.5) * bw
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" stroke="#999" '
                       f'stroke-dasharray="3 3"/>')
    out.append("</svg>")
    return "\n".join(out)


def responsive(make, **kw) -> str:
    """The same chart twice, wide for laptops and narrow for phones (CSS shows one), so text stays readable."""
    gid = kw.pop("gid", "chart")
    return (f'<div class="chart-wide">{make(gid=gid, width=760, **kw)}</div>'
            f'<div class="chart-narrow">{make(gid=gid + "-n", width=340, height=300, **kw)}</div>')


@lru_cache(maxsize=1)
def _world():
    """Country outlines in Equal Earth, simplified for the web, as SVG path data in a 1000-wide box."""
    from nklabor import basemap

    world = basemap.countries()
    xmin, ymin, xmax, ymax = world.total_bounds
    scale = 1000 / (xmax - xmin)
    height = (ymax - ymin) * scale
    simple = world.geometry.simplify(18000, preserve_topology=True)

    def ring(coords) -> str:
        pts = [(round((x - xmin) * scale, 1), round((ymax - y) * scale, 1)) for x, y in coords]
        kept = [pts[0]] + [p for a, p in zip(pts, pts[1:]) if p != a]
        return "M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z" if len(kept) > 2 else ""

    paths = []
    for iso3, geom in sorted(zip(world["iso3"].fillna(""), simple), key=lambda t: t[0]):
        polys = getattr(geom, "geoms", [geom])
        d = "".join(ring(p.exterior.coords) for p in polys if not p.is_empty)
        if d:
            paths.append((iso3, d))
    anchors = basemap.anchors()
    points = {iso3: (round((pt.x - xmin) * scale, 1), round((ymax - pt.y) * scale, 1))
              for iso3, pt in anchors.items()}
    return paths, points, round(height, 1)


LABEL = 11.5


def _place_labels(rows, points, radius, taken=None):
    """Greedy label placement: biggest hosts first, right, left, above or below the disc; a label that fits
    nowhere is left out (the table under the map lists every host)."""
    boxes = list(taken or [])
    placed = {}
    for r in rows:
        if r["iso3"] not in points:
            continue
        x, y = points[r["iso3"]]
        rad = radius(r)
        w = len(r["label"]) * LABEL * 0.56 + 2
        options = [(x + rad + 2, y + 4, "start"), (x - rad - 2, y + 4, "end"),
                   (x, y - rad - 3, "middle"), (x, y + rad + LABEL, "middle")]
        for tx, ty, anchor in options:
            bx = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            box = (bx, ty - LABEL, bx + w, ty + 2)
            if bx < 0 or box[2] > 1000:
                continue
            if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in boxes):
                boxes.append(box)
                placed[r["iso3"]] = (tx, ty, anchor, box)
                break
    return placed


def world_map(by_year: dict[int, list[dict]], default_year: int, *, names: dict[str, str]) -> str:
    """One SVG for every year: shared outlines, a <g data-year> of symbols per year (only `default_year` shown).

    Each symbol row: iso3, best, high, imputed (bool), counted (bool), label (words beside the marker) and tip
    (words on hover). Disc area is the best estimate on one scale for all years; the ring is the range's high end;
    a pale dashed disc is imputed; no two labels overlap (a label that would is left to the table).
    """
    paths, points, height = _world()
    vmax = max([r["high"] for rows in by_year.values() for r in rows] + [1])
    rmax = 34.0

    def radius(v: float) -> float:
        return max(2.6, rmax * math.sqrt(max(v, 0) / vmax))

    hosts_default = {r["iso3"] for r in by_year.get(default_year, []) if r["best"] > 0}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 {height}" role="img" '
           f'aria-labelledby="map-t map-d" id="world-map" class="map">',
           f'<title id="map-t">DPRK workers abroad in {default_year}: reconstruction per host country</title>',
           '<desc id="map-d">Disc area is the reconstructed number of DPRK workers in each host country in '
           'the selected year; the ring is the high end of its range. The list below the map gives the same '
           'figures as text.</desc>', '<g class="land">']
    for iso3, d in paths:
        cls = "host" if iso3 in hosts_default else ""
        out.append(f'<path d="{d}" data-iso3="{iso3}" class="{cls}"/>')
    out.append("</g>")
    for year in sorted(by_year):
        hidden = "" if year == default_year else ' style="display:none"'
        out.append(f'<g class="year" data-year="{year}"{hidden}>')
        rows = sorted(by_year[year], key=lambda r: (-r["best"], r["iso3"]))
        discs = [(points[r["iso3"]][0] - radius(r["best"]), points[r["iso3"]][1] - radius(r["best"]),
                  points[r["iso3"]][0] + radius(r["best"]), points[r["iso3"]][1] + radius(r["best"]))
                 for r in rows if r["iso3"] in points and r["best"] > 0 and radius(r["best"]) < 8]
        placed = _place_labels([r for r in rows if r["best"] > 0], points, lambda r: radius(r["best"]), discs)
        texts = []
        for r in rows:
            if r["iso3"] not in points:
                continue
            x, y = points[r["iso3"]]
            tip = escape(r["tip"])
            if r["best"] == 0:
                out.append(f'<text x="{x}" y="{y + 4}" text-anchor="middle" class="zero">×<title>{tip}</title>'
                           f"</text>")
                continue
            if r["high"] > r["best"]:
                out.append(f'<circle cx="{x}" cy="{y}" r="{radius(r["high"]):.1f}" class="ring"/>')
            cls = "disc imputed" if r["imputed"] else "disc"
            out.append(f'<circle cx="{x}" cy="{y}" r="{radius(r["best"]):.1f}" class="{cls}" '
                       f'data-iso3="{r["iso3"]}"><title>{tip}</title></circle>')
            if r["iso3"] in placed:
                tx, ty, anchor, _ = placed[r["iso3"]]
                texts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" class="lbl" '
                             f'data-iso3="{r["iso3"]}">{escape(r["label"])}</text>')
        out.extend(texts)
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
