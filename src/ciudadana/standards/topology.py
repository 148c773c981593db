"""TopoJSON boundaries read back: arcs decoded (quantized, delta-encoded), rings stitched, and
the whole object as GeoJSON for publication.

Example:
    >>> topology = {"arcs": [[[0, 0], [1, 0], [0, 1], [-1, -1]]], "objects": {}}
    >>> decode_arcs(topology)[0]
    [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (-1.0, -1.0)]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0.0
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(dx), float(dy)))
        arcs.append(points)
    return arcs


def rings(geometry: dict, arcs: list[list[tuple[float, float]]]) -> list[list[tuple]]:
    """The closed rings of a Polygon or MultiPolygon (arc ``~i`` is arc ``i`` reversed)."""
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    out = []
    for polygon in polygons:
        for ring in polygon:
            points: list[tuple[float, float]] = []
            for index in ring:
                arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                points.extend(arc if not points else arc[1:])
            out.append(points)
    return out


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on one arc, ends kept: shared borders stay shared (arcs are simplified
    before rings are stitched, so neighbours never drift apart)."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _polygons(geometry: dict, arcs: list[list[tuple[float, float]]]) -> list[list[list]]:
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [rings({"type": "Polygon", "arcs": p}, arcs) for p in polygons]


def to_geojson(path: Path, *, digits: int = 4, tolerance: float = 0.0) -> dict[str, Any]:
    """The first object of a TopoJSON file as a GeoJSON FeatureCollection (MultiPolygons).

    Arcs are simplified first (``tolerance`` in degrees; 0 keeps every point), then coordinates
    are rounded to ``digits`` decimals (4: about 11 m) and repeated points dropped;
    features keep the ``code`` and ``name`` properties, sorted by code. Geometries without
    a code (lakes, a neighbouring country) are left out.
    """
    topology = json.loads(Path(path).read_text("utf-8"))
    arcs = [simplify(a, tolerance) for a in decode_arcs(topology)]
    obj = next(iter(topology["objects"].values()))
    features = []
    for g in obj["geometries"]:
        props = g.get("properties") or {}
        if not g.get("arcs") or props.get("code") in (None, ""):
            continue
        polygons = []
        for polygon in _polygons(g, arcs):
            clean = []
            for ring in polygon:
                pts: list[list[float]] = []
                for lon, lat in ring:
                    p = [round(lon, digits), round(lat, digits)]
                    if not pts or p != pts[-1]:
                        pts.append(p)
                if len(pts) >= 4:
                    if pts[0] != pts[-1]:
                        pts.append(pts[0])
                    clean.append(pts)
            if clean:
                polygons.append(clean)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": str(props["code"]), "name": str(props.get("name", ""))},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}
