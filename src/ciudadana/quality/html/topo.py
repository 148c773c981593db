"""TopoJSON boundaries to SVG paths: arcs decoded (quantized, delta-encoded), rings stitched,
lon/lat projected with a plain equirectangular projection scaled by the cosine of the middle
latitude (good enough for a country the size of Guatemala), points rounded to the pixel.

Example:
    >>> shapes = territory_shapes("GTM", 2, width=600)  # doctest: +SKIP
    >>> shapes.paths["0101"][:1]
    'M'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ciudadana.standards.territory import load_pack
from ciudadana.standards.topology import decode_arcs, rings


@dataclass(frozen=True)
class Shapes:
    """SVG path data per territory code, in a ``width`` x ``height`` box."""

    width: int
    height: int
    paths: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=8)
def territory_shapes(country: str, level: int, width: int = 560) -> Shapes | None:
    """Projected SVG paths of a territory pack's boundaries at ``level`` (None: no file)."""
    path = load_pack(country).boundaries_path(level)
    if path is None or not Path(path).exists():
        return None
    topology = json.loads(Path(path).read_text("utf-8"))
    arcs = decode_arcs(topology)
    obj = next(iter(topology["objects"].values()))
    geometries = [g for g in obj["geometries"] if g.get("arcs") and g.get("properties")]
    lons = [p[0] for a in arcs for p in a]
    lats = [p[1] for a in arcs for p in a]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((south + north) / 2))
    scale = width / ((east - west) * k)
    height = int(math.ceil((north - south) * scale))

    def project(lon: float, lat: float) -> tuple[int, int]:
        return round((lon - west) * k * scale), round((north - lat) * scale)

    shapes = Shapes(width, height)
    for g in geometries:
        parts = []
        for ring in rings(g, arcs):
            pts: list[tuple[int, int]] = []
            for lon, lat in ring:
                p = project(lon, lat)
                if not pts or p != pts[-1]:
                    pts.append(p)
            if len(pts) >= 3:
                steps = " ".join(
                    f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in zip(pts, pts[1:], strict=False)
                )
                parts.append(f"M{pts[0][0]} {pts[0][1]}l{steps}z")
        code = str(g["properties"].get("code"))
        shapes.paths[code] = "".join(parts)
        shapes.names[code] = str(g["properties"].get("name", code))
    return shapes
