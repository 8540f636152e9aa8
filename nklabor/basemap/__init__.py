"""Country outlines for maps: Natural Earth 1:50m, vendored from world-atlas so maps draw offline.

Geometry is read once, checked against its recorded sha256, keyed by ISO3 and projected to Equal Earth.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
GEOMETRY = HERE / "countries-50m.json"
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


@lru_cache(maxsize=4)
def countries(crs: str = EQUAL_EARTH):
    """GeoDataFrame of country outlines (iso3, name, geometry) in `crs`, without Antarctica."""
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


@lru_cache(maxsize=4)
def anchors(crs: str = EQUAL_EARTH):
    """Where a country's symbol goes: a point inside its largest polygon (not in an overseas part)."""
    import geopandas as gpd

    frame = countries(crs).dropna(subset=["iso3"])
    parts = frame.explode(index_parts=False)
    parts = parts.assign(area=parts.geometry.area).sort_values("area", ascending=False)
    largest = parts.drop_duplicates("iso3").set_index("iso3").sort_index()
    return gpd.GeoSeries(largest.geometry.representative_point(), crs=frame.crs)
