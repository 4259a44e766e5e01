"""Packaged reference data (communes, postcodes, CPV, emission factors, Covid NAF lists, legal thresholds).

Why a package of small modules: each table has its own source, licence and caveats, documented next to
the code that reads it (and in procurement/data/README.md). Nothing is read at import time: every table
loads on first use and stays cached, so `import procurement` stays fast and a run that never needs the
CPV list never reads it. Standard library only.
"""

from __future__ import annotations

from procurement.reference.carbon import emission_factor, nace_factor
from procurement.reference.countries import country_code, country_group, is_foreign_insee_code
from procurement.reference.cpv import (
    cpv_check_digit,
    cpv_contract_type,
    cpv_division_label,
    cpv_known,
    cpv_label,
)
from procurement.reference.geo import (
    Commune,
    PostcodeArea,
    commune,
    commune_centroid,
    communes_for_postcode,
    departement_name,
    departement_region,
    distance_km,
    is_commune_code,
    is_region_code,
    postcode_centroid,
    postcode_info,
    region_name,
    territoire_name,
)
from procurement.reference.legal import thresholds
from procurement.reference.naf import covid_sector
from procurement.reference.tables import builtin_tables

__all__ = [
    "Commune",
    "PostcodeArea",
    "builtin_tables",
    "commune",
    "commune_centroid",
    "communes_for_postcode",
    "country_code",
    "country_group",
    "covid_sector",
    "cpv_check_digit",
    "cpv_contract_type",
    "cpv_division_label",
    "cpv_known",
    "cpv_label",
    "departement_name",
    "departement_region",
    "distance_km",
    "emission_factor",
    "is_commune_code",
    "is_foreign_insee_code",
    "is_region_code",
    "nace_factor",
    "postcode_centroid",
    "postcode_info",
    "region_name",
    "territoire_name",
    "thresholds",
]
