"""Dates as Excel, DECP producers and French buyers write them.

Excel hands us serial numbers (1900 system, with Lotus's 29 February 1900 that never existed); the
2019 DECP files carry timezones ("2019-01-24+01:00", 1,321 of them); the Bretagne spreadsheet writes
"31/12/2021"; decp-processing keeps a table of verbose dates ("September, 16 2021 00:00:00") and of
typing accidents ("0218-05-01", "5021-02-18"). A date is always read day first, as in France:
"1/2/2025" is 1 February, and a US "12/31/2025" is refused rather than swapped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache
from numbers import Real

from procurement.parse.blank import is_blank
from procurement.parse.errors import fail
from procurement.parse.text import fold

MIN_YEAR = 1990
MAX_YEAR = 2100

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 61 is 1900-03-01 = epoch + 61 days
_EXCEL_MAX = 2958465  # 9999-12-31

_TIME = r"(?:[T ]\s*[0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)?"
_ZONE = r"(?:\s*(?:Z|UTC|[+-][0-9]{2}(?::?[0-9]{2})?))?"
_ISO = re.compile(rf"([0-9]{{4}})([-/.])([0-9]{{1,2}})\2([0-9]{{1,2}}){_TIME}{_ZONE}", re.ASCII)
_DMY = re.compile(rf"([0-9]{{1,2}})([-/.])([0-9]{{1,2}})\2([0-9]{{4}}|[0-9]{{2}}){_TIME}{_ZONE}", re.ASCII)
# The "no date" of ERP and database exports: « 00/00/0000 », « 00/00/00 », MySQL's « 0000-00-00 » (with
# its « 00:00:00 »). Unknown, as « NC » is: refused as a date, it cost the whole row.
_NO_DATE = re.compile(rf"(?:00?([-/.])00?\1(?:0000|00)|0000([-/.])00?(?:\2)00?){_TIME}{_ZONE}", re.ASCII)
_SERIAL = re.compile(r"[0-9]{1,8}(?:[.,][0-9]+)?", re.ASCII)
_CLOCK = re.compile(r"\b[0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2})?\b")

_MONTHS = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "feb", "february"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "apr", "april"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "jun", "june"), 6),
    **dict.fromkeys(("juillet", "juil", "jul", "july"), 7),
    **dict.fromkeys(("aout", "aou", "aug", "august"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
# Words around a verbose date that carry no information: weekdays, "le", "1er", "the 16th of".
_FILLER = frozenset(
    {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday", "tuesday",
     "wednesday", "thursday", "friday", "saturday", "sunday", "le", "the", "of", "er", "e", "st", "nd",
     "rd", "th", "a"}
)
_DAY_TOKEN = re.compile(r"([0-9]{1,2})(?:er|e|st|nd|rd|th)?", re.ASCII)


def _make(year: int, month: int, day: int, raw: object) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        if 1 <= month <= 12 and 1 <= day <= 31:
            raise fail("implausible_date", raw, year=f"{year:04d}")
        raise fail("bad_date", raw)
    try:
        return dt.date(year, month, day)
    except ValueError:
        if 1 <= month <= 12 and 1 <= day <= 31:  # 31/02, 31/04, 29/02 of a common year: a day slip
            raise fail("impossible_date", raw, day_only=day) from None
        raise fail("bad_date", raw) from None


def _checked(d: dt.date, raw: object) -> dt.date:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise fail("implausible_date", raw, year=f"{d.year:04d}")
    return d


def _from_serial(x: float, raw: object) -> dt.date:
    """Excel 1900 date system. The fraction is the time of day, ignored."""
    if not 1 <= x < _EXCEL_MAX + 1:
        # An 8-digit number may be a basic ISO date, 20251231, as some ERP exports write it.
        if x.is_integer() and 10_000_000 <= x <= 99_999_999:
            n = int(x)
            return _make(n // 10000, n // 100 % 100, n % 100, raw)
        raise fail("bad_date", raw)
    n = int(x)
    if MIN_YEAR <= n <= MAX_YEAR and x == n:  # "2021" alone is a year, not serial 2021 (1905-07-13)
        raise fail("bad_date", raw)
    if n == 60:  # 1900-02-29, which Excel invented for Lotus 1-2-3 compatibility
        raise fail("bad_date", raw)
    if n < 60:
        n += 1
    return _checked(_EXCEL_EPOCH + dt.timedelta(days=n), raw)


def _verbose(s: str, raw: object) -> dt.date | None:
    """'16 septembre 2021', '1er mars 2024', 'mardi 5 mars 2024', 'September, 16 2021 00:00:00'."""
    tokens = [t for t in fold(_CLOCK.sub(" ", s)).split() if t not in _FILLER]
    if len(tokens) != 3:
        return None
    day = month = year = None
    for t in tokens:
        if t in _MONTHS and month is None:
            month = _MONTHS[t]
        elif len(t) == 4 and t.isdigit() and year is None:
            year = int(t)
        elif (m := _DAY_TOKEN.fullmatch(t)) and day is None:
            day = int(m.group(1))
        else:
            return None
    if day is None or month is None or year is None:
        return None
    return _make(year, month, day, raw)


@lru_cache(maxsize=16384)  # a file holds few distinct dates, each repeated on many rows
def _parse_str(s: str, raw: object) -> dt.date | None:
    if s[0] == "0" and _NO_DATE.fullmatch(s):
        return None
    if _SERIAL.fullmatch(s):
        return _from_serial(float(s.replace(",", ".")), raw)
    if m := _ISO.fullmatch(s):
        return _make(int(m[1]), int(m[3]), int(m[4]), raw)
    if m := _DMY.fullmatch(s):
        year = m[4]
        return _make(int(year) + 2000 if len(year) == 2 else int(year), int(m[3]), int(m[1]), raw)
    if len(s) <= 60 and (d := _verbose(s, raw)) is not None:
        return d
    raise fail("bad_date", raw)


def parse_date(value: object) -> dt.date | None:
    """A date between 1990 and 2100, or None when blank or the zero date (« 00/00/0000 », « 0000-00-00 »).

    Accepts date and datetime objects, Excel serial numbers (as numbers or digit strings: "45658" is
    2025-01-01), ISO dates with or without time and timezone (the timezone is dropped: the date is the
    one the producer wrote), dd/mm/yyyy with "/", "-" or ".", two-digit years (20yy), and verbose
    French or English dates. A day its month does not have (31/02/2025, 31/09/2026, 29/02/2025) is
    "impossible_date" and a year outside 1990-2100 ("0218-05-01", "5021-02-18") "implausible_date": typing
    slips in a date that is otherwise a date, which the validator sets aside with a warning, keeping the
    row; anything else ("32/13/2025", "demain") is "bad_date", which rejects the row (but in
    publication_date).
    """
    if isinstance(value, dt.datetime):
        return _checked(value.date(), value)
    if isinstance(value, dt.date):
        return _checked(value, value)
    if isinstance(value, str):
        s = value.strip()
        if is_blank(s):
            return None
        return _parse_str(s, value)
    if value is None or is_blank(value):
        return None
    if isinstance(value, bool):
        raise fail("bad_date", value)
    if isinstance(value, int | float | Decimal | Real):
        try:
            x = float(value)
        except (OverflowError, ValueError, TypeError):
            raise fail("bad_date", value) from None
        if not math.isfinite(x):
            raise fail("bad_date", value)
        return _from_serial(x, value)
    raise fail("bad_date", value)
