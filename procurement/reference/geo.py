"""Communes, postcodes, départements and distances (INSEE COG 2026, La Poste 2020 centroids).

Why it is shaped this way:
- An INSEE commune code is the only reliable key for "is this supplier in the Métropole": three postcodes
  (13780, 83640, 84120) serve AMP and non-AMP communes alike. So `commune()` is exact, and the postcode
  lookups say when they cannot decide (`PostcodeArea.in_amp is None`).
- SIRENE gives Marseille establishments an arrondissement code (13201-13216), old records carry codes of
  delegated or associated communes: `commune()` resolves both to the current commune, so Marseille
  stays in the Métropole whichever code a file uses.
- Tables load on first use (functools.cache) so that importing the package costs nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from procurement.reference._files import read_rows, to_float

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Commune:
    code: str  # current INSEE code (COG 2026), never an arrondissement or delegated commune
    name: str
    departement: str
    region: str
    lat: float | None
    lon: float | None
    in_amp: bool  # one of the 92 communes of the Métropole Aix-Marseille-Provence
    territoire: str | None  # AMP territoire code T1..T6 (historical sub-areas), None outside AMP


@dataclass(frozen=True, slots=True)
class PostcodeArea:
    """What a postcode tells for sure: the communes it serves and what they have in common."""

    postcode: str
    communes: tuple[str, ...]  # current INSEE codes served
    lat: float
    lon: float  # mean of the served communes' centroids (La Poste 2020)
    departement: str | None  # when all served communes share it
    region: str | None  # when all served communes share it
    in_amp: bool | None  # True: all in AMP; False: none; None: some are, some are not


@cache
def _communes() -> dict[str, tuple[str, str, str, float | None, float | None]]:
    rows = read_rows("communes.csv", ("code", "name", "departement", "region", "lat", "lon"))
    return {r[0]: (r[1], r[2], r[3], to_float(r[4]), to_float(r[5])) for r in rows}


@cache
def _amp() -> dict[str, tuple[str, str, str | None]]:
    """AMP members and Marseille arrondissements: code -> (territoire code, territoire name, parent)."""
    header = ("code", "name", "parent", "territoire_code", "territoire_name", "postcodes", "lat", "lon")
    return {r[0]: (r[3], r[4], r[2] or None) for r in read_rows("amp_communes.csv", header)}


@cache
def _aliases() -> dict[str, tuple[str, str, float | None, float | None]]:
    """Old or sub-commune code -> (type, current parent code, own lat, own lon)."""
    rows = read_rows("commune_aliases.csv", ("code", "type", "parent", "lat", "lon"))
    return {r[0]: (r[1], r[2], to_float(r[3]), to_float(r[4])) for r in rows}


@cache
def _postcodes() -> dict[str, tuple[float, float, tuple[str, ...]]]:
    rows = read_rows("postcodes.csv", ("postcode", "lat", "lon", "communes", "all_in_amp"))
    return {r[0]: (float(r[1]), float(r[2]), tuple(r[3].split("|"))) for r in rows}


@cache
def _departements() -> dict[str, tuple[str, str, str]]:
    """Département code -> (name, région code, région name)."""
    rows = read_rows("departements.csv", ("code", "name", "region", "region_name"))
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def normalize_code(code: object, width: int = 5) -> str:
    """Drop spaces and restore a leading zero lost to a spreadsheet (1053 -> 01053, 6 -> 06, "13 008")."""
    text = "".join(str(code).split()).upper()
    if _DIGITS.fullmatch(text) and len(text) == width - 1:
        text = "0" + text
    return text


@lru_cache(maxsize=65536)
def commune(code: str) -> Commune | None:
    """The current commune an INSEE code designates (arrondissements and delegated communes resolved)."""
    key = normalize_code(code)
    communes = _communes()
    if key not in communes:
        alias = _aliases().get(key)
        if alias is None:
            return None
        key = alias[1]
    name, dep, region, lat, lon = communes[key]
    amp = _amp().get(key)
    return Commune(key, name, dep, region, lat, lon, amp is not None, amp[0] if amp else None)


def commune_centroid(code: str) -> tuple[float, float] | None:
    """The finest known centroid for a code: an arrondissement's own, else its commune's."""
    key = normalize_code(code)
    alias = _aliases().get(key)
    if alias is not None and alias[2] is not None and alias[3] is not None:
        return (alias[2], alias[3])
    c = commune(key)
    if c is None or c.lat is None or c.lon is None:
        return None
    return (c.lat, c.lon)


def is_commune_code(code: str) -> bool:
    """True for a current COG code, an arrondissement or a delegated/associated commune code."""
    key = normalize_code(code)
    return key in _communes() or key in _aliases()


def amp_codes(with_arrondissements: bool = True) -> frozenset[str]:
    """INSEE codes of the 92 AMP communes, and of the 16 Marseille arrondissements unless told not to."""
    return frozenset(c for c, (_, _, parent) in _amp().items() if with_arrondissements or parent is None)


def region_codes_of(region: str) -> frozenset[str]:
    """Current commune codes in a région (e.g. "93" -> the 946 communes of Région Sud)."""
    return frozenset(c for c, row in _communes().items() if row[2] == region)


def territoire_name(code: str) -> str | None:
    """The name of an AMP territoire code (T1 -> Marseille-Provence)."""
    return next((name for t, name, _ in _amp().values() if t == code), None)


@lru_cache(maxsize=16384)
def postcode_info(postcode: str) -> PostcodeArea | None:
    """What is certain about a postcode; None when La Poste's 2020 list does not have it (CEDEX codes)."""
    key = normalize_code(postcode)
    row = _postcodes().get(key)
    if row is None:
        return None
    lat, lon, codes = row
    found = [commune(c) for c in codes]
    communes = [c for c in found if c is not None]
    deps = {c.departement for c in communes}
    regions = {c.region for c in communes}
    amp = {c.in_amp for c in communes}
    return PostcodeArea(
        key,
        codes,
        lat,
        lon,
        deps.pop() if len(deps) == 1 else None,
        regions.pop() if len(regions) == 1 else None,
        amp.pop() if len(amp) == 1 else None,
    )


def communes_for_postcode(postcode: str) -> tuple[str, ...]:
    """Current INSEE codes of the communes a postcode serves; () for an unknown postcode."""
    info = postcode_info(postcode)
    return info.communes if info else ()


def postcode_centroid(postcode: str) -> tuple[float, float] | None:
    info = postcode_info(postcode)
    return (info.lat, info.lon) if info else None


def departement_region(dep: str) -> str | None:
    """The région code of a département code ("13" -> "93", "2A" -> "94", "971" -> "01")."""
    row = _departements().get(normalize_code(dep, width=2))
    return row[1] if row else None


def departement_name(dep: str) -> str | None:
    row = _departements().get(normalize_code(dep, width=2))
    return row[0] if row else None


def region_name(region: str) -> str | None:
    key = normalize_code(region, width=2)
    return next((name for _, reg, name in _departements().values() if reg == key), None)


def is_region_code(code: str) -> bool:
    key = normalize_code(code, width=2)
    return any(reg == key for _, reg, _ in _departements().values())


def departements_of(region: str) -> frozenset[str]:
    return frozenset(d for d, (_, reg, _) in _departements().items() if reg == region)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in km (haversine, mean Earth radius)."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
