"""Cell-value parsers: every spreadsheet, CSV and DECP JSON value goes through one of these, once.

Each parser takes whatever a reader hands it (str, int, float, Decimal, date, bool, None, lists for
DECP JSON) and returns a typed value, None for "unknown" (blank cells and the NC/MQ/CDL markers), or
raises `ParseError` with a stable code and a French and an English message quoting the value. They
raise nothing else, whatever the input: a bad cell must become a row rejection, never a crash.
"""

from procurement.parse.blank import BLANK_MARKERS, is_blank
from procurement.parse.booleans import parse_bool
from procurement.parse.choices import choice_key, parse_choice, parse_choice_set
from procurement.parse.codes import (
    has_invalid_marker,
    luhn_ok,
    parse_code,
    parse_cpv,
    parse_naf,
    parse_siret,
    siret_checksum_ok,
)
from procurement.parse.countries import EU_COUNTRIES, parse_country
from procurement.parse.dates import parse_date
from procurement.parse.errors import MESSAGES, ParseError
from procurement.parse.numeric import parse_integer, parse_money, parse_number, parse_percent
from procurement.parse.text import has_mojibake, parse_text

__all__ = [
    "BLANK_MARKERS",
    "EU_COUNTRIES",
    "MESSAGES",
    "ParseError",
    "choice_key",
    "has_invalid_marker",
    "has_mojibake",
    "is_blank",
    "luhn_ok",
    "parse_bool",
    "parse_choice",
    "parse_choice_set",
    "parse_code",
    "parse_country",
    "parse_cpv",
    "parse_date",
    "parse_integer",
    "parse_money",
    "parse_naf",
    "parse_number",
    "parse_percent",
    "parse_siret",
    "parse_text",
    "siret_checksum_ok",
]
