"""Countries: ISO 3166 codes, French and English names, EU membership.

Why: the supplier band needs "France / other EU / outside EU" from whatever a file holds in its country
column ("FR", "France", "ALLEMAGNE", "Royaume-Uni", "99134"). An unrecognised value stays unknown:
guessing "outside the EU" for a typo would turn missing data into a finding. French overseas
départements and collectivities (GP, RE, NC...) count as France: a supplier there is in France.
Codes and English names: OCDS codelist country.csv (ISO 3166-1 alpha-2, Apache-2.0).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from procurement.reference._files import read_rows

# Codes people write that are not the ISO alpha-2 code of the country they mean.
_ALIASES = {"EL": "GR", "UK": "GB", "FRA": "FR", "FX": "FR"}
_INSEE_FRANCE = "99100"  # INSEE COG code of France in the "pays" table (99xxx = countries)
_INSEE_COUNTRY = re.compile(r"99[0-9]{3}")


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", s).split())


@cache
def _countries() -> dict[str, str]:
    """ISO code -> group ("fr", "eu" or "other")."""
    return {r[0]: r[3] for r in read_rows("countries.csv", ("code", "name_en", "name_fr", "group"))}


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name_en, name_fr, _ in read_rows("countries.csv", ("code", "name_en", "name_fr", "group")):
        for name in (name_en, name_fr):
            if name:
                names.setdefault(_fold(name), code)
    return names


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a value designates, or None when it is not recognised.

    INSEE country codes (99xxx) are only understood for France (99100): other 99xxx codes say "abroad"
    but we have no table to tell which country, see `is_foreign_insee_code`.
    """
    folded = _fold(str(text))
    if not folded:
        return None
    if folded == _INSEE_FRANCE:
        return "FR"
    code = _ALIASES.get(folded, folded)
    if len(code) == 2 and code in _countries():
        return code
    return _names().get(folded)


def is_foreign_insee_code(text: str) -> bool:
    """True for an INSEE "pays" code other than France's (DECP lieuExecution "Code pays", e.g. 99134)."""
    code = str(text).strip()
    return bool(_INSEE_COUNTRY.fullmatch(code)) and code != _INSEE_FRANCE


def country_group(code: str) -> str | None:
    """The group of an ISO code: "fr" (France, overseas included), "eu" (another member state), "other"."""
    return _countries().get(code)


def eu_member_codes() -> frozenset[str]:
    """ISO codes of the 27 EU member states (France included)."""
    return frozenset(c for c, g in _countries().items() if g == "eu") | {"FR"}
