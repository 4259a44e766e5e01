"""Free text (objet, names, criteria) and the folding used to compare labels.

Real exports carry HTML entities (`D&#8217;INFRASTRUCTURES`, `&#8211;` in the Bretagne file),
control characters (stripped by decp-processing too), tabs and line breaks from pasted cells, and
U+FFFD from the AIFE feed, whose text was corrupted upstream for good. We clean what can be cleaned,
keep what cannot (a U+FFFD says "this text is damaged", which `has_mojibake` reports), and never guess.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from procurement.parse.blank import is_blank
from procurement.parse.errors import fail

# Entities need their ";": html.unescape alone also decodes legacy names without one, so
# "Travaux&parasismique" would become "Travaux¶sismique".
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# Tab, line feed, carriage return become spaces; every other C0 character, DEL and the invisible
# zero-width characters (BOM at the start of a CSV cell, ZWSP from web copy-paste) are removed.
_CLEAN = {i: None for i in range(32)} | {9: " ", 10: " ", 13: " ", 127: None}
_CLEAN |= dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))

# UTF-8 bytes decoded as cp1252/latin-1: "Ã©" (é), "Ã¨" (è), "â€™" (’), "Â " (NBSP), "Â°" (°).
_CP1252_TAIL = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019" \
    "\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MOJIBAKE = re.compile(f"\ufffd|Ã[\u00a0-\u00bf{_CP1252_TAIL}]|â€|Â[\u00a0-\u00bf]")


def _number_text(value: float | Decimal) -> str:
    # A code typed 13001 comes back from Excel as 13001.0; the ".0" is an artefact, not the text.
    integral = value == value.to_integral_value() if isinstance(value, Decimal) else value.is_integer()
    return str(int(value)) if integral else str(value)


def cell_text(value: object, code: str) -> str:
    """The text of a non-blank cell of any type a reader may hand us."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    try:
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _number_text(value) if math.isfinite(value) else str(value)
        if isinstance(value, Decimal):
            return _number_text(value) if value.is_finite() else str(value)
    except (ValueError, OverflowError):  # ints beyond Python's 4,300-digit str() limit
        raise fail(code, value) from None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise fail(code, value)


def clean_text(s: str) -> str:
    """Unescape entities, NFC-normalise, drop control characters, collapse whitespace."""
    if "&" in s:
        s = _ENTITY.sub(lambda m: html.unescape(m.group()), s)
    if not s.isascii():
        # A lone surrogate (bytes a reader decoded with "surrogateescape") cannot be written back as
        # UTF-8; it becomes U+FFFD, which has_mojibake reports.
        if _SURROGATE.search(s):
            s = _SURROGATE.sub("\ufffd", s)
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
    if s.isprintable() and "  " not in s and s[:1] != " " and s[-1:] != " ":
        return s  # the common case: nothing to remove or collapse (isprintable is False for NBSP, tabs)
    return " ".join(s.translate(_CLEAN).split())


def parse_text(value: object) -> str | None:
    """Clean text, or None when blank. Numbers are rendered as typed (13001.0 gives "13001")."""
    if is_blank(value):
        return None
    s = clean_text(cell_text(value, "not_text"))
    return None if is_blank(s) else s


def has_mojibake(text: str) -> bool:
    """True when the text holds U+FFFD or UTF-8 read as cp1252 ("Ã©", "â€™"): its accents are lost."""
    return _MOJIBAKE.search(text) is not None


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile("[\u0300-\u036f]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Compare key: no accents, no case, punctuation and spacing reduced to single spaces.

    "Appel d'offres ouvert", "Appel d offres ouvert" and "APPEL D’OFFRES OUVERT" all give
    "appel d offres ouvert". Cached: an enum column repeats a handful of spellings a million times.
    """
    s = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LIGATURES)))
    # Any other non-ASCII character (’, «, NBSP) separates words, like ASCII punctuation does.
    s = s.encode("ascii", "replace").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", s).strip()
