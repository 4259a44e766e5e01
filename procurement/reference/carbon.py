"""Spend-based emission factors: CPV code -> NACE A64 product group -> kg CO2e per k€ HT (2023).

Why spend-based: an order record has an amount and a CPV code, nothing physical. The factors are the
SDES/Insee table GES.501 (= ADEME Base Carbone "ratios monétaires", basic prices, 2023). The CPV -> NACE
map is a heuristic (one NACE group per CPV division, refined for some CPV groups); it is good for a
portfolio order of magnitude (±50 % or worse), never to compare two offers for the same product.
Energy and fuels (CPV 09, 65) get no factor: kWh and litres must be counted with physical factors.
"""

from __future__ import annotations

from functools import cache, lru_cache

from procurement.reference._files import read_rows


@cache
def _nace() -> dict[str, tuple[float, str]]:
    """NACE A64 code -> (kg CO2e per k€ 2023, French label)."""
    rows = read_rows("nace_a64_factors.csv", ("nace", "label", "kgco2e_per_keur_2023"))
    return {r[0]: (float(r[2]), r[1]) for r in rows}


@cache
def _rules() -> dict[str, tuple[str, str, bool]]:
    """CPV prefix (2 to 6 digits) -> (NACE code, confidence, prefer physical factors)."""
    header = ("cpv_prefix", "nace", "confidence", "prefer_physical", "note")
    return {r[0]: (r[1], r[2], r[3] == "1") for r in read_rows("carbon_cpv.csv", header)}


def nace_factor(nace: str) -> tuple[float, str] | None:
    """(kg CO2e per k€ HT, French label) of a NACE A64 group, e.g. "F" -> (245.0, "Construction")."""
    return _nace().get(nace)


@lru_cache(maxsize=8192)
def emission_factor(code8: str) -> tuple[float, str, str] | None:
    """(kg CO2e per k€ HT, NACE A64 code, confidence) for an 8-digit CPV code.

    The longest matching CPV prefix wins (909 cleaning -> N80T82 over division 90 -> E37T39). None when
    the division is unknown or when the mapping says to prefer physical factors (energy, fuel, water).
    """
    code = str(code8).strip()[:8]
    rules = _rules()
    for length in range(len(code), 1, -1):
        rule = rules.get(code[:length])
        if rule is None:
            continue
        nace, confidence, physical = rule
        if physical:
            return None
        return (_nace()[nace][0], nace, confidence)
    return None
