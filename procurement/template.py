"""The buyer's workbook: one consultation and its bids, ready to fill in Excel and to give to `check`.

Sheets:
- "Consultation" ("Tender" in English): one row per consultation (or per lot) — a one-row table whose
  headers are our canonical French headers, so that the ordinary xlsx reader reads it back
  (`procurement score FILE.xlsx --sheet Consultation` works too).
- "Offres" ("Bids"): one row per bid received, same principle.
- "Mode d'emploi" ("Instructions"): how to fill it in and what `check` does with it.
- "Listes" ("Lists"), hidden: the values of the dropdown lists.

Every header carries a comment explaining the column. Enumerated fields get a dropdown with the labels
our parsers accept (tests/test_template.py parses every one of them back); numbers, percentages (0-100)
and dates get validation; identifier columns (SIRET, CPV, postcode) are formatted as text so that Excel
keeps their leading zeros. No example row is pre-filled: any non-blank row would be read as data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.write.safe import atomic_path

DATA_ROWS = 200  # rows that carry validation (Excel extends nothing by itself)
TENDER_ROWS = 20
HEADER_FILL = "1F4E79"
SHEETS = {
    "tender": {"fr": "Consultation", "en": "Tender"},
    "bids": {"fr": "Offres", "en": "Bids"},
    "help": {"fr": "Mode d'emploi", "en": "Instructions"},
    "lists": {"fr": "Listes", "en": "Lists"},
}
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    help_fr: str = ""  # what this column means in this sheet (the field's help is used when empty)
    help_en: str = ""
    width: float | None = None

    def help(self, lang: str) -> str:
        f = FIELDS_BY_NAME[self.field]
        if lang == "en":
            return self.help_en or f.help_en or f.en
        return self.help_fr or f.help_fr or f.fr


TENDER_COLUMNS: tuple[Column, ...] = (
    Column("id", "Référence de la consultation (par exemple 2026-VOI-017). À reporter dans la colonne "
                 "« Consultation » de la feuille « Offres ».",
           "Reference of the tender (for example 2026-VOI-017). Repeat it in the 'Tender' column of the "
           "'Bids' sheet.", 18),
    Column("buyer_name", "Direction ou service acheteur.", "Purchasing department or service.", 24),
    Column("object", "Objet de la consultation, tel qu'il sera publié.", "Subject of the tender, as published.",
           40),
    Column("nature", "Marché, accord-cadre, marché subséquent ou concession (liste déroulante).",
           "Contract, framework agreement, call-off or concession (dropdown list).", 18),
    Column("procedure", "Procédure de passation (liste déroulante).", "Award procedure (dropdown list).", 28),
    Column("cpv", "Code CPV principal, 8 chiffres ; le chiffre de contrôle (« -9 » de 90910000-9) est facultatif.",
           "Main CPV code, 8 digits; the check digit ('-9' of 90910000-9) is optional.", 14),
    Column("amount", "Montant estimé de la consultation, hors taxes, en euros (maximum pour un accord-cadre).",
           "Estimated value of the tender, excluding VAT, in euros (maximum for a framework agreement).", 16),
    Column("launch_date", "Date de lancement de la consultation (envoi de l'avis à la publication). "
                          "Elle décide des obligations applicables (critère environnemental obligatoire "
                          "pour les consultations lancées à partir du 21/08/2026).",
           "Date the tender is launched (contract notice sent for publication). It decides which "
           "obligations apply (environmental criterion required from 2026-08-21).", 16),
    Column("place_code", "Lieu d'exécution : code postal (13001 pour Marseille 1er) ou code INSEE de la commune "
                         "(13055 pour Marseille) ; dites lequel dans la colonne « Type de code du lieu ».",
           "Place of performance: postcode (13001 for Marseille 1st) or INSEE commune code (13055 for "
           "Marseille); say which in the “Place code type” column.", 16),
    # A code of the Bouches-du-Rhône is often both: 13001 is Marseille 1er as a postcode and Aix-en-Provence
    # as an INSEE code. Without a type the INSEE reading stands (with a warning on the tender and each bid).
    Column("place_type", "« Code postal » ou « Code commune » (code INSEE), liste déroulante. Sans choix, un code "
                         "qui est les deux (13001 : Marseille 1er ou Aix-en-Provence) est lu comme code INSEE, avec "
                         "un avertissement.",
           "“Postcode” or “Commune code” (INSEE code), dropdown list. Without a choice, a code that is both "
           "(13001: Marseille 1st or Aix-en-Provence) is read as an INSEE code, with a warning.", 18),
    Column("lots", "Nombre de lots (1 si la consultation n'est pas allotie).",
           "Number of lots (1 if the tender is not divided into lots).", 12),
    Column("env_considerations", "Considération environnementale prévue : clause d'exécution, critère "
                                 "d'attribution, les deux, ou aucune (liste déroulante).",
           "Environmental consideration planned: performance clause, award criterion, both, or none "
           "(dropdown list).", 30),
    Column("social_considerations", "Considération sociale prévue : clause d'insertion, critère social, "
                                    "marché réservé, une combinaison, ou aucune (liste déroulante).",
           "Social consideration planned: integration clause, social criterion, reserved contract, a "
           "combination, or none (dropdown list).", 30),
    Column("insertion_hours", "Heures d'insertion exigées par la clause sociale du marché (0 s'il n'y en a pas).",
           "Integration hours required by the contract's social clause (0 if there are none).", 14),
    Column("award_criteria", "Texte des critères d'attribution et de leurs pondérations, tel qu'il figure au "
                             "règlement de la consultation (ex. « Prix 40 %, valeur technique 40 %, "
                             "performance environnementale 20 % »).",
           "Text of the award criteria and their weights, as in the tender rules (e.g. 'Price 40%, "
           "technical merit 40%, environmental performance 20%').", 44),
    Column("price_weight", "Pondération du critère prix, en % (0 à 100).", "Weight of the price criterion, in % "
                                                                             "(0 to 100).", 14),
    Column("env_weight", "Pondération du critère environnemental, en % (0 à 100 ; 0 s'il n'y en a pas).",
           "Weight of the environmental criterion, in % (0 to 100; 0 if there is none).", 16),
)

BID_COLUMNS: tuple[Column, ...] = (
    Column("id", "Identifiant de l'offre (numéro de pli, par exemple P01).",
           "Bid identifier (envelope number, for example P01).", 12),
    Column("supplier_name", "Raison sociale du candidat.", "Name of the bidder.", 28),
    Column("supplier_siret", "SIRET du candidat (14 chiffres).", "Bidder's SIRET (14 digits).", 18),
    Column("supplier_postcode", "Code postal du siège ou de l'établissement qui exécute.",
           "Postcode of the head office or of the establishment that performs.", 12),
    Column("supplier_country", "Pays du candidat : code ISO (FR, IT, ES...) ou nom.",
           "Bidder's country: ISO code (FR, IT, ES...) or name.", 10),
    Column("supplier_size", "Taille de l'entreprise : PME, ETI ou GE (liste déroulante).",
           "Company size: SME, mid-cap or large enterprise (dropdown list).", 12),
    Column("supplier_status", "Statut : SIAE, EA, ESAT, ESS, ou aucun (liste déroulante).",
           "Status: work-integration enterprise, adapted enterprise, sheltered workshop, social economy, or none "
           "(dropdown list).", 14),
    Column("amount", "Prix de l'offre, hors taxes, en euros.", "Price of the bid, excluding VAT, in euros.", 16),
    Column("delivery_km", "Distance de livraison annoncée dans l'offre, en km.", "Delivery distance stated in the "
                                                                                  "bid, in km.", 14),
    Column("intermediaries", "Nombre d'intermédiaires entre le producteur et l'acheteur (0 = vente directe).",
           "Number of intermediaries between the producer and the buyer (0 = direct sale).", 14),
    Column("organic_share", "Part de produits biologiques dans l'offre, en % (0 à 100).",
           "Share of organic products in the bid, in % (0 to 100).", 12),
    Column("egalim_share", "Part de produits durables et de qualité (loi EGAlim, bio compris), en % (0 à 100).",
           "Share of sustainable and quality products (EGAlim law, organic included), in % (0 to 100).", 12),
    Column("meat_fish_egalim_share", "Part de viandes et produits de la pêche durables et de qualité (loi EGAlim), "
                                     "en % (0 à 100).",
           "Share of sustainable and quality meat and fishery products (EGAlim law), in % (0 to 100).", 14),
    Column("recycled_share", "Part de produits issus du réemploi, de la réutilisation ou du recyclage (loi "
                             "AGEC), en % (0 à 100).",
           "Share of products from reuse or recycling (AGEC law), in % (0 to 100).", 14),
    Column("declared_emissions", "Émissions de gaz à effet de serre déclarées pour l'exécution, en kg CO2e.",
           "Greenhouse-gas emissions declared for the performance, in kg CO2e.", 16),
    Column("origin_france", "Part d'origine France des produits, en % (0 à 100).",
           "Share of products of French origin, in % (0 to 100).", 14),
    Column("origin_eu", "Part d'origine Union européenne des produits (France comprise), en % (0 à 100).",
           "Share of products of EU origin (France included), in % (0 to 100).", 14),
    Column("insertion_hours", "Heures d'insertion proposées (clause sociale).",
           "Integration hours offered (social clause).", 14),
    Column("tender_id", "Référence de la consultation à laquelle répond l'offre (colonne « Identifiant » de la "
                        "feuille « Consultation »). Facultatif s'il n'y a qu'une consultation.",
           "Reference of the tender the bid answers ('Id' column of the 'Tender' sheet). Optional when there "
           "is only one tender.", 16),
)

# Combinations offered for the two set-valued fields (a buyer cannot pick two items of a dropdown).
SET_CHOICES: dict[str, tuple[tuple[str, ...], ...]] = {
    "env_considerations": (("clause",), ("criterion",), ("clause", "criterion"), ("none",)),
    "social_considerations": (("clause",), ("criterion",), ("reserved",), ("clause", "criterion"),
                              ("clause", "reserved"), ("criterion", "reserved"),
                              ("clause", "criterion", "reserved"), ("none",)),
}
# Choices that make no sense in a consultation (a consultation is not a purchase order nor a bid).
EXCLUDED_CHOICES: dict[str, frozenset[str]] = {"nature": frozenset({"bon_de_commande", "offre"})}

INSTRUCTIONS = {
    "fr": (
        "Vérifier une consultation avant attribution — mode d'emploi",
        "1. Feuille « Consultation » : une ligne par consultation (ou par lot). La date de lancement décide "
        "des obligations applicables ; les considérations environnementales et sociales et les critères "
        "d'attribution sont ceux que vous publierez.",
        "2. Feuille « Offres » : une ligne par offre reçue. La colonne « Consultation » rattache l'offre à sa "
        "consultation ; elle est facultative s'il n'y en a qu'une.",
        "3. Les listes déroulantes donnent les valeurs acceptées. Pourcentages : saisissez 25 pour 25 % ; une "
        "valeur entre 0 et 1 est lue comme une fraction (0,25 = 25 %), écrivez donc « 1 % » pour un pour cent.",
        "4. Laissez vide ce que vous ne savez pas : une donnée absente est signalée comme manquante, jamais "
        "devinée. Ne renommez ni les feuilles ni les en-têtes : une colonne que l'outil ne connaît pas n'est pas "
        "lue, et la page de vérification la nomme.",
        "5. Commande : procurement check CE_FICHIER.xlsx --out DOSSIER, puis ouvrez DOSSIER/check.html.",
        "Important : l'attribution se fait selon les seuls critères et pondérations publiés dans les documents "
        "de la consultation. Les indicateurs calculés par procurement éclairent l'acheteur ; ce ne sont pas "
        "des critères d'attribution et ils ne servent pas à classer les offres. La localisation des candidats "
        "n'est jamais comparée : une préférence locale est illégale (CJCE, 11 juillet 1991, Laboratori "
        "Bruneau, C-351/88).",
    ),
    "en": (
        "Checking a tender before award — instructions",
        "1. 'Tender' sheet: one row per tender (or per lot). The launch date decides which obligations "
        "apply; the environmental and social considerations and the award criteria are those you will "
        "publish.",
        "2. 'Bids' sheet: one row per bid received. The 'Tender' column links the bid to its tender; it is "
        "optional when there is only one.",
        "3. The dropdown lists give the accepted values. Percentages: type 25 for 25%; a value between 0 and "
        "1 is read as a fraction (0.25 = 25%), so write '1%' for one per cent.",
        "4. Leave blank what you do not know: a missing value is reported as missing, never guessed. Do not "
        "rename the sheets or the headers: a column the tool does not know is not read, and the check page "
        "names it.",
        "5. Command: procurement check THIS_FILE.xlsx --out DIR --lang en, then open DIR/check.html.",
        "Important: the contract is awarded on the criteria and weights published in the tender documents "
        "only. The indicators computed by procurement inform the buyer; they are not award criteria and do "
        "not rank the bids. The bidders' location is never compared: a local preference is unlawful (ECJ, "
        "11 July 1991, Laboratori Bruneau, C-351/88).",
    ),
}

ERRORS = {
    "fr": {"title": "Valeur refusée", "list": "Choisissez une valeur de la liste.",
           "number": "Saisissez un nombre positif ou nul.", "integer": "Saisissez un nombre entier positif ou nul.",
           "percent": "Saisissez un pourcentage entre 0 et 100.",
           "date": "Saisissez une date (jj/mm/aaaa) entre 2000 et 2100.",
           "cpv": "Un code CPV a 8 chiffres, suivis éventuellement de « -chiffre ».",
           "siret": "Un SIRET a 14 chiffres.", "tender": "Référence absente de la feuille « Consultation »."},
    "en": {"title": "Value refused", "list": "Choose a value from the list.",
           "number": "Type a number, zero or more.", "integer": "Type a whole number, zero or more.",
           "percent": "Type a percentage between 0 and 100.",
           "date": "Type a date (yyyy-mm-dd) between 2000 and 2100.",
           "cpv": "A CPV code has 8 digits, optionally followed by '-digit'.",
           "siret": "A SIRET has 14 digits.", "tender": "Reference not found in the 'Tender' sheet."},
}


def _labels(field: str) -> dict[str, tuple[str, str]]:
    from procurement.parse._labels import LABELS

    return {code: (fr, en) for code, (fr, en, _others) in LABELS[field].items()}


def _joined(labels: list[str], lang: str) -> str:
    """'A', 'A et B', 'A, B et C' (lower-case after the first): a form `parse_choice_set` splits back."""
    word = " and " if lang == "en" else " et "
    parts = [labels[0], *(label[0].lower() + label[1:] for label in labels[1:])]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + word + parts[-1]


def dropdowns(lang: str = "fr") -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """For each enumerated field of the template: (label shown in the list, codes it stands for)."""
    lang = "en" if lang == "en" else "fr"
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for column in (*TENDER_COLUMNS, *BID_COLUMNS):
        f = FIELDS_BY_NAME[column.field]
        if f.kind not in (Kind.ENUM, Kind.ENUM_SET) or f.name in out:
            continue
        labels = _labels(f.name)
        pick = 1 if lang == "en" else 0
        if f.kind is Kind.ENUM_SET:
            out[f.name] = [(_joined([labels[c][pick] for c in combo], lang), combo) for combo in SET_CHOICES[f.name]]
        else:
            excluded = EXCLUDED_CHOICES.get(f.name, frozenset())
            out[f.name] = [(labels[c][pick], (c,)) for c in f.choices if c not in excluded]
    return out


# ---------------------------------------------------------------------------------------------------------
# Building the workbook
# ---------------------------------------------------------------------------------------------------------


def _excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _validation(column: Column, letter: str, first: int, last: int, lang: str, list_ref: str | None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    f = FIELDS_BY_NAME[column.field]
    e = ERRORS[lang]
    kw: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorTitle": e["title"]}
    if list_ref is not None:
        dv = DataValidation(type="list", formula1=list_ref, error=e["list"], **kw)
    elif f.kind is Kind.PERCENT:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", error=e["percent"],
                            **kw)
    elif f.kind in (Kind.MONEY, Kind.NUMBER):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", error=e["number"], **kw)
    elif f.kind is Kind.INTEGER:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", error=e["integer"], **kw)
    elif f.kind is Kind.DATE:
        dv = DataValidation(type="date", operator="between", formula1=str(_excel_serial(DATE_MIN)),
                            formula2=str(_excel_serial(DATE_MAX)), error=e["date"], **kw)
    elif f.kind is Kind.CPV:
        dv = DataValidation(type="textLength", operator="between", formula1="8", formula2="10", error=e["cpv"],
                            errorStyle="warning", **kw)
    elif f.kind is Kind.SIRET:
        dv = DataValidation(type="textLength", operator="between", formula1="14", formula2="17",
                            error=e["siret"], errorStyle="warning", **kw)
    else:
        return None
    dv.add(f"{letter}{first}:{letter}{last}")
    return dv


def _comment_text(column: Column, lang: str, choices: list[str] | None) -> str:
    text = column.help(lang)
    if choices:
        text += ("\nValues: " + "; ".join(choices)) if lang == "en" else ("\nValeurs : " + " ; ".join(choices))
    return text


def _sheet(wb: Any, title: str, columns: tuple[Column, ...], lang: str, rows: int,
           list_refs: dict[str, str], extra: dict[str, Any] | None = None) -> Any:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    options = dropdowns(lang)
    fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    date_format = "YYYY-MM-DD" if lang == "en" else "DD/MM/YYYY"
    for index, column in enumerate(columns, start=1):
        f = FIELDS_BY_NAME[column.field]
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=f.header(lang))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        choices = [label for label, _ in options[f.name]] if f.name in options else None
        comment = Comment(_comment_text(column, lang, choices), "procurement")
        comment.width, comment.height = 320, 160
        cell.comment = comment
        width = column.width or max(12.0, len(f.header(lang)) + 4)
        ws.column_dimensions[letter].width = max(width, min(len(f.header(lang)) * 0.9, 40))
        dimension = ws.column_dimensions[letter]
        if f.kind in (Kind.CODE, Kind.SIRET, Kind.CPV, Kind.TEXT, Kind.NAF):
            dimension.number_format = "@"  # typed identifiers stay text: leading zeros kept
        elif f.kind is Kind.DATE:
            dimension.number_format = date_format
        ref = (extra or {}).get(f.name) or list_refs.get(f.name)
        dv = _validation(column, letter, 2, rows + 1, lang, ref)
        if dv is not None:
            if (extra or {}).get(f.name):
                dv.errorStyle = "warning"
                dv.error = ERRORS[lang]["tender"]
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "B2"
    return ws


def _lists_sheet(wb: Any, lang: str) -> dict[str, str]:
    """The hidden sheet of dropdown values; returns field -> range reference for list validations."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    ws = wb.create_sheet(SHEETS["lists"][lang])
    refs: dict[str, str] = {}
    for index, (name, options) in enumerate(dropdowns(lang).items(), start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=FIELDS_BY_NAME[name].header(lang))
        for row, (label, _codes) in enumerate(options, start=2):
            ws.cell(row=row, column=index, value=label)
        ws.column_dimensions[letter].width = max(len(label) for label, _ in options) + 2
        refs[name] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(options) + 1}"
    ws.sheet_state = "hidden"
    return refs


