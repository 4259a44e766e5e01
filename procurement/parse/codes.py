"""Identifiers: SIRET, CPV, NAF and generic codes (ids, INSEE, postcodes).

Codes are text: leading zeros matter (SIRET 00735020000049, département 04, CPV 03121000), so nothing
here ever goes through int() on a string. The quirks come from §8 of the DECP notes: tabs and spaces
inside SIRETs ("\\t32359288100060", " 77567706500119 "), CPV codes that lost a leading zero in a
spreadsheet ("9310000"), lost their dash ("031210005") or gained spaces ("66516 000"), and the
Ministry's "INX " prefix, which marks a value its pipeline found invalid. We strip "INX " so the value
stays usable; `has_invalid_marker` tells the validator to warn about it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from procurement.parse.blank import is_blank
from procurement.parse.errors import fail
from procurement.parse.text import clean_text

_INX = "INX "
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)) | {i: None for i in range(32)}
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-"})


def has_invalid_marker(value: object) -> bool:
    """True when the Ministry's "DECP augmenté" export flagged the value ("INX 67151000-0")."""
    return isinstance(value, str) and value.lstrip().startswith(_INX)


def _unmark(s: str) -> str:
    s = s.strip()
    return s[len(_INX):] if s.startswith(_INX) else s


def _number_digits(value: object, code: str) -> str | None:
    """The digits of an integral number cell (int, float, Decimal); None when it is not one."""
    if isinstance(value, bool):
        raise fail(code, value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float | Decimal):
        try:
            if not (value == value.to_integral_value() if isinstance(value, Decimal) else value.is_integer()):
                return None
            n = int(value)
        except (ValueError, OverflowError, InvalidOperation):
            raise fail(code, value) from None
    else:
        return None
    if n < 0 or n >= 10**30:  # no code is this long; also avoids str() on a 5,000-digit int
        raise fail(code, value)
    return str(n)


# ---------------------------------------------------------------------------------------------- code


def parse_code(value: object) -> str | None:
    """An identifier with every whitespace removed ("2023 AOVOI40 L1" -> "2023AOVOI40L1").

    A number cell is rendered without ".0" (a postcode read by calamine as 13001.0). A leading zero
    already lost by the spreadsheet (4000 for "04000") cannot be recovered here; the reader or the
    reference lookup must deal with it.
    """
    if isinstance(value, str):
        s = value if value.isascii() and value.isalnum() else "".join(clean_text(_unmark(value)).split())
        return None if is_blank(s) else s
    if is_blank(value):
        return None
    if isinstance(value, dt.date):  # Excel turned "2024-01" or "1-2" into a date; the code is lost
        raise fail("code_is_date", value)
    digits = _number_digits(value, "not_a_code")
    if digits is not None:
        return digits
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    raise fail("not_a_code", value)


# --------------------------------------------------------------------------------------------- SIRET

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_SIRET_SEPARATORS = re.compile(r"[\s.\-_/\u00a0\u202f]+")
_SCIENTIFIC = re.compile(r"([0-9])[.,]([0-9]+)[eE]\+?([0-9]{1,2})", re.ASCII)
_TRAILING_ZERO_DECIMAL = re.compile(r"([0-9]{13,14})[.,]0+", re.ASCII)
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum (SIREN, SIRET). False for an empty string or any non-digit character."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    double = False
    for ch in reversed(digits):
        d = ord(ch) - 48
        total += _DOUBLED[d] if double else d
        double = not double
    return total % 10 == 0


