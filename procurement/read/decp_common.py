"""What the DECP JSON and tabular readers share: label tables, supplier identifiers, warnings.

Readers locate values; they do not parse them. The few decisions made here are the DECP-specific ones
the generic parsers cannot know: which nature a 2024 record has (it moved to `techniques`), whether a
titulaire id is a SIRET (only `typeIdentifiant` says so), which country a VAT or HORS-UE id names,
whether an objet looks like a test record, that a modification's placeholder amount says nothing, and
that DECP shares are 0-1 fractions. See /work/shared/notes/decp-format.md §3, §4 and §8.
"""

from __future__ import annotations

import ast
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from procurement.errors import InputError
from procurement.model import Warning_
from procurement.parse.blank import is_blank as is_marker
from procurement.parse.errors import ParseError
from procurement.parse.numeric import is_placeholder_amount, parse_money
from procurement.read.base import Cell


@dataclass(slots=True)
class FractionCell(Cell):
    """A share DECP defines as 0-1 (`origineFrance`, `origineUE`, notes §3 rows 28-29): a bare 1 is 100 %,
    so the validator does not ask whether 1 % was meant, as it does for a share typed in a spreadsheet."""


def check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"fichier de {size / 1024**2:.1f} Mo refusé (limite {limit / 1024**2:.1f} Mo)",
            f"file of {size / 1024**2:.1f} MB refused (limit {limit / 1024**2:.1f} MB)", where=str(path))


def fold(text: object) -> str:
    """Lowercase ASCII letters and digits only: 'Accord-cadre', 'ACCORD CADRE' and 'accord_cadre' meet."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "", s)


def is_blank(value: object) -> bool:
    """None, NaN, whitespace-only text, or an empty list/object: the source gave nothing."""
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str | list | dict):
        return not (value.strip() if isinstance(value, str) else value)
    return value is None


def not_given(value: object) -> bool:
    """Blank, or a marker the parsers read as unknown (NC, MQ, CDL, "NaN"...; notes §8.6.3).

    For a modification or an idAccordCadre, "unknown" must mean "nothing said": a modification's "NC"
    keeps the value known before it, and "NC" is no framework id. A base record's marker is passed on to
    the parsers instead, which read it as unknown. 0 is a value, not a marker.
    """
    return is_blank(value) or is_marker(value)


def same_value(a: object, b: object) -> bool:
    """Loose equality for 'did a modification change this?': 30000 == '30000.00' == 30000.0."""
    try:
        return float(str(a).strip().replace(",", ".")) == float(str(b).strip().replace(",", "."))
    except ValueError:
        return str(a).strip() == str(b).strip()


def placeholder_amount(value: object) -> bool:
    """A modification amount that stands for "unknown" (0, 99 999 999...: `is_placeholder_amount`).

    Applied, it replaced the amount known before it, which the validator then made unknown: a 45 000 €
    contract lost its amount to an avenant's 0. An unreadable value is applied (its row is rejected)."""
    try:
        x = parse_money(value)
    except ParseError:
        return False
    return x is not None and is_placeholder_amount(x)


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def date_sort_key(value: object) -> str:
    """A string that sorts dates in time order, for ordering versions only (never stored)."""
    if is_blank(value):
        return ""
    s = str(value).strip()
    m = _DMY.match(s)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return s[:10]


# --- nature -------------------------------------------------------------------------------------

_FRAMEWORK_NATURES = {"accordcadre", "marchesubsequent"}


def no_framework(value: object) -> bool:
    """An idAccordCadre that names no accord-cadre: a marker, or "Sans objet" (decp.info's 'none')."""
    return not_given(value) or fold(value) == "sansobjet"


def derive_nature(
    nature: Cell | None, techniques: Cell | None, framework_id: Cell | None, concession: bool
) -> Cell | None:
    """The nature a 2019 reader would have seen.

    2024 moved 'Accord-cadre' from `nature` to `techniques`, and a marché subséquent is only visible
    through its `idAccordCadre`. Concessions have natures of their own ('Concession de travaux'...),
    all of which are one nature for us.
    """
    if concession:
        return Cell(nature.column if nature else "-", "Concession")
    if techniques is not None and "accordcadre" in fold(techniques.value):
        return Cell(techniques.column, "Accord-cadre")
    if nature is not None and fold(nature.value) in _FRAMEWORK_NATURES:
        return nature
    if framework_id is not None and not no_framework(framework_id.value):
        return Cell(framework_id.column, "Marché subséquent")
    return nature


# --- titulaires ---------------------------------------------------------------------------------


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


# --- test records -------------------------------------------------------------------------------

TEST_OBJET = re.compile(r"\btest\b", re.IGNORECASE)


def looks_like_test(objet: object) -> bool:
    return isinstance(objet, str) and TEST_OBJET.search(objet) is not None


# --- warnings -----------------------------------------------------------------------------------

