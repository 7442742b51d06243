"""Tests for the SVG map geometry of Sweden's municipalities and counties."""

from __future__ import annotations

import math
import re
from typing import Literal

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from kommunpris.register.geometry import (
    MapGeometry,
    build_svg_paths,
    load_county_shapes,
    load_municipality_shapes,
    project,
    project_coords,
    sweden_map,
)

COUNTY_CODES = {
    "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
    "14", "17", "18", "19", "20", "21", "22", "23", "24", "25",
}  # fmt: skip

_COMMAND = re.compile(r"([MmLlZz])([^MmLlZz]*)")
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")


def absolute_rings(d: str) -> list[list[tuple[float, float]]]:
    """Resolve the M/m/l/z path data that the module writes into absolute rings of points."""
    rings: list[list[tuple[float, float]]] = []
    x = y = 0.0
    for command, arguments in _COMMAND.findall(d):
        numbers = [float(number) for number in _NUMBER.findall(arguments)]
        assert len(numbers) % 2 == 0, (command, arguments)
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command in "Mm":
            (dx, dy), *rest = pairs
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            rings.append([(x, y)])
            for dx, dy in rest:
                x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
                rings[-1].append((x, y))
        elif command == "l":
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                rings[-1].append((x, y))
        else:
            x, y = rings[-1][0]
    return rings


def view_box_size(geometry: MapGeometry) -> tuple[float, float]:
    min_x, min_y, width, height = (float(part) for part in geometry.view_box.split())
    assert (min_x, min_y) == (0.0, 0.0)
    return width, height


def test_load_municipality_shapes_has_290_codes_in_lon_lat() -> None:
    shapes = load_municipality_shapes()

    assert len(shapes) == 290
    assert all(re.fullmatch(r"\d{4}", code) for code in shapes)
    # (lon, lat) axis order: Sweden spans lon 11-24 and lat 55-69.
    bounds = shapely.total_bounds(list(shapes.values()))
    assert [round(value) for value in bounds] == [11, 55, 24, 69]


def test_load_county_shapes_has_the_21_counties() -> None:
    assert set(load_county_shapes()) == COUNTY_CODES


def test_project_central_meridian_at_equator_is_false_origin() -> None:
    easting, northing = project(lon=15.0, lat=0.0)

    assert (round(easting, 6), round(northing, 6)) == (500_000.0, 0.0)


def test_project_central_meridian_northing_is_scaled_meridian_arc() -> None:
    # Integrate the GRS 80 meridian radius of curvature from the equator to 60° N.
    a, f = 6_378_137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    steps = 20_000
    h = math.radians(60) / steps
    arc = h * sum(
        a * (1 - e2) / (1 - e2 * math.sin((i + 0.5) * h) ** 2) ** 1.5 for i in range(steps)
    )

    easting, northing = project(lon=15.0, lat=60.0)

    assert easting == pytest.approx(500_000.0, abs=1e-6)
    assert northing == pytest.approx(0.9996 * arc, abs=0.01)


def test_project_stockholm_is_where_sweref99tm_puts_it() -> None:
    # Stockholm city (59.33° N, 18.06° E) lies near E 674 km, N 6 581 km in SWEREF 99 TM.
    easting, northing = project(lon=18.0649, lat=59.3326)

    assert (round(easting / 1000), round(northing / 1000)) == (674, 6581)


def test_project_far_from_central_meridian_is_conformal() -> None:
    # A conformal map scales a small step east and a small step north by the same factor.
    a, f = 6_378_137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    lon, lat, step = 23.5, 66.0, 1e-4
    phi = math.radians(lat)
    prime_vertical = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    meridional = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
    origin = project(lon=lon, lat=lat)
    east = project(lon=lon + step, lat=lat)
    north = project(lon=lon, lat=lat + step)

    scale_east = math.dist(origin, east) / (prime_vertical * math.cos(phi) * math.radians(step))
    scale_north = math.dist(origin, north) / (meridional * math.radians(step))

    assert scale_east == pytest.approx(scale_north, rel=1e-6)
    # Transverse Mercator scale grows with the square of the distance from the central meridian.
    offset = origin[0] - 500_000.0
    expected = 0.9996 * (1 + offset**2 / (2 * prime_vertical * meridional))
    assert scale_east == pytest.approx(expected, rel=1e-5)


def test_project_coords_matches_project() -> None:
    points = [(11.0, 55.3), (15.0, 62.0), (24.2, 69.0)]

    projected = project_coords(shapely.get_coordinates(shapely.points(points)))

    assert projected.tolist() == [list(project(lon=lon, lat=lat)) for lon, lat in points]


def test_sweden_map_has_every_municipality_once_with_a_path() -> None:
    geometry = sweden_map()

    assert sorted(geometry.paths) == sorted(load_municipality_shapes())
    assert len(geometry.paths) == 290
    assert [code for code, d in geometry.paths.items() if not d.startswith("M")] == []
    assert [code for code, d in geometry.paths.items() if len(absolute_rings(d)[0]) < 3] == []


def test_sweden_map_has_21_county_outlines() -> None:
    geometry = sweden_map()

    assert set(geometry.outlines) == COUNTY_CODES
    assert [code for code, d in geometry.outlines.items() if not d.startswith("M")] == []


def test_sweden_map_path_text_is_under_150_kb() -> None:
    geometry = sweden_map()
    texts = [*geometry.paths.values(), *geometry.outlines.values()]

    assert sum(len(text.encode()) for text in texts) < 150_000


