"""The CPV 2008 nomenclature (EU Regulation 213/2008), French labels, 9,454 codes.

Why: parsing already reduced a CPV cell to 8 digits; here we answer what that code is (label, check
digit, known or not) and which kind of purchase its division means. The check digit is not a computable
checksum (no Luhn/ISO 7064 variant matches), so it can only be looked up.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Literal

from procurement.reference._files import read_rows

ContractType = Literal["travaux", "fournitures", "services"]


@cache
def _cpv() -> dict[str, tuple[str, str]]:
    """code8 -> (check digit, French label)."""
    return {r[0]: (r[1], r[2]) for r in read_rows("cpv.csv", ("code", "check", "label"))}


def _code8(code: str) -> str:
    """Accept "45233120" and "45233120-6"; anything else is looked up as given (and not found)."""
    text = str(code).strip()
    if len(text) == 10 and text[8] == "-":
        return text[:8]
    return text


def cpv_label(code8: str) -> str | None:
    row = _cpv().get(_code8(code8))
    return row[1] if row else None


def cpv_known(code8: str) -> bool:
    return _code8(code8) in _cpv()


def cpv_check_digit(code8: str) -> str | None:
    row = _cpv().get(_code8(code8))
    return row[0] if row else None


# The 45 divisions' English labels (Regulation (EC) No 213/2008, Annex I, English version): the pages
# in English name a division in English; the French labels are the nomenclature file's (cpv.csv).
DIVISIONS_EN: dict[str, str] = {
    "03": "Agricultural, farming, fishing, forestry and related products",
    "09": "Petroleum products, fuel, electricity and other sources of energy",
    "14": "Mining, basic metals and related products",
    "15": "Food, beverages, tobacco and related products",
    "16": "Agricultural machinery",
    "18": "Clothing, footwear, luggage articles and accessories",
    "19": "Leather and textile fabrics, plastic and rubber materials",
    "22": "Printed matter and related products",
    "24": "Chemical products",
    "30": "Office and computing machinery, equipment and supplies except furniture and software packages",
    "31": "Electrical machinery, apparatus, equipment and consumables; lighting",
    "32": "Radio, television, communication, telecommunication and related equipment",
    "33": "Medical equipments, pharmaceuticals and personal care products",
    "34": "Transport equipment and auxiliary products to transportation",
    "35": "Security, fire-fighting, police and defence equipment",
    "37": "Musical instruments, sport goods, games, toys, handicraft, art materials and accessories",
    "38": "Laboratory, optical and precision equipments (excl. glasses)",
    "39": "Furniture (incl. office furniture), furnishings, domestic appliances (excl. lighting) and cleaning "
          "products",
    "41": "Collected and purified water",
    "42": "Industrial machinery",
    "43": "Machinery for mining, quarrying, construction equipment",
    "44": "Construction structures and materials; auxiliary products to construction (except electric apparatus)",
    "45": "Construction work",
    "48": "Software package and information systems",
    "50": "Repair and maintenance services",
    "51": "Installation services (except software)",
    "55": "Hotel, restaurant and retail trade services",
    "60": "Transport services (excl. Waste transport)",
    "63": "Supporting and auxiliary transport services; travel agencies services",
    "64": "Postal and telecommunications services",
    "65": "Public utilities",
    "66": "Financial and insurance services",
    "70": "Real estate services",
    "71": "Architectural, construction, engineering and inspection services",
    "72": "IT services: consulting, software development, Internet and support",
    "73": "Research and development services and related consultancy services",
    "75": "Administration, defence and social security services",
    "76": "Services related to the oil and gas industry",
    "77": "Agricultural, forestry, horticultural, aquacultural and apicultural services",
    "79": "Business services: law, marketing, consulting, recruitment, printing and security",
    "80": "Education and training services",
    "85": "Health and social work services",
    "90": "Sewage, refuse, cleaning and environmental services",
    "92": "Recreational, cultural and sporting services",
    "98": "Other community, social and personal services",
}


def cpv_division_label(div2: str, lang: str = "fr") -> str | None:
    """Label of a CPV division ("45" -> "Travaux de construction"; "Construction work" in English), None
    for a number that is not a division of the CPV 2008 nomenclature (74, met in an input file)."""
    div = str(div2).strip().zfill(2)
    french = cpv_label(div + "000000")
    if french is None or lang != "en":
        return french
    return DIVISIONS_EN.get(div, french)


def cpv_codes() -> frozenset[str]:
    """All 8-digit codes of the nomenclature."""
    return frozenset(_cpv())


@lru_cache(maxsize=4096)
def cpv_contract_type(code8: str) -> ContractType | None:
    """Works, supplies or services from the division, as decp.info and the DAJ split them.

    45 = travaux; 03-44 and 48 = fournitures; 49-98 = services. None for a division the nomenclature
    does not have (the code is then not a CPV code at all).
    """
    code = _code8(code8)
    div = code[:2]
    if len(code) != 8 or not div.isdigit() or cpv_division_label(div) is None:
        return None
    n = int(div)
    if n == 45:
        return "travaux"
    if 3 <= n <= 44 or n == 48:
        return "fournitures"
    if 49 <= n <= 98:
        return "services"
    return None
