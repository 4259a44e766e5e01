"""What "unknown" looks like in real files.

The DECP pipelines write `NC` (decp-processing), `MQ` (manquant) and `CDL` (conditionnel) for missing
values; pandas and JSON exports leave `NaN`/`null`; buyers type `-`, `N/A` or `ND`. All of them mean
"we do not know", which is not the same as zero or "no": a rule needing the value must report
insufficient data, so every parser turns these markers into None before looking at the value.
A date has one more, its own: the zero date « 00/00/0000 » of ERP exports (parse.dates).
"""

from __future__ import annotations

import math
from decimal import Decimal

BLANK_MARKERS: frozenset[str] = frozenset(
    {"", "NC", "N/C", "MQ", "CDL", "NaN", "nan", "null", "-", "—", "–", "n/a", "N/A", "ND"}
)

# Matching ignores case ("Nc", "NULL", "n/c") and surrounding whitespace, including non-breaking spaces.
_FOLDED: frozenset[str] = frozenset(m.casefold() for m in BLANK_MARKERS)


def is_blank(value: object) -> bool:
    """True for None, empty or whitespace-only text, the markers above, and a NaN number.

    A float NaN is what pandas puts in an empty cell and what Python's json reads from a `NaN` literal
    (decp-processing rewrites those to null), so it is "unknown", not a bad number.
    """
    if value is None:
        return True
    if isinstance(value, str):
        s = value.strip()
        return len(s) <= 4 and s.casefold() in _FOLDED
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False