_TEMPLATES: dict[str, tuple[str, str]] = {
    "duplicate_id": (
        "identifiant déjà vu pour cet acheteur ({first}) : republication ou doublon, gardée telle quelle",
        "id already seen for this buyer ({first}): a republication or a duplicate, kept as is",
    ),
    "co_contractors": (
        "{count} titulaires : le premier est retenu comme fournisseur ; autres : {others} "
        "(le montant est celui du marché, ni réparti ni additionné)",
        "{count} contractors: the first is taken as supplier; others: {others} "
        "(the amount is the contract's, neither split nor summed)",
    ),
    "modified": (
        "{what} modifié ({n} modification(s) publiée(s)) : initial {initial}, actuel {current}",
        "{what_en} changed ({n} modification(s) published): initial {initial}, current {current}",
    ),
    "test_record": (
        "l'objet ressemble à un enregistrement de test (« {objet} ») : vérifiez qu'il s'agit d'un vrai achat",
        "the object looks like a test record ('{objet}'): check that this is a real purchase",
    ),
    "invalid_in_source": (
        "valeur signalée invalide par le ministère (marqueur INX) : « {value} » est lue telle quelle",
        "value flagged invalid by the Ministry (INX marker): '{value}' is read as is",
    ),
    "superseded_version": (
        "la source marque ces lignes comme n'étant pas la version actuelle (donneesActuelles = non) : "
        "une version plus récente existe peut-être sous un autre identifiant",
        "the source marks these rows as not the current version (donneesActuelles = false): a newer "
        "version may exist under another id",
    ),
    "placeholder_modification": (
        "montant de remplissage ({value}) dans une modification, ignoré : le montant connu avant elle ({kept}) reste",
        "placeholder amount ({value}) in a modification, ignored: the amount known before it ({kept_en}) stays",
    ),
    "unreadable_holders": (
        "titulaires de la modification illisibles (« {value} ») : les titulaires connus avant elle sont gardés",
        "unreadable titulaires in the modification ('{value}'): the titulaires known before it are kept",
    ),
    "inconsistent_rows": (
        "les lignes de ce marché donnent des valeurs différentes ({values}) : la première est retenue",
        "the rows of this contract give different values ({values}): the first is kept",
    ),
}

_WHAT = {
    "amount": ("montant", "amount"),
    "duration_months": ("durée", "duration"),
    "supplier_siret": ("titulaire", "contractor"),
}


def warning(code: str, *, field: str | None = None, column: str | None = None, value: object = None,
            **params: object) -> Warning_:
    fr, en = _TEMPLATES[code]
    if field in _WHAT:
        params.setdefault("what", _WHAT[field][0])
        params.setdefault("what_en", _WHAT[field][1])
    shown = None if value is None else str(value)
    return Warning_(code=code, field=field, column=column, value=shown,
                    message_fr=fr.format(value=shown, **params), message_en=en.format(value=shown, **params))


def modified_warning(field: str, initial: Cell | None, current: Cell, n: int) -> Warning_ | None:
    """A 'modified' warning when a modification changed the value, else None."""
    if initial is not None and same_value(initial.value, current.value):
        return None
    return warning("modified", field=field, column=current.column, value=current.value, n=n,
                   initial="—" if initial is None else initial.value, current=current.value)


def placeholder_warning(skipped: Cell, kept: Cell | None) -> Warning_:
    """The 'placeholder_modification' warning: which amount was ignored, and which one stands."""
    return warning("placeholder_modification", field="amount", column=skipped.column, value=skipped.value,
                   kept="inconnu" if kept is None else kept.value, kept_en="unknown" if kept is None else kept.value)


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


# --- tabular exports ----------------------------------------------------------------------------

# Folded DECP column name -> canonical field, or '@role' for columns that steer grouping and versions.
# decp.info (`acheteur_id`), the Ministry's "augmenté" export (`acheteur.id`), decp-table-schema and
# buyers' own exports (`LieuExecution_code`, `DureeMois`) all fold to the same names.
TABULAR_COLUMNS: dict[str, str] = {
    "uid": "@uid", "id": "id",
    "acheteurid": "buyer_siret", "acheteurnom": "buyer_name",
    "objet": "object", "nature": "nature", "procedure": "procedure", "codecpv": "cpv",
    "montant": "amount", "dureemois": "duration_months",
    "datenotification": "notification_date", "datepublicationdonnees": "publication_date",
    "lieuexecutioncode": "place_code", "lieuexecutiontypecode": "place_type",
    "considerationssociales": "social_considerations",
    "considerationsenvironnementales": "env_considerations",
    "originefrance": "origin_france", "origineue": "origin_eu", "offresrecues": "offers_received",
    "marcheinnovant": "innovative", "idaccordcadre": "framework_id",
    "titulairecategorie": "supplier_size", "titulairecommunecode": "supplier_commune",
    "techniques": "@techniques", "technique": "@techniques",
    "donneesactuelles": "@current", "modificationid": "@mod_id", "idmodification": "@mod_id",
    "montantmodification": "@mod_amount", "dureemoismodification": "@mod_duration",
    "datenotificationmodification": "@mod_date", "datenotificationmodificationmodification": "@mod_date",
    # The Ministry's export flattens a modification's titulaire into these two columns.
    "idtitulairemodification": "@mod_holder_id", "typeidentifianttitulairemodification": "@mod_holder_type",
    # ...and its 2019 export writes the modification's whole `titulaires` list in one (`holders_in_text`).
    "titulairesmodification": "@mod_holders",
}
# titulaire_id, titulaires_id, titulaire_id_2, titulaire_typeIdentifiant_1, titulaire_nom...
TITULAIRE_COLUMN = re.compile(r"^titulaires?(id|typeidentifiant[a-z]*|denominationsociale|nom)(\d*)$")


def is_decp_header(folded: set[str]) -> bool:
    """The columns that make a table a DECP export rather than any purchase list."""
    return bool(folded & {"uid", "id"}) and "acheteurid" in folded and "codecpv" in folded and bool(
        folded & {"montant", "datenotification"})