def test_sweden_map_keeps_every_island_of_an_archipelago() -> None:
    geometry = sweden_map()
    shapes = load_municipality_shapes()

    # Värmdö (0120) and Stockholm (0180) have 8 and 2 parts in the data; all are kept.
    assert {code: len(absolute_rings(geometry.paths[code])) for code in ("0120", "0180")} == {
        code: len(shapely.get_parts(shapes[code])) for code in ("0120", "0180")
    }


def test_sweden_map_points_stay_inside_the_view_box() -> None:
    geometry = sweden_map()
    width, height = view_box_size(geometry)

    outside = [
        code
        for code, d in [*geometry.paths.items(), *geometry.outlines.items()]
        for ring in absolute_rings(d)
        for x, y in ring
        if not (0 <= x <= width and 0 <= y <= height)
    ]

    assert outside == []


def test_sweden_map_view_box_contains_every_centroid() -> None:
    geometry = sweden_map()
    width, height = view_box_size(geometry)

    outside = [
        code
        for code, (x, y) in geometry.centroids.items()
        if not (0 <= x <= width and 0 <= y <= height)
    ]

    assert sorted(geometry.centroids) == sorted(geometry.paths)
    assert outside == []


def test_sweden_map_kiruna_is_north_of_gotland() -> None:
    centroids = sweden_map().centroids

    assert centroids["2584"][1] < centroids["0980"][1]


def test_sweden_map_gotland_is_east_of_stockholm_and_south_of_it() -> None:
    centroids = sweden_map().centroids

    assert centroids["0980"][0] > centroids["0180"][0]
    assert centroids["0980"][1] > centroids["0180"][1]


def test_sweden_map_is_taller_than_wide() -> None:
    width, height = view_box_size(sweden_map())

    # Sweden spans about 640 km east-west and 1,540 km north-south in SWEREF 99 TM.
    assert 2.2 < height / width < 2.6


def test_sweden_map_is_cached() -> None:
    assert sweden_map() is sweden_map()


def test_build_svg_paths_drops_only_tiny_islands() -> None:
    mainland = box(15.0, 60.0, 16.0, 60.5)
    island = box(16.2, 60.1, 16.3, 60.15)
    speck = box(16.5, 60.2, 16.5005, 60.2005)
    shapes = {"A": MultiPolygon([mainland, island, speck])}

    geometry = build_svg_paths(shapes, width=600)

    assert len(absolute_rings(geometry.paths["A"])) == 2


def test_build_svg_paths_never_drops_a_small_shape() -> None:
    shapes = {"big": box(12.0, 56.0, 22.0, 68.0), "dot": box(15.0, 60.0, 15.0001, 60.0001)}

    geometry = build_svg_paths(shapes, width=300, decimals=0)

    assert geometry.paths["dot"].startswith("M")
    assert "dot" in geometry.centroids


def signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def test_build_svg_paths_hole_winds_against_its_exterior() -> None:
    outer = [(14.0, 59.0), (16.0, 59.0), (16.0, 61.0), (14.0, 61.0)]
    hole = [(14.5, 59.5), (15.5, 59.5), (15.5, 60.5), (14.5, 60.5)]  # same winding as outer
    geometry = build_svg_paths({"A": Polygon(outer, [hole])}, width=100)

    exterior, interior = absolute_rings(geometry.paths["A"])

    assert signed_area(exterior) * signed_area(interior) < 0


def test_build_svg_paths_writes_integers_when_asked() -> None:
    geometry = build_svg_paths({"A": box(15.0, 60.0, 16.0, 61.0)}, width=200, decimals=0)

    assert "." not in geometry.paths["A"]


def test_build_svg_paths_rejects_no_shapes() -> None:
    with pytest.raises(ValueError):
        build_svg_paths({})


def test_build_svg_paths_rejects_a_shape_without_area() -> None:
    with pytest.raises(ValueError):
        build_svg_paths({"A": shapely.points([(15.0, 60.0)])[0]})


boxes = st.tuples(
    st.floats(min_value=11.0, max_value=23.0),
    st.floats(min_value=55.5, max_value=68.0),
    st.floats(min_value=0.01, max_value=1.5),
    st.floats(min_value=0.01, max_value=1.0),
).map(lambda t: box(t[0], t[1], t[0] + t[2], t[1] + t[3]))


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(boxes, min_size=1, max_size=4),
    width=st.integers(min_value=50, max_value=1200),
    decimals=st.sampled_from([0, 1]),
)
def test_build_svg_paths_relative_paths_resolve_to_the_fitted_view_box(
    parts: list[Polygon], width: int, decimals: Literal[0, 1]
) -> None:
    shapes = {str(index): part for index, part in enumerate(parts)}
    tolerance = 0.2
    geometry = build_svg_paths(
        shapes, width=width, padding=2.0, tolerance=tolerance, decimals=decimals
    )
    view_width, view_height = view_box_size(geometry)
    points = [
        point for d in geometry.paths.values() for ring in absolute_rings(d) for point in ring
    ]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    # Simplifying moves a boundary by at most the tolerance, rounding by half a grid step.
    slack = tolerance + 0.5 * 10**-decimals + 1e-9

    assert view_width == width
    assert min(xs) == pytest.approx(2.0, abs=slack)
    assert max(xs) == pytest.approx(width - 2.0, abs=slack)
    assert min(ys) == pytest.approx(2.0, abs=slack)
    assert view_height - 3.0 - slack <= max(ys) <= view_height - 2.0 + slack
    assert set(geometry.paths) == set(shapes)
