"""Enumerated fields: nature, procedure, place type, supplier size and status, considerations.

Real files spell one value many ways ("MARCHE", "Marché", "marché public"; the v1.4 procedure labels
still used in 2024; "['Clause sociale', 'Critère social']" in the Ministry's CSV). Every spelling is
folded (`choice_key`) and looked up in the tables of `_labels.py`; anything else is an error whose
message lists the accepted values, so the buyer can fix the cell instead of losing the row silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from procurement.fields import FIELDS, Kind
from procurement.parse._labels import (
    LABELS,
    PLACE_TYPE_UNSUPPORTED,
    SUPPLIER_STATUS_DASHES,
    Labels,
)
from procurement.parse.blank import is_blank
from procurement.parse.errors import ParseError, fail
from procurement.parse.text import cell_text, fold

_UNSUPPORTED = "\x00unsupported"
_UNKNOWN = "\x00unknown"
_PARENTHESES = re.compile(r"\(([^()]*)\)")


def choice_key(text: str) -> str:
    """fold() and drop a final plural "s" of words over 3 letters ("Accords-cadres" = "Accord-cadre")."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] == "s" else w for w in fold(text).split())


@dataclass(frozen=True, slots=True)
class _Table:
    kind: Kind
    field_fr: str
    field_en: str
    labels: Labels
    index: dict[str, str]
    exact: dict[str, str]


def _build(field_name: str, kind: Kind, fr: str, en: str, choices: tuple[str, ...]) -> _Table:
    labels = LABELS.get(field_name) or {code: (code, code, ()) for code in choices}
    index: dict[str, str] = {}
    for code, (label_fr, label_en, others) in labels.items():
        for label in (code, label_fr, label_en, *others):
            key = choice_key(label)
            if index.setdefault(key, code) != code:
                raise RuntimeError(f"{field_name}: label {label!r} maps to two codes")
    exact: dict[str, str] = {}
    if field_name == "place_type":
        for label in PLACE_TYPE_UNSUPPORTED:
            index[choice_key(label)] = _UNSUPPORTED
    if field_name == "supplier_status":
        exact = dict.fromkeys(SUPPLIER_STATUS_DASHES, "none")
    return _Table(kind, fr, en, labels, index, exact)


_TABLES: dict[str, _Table] = {
    f.name: _build(f.name, f.kind, f.fr, f.en, f.choices) for f in FIELDS if f.kind in (Kind.ENUM, Kind.ENUM_SET)
}


def _table(field_name: str, kind: Kind) -> _Table:
    """The table of a field; KeyError for a name that is not an enumerated field (a bug, not data)."""
    table = _TABLES.get(field_name)
    if table is None or table.kind is not kind:
        raise KeyError(f"{field_name!r} is not a field of kind {kind.value!r}")
    return table


@lru_cache(maxsize=4096)
def _resolve(field_name: str, text: str) -> str | None:
    index = _TABLES[field_name].index
    code = index.get(choice_key(text))
    if code is None and "(" in text:
        # "Procédure adaptée (MAPA)": try the words outside, then inside, the parentheses.
        code = index.get(choice_key(_PARENTHESES.sub(" ", text)))
        for inner in _PARENTHESES.findall(text):
            code = code or index.get(choice_key(inner))
    return code


def _unknown(table: _Table, value: object) -> ParseError:
    return fail(
        "unknown_choice", value,
        field_fr=table.field_fr, field_en=table.field_en,
        choices_fr=", ".join(fr for fr, _, _ in table.labels.values()),
        choices_en=", ".join(en for _, en, _ in table.labels.values()),
    )