def _instructions(wb: Any, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(SHEETS["help"][lang])
    ws.column_dimensions["A"].width = 110
    lines = INSTRUCTIONS[lang]
    for row, text in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1 or row == len(lines):
            cell.font = Font(bold=True)


def build_template(lang: str = "fr") -> Any:
    """The workbook, in memory (an openpyxl Workbook)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter, quote_sheetname

    lang = "en" if lang == "en" else "fr"
    wb = Workbook()
    wb.remove(wb.active)
    tender_title = SHEETS["tender"][lang]
    # Sheets are created in tab order, the lists first only to know their references: moved last below.
    refs = _lists_sheet(wb, lang)
    _sheet(wb, tender_title, TENDER_COLUMNS, lang, TENDER_ROWS, refs)
    id_letter = get_column_letter(1 + [c.field for c in TENDER_COLUMNS].index("id"))
    tender_ids = f"{quote_sheetname(tender_title)}!${id_letter}$2:${id_letter}${TENDER_ROWS + 1}"
    _sheet(wb, SHEETS["bids"][lang], BID_COLUMNS, lang, DATA_ROWS, refs, {"tender_id": tender_ids})
    _instructions(wb, lang)
    wb.move_sheet(SHEETS["lists"][lang], offset=len(wb.sheetnames) - 1)
    wb.active = 0
    for index, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = index == 0  # a hidden sheet must not be the selected one
    props = wb.properties
    props.creator = "procurement"
    props.title = INSTRUCTIONS[lang][0]
    return wb


def write_template(path: Path, lang: str = "fr") -> Path:
    """Write the workbook at `path` atomically (an interrupted run leaves no half-written file)."""
    wb = build_template(lang)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
