"""Charts as hand-written SVG with real text: a best-estimate band chart and a world map of one SVG for all years.

No plotting library at view time and nothing fetched from elsewhere; every chart carries a <title> and <desc>
for screen readers, and sits beside a table that says the same in text.
"""

from __future__ import annotations

import math
from functools import lru_cache
from html import escape

from nklabor import words

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


def band_chart(years, low, best, high, points=(), *, title: str, desc: str, width: int = 760,
               height: int = 320, gid: str = "chart", key_years=(), legend: bool = True) -> str:
    """Band (low-high) and line (best) over years, with optional points (year_float, value, label, hollow).
    `legend=False` for a plain count series that is not an estimate (the caption then says what it shows)."""
    left, right, top, bottom = 70, 16, 34, 40
    pw, ph = width - left - right, height - top - bottom
    values = [v for v in list(high) + [p[1] for p in points] if v is not None]
    ymax = max(values + [1])
    step = _nice_step(ymax)
    ytop = step * math.ceil(ymax / step)
    x0 = min(list(years) + [p[0] for p in points])
    x1 = max(list(years) + [p[0] for p in points])
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
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#e6e6e6"/>'
                   f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
                   f'{_fmt(y)}</text>')
        y += step
    span = int(x1) - int(x0)
    every = 1 if span <= 10 else 2 if span <= 20 else 5
    for yr in range(int(math.ceil(x0)), int(x1) + 1):
        if yr % every == 0:
            out.append(f'<text x="{sx(yr):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                       f'fill="{MUTED}">{yr}</text>')
    for i, (yr, label) in enumerate(key_years):
        if x0 <= yr <= x1:
            out.append(f'<line x1="{sx(yr):.1f}" x2="{sx(yr):.1f}" y1="{top}" y2="{top + ph}" stroke="#999" '
                       f'stroke-dasharray="3 3"/><text x="{sx(yr) + 3:.1f}" y="{top + 10 + 12 * i}" font-size="10" '
                       f'fill="{MUTED}">{escape(label)}</text>')
    ys = list(years)
    if ys:
        upper = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in zip(ys, high))
        lower = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in reversed(list(zip(ys, low))))
        out.append(f'<polygon points="{upper} {lower}" fill="{BAND}" class="band"/>')
        line = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in zip(ys, best))
        out.append(f'<polyline points="{line}" fill="none" stroke="{WORKERS}" stroke-width="2.2" class="best"/>')
    for x, v, label, hollow in points:
        fill = "none" if hollow else INK
        out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(v):.1f}" r="3.6" fill="{fill}" stroke="{INK}" '
                   f'stroke-width="1.2" class="point"><title>{escape(label)}</title></circle>')
    lx = left + 8
    if legend:
        out.append(f'<g font-size="11" fill="{INK}"><rect x="{lx}" y="6" width="14" height="9" fill="{BAND}"/>'
                   f'<line x1="{lx}" x2="{lx + 14}" y1="10.5" y2="10.5" stroke="{WORKERS}" stroke-width="2.2"/>'
                   f'<text x="{lx + 20}" y="15">best estimate and interval (reconstruction)</text>'
                   f'<circle cx="{lx + 290}" cy="10.5" r="3.6" fill="{INK}"/>'
                   f'<text x="{lx + 298}" y="15">sourced figure</text>'
                   f'<circle cx="{lx + 400}" cy="10.5" r="3.6" fill="none" stroke="{INK}"/>'
                   f'<text x="{lx + 408}" y="15">part of the country only (lower bound)</text></g>')
    out.append("</svg>")
    return "\n".join(out)


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


def world_map(by_year: dict[int, list[dict]], default_year: int, *, names: dict[str, str]) -> str:
    """One SVG for every year: shared outlines, a <g data-year> of symbols per year (only `default_year` shown).

    Each symbol row: iso3, best, low, high, basis, imputed (bool). Disc area is the best estimate on one scale
    for all years; the ring is the interval's high end; a pale dashed disc is imputed; '?' counted nowhere.
    """
    paths, points, height = _world()
    vmax = max([r["high"] for rows in by_year.values() for r in rows] + [1])
    rmax = 34.0

    def radius(v: float) -> float:
        return max(2.2, rmax * math.sqrt(max(v, 0) / vmax))

    hosts_default = {r["iso3"] for r in by_year.get(default_year, []) if r["best"] > 0}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 {height}" role="img" '
           f'aria-labelledby="map-t map-d" id="world-map" class="map">',
           '<title id="map-t">DPRK workers abroad: best estimate per host country</title>',
           '<desc id="map-d">Disc area is the reconstructed best estimate of DPRK workers in each host country in '
           'the selected year; the ring is the high end of its interval. The table below the map gives the same '
           'figures as text.</desc>', '<g class="land">']
    for iso3, d in paths:
        cls = "host" if iso3 in hosts_default else ""
        out.append(f'<path d="{d}" data-iso3="{iso3}" class="{cls}"/>')
    out.append("</g>")
    for year in sorted(by_year):
        hidden = "" if year == default_year else ' style="display:none"'
        out.append(f'<g class="year" data-year="{year}"{hidden}>')
        rows = sorted(by_year[year], key=lambda r: -r["best"])
        for r in rows:
            if r["iso3"] not in points:
                continue
            x, y = points[r["iso3"]]
            name = escape(names.get(r["iso3"], r["iso3"]))
            tip = (f"{name} {year}: {words.about(r['best'], r['low'], r['high'])}, "
                   f"{words.label('basis', r['basis'])} (a reconstruction)")
            if r["best"] == 0:
                out.append(f'<text x="{x}" y="{y + 4}" text-anchor="middle" class="zero">×<title>{tip}</title>'
                           f"</text>")
                continue
            if r["high"] > r["best"]:
                out.append(f'<circle cx="{x}" cy="{y}" r="{radius(r["high"]):.1f}" class="ring"/>')
            cls = "disc imputed" if r["imputed"] else "disc"
            out.append(f'<circle cx="{x}" cy="{y}" r="{radius(r["best"]):.1f}" class="{cls}">'
                       f"<title>{tip}</title></circle>")
            if r["best"] >= vmax / 400 or r["basis"] != "presence_only":
                value = "?" if r["basis"] == "presence_only" else ("~" if r["imputed"] else "") + f"{r['best']:,}"
                out.append(f'<text x="{x + radius(r["best"]) + 2:.1f}" y="{y + 3:.1f}" class="lbl">{name} '
                           f"{value}</text>")
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