def parse_choice(field_name: str, value: object) -> str | None:
    """The canonical code (see procurement.fields) of an ENUM field's value, or None when blank.

    A canton as place type is "unsupported_place_type"; an unknown label is "unknown_choice".
    """
    table = _table(field_name, Kind.ENUM)
    if isinstance(value, list | tuple) and len(value) == 1:  # a JSON ["Marché"]
        value = value[0]
    if isinstance(value, str):
        code = _resolve_cell(field_name, value)
    elif isinstance(value, bool | list | tuple | dict | set):
        code = _UNKNOWN
    elif is_blank(value):
        return None
    else:
        try:
            code = _resolve_cell(field_name, cell_text(value, "unknown_choice"))
        except ParseError:
            code = _UNKNOWN
    if code == _UNKNOWN:
        if field_name == "nature" and isinstance(value, str) and fold(value).startswith(("avenant", "modification")):
            raise fail("modification_as_nature", value)  # a finance export's « Avenant n° 2 » row (auditor review)
        raise _unknown(table, value)
    if code == _UNSUPPORTED:
        raise fail("unsupported_place_type", value)
    return code


@lru_cache(maxsize=4096)
def _resolve_cell(field_name: str, value: str) -> str | None:
    """The code for a raw cell, None when blank, or one of the _UNKNOWN / _UNSUPPORTED markers."""
    table = _TABLES[field_name]
    s = value.strip()
    if s in table.exact:
        return table.exact[s]
    if is_blank(s):
        return None
    return _resolve(field_name, s) or _UNKNOWN


_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SEPARATORS = re.compile(r"\s*(?:[,;|/+\n\r\t]|\s(?:et|and|&)\s)\s*", re.IGNORECASE)
_MAX_DEPTH = 6


def _items(value: object, out: list[str], table: _Table, depth: int = 0) -> None:
    """Flatten a list, a DECP wrapper dict, a list repr or a joined string into labels."""
    if depth > _MAX_DEPTH:
        raise _unknown(table, value)
    if isinstance(value, str):
        s = value.strip()
        if is_blank(s):
            return
        if s[0] == "[" and s[-1] == "]":  # "['Clause sociale', 'Critère social']" (Ministry CSV)
            quoted = _QUOTED.findall(s)
            parts = [_ESCAPE.sub(r"\1", a or b) for a, b in quoted] if quoted else [s[1:-1]]
            for part in parts:
                _items(part, out, table, depth + 1)
            return
        out.extend(p for p in _SEPARATORS.split(s) if p and not is_blank(p))
    elif isinstance(value, dict):  # {"considerationSociale": [...]} (DECP 2024 JSON)
        for v in value.values():
            _items(v, out, table, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            _items(v, out, table, depth + 1)
    elif isinstance(value, bool):
        out.append("oui" if value else "non")
    elif not is_blank(value):
        raise _unknown(table, value)


def parse_choice_set(field_name: str, value: object) -> tuple[str, ...] | None:
    """The sorted, unique codes of an ENUM_SET field (DECP considerations), or None when blank.

    "oui" (or a bare "clause") means a clause: a buyer answering yes to "considérations sociales?"
    almost always means an execution clause, the commonest form. "none" alongside a real value is
    dropped: "Clause sociale, Sans objet" says there is a clause. "Sans objet" alone stays "none", an
    explicit no, which the rules distinguish from a missing value.
    """
    table = _table(field_name, Kind.ENUM_SET)
    if isinstance(value, str):
        return _set_from_text(field_name, value)
    return _codes(field_name, table, value)


@lru_cache(maxsize=4096)  # a column holds a handful of distinct combinations, repeated on every row
def _set_from_text(field_name: str, value: str) -> tuple[str, ...] | None:
    return _codes(field_name, _TABLES[field_name], value)


def _codes(field_name: str, table: _Table, value: object) -> tuple[str, ...] | None:
    items: list[str] = []
    _items(value, items, table)
    if not items:
        return None
    codes = set()
    for item in items:
        code = _resolve(field_name, item)
        if code is None:
            raise _unknown(table, item)
        codes.add(code)
    if len(codes) > 1:
        codes.discard("none")
    return tuple(sorted(codes))
