"""DECP titulaires (or concessionnaires): who holds a contract, as each format writes it.

Why apart from `decp_common`: the readers of both formats identify holders the same way (only
`typeIdentifiant` says whether an id is a SIRET; a VAT or HORS-UE id names a country; the 2019 Ministry
export writes lists of titulaires as pandas prints them), and that is a subject of its own. See
../shared/notes/decp-format.md §4.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from procurement.model import Warning_
from procurement.read.base import Cell
from procurement.read.decp_common import fold, is_blank, warning


@dataclass(slots=True)
class Holder:
    """One titulaire (or concessionnaire) as the source gives it, with where each part is."""

    id: object
    type: object
    name: object
    id_column: str
    type_column: str
    name_column: str

    def key(self) -> tuple[str, str]:
        if not is_blank(self.id):
            return ("id", re.sub(r"\s+", "", str(self.id)).upper())
        return ("name", fold(self.name) if not is_blank(self.name) else "")

    def label(self) -> str:
        parts = [str(self.type).strip() if not is_blank(self.type) else "",
                 re.sub(r"\s+", "", str(self.id)) if not is_blank(self.id) else "?"]
        text = " ".join(p for p in parts if p)
        if not is_blank(self.name):
            text += f" ({str(self.name).strip()})"
        return text


def distinct(holders: list[Holder]) -> list[Holder]:
    """Holders without repeats (the same SIRET listed twice is one co-contractor, decp-rama 001b)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for h in holders:
        k = h.key()
        if k in seen:
            continue
        seen.add(k)
        out.append(h)
    return out


_SIRET_TYPES = {"siret"}
_VAT_TYPES = {"tva", "tvaintracommunautaire", "ue", "tvaintra"}
_NON_EU_TYPES = {"horsue"}
# EU VAT prefixes that are not the ISO 3166 code of their country.
_VAT_PREFIX_TO_ISO = {"EL": "GR", "XI": "GB"}
_EU_VAT_PREFIXES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
})


def is_siret_like(type_value: object, id_value: object) -> bool:
    """A titulaire id goes to supplier_siret only when the source says it is a SIRET.

    'SIRET', 'Siret', 'siret'; or no type at all with an id of 14 digits (tabs and spaces aside).
    """
    if is_blank(type_value):
        return not is_blank(id_value) and re.fullmatch(r"\d{14}", re.sub(r"\s+", "", str(id_value))) is not None
    return fold(type_value) in _SIRET_TYPES


def country_of(type_value: object, id_value: object) -> str | None:
    """ISO country of a non-SIRET titulaire when its identifier says it, else None.

    HORS-UE ids are the ISO 3166 code followed by the name; VAT numbers start with the EU prefix.
    """
    if is_blank(id_value) or is_blank(type_value):
        return None
    kind = fold(type_value)
    ident = re.sub(r"\s+", "", str(id_value)).upper()
    prefix = ident[:2]
    if kind in _NON_EU_TYPES and re.fullmatch(r"[A-Z]{2}", prefix):
        return prefix
    if kind in _VAT_TYPES and prefix in _EU_VAT_PREFIXES and ident[2:3].isalnum():
        return _VAT_PREFIX_TO_ISO.get(prefix, prefix)
    return None


_MAX_HOLDERS_TEXT = 100_000  # far above 14 titulaires with long names; ast is not run on more


def holders_in_text(value: object) -> list[tuple[object, object, object]] | None:
    """(id, typeIdentifiant, denominationSociale) of each titulaire in a `titulairesModification` cell, where
    the Ministry's 2019 export prints a modification's list: "[{'typeIdentifiant': 'SIRET', 'id': '…', ...}]".
    JSON, nested lists, `{"titulaire": ...}` wrappers (as in the JSON reader) and a bare id are read too.
    [] when the cell names none, None when it cannot be read (the caller warns and keeps what it knew)."""
    if not isinstance(value, str):
        return [(value, None, None)]
    text = value.strip()
    if text[:1] not in "[{":
        return [(text, None, None)]
    if len(text) > _MAX_HOLDERS_TEXT:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        try:  # literal_eval builds literals only: no name, call or attribute is ever evaluated
            data = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    out: list[tuple[object, object, object]] = []
    todo = [data]  # a stack, not recursion: "[[[...]]]" nested 30 000 deep is still 100 kB
    while todo:
        item = todo.pop()
        if isinstance(item, list) or (isinstance(item, dict) and isinstance(item.get("titulaire"), dict | list)):
            todo += reversed(item) if isinstance(item, list) else [item["titulaire"]]
        elif not isinstance(item, dict):
            return None
        else:
            ident, name = item.get("id"), item.get("denominationSociale") or item.get("nom")
            if not is_blank(ident) or not is_blank(name):
                out.append((ident, item.get("typeIdentifiant"), name))
    return out


def supplier_cells(holder: Holder) -> dict[str, Cell]:
    """supplier_siret / supplier_name / supplier_country cells for the first titulaire."""
    cells: dict[str, Cell] = {}
    if not is_blank(holder.id):
        if is_siret_like(holder.type, holder.id):
            cells["supplier_siret"] = Cell(holder.id_column, holder.id)
        else:
            country = country_of(holder.type, holder.id)
            if country:
                cells["supplier_country"] = Cell(holder.id_column, country)
    if not is_blank(holder.name):
        cells["supplier_name"] = Cell(holder.name_column, holder.name)
    return cells


def holder_modified_warning(initial: Holder | None, current: list[Holder], n: int) -> Warning_ | None:
    """A 'modified' warning when the modifications' titulaires changed the supplier, else None."""
    if initial is None or not current or current[0].key() == initial.key():
        return None
    label = current[0].label()
    return warning("modified", field="supplier_siret", column=current[0].id_column, value=label, n=n,
                   initial=initial.label(), current=label)


def co_contractors_warning(holders: list[Holder], column: str | None = None) -> Warning_:
    """The others of several titulaires, named so the user can find them (the first is the supplier)."""
    others = [h.label() for h in holders[1:]]
    shown = "; ".join(others[:10]) + (f" … (+{len(others) - 10})" if len(others) > 10 else "")
    return warning("co_contractors", field="supplier_siret", column=column or holders[1].id_column,
                   value=shown, count=len(holders), others=shown)


def holder_in_row(parts: dict[str, int], number: int, ident: object, kind: object, name: object,
                  label: Callable[[int, int], str]) -> Holder:
    """A table's titulaire, each of its parts (id, type, name) named by its column at row `number`."""
    cols = {p: label(c, number) for p, c in parts.items()}
    return Holder(ident, kind, name, cols.get("id", "-"), cols.get("type", "-"), cols.get("name", "-"))
