"""Country outlines for maps: Natural Earth 1:50m, vendored from world-atlas so maps draw offline.

Geometry is read once, checked against its recorded sha256, keyed by ISO3 and projected to Equal Earth.

Maps do not read it at all: `projected()` loads `equal-earth-50m.npz`, the same outlines projected to Equal Earth,
simplified to 2.5 km (a quarter of a pixel on a 13-inch map at 150 dpi) and stored as plain vertex arrays, with
the symbol anchors and the map's outline. It is made from the JSON by `build_projected()` (a test rebuilds it
and compares), so a map needs neither geopandas, shapely nor pyproj.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEOMETRY = HERE / "countries-50m.json"
PROJECTED = HERE / "equal-earth-50m.npz"
SIMPLIFY_METRES = 2500.0
SOUTH, NORTH = -57.0, 83.0  # the map's crop: Antarctica is left out, the Arctic ocean kept
EQUAL_EARTH = "EPSG:8857"
ANTARCTICA = "ATA"


def recorded_sha256() -> str:
    return (HERE / "SHA256SUMS").read_text(encoding="ascii").split()[0]


def _iso3(numeric) -> str | None:
    import pycountry

    if not isinstance(numeric, str):
        return None
    country = pycountry.countries.get(numeric=numeric)
    return country.alpha_3 if country else None


def _split_antimeridian(geom):
    """Cut a polygon that wraps across 180 degrees (Russia, Fiji) into its two sides, so it projects cleanly."""
    import numpy as np
    from shapely import affinity, box, transform
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.ops import unary_union

    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    out = []
    for part in parts:
        minx, _, maxx, _ = part.bounds
        if maxx - minx <= 180:
            out.append(part)
            continue
        shifted = transform(part, lambda xy: np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy))
        if not isinstance(shifted, Polygon) or not shifted.is_valid:
            shifted = shifted.buffer(0)
        out.append(shifted.intersection(box(0, -90, 180, 90)))
        out.append(affinity.translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360))
    return unary_union([p for p in out if not p.is_empty])


def countries(crs: str = EQUAL_EARTH):
    """GeoDataFrame of country outlines (iso3, name, geometry) in `crs`, without Antarctica."""
    return _countries(crs)


@lru_cache(maxsize=4)
def _countries(crs: str):  # one cache entry per crs, however it was passed
    import geopandas as gpd

    from nklabor import DataError

    data = GEOMETRY.read_bytes()
    if hashlib.sha256(data).hexdigest() != recorded_sha256():
        raise DataError(f"{GEOMETRY} does not match its checksum in {HERE / 'SHA256SUMS'}; reinstall nklabor")
    frame = gpd.read_file(GEOMETRY, layer="countries").set_crs("EPSG:4326", allow_override=True)
    frame["iso3"] = frame["id"].map(_iso3)
    frame["geometry"] = frame.geometry.map(_split_antimeridian)
    frame = frame[frame["iso3"] != ANTARCTICA][["iso3", "name", "geometry"]].reset_index(drop=True)
    return frame.to_crs(crs)


def anchors(crs: str = EQUAL_EARTH):
    """Where a country's symbol goes: a point inside its largest polygon (not in an overseas part)."""
    return _anchors(crs)


@lru_cache(maxsize=4)
def _anchors(crs: str):
    import geopandas as gpd

    frame = countries(crs).dropna(subset=["iso3"])
    parts = frame.explode(index_parts=False)
    parts = parts.assign(area=parts.geometry.area).sort_values("area", ascending=False)
    largest = parts.drop_duplicates("iso3").set_index("iso3").sort_index()
    return gpd.GeoSeries(largest.geometry.representative_point(), crs=frame.crs)


def sphere_ring():
    """The map's outline in Equal Earth: the world between SOUTH and NORTH, as an (n, 2) array of metres."""
    import numpy as np
    from pyproj import Transformer

    lons = np.linspace(-180, 180, 181)
    lats = np.linspace(SOUTH, NORTH, 60)
    ring = np.concatenate([np.c_[lons, np.full_like(lons, SOUTH)], np.c_[np.full_like(lats, 180.0), lats],
                           np.c_[lons[::-1], np.full_like(lons, NORTH)], np.c_[np.full_like(lats, -180.0), lats[::-1]]])
    x, y = Transformer.from_crs("EPSG:4326", EQUAL_EARTH, always_xy=True).transform(ring[:, 0], ring[:, 1])
    return np.c_[x, y]


def _ring_path(coords, ccw: bool):
    import numpy as np

    xy = np.asarray(coords, dtype=float)[:, :2]
    area2 = np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1])
    if (area2 > 0) != ccw:
        xy = xy[::-1]
    codes = np.full(len(xy), 2, dtype=np.uint8)  # LINETO
    codes[0], codes[-1] = 1, 79  # MOVETO, CLOSEPOLY
    return xy, codes


def build_projected(path: Path = PROJECTED) -> Path:
    """Write the outlines, anchors and map outline for drawing (see the module's docstring)."""
    import numpy as np
    from shapely.geometry import MultiPolygon

    world = countries()
    simple = world.geometry.simplify(SIMPLIFY_METRES, preserve_topology=True)
    names, starts, xys, codes = [], [], [], []
    n = 0
    for iso3, geom in zip(world["iso3"], simple):
        names.append(iso3 or "")
        starts.append(n)
        for poly in (geom.geoms if isinstance(geom, MultiPolygon) else [geom]):
            for ring, ccw in [(poly.exterior.coords, True)] + [(r.coords, False) for r in poly.interiors]:
                xy, c = _ring_path(ring, ccw)
                xys.append(xy)
                codes.append(c)
                n += len(xy)
    starts.append(n)
    points = anchors()
    np.savez_compressed(
        path, iso3=np.array(names, dtype="<U3"), starts=np.array(starts, dtype=np.int64),
        xy=np.concatenate(xys).astype(np.float32), codes=np.concatenate(codes),
        anchor_iso3=np.array(points.index, dtype="<U3"), anchor_xy=np.c_[points.x, points.y],
        sphere=sphere_ring(), source_sha256=np.array(recorded_sha256()))
    return path


class Projected:
    """What a map draws: `paths` (ISO3 or '' -> matplotlib Path), `anchors` (ISO3 -> (x, y)), `sphere` (outline)."""

    def __init__(self, data):
        from matplotlib.path import Path as MplPath

        starts, xy, codes = data["starts"], data["xy"].astype(float), data["codes"]
        self.iso3 = [str(c) for c in data["iso3"]]
        self.paths = [MplPath(xy[a:b], codes[a:b]) for a, b in zip(starts[:-1], starts[1:])]
        self.anchors = {str(c): (float(x), float(y)) for c, (x, y) in zip(data["anchor_iso3"], data["anchor_xy"])}
        self.sphere = data["sphere"]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        (xmin, ymin), (xmax, ymax) = self.sphere.min(axis=0), self.sphere.max(axis=0)
        return float(xmin), float(ymin), float(xmax), float(ymax)


@lru_cache(maxsize=1)
def projected() -> Projected:
    """The packaged outlines for drawing, checked to be made from the vendored geometry."""
    import numpy as np

    from nklabor import DataError

    with np.load(PROJECTED, allow_pickle=False) as data:
        if str(data["source_sha256"]) != recorded_sha256():
            raise DataError(f"{PROJECTED} was not made from {GEOMETRY}; run nklabor.basemap.build_projected()")
        return Projected(data)
