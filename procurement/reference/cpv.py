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


def cpv_division_label(div2: str) -> str | None:
    """Label of a CPV division ("45" -> "Travaux de construction")."""
    return cpv_label(str(div2).strip().zfill(2) + "000000")


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
