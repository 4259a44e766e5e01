"""What the DECP JSON and tabular readers share: label tables, supplier identifiers, warnings.

Readers locate values; they do not parse them. The few decisions made here are the DECP-specific ones
the generic parsers cannot know: which nature a 2024 record has (it moved to `techniques`), whether a
titulaire id is a SIRET (only `typeIdentifiant` says so), which country a VAT or HORS-UE id names,
whether an objet looks like a test record, that a modification's placeholder amount or duration says
nothing, and that DECP shares are 0-1 fractions. See ../shared/notes/decp-format.md §3, §4 and §8.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from procurement.i18n import plural
from procurement.model import Warning_
from procurement.parse.blank import is_blank as is_marker
from procurement.parse.errors import ParseError
from procurement.parse.numeric import is_placeholder_amount, parse_integer, parse_money
from procurement.read.base import Cell
from procurement.rulebook.render import format_money


@dataclass(slots=True)
class FractionCell(Cell):
    """A share DECP defines as 0-1 (`origineFrance`, `origineUE`, notes §3 rows 28-29): a bare 1 is 100 %,
    so the validator does not ask whether 1 % was meant, as it does for a share typed in a spreadsheet."""


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


def placeholder_duration(value: object) -> bool:
    """A modification duration of 0 months or less: no contract lasts that long, so it stands for "unknown".

    Applied, a modification's `dureeMois` 0 made a 36-month contract last 0 months, which the rules then
    read as a real duration. An unreadable value is applied (its row is rejected), as for an amount."""
    try:
        x = parse_integer(value)
    except ParseError:
        return False
    return x is not None and x <= 0


def placeholder_modification(what: str, value: object) -> bool:
    """`placeholder_amount` or `placeholder_duration`, by the modification's field ("amount", "duration")."""
    return placeholder_amount(value) if what == "amount" else placeholder_duration(value)


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
    all of which are one nature for us. A defence or security contract stays one even when it is a
    framework agreement or a call-off: its regime (own EU threshold, outside the Climate and Resilience
    obligations) matters more to the rules than the framework's structure, and one nature cannot say both.
    """
    if concession:
        return Cell(nature.column if nature else "-", "Concession")
    if nature is not None and fold(nature.value).startswith("marchededefense"):
        return nature  # a defence or security contract keeps its regime, framework or not (rules: its own)
    if techniques is not None and "accordcadre" in fold(techniques.value):
        return Cell(techniques.column, "Accord-cadre")
    if nature is not None and fold(nature.value) in _FRAMEWORK_NATURES:
        return nature
    if framework_id is not None and not no_framework(framework_id.value):
        return Cell(framework_id.column, "Marché subséquent")
    return nature


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
        "{what} ({n} {published}) : initial {initial}, actuel {current}",
        "{what_en} ({n} {published_en}): initial {initial_en}, current {current_en}",
    ),
    "test_record": (
        "l'objet ressemble à un enregistrement de test (« {objet} ») : vérifiez qu'il s'agit d'un vrai achat",
        "the object looks like a test record (“{objet}”): check that this is a real purchase",
    ),
    "invalid_in_source": (
        "valeur signalée invalide par le ministère (marqueur INX) : « {value} » est lue telle quelle",
        "value flagged invalid by the Ministry (INX marker): “{value}” is read as is",
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
    "placeholder_duration": (  # its code is "placeholder_modification" too: see placeholder_warning
        "durée nulle ou négative ({value} mois) dans une modification, ignorée : la durée connue avant elle "
        "({kept}) reste",
        "zero or negative duration ({value} months) in a modification, ignored: the duration known before it "
        "({kept_en}) stays",
    ),
    "unreadable_holders": (
        "titulaires de la modification illisibles (« {value} ») : les titulaires connus avant elle sont gardés",
        "unreadable titulaires in the modification (“{value}”): the titulaires known before it are kept",
    ),
    "versions_merged": (
        "versions antérieures du même marché fusionnées dans celle-ci (identifiant {base} suivi du numéro "
        "d'ordre de la modification : {older}, lues en {where}) : la version {latest}, la plus récente, est "
        "retenue ; le marché est évalué et compté une seule fois",
        "earlier versions of the same contract folded into this one (id {base} followed by the modification "
        "number: {older}, read at {where}): version {latest}, the latest, is kept; the contract is scored and "
        "counted once",
    ),
    "inconsistent_rows": (
        "les lignes de ce marché donnent des valeurs différentes ({values}) : la première est retenue",
        "the rows of this contract give different values ({values}): the first is kept",
    ),
}

# What a 'modified' warning says changed, the French participle agreeing with its noun's gender
_CHANGED = {
    "amount": ("montant modifié", "amount changed"),
    "duration_months": ("durée modifiée", "duration changed"),
    "supplier_siret": ("titulaire modifié", "contractor changed"),
}


def warning(code: str, *, field: str | None = None, column: str | None = None, value: object = None,
            template: str | None = None, **params: object) -> Warning_:
    fr, en = _TEMPLATES[template or code]
    if code == "modified":  # « durée modifiée (1 modification publiée) », "amount changed (0 modifications published)"
        params.setdefault("what", _CHANGED[str(field)][0])
        params.setdefault("what_en", _CHANGED[str(field)][1])
        params["published"] = plural(params["n"], "modification publiée", "modifications publiées", "fr")
        params["published_en"] = plural(params["n"], "modification published", "modifications published", "en")
        params.setdefault("initial_en", params["initial"])
        params.setdefault("current_en", params["current"])
    shown = None if value is None else str(value)
    return Warning_(code=code, field=field, column=column, value=shown,
                    message_fr=fr.format(value=shown, **params), message_en=en.format(value=shown, **params))


def modified_warning(field: str, initial: Cell | None, current: Cell, n: int) -> Warning_ | None:
    """A 'modified' warning when a modification changed the value, else None."""
    if initial is not None and same_value(initial.value, current.value):
        return None
    before = "—" if initial is None else initial.value
    if field == "amount":  # « initial 35000.0, actuel 120000.0 »: the file's floats, not amounts
        # An initial amount that stands for « unknown » (1e17, 99 999 999) is said so, as the validator
        # reads it: « initial 100 000 000 000 000 000 € » quoted a value nothing used (DECP review).
        unknown = initial is not None and placeholder_amount(before)
        return warning("modified", field=field, column=current.column, value=current.value, n=n,
                       initial=f"inconnu (« {before} »)" if unknown else _money(before, "fr"),
                       current=_money(current.value, "fr"), current_en=_money(current.value, "en"),
                       initial_en=f"unknown (“{before}”)" if unknown else _money(before, "en"))
    return warning("modified", field=field, column=current.column, value=current.value, n=n,
                   initial=before, current=current.value)


def _money(value: object, lang: str) -> str:
    """An amount as the rules' messages write it (« 35 000 € », "€35,000"); as typed when unreadable."""
    try:
        x = parse_money(value)
    except ParseError:
        x = None
    return str(value) if x is None else format_money(x, lang)


