"""ZIP code centroids (from the offline ``zipcodes`` data) and great-circle distances."""

from __future__ import annotations

import math
import re
import threading

EARTH_RADIUS_MILES = 3958.7613
_ZIP_RE = re.compile(r"^\d{5}$")


def normalize_zip(value: str | None) -> str:
    """'02139-4307' -> '02139'; anything else is returned stripped (and then fails lookup)."""
    value = (value or "").strip()
    if re.fullmatch(r"\d{5}-\d{4}", value):
        value = value[:5]
    return value


_index_lock = threading.Lock()


def _index() -> dict[str, tuple[float, float, str]]:
    """ZIP -> (latitude, longitude, state), built once per process from the
    ``zipcodes`` package's bundled data (``zipcodes.matching`` scans the whole
    list on every call). A lock makes concurrent first requests wait for one build."""
    if _built is not None:
        return _built
    with _index_lock:
        if _built is None:
            _build()
    return _built


_built: dict[str, tuple[float, float, str]] | None = None


def _build() -> None:
    global _built
    import zipcodes

    index: dict[str, tuple[float, float, str]] = {}
    for row in zipcodes.list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        if lat == 0 and lon == 0:
            continue
        index.setdefault(row["zip_code"], (lat, lon, row.get("state", "")))
    _built = index


def zip_info(zip_code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, state) of a US ZIP code, or None when unknown."""
    zip_code = normalize_zip(zip_code)
    if not _ZIP_RE.match(zip_code):
        return None
    return _index().get(zip_code)


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    info = zip_info(zip_code)
    return (info[0], info[1]) if info else None


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) in degrees, a box that contains every point within
    ``miles`` of (lat, lon), with a 1% margin. Near a pole or the antimeridian the
    longitudes widen to the whole circle (never too small, sometimes too large)."""
    dlat = math.degrees(miles * 1.01 / EARTH_RADIUS_MILES)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(south), abs(north))
    if widest >= 89.0:
        return south, north, -180.0, 180.0
    dlon = math.degrees(miles * 1.01 / (EARTH_RADIUS_MILES * math.cos(math.radians(widest))))
    west, east = lon - dlon, lon + dlon
    if west < -180.0 or east > 180.0:
        return south, north, -180.0, 180.0
    return south, north, west, east
