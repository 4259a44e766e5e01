"""French and English typography of the tool's own texts: one set of rules for every page and line.

Why one module: the check page and the summary each had their own `typo`, and they had drifted apart
(a no-break space before « ; » on one page and a narrow one on the other; « (%) » in a column header
respaced on the summary only; a year followed by a number, « 2025 123 », joined as thousands on the
summary only). The rules, as French typesetting has them (Lexique des règles typographiques de
l'Imprimerie nationale): a no-break space before « : » and inside « », a narrow no-break space before
« ; ! ? », before % and € after a number, and between thousands. In English, no space before a colon,
a semicolon, « ! », « ? » or a per cent sign (a French habit that texts written in both languages keep).

Applied to the tool's and the rulebook's texts, never to a value read from a spreadsheet: a buyer's name
is shown as written (the pages mark those as verbatim).
"""

from __future__ import annotations

import re

NBSP, NNBSP = "\u00a0", "\u202f"
# « : ; ! ? » and the closing guillemet, after any spaces, when a space, the end or a closing sign follows:
# times (19:24:47), links (https://) and ratios (1:2) are left alone.
_BEFORE = re.compile(r"[ \u00a0\u202f]*([:;!?»])(?=\s|$|[),.»])")
_AFTER = re.compile(r"«[ \u00a0\u202f]*")
# 25 %, 5 404 000 €; « (%) » in a header is no number's, nor « %20 » in a link (a percent-encoded byte)
_UNIT = re.compile(r"(?<=\d)[ \u00a0\u202f]?(%(?![0-9A-Fa-f]{2})|€)")
# Groups of three digits after one to three, not inside a decimal or a longer number: « 2025 123 » stays two.
_THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)")  # « 1 234 567,89 » whole
_ENGLISH = re.compile(r"[ \u00a0\u202f]+(?=[:;!?](?:\s|$))|(?<=\d)[ \u00a0\u202f]+(?=%)")


def _before(m: re.Match[str]) -> str:
    mark = m.group(1)
    return (NBSP if mark in ":»" else NNBSP) + mark


def typo(text: str, lang: str) -> str:
    """`text` with the spacing of `lang` ('en', else French)."""
    if lang == "en":
        return _ENGLISH.sub("", text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(" ", NNBSP).replace(NBSP, NNBSP), text)
    text = _UNIT.sub(lambda m: NNBSP + m.group(1), text)
    return _AFTER.sub("«" + NBSP, _BEFORE.sub(_before, text))


def colon(lang: str) -> str:
    """The separator between a label and its value."""
    return ": " if lang == "en" else NBSP + ": "