def note_modified(cells: dict[str, Cell], field: str, initial: Cell | None, current: Cell, n: int
                  ) -> Warning_ | None:
    """`modified_warning`; a changed amount also keeps the initial one as `initial_amount`: a procedure was
    chosen on the value at launch, which the threshold rules judge (R2121-3), not the amended one."""
    w = modified_warning(field, initial, current, n)
    if w is not None and field == "amount" and initial is not None:
        cells["initial_amount"] = initial
    return w


def placeholder_warning(skipped: Cell, kept: Cell | None, field: str = "amount") -> Warning_:
    """The 'placeholder_modification' warning: which amount or duration was ignored, and which one stands.
    One code for both, the field telling which: a program counting the modifications ignored needs one."""
    if field == "amount":
        return warning("placeholder_modification", field=field, column=skipped.column, value=skipped.value,
                       kept="inconnu" if kept is None else _money(kept.value, "fr"),  # not the file's « 100000.0 »
                       kept_en="unknown" if kept is None else _money(kept.value, "en"))
    return warning("placeholder_modification", field=field, column=skipped.column, value=skipped.value,
                   template="placeholder_duration", kept="inconnue" if kept is None else f"{kept.value} mois",
                   kept_en="unknown" if kept is None else f"{kept.value} months")


def skipped_warning(what: str, skipped: Cell, cells: dict[str, Cell]) -> Warning_:
    """The warning for a tabular modification value ignored (`what`: "amount", "duration" or "holders")."""
    if what == "holders":
        return warning("unreadable_holders", field="supplier_siret", column=skipped.column, value=skipped.value)
    field = "amount" if what == "amount" else "duration_months"
    return placeholder_warning(skipped, cells.get(field), field)


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
    "datedebutexecution": "execution_start_date",
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
