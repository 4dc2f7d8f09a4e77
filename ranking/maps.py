"""The choropleth map of the Netherlands and Flanders, as server-rendered SVG paths.

Boundaries come from municipalities/data/*.geojson (WGS84 lon/lat; CBS/Kadaster and
Statbel, see SOURCES.md). They are projected with a plain equirectangular projection
scaled by cos(mid-latitude) — at these latitudes and this size indistinguishable from
the Dutch RD projection — rounded to whole units of a 1000-wide viewBox, and simplified
(Douglas–Peucker, tolerance below a unit). The projected paths depend only on the files,
so they are computed once per process; the coloured map is cached per published run by
the view."""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.apps import apps

WIDTH = 1000
MARGIN = 10
TOLERANCE = 0.6  # viewBox units (about 0.4 km)
DATA_FILES = ["nl_municipalities.geojson", "be_flanders_municipalities.geojson"]

# ColorBrewer YlGnBu, five classes: light to dark, more points = darker.
CLASS_COLOURS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_SCORE_COLOUR = "#e6e6e6"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class ProjectedMap:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _data_dir() -> Path:
    return Path(apps.get_app_config("municipalities").path) / "data"


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have up to a few thousand points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                d = math.hypot(px - x1, py - y1)
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_path(ring: list[tuple[float, float]]) -> str:
    """A closed subpath in whole units with relative moves: short, and exact."""
    simplified = _simplify(ring, TOLERANCE)
    points = []
    for x, y in simplified:
        point = (round(x), round(y))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""  # smaller than a unit: invisible at this scale
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}l"]
    px, py = x0, y0
    steps = []
    for x, y in points[1:]:
        steps.append(f"{x - px} {y - py}")
        px, py = x, y
    parts.append(" ".join(steps))
    parts.append("z")
    return "".join(parts)


@lru_cache(maxsize=1)
def projected_map() -> ProjectedMap:
    features = []
    for name in DATA_FILES:
        with (_data_dir() / name).open(encoding="utf-8") as handle:
            features.extend(json.load(handle)["features"])
    lons, lats = [], []
    for feature in features:
        for polygon in feature["geometry"]["coordinates"]:
            for lon, lat in polygon[0]:
                lons.append(lon)
                lats.append(lat)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    cos_mid = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((max_lon - min_lon) * cos_mid)
    height = round((max_lat - min_lat) * scale + 2 * MARGIN)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (
            MARGIN + (lon - min_lon) * cos_mid * scale,
            MARGIN + (max_lat - lat) * scale,
        )

    shapes = []
    for feature in features:
        properties = feature["properties"]
        rings = [
            _ring_path([project(lon, lat) for lon, lat in ring])
            for polygon in feature["geometry"]["coordinates"]
            for ring in polygon
        ]
        path = "".join(rings)
        if path:
            shapes.append(Shape(code=properties["code"], name=properties["name"], path=path))
    shapes.sort(key=lambda shape: shape.code)
    return ProjectedMap(width=WIDTH, height=height, shapes=tuple(shapes))


def score_classes(scores: list[float], count: int = len(CLASS_COLOURS)) -> list[float]:
    """Upper bounds of `count` classes with about as many scored municipalities each
    (quantiles), without duplicates; the last bound is the highest score."""
    if not scores:
        return []
    ordered = sorted(scores)
    bounds = []
    for k in range(1, count + 1):
        bound = ordered[min(len(ordered) - 1, math.ceil(k * len(ordered) / count) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_index(score: float, bounds: list[float]) -> int:
    for index, bound in enumerate(bounds):
        if score <= bound:
            return index
    return len(bounds) - 1


def colours_for(bounds: list[float]) -> list[str]:
    """Spread the palette over fewer classes so that the darkest always means 'most'."""
    if len(bounds) <= 1:
        return CLASS_COLOURS[-1:] if bounds else []
    step = (len(CLASS_COLOURS) - 1) / (len(bounds) - 1)
    return [CLASS_COLOURS[round(i * step)] for i in range(len(bounds))]
