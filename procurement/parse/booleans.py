"""Yes/no answers: real JSON booleans, DECP XML "oui/non/true/false/0/1", and spreadsheet ticks.

The 2022 fixture has "marcheInnovant": "non" as a string, the Ministry CSV writes "False", the
decp-table-schema writes "oui"/"non", and buyers tick a column with "x". An empty tick cell is
unknown (None), not "no": only an explicit answer can make a rule pass or fail.
"""

from __future__ import annotations

from decimal import Decimal

from procurement.parse.blank import is_blank
from procurement.parse.errors import fail
from procurement.parse.text import fold

_TRUE = frozenset(("true", "vrai", "oui", "yes", "y", "o", "x", "1", "1 0"))
_FALSE = frozenset(("false", "faux", "non", "no", "n", "0", "0 0"))
_TICKS = frozenset("✓✔☑☒✗✘")


def parse_bool(value: object) -> bool | None:
    """True/False, or None when blank. 1/0 numbers are accepted; any other number is an error."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        s = value.strip()
        if is_blank(s):
            return None
        if s in _TICKS:
            return s in "✓✔☑"
        key = fold(s) if len(s) <= 12 else ""
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise fail("not_a_bool", value)
    if is_blank(value):
        return None
    if isinstance(value, int | float | Decimal):
        if value == 1:
            return True
        if value == 0:
            return False
    raise fail("not_a_bool", value)
