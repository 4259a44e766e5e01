"""What a place-of-performance code says: its type, the commune, département or country it names, and
whether the place is in the Métropole.

Why apart from `enrich`: reading a place code is a decision of its own, with warnings of its own. The
declared type is used when the code fits it, else the type is guessed (DECP files often say « Code
département » for 50129 or « Code commune » for the postcode 13270): « 99xxx » is a country, a 5-character
code of the COG a commune (a code that is both an INSEE code and a postcode, like 13001, is read as the
commune, and `ambiguous_place` says so), another 5-digit code a known postcode, 2-3 characters a
département. A code declared of one kind that is neither, or only once its lost zero is put back, leaves
the place unknown (`place_not_of_type`). place_in_amp is True/False only when it is certain: a département
13, 83 or 84 alone, or région 93, gives None since only part of it is in the Métropole.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from procurement.model import Warning_
from procurement.reference import countries, geo

AMP_DEPARTEMENTS = frozenset({"13", "83", "84"})  # départements holding AMP communes
AMP_REGION = "93"
FIVE_DIGITS = ("commune", "postcode")  # the two kinds of five-digit code, each often taken for the other
_FIVE = re.compile(r"[0-9AB]{5}")  # INSEE commune codes include Corsica's 2A/2B
_DIGITS5 = re.compile(r"[0-9]{5}")
_ISO2 = re.compile(r"[A-Z]{2}")

Point = tuple[float, float]
Found = tuple[dict[str, Any], dict[str, str], Point | None, str | None]  # values, origins, point, point kind
Placed = tuple[dict[str, Any], dict[str, str], Point | None, str | None, tuple[Warning_, ...]]  # and warnings


def _fits(code: str, kind: str) -> bool:
    if kind == "commune":
        return bool(_FIVE.fullmatch(code)) and geo.is_commune_code(code)
    if kind == "postcode":
        return bool(_DIGITS5.fullmatch(code)) and geo.postcode_info(code) is not None
    if kind == "departement":
        return len(code) <= 3 and geo.departement_region(code) is not None
    if kind == "region":
        return len(code) <= 3 and geo.is_region_code(code)
    if kind == "country":
        return countries.is_foreign_insee_code(code) or code == "99100" or countries.country_code(code) is not None
    return False


def place_kind(code: str, declared: str | None, padded: bool = False) -> str | None:
    """The type of a place code: the declared one when the code fits it, else a guess, else None.

    A code declared a postcode (or a commune code) that is not one is re-read as the other (notes §8.6:
    « Code commune » 13270 is Fos-sur-Mer's postcode), unless it is `padded` (a zero put back, 1116 as
    01116): then it was neither, and essential data's « Code postal » 1116 (Grenoble's 38000 in its name)
    read as Contrevoz, in the Ain, without a word (DECP review; `place_not_of_type`)."""
    if declared and _fits(code, declared):
        return declared
    if code.startswith("99") and len(code) == 5:
        return "country" if _fits(code, "country") else None
    for kind in ("commune", "postcode"):
        if len(code) == 5 and not (padded and declared in FIVE_DIGITS) and _fits(code, kind):
            return kind
    if 2 <= len(code) <= 3 and _fits(code, "departement"):
        return "departement"
    if _ISO2.fullmatch(code) and _fits(code, "country"):
        return "country"
    return None


def _place_code(typed: str) -> str:
    """The code as read: upper case, a zero lost to a spreadsheet put back (6088); `typed` without spaces."""
    code = typed.upper()
    return "0" + code if code.isdigit() and len(code) in (1, 4) else code


@cache
def place(raw_code: str | None, declared: str | None) -> Placed:
    """What a place code says (values, origins, centroid, type), and the warnings it calls for."""
    if not raw_code:
        return {}, {}, None, None, ()
    typed = "".join(raw_code.split())
    code = _place_code(typed)
    kind = place_kind(code, declared, padded=len(code) > len(typed))
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    point: Point | None = None
    if kind == "commune":
        c = geo.commune(code)
        assert c is not None
        values = {"place_commune": c.code, "place_departement": c.departement, "place_in_amp": c.in_amp}
        origins = dict.fromkeys(values, "reference:commune")
        point = geo.commune_centroid(code)
    elif kind == "postcode":
        area = geo.postcode_info(code)
        assert area is not None
        values = {
            "place_commune": area.communes[0] if len(area.communes) == 1 else None,
            "place_departement": area.departement,
            "place_in_amp": area.in_amp,
        }
        values = {k: v for k, v in values.items() if v is not None}
        origins = dict.fromkeys(values, "reference:postcode")
        point = (area.lat, area.lon)
    elif kind == "departement":
        dep = geo.normalize_code(code, width=2)
        values = {"place_departement": dep}
        origins = {"place_departement": "order"}
        if dep not in AMP_DEPARTEMENTS:
            values["place_in_amp"] = False
            origins["place_in_amp"] = "reference:departement"
    elif kind == "region":
        if geo.normalize_code(code, width=2) != AMP_REGION:
            values, origins = {"place_in_amp": False}, {"place_in_amp": "reference:region"}
    elif kind == "country":
        france = countries.country_group(countries.country_code(code) or "") == "fr"
        if not france:
            values, origins = {"place_in_amp": False}, {"place_in_amp": "reference:country"}
    if kind is not None and kind != declared:
        origins["place_type"] = f"guessed:{kind}"
    return values, origins, point, kind, _warnings(code, typed, declared, kind)


def _warnings(code: str, typed: str, declared: str | None, kind: str | None) -> tuple[Warning_, ...]:
    if kind is None and declared in FIVE_DIGITS:
        return (place_not_of_type(typed, declared),)  # type: ignore[arg-type]
    if kind is not None and kind != declared:
        warning = ambiguous_place(code, kind)
        return () if warning is None else (warning,)
    return ()


def _amp_words(in_amp: bool | None) -> tuple[str, str]:
    if in_amp is None:
        return "en partie dans la Métropole", "partly in the Metropolis"
    return ("dans la Métropole", "in the Metropolis") if in_amp else ("hors Métropole", "outside the Metropolis")


def _of(name: str) -> str:
    """« de Marseille », « d'Aix-en-Provence », « d'Eyguières »: French elides « de » before a vowel or a
    mute h (« du » before « Le » is left as written: « de Le Rove » is rare and still understood)."""
    return f"d'{name}" if name[:1].casefold() in "aeiouyhàâäéèêëîïôöùûüœæ" and name else f"de {name}"


@cache
def ambiguous_place(code: str, kind: str) -> Warning_ | None:
    """The warning for a place code read as `kind` by guess when it is also a code of the other kind for
    another place: half the French postcodes are also the INSEE code of another commune (13004 is
    Marseille 4e as a postcode, Arles as a commune code). The guess stands (a file of INSEE codes must
    not change meaning), but the user is told both readings and how to state the type."""
    if kind not in FIVE_DIGITS or not (_fits(code, "commune") and _fits(code, "postcode")):
        return None
    commune, area = geo.commune(code), geo.postcode_info(code)
    if commune is None or area is None or area.communes == (commune.code,):
        return None
    served = ", ".join(c.name for c in map(geo.commune, area.communes[:3]) if c is not None)
    served += ", …" if len(area.communes) > 3 else ""
    c_fr, c_en = _amp_words(commune.in_amp)
    p_fr, p_en = _amp_words(area.in_amp)
    as_commune_fr, as_commune_en = f"code INSEE {_of(commune.name)} ({c_fr})", f"INSEE code of {commune.name} ({c_en})"
    as_post_fr, as_post_en = f"code postal {_of(served)} ({p_fr})", f"postcode of {served} ({p_en})"
    read_fr, other_fr = (as_commune_fr, as_post_fr) if kind == "commune" else (as_post_fr, as_commune_fr)
    read_en, other_en = (as_commune_en, as_post_en) if kind == "commune" else (as_post_en, as_commune_en)
    return Warning_(
        code="ambiguous_place", field="place_code", value=code,
        message_fr=f"code de lieu {code} sans type : lu comme {read_fr} ; ce peut aussi être le {other_fr}. "
                   "Précisez le type (colonne « Type de code du lieu » : commune ou code postal), ou nommez la "
                   "colonne « Code postal du lieu d'exécution » ou « Code INSEE du lieu d'exécution »",
        message_en=f"place code {code} without a type: read as the {read_en}; it may also be the {other_en}. "
                   "State the type (a “Place code type” column: commune or postcode), or name the column "
                   "“Place postcode” or “Place INSEE code”",
    )


@cache
def place_not_of_type(code: str, declared: str) -> Warning_:
    """A code declared a postcode (or an INSEE commune code) that is none: the place is left unknown."""
    fr, en = ("code postal", "postcode") if declared == "postcode" else ("code INSEE de commune", "INSEE commune code")
    return Warning_(
        code="place_not_of_type", field="place_code", value=code,
        message_fr=f"code de lieu {code} donné comme {fr} : il n'en est pas un ; le lieu d'exécution reste "
                   "inconnu (corrigez le code ou son type)",
        message_en=f"place code {code} given as a {en}: it is none; the place of performance stays unknown "
                   "(correct the code or its type)",
    )
