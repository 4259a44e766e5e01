"""NAF codes of the sectors hardest hit by Covid (fonds de solidarité lists S1, S1 bis, S2).

Why: AMP's chantier 1 reports purchases from "secteurs durement touchés". This is an informational tag
about the supplier, never an award criterion (that would be unrelated to the contract and
discriminatory). The NAF mapping of the décret 2020-371 annexes is Signaux Faibles' approximation:
"s1Possible"/"s1bisPossible" mean only part of the NAF code's activities are on the list.
"""

from __future__ import annotations

from functools import cache

from procurement.reference._files import read_rows

LISTS = ("s1", "s1Possible", "s1bis", "s1bisPossible", "s2")


@cache
def _naf() -> dict[str, str]:
    return {r[0]: r[1] for r in read_rows("naf_covid.csv", ("naf", "list"))}


def normalize_naf(naf: str) -> str:
    """Fold "56.10A" or "56 10 a" to "5610A" (INSEE NAF rév. 2 sub-class, no punctuation)."""
    return "".join(ch for ch in str(naf).upper() if ch.isalnum())


def covid_sector(naf: str) -> str | None:
    """The list a NAF code belongs to ("s1", "s1Possible", "s1bis", "s1bisPossible", "s2"), or None."""
    return _naf().get(normalize_naf(naf))


def naf_codes(list_name: str) -> frozenset[str]:
    """The NAF codes of one list."""
    if list_name not in LISTS:
        raise ValueError(f"unknown Covid sector list {list_name!r}; expected one of {LISTS}")
    return frozenset(code for code, name in _naf().items() if name == list_name)