@lru_cache(maxsize=16384)
def siret_checksum_ok(siret: str) -> bool:
    """Luhn, except La Poste (SIREN 356000000), whose establishments have a digit sum multiple of 5.

    The La Poste head office (35600000000048) passes Luhn, not the mod-5 rule, so both are accepted.
    """
    if luhn_ok(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(ord(c) - 48 for c in siret) % 5 == 0


@lru_cache(maxsize=16384)  # suppliers recur across rows; so does their SIRET
def _siret_from_text(s: str, raw: object) -> str:
    if len(s) == 14 and s.isascii() and s.isdigit():
        return s
    s = _unmark(s)
    m = _TRAILING_ZERO_DECIMAL.fullmatch(s)  # "32359288100060.0": a CSV written from a float column
    if m:
        return m.group(1).zfill(14)
    m = _SCIENTIFIC.fullmatch(s)
    if m:
        # Excel/pandas "3.2359288100060e13" keeps every digit; "3,23593E+13" has lost eight of them.
        mantissa = m.group(1) + m.group(2)
        exponent = int(m.group(3))
        if len(mantissa.rstrip("0")) <= exponent + 1 and len(mantissa) >= 13 and exponent in (12, 13):
            return (mantissa + "0" * (exponent + 1 - len(mantissa))).zfill(14)
        raise fail("siret_format", raw,
                    hint_fr=" ; il est écrit en notation scientifique et des chiffres ont été perdus : "
                            "mettez la colonne au format Texte et ressaisissez-le",
                    hint_en="; it is written in scientific notation and digits were lost: format the "
                            "column as Text and re-enter it")
    digits = _SIRET_SEPARATORS.sub("", s).translate(_INVISIBLE)
    if not (digits.isascii() and digits.isdigit()):
        raise fail("siret_format", raw)
    return digits


def parse_siret(value: object) -> tuple[str, bool] | None:
    """(14-digit SIRET, checksum_ok), or None when blank.

    Spaces, tabs, dots and dashes are removed ("\\t32359288100060", "775 677 065 00119"). A number cell
    (3.2359288100060e13 in Excel) with 13 digits lost its leading zero and is padded; a text with 13
    digits is refused, since text keeps its zeros. A wrong checksum is returned, not raised: 137 real
    titulaire SIRETs fail Luhn, and the row should be flagged, not dropped.
    """
    if isinstance(value, str):
        if is_blank(value):
            return None
        siret = _siret_from_text(value, value)
    elif is_blank(value):
        return None
    else:
        if isinstance(value, float) and not math.isfinite(value):
            raise fail("siret_format", value)
        digits = _number_digits(value, "siret_format")
        if digits is None:
            raise fail("siret_format", value)
        siret = digits.zfill(14) if len(digits) == 13 else digits
    if len(siret) != 14:
        hint_fr = hint_en = ""
        if len(siret) == 9:
            hint_fr = " ; cela ressemble à un SIREN (9 chiffres) : ajoutez les 5 chiffres de l'établissement (NIC)"
            hint_en = "; it looks like a SIREN (9 digits): add the 5 digits of the establishment (NIC)"
        elif len(siret) == 13:
            hint_fr = " ; un zéro initial a peut-être été perdu : mettez la colonne au format Texte"
            hint_en = "; a leading zero may have been lost: format the column as Text"
        raise fail("siret_length", value, count=len(siret), hint_fr=hint_fr, hint_en=hint_en)
    return siret, siret_checksum_ok(siret)


# ----------------------------------------------------------------------------------------------- CPV

_CPV = re.compile(r"([0-9]{7,8})(?:-([0-9]))?", re.ASCII)
_CPV_NINE = re.compile(r"[0-9]{9}", re.ASCII)
_CPV_FLOAT_TEXT = re.compile(r"([0-9]{7,9})\.0+", re.ASCII)
# "45112500-9 Travaux de fouille": a code copied with its label from the CPV list.
_CPV_LABELLED = re.compile(r"([0-9]{8})(?:\s*-\s*([0-9]))?(?:\s*[-:]\s*|\s+)[^\W\d_]{2}", re.DOTALL)


# The first digit of a 7-digit code whose leading zero a spreadsheet dropped: the only CPV divisions
# that start with 0 are 03 (agriculture) and 09 (petroleum products, energy).
_ZERO_DIVISIONS = frozenset("39")


def _seven(digits: str, raw: object) -> str:
    """The 8-digit code of 7 digits: "9310000" is 09310000 (notes §8.1: 95 real codes lost their leading 0).

    A code starting with another digit did not lose a leading zero (there is no division 01, 02, 04...):
    padding it gave a code that cannot exist ("4511250" -> 04511250), reported as merely unknown. A
    digit is missing somewhere, and which one cannot be told (45112500? 45111250?), so it is "cpv_short".
    """
    if digits[0] in _ZERO_DIVISIONS:
        return "0" + digits
    raise fail("cpv_short", raw)


def _cpv_digits(digits: str, raw: object) -> tuple[str, str | None]:
    if len(digits) == 7:  # a spreadsheet dropped the leading zero of 09310000
        return _seven(digits, raw), None
    if len(digits) == 8:
        return digits, None
    if len(digits) == 9:  # "031210005": the dash before the check digit was lost
        return digits[:8], digits[8]
    raise fail("cpv_format", raw)


_SEVEN = re.compile(r"([0-9]{7})(?:-[0-9]|\.0+)?", re.ASCII)


def cpv_written_seven(value: object) -> str | None:
    """The 7 digits as written when `parse_cpv` restored a leading zero ("9310000" -> "9310000"), else
    None: the validator names them when the restored code is not in the nomenclature."""
    if isinstance(value, str):
        m = _SEVEN.fullmatch("".join(_unmark(value).translate(_DASHES).split()))
        return m.group(1) if m else None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            digits = _number_digits(value, "cpv_format")
        except ValueError:  # ParseError: not a code at all
            return None
        return digits if digits is not None and len(digits) == 7 else None
    return None


def parse_cpv(value: object) -> tuple[str, str | None] | None:
    """(8-digit CPV code, check digit or None), or None when blank.

    The check digit is returned as written, not verified: DECP makes it optional and the reference list
    lookup is what tells a real code from a typo. Seven digits are a leading zero lost by a spreadsheet
    when they start with 3 or 9 (divisions 03 and 09), and "cpv_short" otherwise (see `_seven`).
    """
    if isinstance(value, str):
        return _cpv_from_text(value)
    if is_blank(value):
        return None
    if isinstance(value, dt.date):
        raise fail("cpv_format", value)
    digits = _number_digits(value, "cpv_format")
    if digits is None:
        raise fail("cpv_format", value)
    return _cpv_digits(digits, value)


@lru_cache(maxsize=16384)  # a file uses a few hundred distinct CPV codes
def _cpv_from_text(value: str) -> tuple[str, str | None] | None:
    s = _unmark(value).translate(_DASHES)
    if is_blank(s):
        return None
    compact = "".join(s.split())
    if m := _CPV.fullmatch(compact):
        digits = m.group(1)
        return (digits if len(digits) == 8 else _seven(digits, value)), m.group(2)
    if _CPV_NINE.fullmatch(compact):
        return compact[:8], compact[8]
    if m := _CPV_FLOAT_TEXT.fullmatch(compact):
        return _cpv_digits(m.group(1), value)
    if m := _CPV_LABELLED.match(s):
        return m.group(1), m.group(2)
    raise fail("cpv_format", value)


# ----------------------------------------------------------------------------------------------- NAF

_NAF = re.compile(r"([0-9]{4})([A-Z]?)", re.ASCII)


def parse_naf(value: object) -> str | None:
    """NAF rev. 2 code as "5610A" (4 digits + letter), or "5610" when the letter is missing.

    Accepts "56.10A", "5610 a", "56.10Z". A number cell comes from a spreadsheet that read "56.10" as
    56.1 or "01.11" as 1.11, so 56.1 is read back as "5610" and 1.11 as "0111".
    """
    if isinstance(value, str):
        s = _unmark(value)
        if is_blank(s):
            return None
        compact = "".join(s.split()).replace(".", "").upper()
        if m := _NAF.fullmatch(compact):
            return m.group(1) + m.group(2)
        raise fail("naf_format", value)
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 9999:
            return str(value).zfill(4)
        raise fail("naf_format", value)
    if isinstance(value, float | Decimal) and 0 <= value < 100:
        text = f"{value:.2f}"
        if abs(float(text) - float(value)) < 1e-9:
            whole, frac = text.split(".")
            return whole.zfill(2) + frac
    raise fail("naf_format", value)
