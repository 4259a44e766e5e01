"""Named lookup tables for the rules engine ("supplier_naf in naf_s1", "cpv in cpv_origin_food").

Why named tables: a rulebook should say `in: amp_communes`, not paste 108 INSEE codes; the names are
stable and documented here, and each table is a frozenset so that a rule cannot alter it.

- amp_communes: INSEE codes of the 92 AMP communes and of Marseille's 16 arrondissements (13201-13216),
  since SIRENE locates Marseille establishments by arrondissement.
- region_sud_communes: the 946 communes of Région Sud (région 93), plus the Marseille arrondissements
  for the same reason (962 codes).
- region_sud_departements: 04, 05, 06, 13, 83, 84.
- naf_s1, naf_s1bis, naf_s1_possible, naf_s1bis_possible, naf_s2: Covid lists, NAF codes like "5610A".
- cpv_origin_food, cpv_origin_vehicles, cpv_origin_health, cpv_origin_clothing: every 8-digit CPV code
  of the nomenclature inside the ranges of the arrêté du 22/12/2022 annex (DECP origineUE/origineFrance).
- eu_countries: ISO 3166-1 alpha-2 codes of the 27 EU member states (Greece is GR).
"""

from __future__ import annotations

from functools import cache

from procurement.reference import countries, cpv, geo, naf
from procurement.reference._files import read_rows


@cache
def _cpv_origin() -> dict[str, frozenset[str]]:
    ranges = read_rows("cpv_origin_ranges.csv", ("family", "first", "last"))
    codes = sorted(cpv.cpv_codes())
    tables: dict[str, set[str]] = {}
    for family, first, last in ranges:
        tables.setdefault(f"cpv_origin_{family}", set()).update(c for c in codes if first <= c <= last)
    return {name: frozenset(found) for name, found in tables.items()}


@cache
def _tables() -> dict[str, frozenset[str]]:
    amp = geo.amp_codes(with_arrondissements=True)
    arrondissements = frozenset(c for c in amp if c.startswith("132"))
    return {
        "amp_communes": amp,
        "region_sud_communes": geo.region_codes_of("93") | arrondissements,
        "region_sud_departements": geo.departements_of("93"),
        "naf_s1": naf.naf_codes("s1"),
        "naf_s1bis": naf.naf_codes("s1bis"),
        "naf_s1_possible": naf.naf_codes("s1Possible"),
        "naf_s1bis_possible": naf.naf_codes("s1bisPossible"),
        "naf_s2": naf.naf_codes("s2"),
        **_cpv_origin(),
        "eu_countries": countries.eu_member_codes(),
    }


def builtin_tables() -> dict[str, frozenset[str]]:
    """The named tables (a new dict each call; the sets themselves are immutable and shared)."""
    return dict(_tables())
