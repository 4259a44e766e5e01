"""Numbers, amounts, integers and percentages as French buyers and export tools write them.

The Bretagne spreadsheet writes "14 700,00" with a NBSP thousands separator; Excel in French writes a
narrow NBSP (U+202F); the marches-securises JSON has "30000.00" as a string; decp-processing met
"1.0E17"; buyers add "€" or "EUR HT". We read all of these, and reject anything that could be read two
ways rather than guess.

Separator rule (decided once, here):

* Spaces of any width and apostrophes ("1'234.50", Swiss) only ever group thousands.
* When a comma and a dot both appear, the rightmost one is the decimal separator and the other groups
  thousands: "1.234,56" and "1,234.56" are both 1234.56.
* A single comma is the decimal separator (French convention): "1,234" is 1.234, never 1234.
* A single dot is the decimal separator too: "1.234" is 1.234.
* Except in an amount: there "45.000", "45,000" or "€1,250" (one separator, then exactly three digits,
  after 1-3 digits not starting with 0) is refused as "ambiguous_thousands". Three decimals of a euro
  are never written, thousands are, and reading "45.000" as 45 € judged a 45 000 € purchase by the
  wrong thresholds, silently. So are a distance, a number of hours and emissions (`in_unit`'s fields:
  "1,500" integration hours or "12,000" kgCO2e were read as 1.5 and 12, where an English export or a
  French one grouping by dots meant thousands; "ambiguous_quantity"). A share and a plain
  `parse_number` keep the rule above.
* Several commas, or several dots, group thousands and need valid groups: "1.234.567" is 1234567 but
  "12,34,56" is rejected.
* Thousands groups must be 1-3 digits then exactly 3: "12 34" is two numbers, rejected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from numbers import Real
from typing import TypeVar

from procurement.parse.blank import is_blank
from procurement.parse.errors import ParseError, fail

T = TypeVar("T")

# Every width of space becomes a plain space; the Unicode minus and the dashes Word puts before numbers
# become "-".
_NORMALISE = str.maketrans(
    {
        "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
        "\u205f": " ", "\u3000": " ", "\t": " ",
        "\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2019": "'",
    }
)

# Already-clean numbers ("30000.00", "36", "-12.5"), the bulk of JSON and CSV values: no analysis.
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)
# The French way ("14 700,00", "1 234,5"), the bulk of buyers' spreadsheets: one regex, no analysis.
_FRENCH = re.compile(r"-?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})*(?:,[0-9]+)?|-?[0-9]+,[0-9]+", re.ASCII)

_NUMBER = re.compile(
    r"""
    (?P<sign>[+-]?)\s*
    (?:(?:€|eur)\s*)?
    (?P<mant>[0-9][0-9 .,']*|[.,][0-9]+)
    (?:[eE](?P<exp>[+-]?[0-9]{1,4}))?
    \s*(?:€|eur(?:os?)?)?
    (?:\s*h\.?\s?t\.?)?
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
# The longest text `_NUMBER` and `_PERCENT_SIGN` are tried on. A number written with separators, sign,
# currency and "HT" takes far fewer characters (plain and French numbers of any length never reach them),
# and the regexes' backtracking grows with the cube of a run of spaces: "1" + 2,000 spaces + "x" in one
# amount cell took 11 s, 4,000 about 90 s. Longer text is "not_a_number" at once.
MAX_NUMBER_TEXT = 100
# An amount that reads two ways (see the separator rule): its integer part, separator and three digits.
# No minus: « -45.000 » is refused as a negative amount, whichever way it reads.
_AMBIGUOUS_QUANTITY = re.compile(r"\+?(?P<whole>[1-9][0-9]{0,2})[.,](?P<frac>[0-9]{3})")
_AMBIGUOUS = re.compile(
    r"\+?\s*(?:(?:€|eur)\s*)?(?P<whole>[1-9][0-9]{0,2})(?P<sep>[.,])(?P<frac>[0-9]{3})"
    r"\s*(?:€|eur(?:os?)?)?(?:\s*h\.?\s?t\.?)?",
    re.IGNORECASE,
)
_GROUPS = re.compile(r"[0-9]{1,3}(?:[ '][0-9]{3})*|[0-9]{1,3}(?:\.[0-9]{3})*|[0-9]{1,3}(?:,[0-9]{3})*", re.ASCII)


def _integer_part(part: str) -> str | None:
    """Digits of the integer part, thousands separators removed; None when the grouping is wrong."""
    if part.isdigit() or part == "":
        return part
    if not _GROUPS.fullmatch(part):
        return None
    return part.replace(" ", "").replace("'", "").replace(".", "").replace(",", "")


def _mantissa(m: str) -> str | None:
    """The mantissa as "1234.56", following the separator rule of the module docstring."""
    m = m.rstrip()
    if not m[-1].isdigit():
        return None
    comma, dot = m.rfind(","), m.rfind(".")
    if comma >= 0 and dot >= 0:
        dec = "," if comma > dot else "."
        if m.count(dec) != 1:
            return None
        whole, frac = m.split(dec)
        if ("," if dec == "." else ".") not in whole:  # the other separator must be in the integer part
            return None
    elif comma >= 0 or dot >= 0:
        sep = "," if comma >= 0 else "."
        if m.count(sep) == 1:
            whole, frac = m.split(sep)
        else:
            whole, frac = m, ""
            sep = ""
    else:
        whole, frac = m, ""
    if frac and not (frac.isdigit() and frac.isascii()):
        return None
    digits = _integer_part(whole)
    if digits is None or (digits == "" and not frac):
        return None
    return f"{digits or '0'}.{frac or '0'}"


def _parse_str(s: str, original: object) -> float:
    """A non-blank string to a finite float, or ParseError."""
    t = s.translate(_NORMALISE).strip()
    if _PLAIN.fullmatch(t):
        return float(t)
    if len(t) > MAX_NUMBER_TEXT:
        raise fail("not_a_number", original)
    m = _NUMBER.fullmatch(t)
    mant = _mantissa(m["mant"]) if m else None
    if mant is None:
        raise fail("not_a_number", original)
    x = float(f"{m['sign']}{mant}e{m['exp'] or 0}")
    if not math.isfinite(x):
        raise fail("not_finite", original)
    return x


def _parse(value: object) -> float | None:
    """The finite float a cell holds, None when blank; shared by every numeric parser."""
    if isinstance(value, float):  # the most common cell type from calamine and json
        if math.isfinite(value):
            return value
        if math.isnan(value):
            return None
        raise fail("not_finite", value)
    if isinstance(value, str):
        if _PLAIN.fullmatch(value):
            return float(value)
        if _FRENCH.fullmatch(value):
            return float(value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "."))
        if is_blank(value):
            return None
        return _parse_str(value, value)
    if value is None:
        return None
    if isinstance(value, bool):  # True is an int in Python, but never an amount in a file
        raise fail("not_a_number", value)
    if isinstance(value, int | Decimal | Real):
        if is_blank(value):
            return None
        try:
            x = float(value)
        except (OverflowError, ValueError, TypeError):
            raise fail("not_finite", value) from None
        if not math.isfinite(x):
            raise fail("not_finite", value)
        return x
    raise fail("not_a_number", value)


def parse_number(value: object) -> float | None:
    """A finite float, or None for a blank marker. See the module docstring for the separator rule."""
    return _parse(value)


def _unit(words: str) -> re.Pattern[str]:
    """A unit after a number (« 35 km », « 35km », « 500 heures. »): digits or a separator just before it."""
    return re.compile(rf"(?<=[0-9.,])\s*(?:{words})\.?\s*$", re.IGNORECASE)


# The unit a field's header names (« Distance de livraison (km) », « Heures d'insertion », « Émissions
# déclarées (kgCO2e) », « Durée (mois) »), accepted after a number of that field only, as « € » is after an
# amount and « % » after a share: « 35 km » rejected a whole bid. Never converted: « 12 t » of emissions
# counted in kg, or « 35 km » in an amount column, stay unreadable (tests/test_parse_units.py checks that
# each field's header names its unit).
UNITS: dict[str, re.Pattern[str]] = {
    "delivery_km": _unit(r"km|kms|kilom[eè]tres?|kilometers?"),
    "insertion_hours": _unit(r"h|hrs?|heures?|hours?"),
    "declared_emissions": _unit(r"kg(?:\s*(?:[ée]q\.?\s*)?co[2₂](?:\s*(?:e|[ée]q|equivalent|équivalent))?)?"),
    "duration_months": _unit(r"mois|months?"),
}


def in_unit(field: str, parser: Callable[[object], T]) -> Callable[[object], T]:
    """`parser` for a field of UNITS: the cell's text read without its unit, an error quoting it as typed."""
    unit = UNITS[field]

    def parse(value: object) -> T:
        m = unit.search(value) if isinstance(value, str) and len(value) <= MAX_NUMBER_TEXT else None
        text = value if m is None else value[: m.start()]  # type: ignore[index]
        if (isinstance(text, str) and ("," in text or "." in text)
                and (a := _AMBIGUOUS_QUANTITY.fullmatch(text.translate(_NORMALISE).strip()))):
            raise _ambiguous(value, a["whole"], a["frac"], "ambiguous_quantity")  # type: ignore[arg-type]
        if m is None:
            return parser(value)
        try:
            return parser(text)
        except ParseError as err:
            raise fail(err.code, value) from None
    return parse


# Amounts real DECP data writes for "unknown" (notes §8.1: 0, 99 999 999, 999 999 999; nationally up to
# 99 999 999 999.99, and 1e17 that decp-processing caps). Here, not in the validator, because the DECP
# readers need them too: a modification carrying one must not replace the amount known before it.
PLACEHOLDER_AMOUNTS = frozenset({0.0, 99_999_999.0, 999_999_999.0, 9_999_999_999.0, 99_999_999_999.99})
MAX_PLAUSIBLE_AMOUNT = 10_000_000_000.0


def is_placeholder_amount(x: float) -> bool:
    """True for an amount that stands for "unknown": a placeholder value, or above ten billion euros."""
    return x in PLACEHOLDER_AMOUNTS or x > MAX_PLAUSIBLE_AMOUNT


def parse_money(value: object) -> float | None:
    """An amount in euros, >= 0, rounded to the cent.

    DECP has 59,588 amounts <= 0 nationally; a negative one is a typo or a credit note, never the value
    of a purchase, so it is refused here ("negative_amount"). Zero passes: flagging placeholder amounts
    (0, 99 999 999) is the validator's job, with the context to explain it.
    """
    x = _parse(value)
    if x is None:
        return None
    if 1 <= x < 1000 and isinstance(value, str):  # the bulk of amounts never reach the regex
        m = _AMBIGUOUS.fullmatch(value.translate(_NORMALISE).strip())
        if m:
            raise _ambiguous(value, m["whole"], m["frac"])
    if x < 0:
        raise fail("negative_amount", value)
    return round(x, 2) + 0.0


def _ambiguous(value: str, whole: str, frac: str, code: str = "ambiguous_thousands") -> ParseError:
    """The error for a value that reads as thousands or as three decimals, both readings spelt out."""
    small = f"{whole}.{frac}".rstrip("0").rstrip(".")
    return fail(
        code, value, plain=whole + frac, dotted=f"{whole}.{frac}",
        thousands_fr=f"{whole}\u202f{frac}", thousands_en=f"{whole},{frac}",
        decimal_fr=small.replace(".", ","), decimal_en=small,
    )


def parse_integer(value: object) -> int | None:
    """A whole number: "36", 36.0 (Excel and calamine give floats), "36,0". 36.5 is "not_integer"."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        s = value.strip()
        if s.isascii() and s.isdigit() and len(s) <= 4000:  # int() refuses > 4,300 digits
            return int(s)
    x = _parse(value)
    if x is None:
        return None
    if not x.is_integer():
        raise fail("not_integer", value)
    return int(x)


_PERCENT_SIGN = re.compile(r"\s*(?:%|pour\s*cent|pourcent|pct)\s*$", re.IGNORECASE)


def parse_percent(value: object) -> float | None:
    """A percentage from 0 to 100.

    With a "%" sign the number is the percentage: "25 %" and "0,5 %" are 25 and 0.5. Without one, a
    number from 0 to 1 is a fraction, because Excel percent cells hold 0.25 and DECP's origineFrance and
    tauxAvance are 0-1: 0.25 and "0,5" give 25 and 50, and 1 gives 100. So one percent must be written
    "1 %". Above 1 a bare number is already a percentage ("25" is 25). Outside 0-100: "percent_range".
    The validator warns when the reading could have been the other one (`percent_is_ambiguous`).
    """
    has_sign = False
    if isinstance(value, str):
        text = value.strip()
        m = _PERCENT_SIGN.search(text) if len(text) <= MAX_NUMBER_TEXT else None
        if m:
            has_sign = True
            rest = text[: m.start()]
            if is_blank(rest):
                raise fail("not_a_number", value)
            x = _parse_str(rest, value)
        else:
            x = _parse(value)
    else:
        x = _parse(value)
    if x is None:
        return None
    if not has_sign and 0 <= x <= 1:
        x = round(x * 100, 9)  # 0.07 * 100 is 7.000000000000001
    if not 0 <= x <= 100:
        raise fail("percent_range", value)
    return x + 0.0


def percent_is_ambiguous(value: object) -> bool:
    """True when `parse_percent` read the value as a fraction that may have been meant as a percentage.

    The fraction reading is kept (Excel percent cells hold 0.3 for "30 %"), but two cases can be either:
    exactly 1, whatever its type (100 %, or 1 % typed in a cell that is not a percent cell: the buyer's
    template asks for "0 to 100"), and text from 0 to 1 without a sign ("0,5": 50 %, or 0.5 % with the
    sign forgotten), since a spreadsheet exports a percent cell as "50 %", never as "0,5". A number from a
    spreadsheet or a JSON below 1 is a fraction as written. Never raises: an unreadable value is not ambiguous.
    """
    if isinstance(value, bool):
        return False
    try:
        if isinstance(value, str):
            text = value.strip()
            if len(text) > MAX_NUMBER_TEXT or _PERCENT_SIGN.search(text):
                return False
            x = _parse(value)
            return x is not None and 0 < x <= 1
        x = _parse(value)
    except ParseError:
        return False
    return x == 1
