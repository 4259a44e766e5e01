"""results.xlsx: the user's own table, with our scores and statuses added to the right of each row.

Sheets, in this order:
- "Résultats" / "Results": the columns of the user's file exactly as they were (ScoredOrder.original;
  the canonical fields for DECP inputs, which have no columns of their own), then where the row came
  from, the overall and per-chantier scores, the data completeness, the counts by status, one column
  per rule with its status in words, the missing fields and the warnings. Frozen header, autofilter,
  conditional formatting on statuses and scores.
- "Lisez-moi" / "Read me": what every column means, the run's provenance (rulebook and input sha256)
  and the row balance (rows read = orders + rejected + merged), the rules and their counts.
- one sheet per rule (named by its id): the orders the rule applies to, with status, message,
  evidence and missing fields (not-applicable orders are counted in "Lisez-moi", not listed).
- "Lignes rejetées" / "Rejected rows": every row that did not become an order, and why.

Safety: any text cell that starts with =, +, -, @, a tab or a carriage return is written as an inline
string with Excel's "quote prefix" flag, so neither Excel nor LibreOffice ever treats it as a formula,
even when the user edits the cell; its text is kept exactly as in the input. Control characters that the
xlsx format cannot hold are replaced by U+FFFD. Written in openpyxl's write-only (streaming) mode.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME, INPUT_FIELDS
from procurement.pipeline import Run, ScoredOrder, meta
from procurement.scoring import CHANTIERS
from procurement.write.results_csv import statuses_of
from procurement.write.safe import DANGEROUS_PREFIXES, atomic_path
from procurement.write.xlsx_stable import run_time, save_stable

EXCEL_MAX_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767
SHEETS = {
    "results": {"fr": "Résultats", "en": "Results"},
    "readme": {"fr": "Lisez-moi", "en": "Read me"},
    "rejected": {"fr": "Lignes rejetées", "en": "Rejected rows"},
}
EVIDENCE_KEYS = ("part", "field", "op", "expected", "actual", "result")

HEADER_FILL = "1F4E79"  # our columns
ORIGINAL_FILL = "D9D9D9"  # the user's columns
STATUS_FILLS = {"fail": "F4CCCC", "pass": "D9EAD3", "insufficient_data": "FFF2CC", "not_applicable": "EEEEEE",
                "waived": "CFE2F3"}


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text an xlsx cell can hold: no XML-illegal control characters, at most 32 767 characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def text_cell(ws: Any, text: str, **style: Any) -> Any:
    """A cell that is text whatever it starts with: inline string, quote prefix when it looks like a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.value = text
    cell.data_type = "s"  # openpyxl made '=...' a formula; it is text
    if text.startswith(DANGEROUS_PREFIXES):
        cell.quotePrefix = True
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def safe_value(ws: Any, value: object) -> object:
    """A value from the input as a cell value: numbers, dates and booleans as they are, the rest as text."""
    if value is None or isinstance(value, bool | int | Decimal | dt.date | dt.time):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    text = clean_text(value if isinstance(value, str) else str(value))
    if text.startswith(DANGEROUS_PREFIXES):
        return text_cell(ws, text)
    return text


def styled(ws: Any, value: object, *, bold: bool = False, fill: str | None = None, white: bool = False,
           wrap: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = safe_value(ws, value)
    if not isinstance(cell, Cell):
        holder = WriteOnlyCell(ws)
        holder.value = cell
        cell = holder
    if bold or white:
        cell.font = Font(bold=bold, color="FFFFFF" if white else None)
    if fill:
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def set_widths(ws: Any, widths: list[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(i)].width = max(6.0, min(width, 60.0))


def score_cell(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# ---------------------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------------------

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "our_id": "Identifiant (procurement)", "file": "Fichier source", "sheet": "Feuille source",
        "row": "Ligne source", "overall": "Score global", "chantier": "Score chantier {n}",
        "completeness": "Complétude des données (%)", "count": "Règles : {label}", "legal_failures": "Échecs légaux",
        "missing": "Données manquantes", "warnings": "Avertissements",
        "rule_status": "{id} : statut",
        "status": "Statut", "message": "Message", "evidence": "Preuves (conditions évaluées)",
        "id": "Identifiant", "column": "Colonne", "field": "Champ", "value": "Valeur", "code": "Code",
        "reason": "Motif", "path": "Chemin JSON",
        # Read me
        "title": "procurement : résultats d'une évaluation",
        "intro": "Chaque ligne de la feuille « {results} » est une ligne de vos fichiers, avec vos colonnes "
                 "telles quelles, suivies des scores et statuts calculés par procurement. Les lignes qui n'ont "
                 "pas pu être évaluées sont dans « {rejected} », avec leur motif.",
        "run": "Exécution", "tool": "Outil", "generated": "Généré le", "rulebook": "Référentiel",
        "rulebook_sha": "Empreinte sha256 du référentiel", "rules_count": "Nombre de règles",
        "options": "Options", "inputs": "Fichiers lus", "input_sha": "Empreinte sha256",
        "format": "Format", "header_row": "Ligne d'en-tête", "rows_read": "Lignes lues",
        "balance": "Bilan des lignes", "orders": "Lignes évaluées (feuille « {results} »)",
        "rejected_n": "Lignes rejetées (feuille « {rejected} »)", "merged": "Lignes fusionnées (doublons DECP)",
        "check": "Contrôle", "reconciles": "lignes lues = évaluées + rejetées + fusionnées",
        "ok": "équilibré", "ko": "NON ÉQUILIBRÉ",
        "truncated": "Seules les {n} premières commandes tiennent dans une feuille Excel ; toutes sont dans "
                     "results.json et results.csv.",
        "columns": "Colonnes de la feuille « {results} »",
        "col_original": "Colonne de votre fichier, recopiée telle quelle (reconnue comme : {field}).",
        "col_original_unknown": "Colonne de votre fichier, recopiée telle quelle (non utilisée par les règles).",
        "col_field": "Donnée lue dans le fichier DECP : {help}",
        "col_our_id": "Identifiant de la commande retenu par procurement (celui de results.json).",
        "col_file": "Fichier d'où vient la ligne.",
        "col_sheet": "Feuille du classeur d'où vient la ligne.",
        "col_row": "Numéro de ligne dans le fichier tel qu'Excel l'affiche, ou chemin JSON pour un fichier DECP.",
        "col_overall": "Score de 0 à 100 sur toutes les règles évaluables : 100 × poids des règles conformes / "
                       "poids des règles conformes ou non conformes. Vide : aucune règle n'a pu être évaluée.",
        "col_chantier": "Même score, restreint aux règles du chantier {n} : {name}.",
        "col_completeness": "Part des règles applicables qui ont pu être évaluées (les autres manquent de données).",
        "col_count": "Nombre de règles au statut « {label} » pour cette ligne.",
        "col_legal": "Règles légales non respectées (jamais compensées par un bon score).",
        "col_rule": "Statut de la règle {id} ({title}) ; détail dans la feuille « {id} ».",
        "col_missing": "Champs à renseigner pour que toutes les règles puissent être évaluées.",
        "col_warnings": "Problèmes relevés sur la ligne sans la rejeter (valeur douteuse, doublon...).",
        "sheets": "Feuilles", "sheet_results": "vos lignes avec scores et statuts",
        "sheet_readme": "cette notice", "sheet_rule": "{title} : lignes concernées par la règle, statut, message "
                                                     "et preuves ({na} lignes sans objet non listées)",
        "sheet_rejected": "lignes non évaluées, avec la colonne, la valeur et le motif",
        "rules": "Règles", "kind": "Nature", "severity": "Gravité", "chantiers": "Chantiers",
        "chantiers_title": "Chantiers du plan Relance et Renouveau",
        "statuses": "Statuts",
        "st_pass": "la ligne respecte la règle",
        "st_fail": "la ligne ne respecte pas la règle (voir le message et le conseil dans la feuille de la règle)",
        "st_insufficient_data": "une donnée nécessaire manque : la règle n'a pas pu être évaluée",
        "st_not_applicable": "la règle ne concerne pas cette ligne",
        "st_waived": "écart accepté par une dérogation justifiée",
        "safety": "Sécurité",
        "safety_text": "Les cellules venant de vos fichiers qui commencent par =, +, -, @, une tabulation ou un "
                       "retour chariot sont écrites comme du texte, jamais comme des formules.",
    },
    "en": {
        "our_id": "Id (procurement)", "file": "Source file", "sheet": "Source sheet", "row": "Source row",
        "overall": "Overall score", "chantier": "Chantier {n} score", "completeness": "Data completeness (%)",
        "count": "Rules: {label}", "legal_failures": "Legal failures", "missing": "Missing data",
        "warnings": "Warnings", "rule_status": "{id}: status",
        "status": "Status", "message": "Message", "evidence": "Evidence (conditions evaluated)",
        "id": "Id", "column": "Column", "field": "Field", "value": "Value", "code": "Code", "reason": "Reason",
        "path": "JSON path",
        "title": "procurement: results of a run",
        "intro": "Each row of the '{results}' sheet is a row of your files, with your columns as they were, "
                 "followed by the scores and statuses computed by procurement. Rows that could not be scored "
                 "are in '{rejected}', with their reason.",
        "run": "Run", "tool": "Tool", "generated": "Generated on", "rulebook": "Rulebook",
        "rulebook_sha": "Rulebook sha256", "rules_count": "Number of rules", "options": "Options",
        "inputs": "Files read", "input_sha": "sha256", "format": "Format", "header_row": "Header row",
        "rows_read": "Rows read", "balance": "Row balance", "orders": "Rows scored ('{results}' sheet)",
        "rejected_n": "Rows rejected ('{rejected}' sheet)", "merged": "Rows merged (DECP duplicates)",
        "check": "Check", "reconciles": "rows read = scored + rejected + merged", "ok": "balanced",
        "ko": "NOT BALANCED",
        "truncated": "Only the first {n} orders fit in an Excel sheet; all are in results.json and results.csv.",
        "columns": "Columns of the '{results}' sheet",
        "col_original": "Column of your file, copied as it was (recognised as: {field}).",
        "col_original_unknown": "Column of your file, copied as it was (not used by the rules).",
        "col_field": "Value read from the DECP file: {help}",
        "col_our_id": "The order id procurement kept (the one in results.json).",
        "col_file": "File the row came from.",
        "col_sheet": "Workbook sheet the row came from.",
        "col_row": "Row number in the file as Excel shows it, or JSON path for a DECP file.",
        "col_overall": "Score from 0 to 100 over every rule that could be evaluated: 100 × weight of rules passed / "
                       "weight of rules passed or failed. Empty: no rule could be evaluated.",
        "col_chantier": "The same score, over the rules of chantier {n} only: {name}.",
        "col_completeness": "Share of the applicable rules that could be evaluated (the others lack data).",
        "col_count": "Number of rules with status '{label}' on this row.",
        "col_legal": "Legal rules failed (never offset by a good score).",
        "col_rule": "Status of rule {id} ({title}); details in sheet '{id}'.",
        "col_missing": "Fields to fill in so that every rule can be evaluated.",
        "col_warnings": "Problems found on the row without rejecting it (doubtful value, duplicate...).",
        "sheets": "Sheets", "sheet_results": "your rows with scores and statuses", "sheet_readme": "this notice",
        "sheet_rule": "{title}: rows the rule applies to, status, message and evidence ({na} not-applicable rows "
                      "not listed)",
        "sheet_rejected": "rows not scored, with the column, the value and the reason",
        "rules": "Rules", "kind": "Kind", "severity": "Severity", "chantiers": "Chantiers",
        "chantiers_title": "Chantiers of the Relance et Renouveau plan",
        "statuses": "Statuses",
        "st_pass": "the row meets the rule",
        "st_fail": "the row does not meet the rule (see the message and the advice in the rule's sheet)",
        "st_insufficient_data": "a value the rule needs is missing: the rule could not be evaluated",
        "st_not_applicable": "the rule does not concern this row",
        "st_waived": "deviation accepted under a justified waiver",
        "safety": "Safety",
        "safety_text": "Cells from your files that start with =, +, -, @, a tab or a carriage return are written as "
                       "text, never as formulas.",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "fr"]


# ---------------------------------------------------------------------------------------------------------
# The results sheet's columns
# ---------------------------------------------------------------------------------------------------------


def original_columns(run: Run) -> tuple[list[str], list[str]]:
    """(the user's headers in order of first appearance, canonical fields shown for orders without columns)."""
    headers: dict[str, None] = {}
    fields: set[str] = set()
    for scored in run.orders:
        if scored.original is not None:
            for header in scored.original:
                headers.setdefault(header, None)
        else:
            fields.update(name for name, value in scored.order if value is not None)
    canonical = [f.name for f in INPUT_FIELDS if f.name in fields]
    return list(headers), canonical


def recognised(run: Run) -> dict[str, str]:
    """User header -> canonical field, over every input."""
    out: dict[str, str] = {}
    for info in run.inputs:
        for header, name in info.columns.items():
            out.setdefault(header, name)
    return out


def _plain(value: object, lang: str) -> object:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


def _missing_text(scored: ScoredOrder, lang: str) -> str:
    names: dict[str, None] = {}
    for fields in scored.scores.missing.values():
        for name in fields:
            names.setdefault(name, None)
    return ", ".join(FIELDS_BY_NAME[n].header(lang) if n in FIELDS_BY_NAME else n for n in names)


def _warnings_text(scored: ScoredOrder, lang: str) -> str:
    return " | ".join(
        (f"{w.column} : " if lang != "en" and w.column else f"{w.column}: " if w.column else "")
        + (w.message_en if lang == "en" else w.message_fr)
        for w in scored.order.warnings
    )


def _write_results(wb: Any, run: Run, lang: str, originals: list[str], canonical: list[str],
                   statuses: list[str], limit: int) -> None:
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Font, PatternFill

    w = words(lang)
    ws = wb.create_sheet(SHEETS["results"][lang])
    rules = list(run.rulebook.rules)
    ours = [w["our_id"], w["file"], w["sheet"], w["row"], w["overall"]]
    ours += [w["chantier"].format(n=c) for c in CHANTIERS]
    ours.append(w["completeness"])
    ours += [w["count"].format(label=i18n.label(s, lang)) for s in statuses]
    ours.append(w["legal_failures"])
    ours += [rule.id for rule in rules]
    ours += [w["missing"], w["warnings"]]
    field_headers = [FIELDS_BY_NAME[n].header(lang) for n in canonical]
    n_orig = len(originals) + len(canonical)
    widths = [min(40.0, max(10.0, len(h) * 1.1 + 2)) for h in (*originals, *field_headers)]
    widths += [max(12.0, len(h) * 1.0 + 2) for h in ours]
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    header = [styled(ws, h, bold=True, fill=ORIGINAL_FILL, wrap=True) for h in (*originals, *field_headers)]
    header += [styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in ours]
    ws.append(header)
    labels = {s: i18n.label(s, lang) for s in (*statuses, "waived")}
    count = 0
    for scored in run.orders[:limit]:
        order, sc = scored.order, scored.scores
        if scored.original is not None:
            row: list[object] = [safe_value(ws, scored.original.get(h)) for h in originals]
            row += [None] * len(canonical)
        else:
            row = [None] * len(originals)
            row += [safe_value(ws, _plain(getattr(order, n), lang)) for n in canonical]
        src = order.source
        by_rule = {f.rule: f.status for f in scored.findings}
        completeness = None if sc.completeness is None else round(100 * sc.completeness, 1)
        row += [safe_value(ws, order.id), safe_value(ws, src.file), safe_value(ws, src.sheet),
                src.row if src.row is not None else safe_value(ws, src.path), score_cell(sc.overall)]
        row += [score_cell(sc.by_chantier.get(c)) for c in CHANTIERS]
        row.append(completeness)
        row += [sc.counts.get(s, 0) for s in statuses]
        row.append(", ".join(sc.legal_failures) or None)
        row += [labels.get(by_rule.get(r.id, ""), by_rule.get(r.id)) for r in rules]
        row += [safe_value(ws, _missing_text(scored, lang)) or None, safe_value(ws, _warnings_text(scored, lang))
                or None]
        ws.append(row)
        count += 1
    last_row = count + 1
    last_col = column_letter(n_orig + len(ours))
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    if count:
        first_score = n_orig + 5  # after id, file, sheet, row
        score_range = f"{column_letter(first_score)}2:{column_letter(first_score + len(CHANTIERS))}{last_row}"
        ws.conditional_formatting.add(score_range, ColorScaleRule(
            start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=50,
            mid_color="FFEB84", end_type="num", end_value=100, end_color="63BE7B"))
        fail_count_col = n_orig + 5 + len(CHANTIERS) + 1 + 1 + statuses.index("fail")
        ws.conditional_formatting.add(
            f"{column_letter(fail_count_col)}2:{column_letter(fail_count_col)}{last_row}",
            CellIsRule(operator="greaterThan", formula=["0"], font=Font(bold=True, color="9B1C1C")))
        if rules:
            first_rule = n_orig + 5 + len(CHANTIERS) + 1 + len(statuses) + 1 + 1
            rule_range = f"{column_letter(first_rule)}2:{column_letter(first_rule + len(rules) - 1)}{last_row}"
            _status_formatting(ws, rule_range, labels, CellIsRule, PatternFill)


def _status_formatting(ws: Any, cell_range: str, labels: dict[str, str], rule_type: Any, fill_type: Any) -> None:
    for status, color in STATUS_FILLS.items():
        if status not in labels:
            continue
        text = labels[status].replace('"', '""')
        ws.conditional_formatting.add(cell_range, rule_type(
            operator="equal", formula=[f'"{text}"'], fill=fill_type("solid", start_color=color, end_color=color)))


# ---------------------------------------------------------------------------------------------------------
# Rule sheets, rejected rows, read me
# ---------------------------------------------------------------------------------------------------------


def _evidence_text(finding: Any, lang: str) -> str:
    from procurement.rulebook.examples import describe_evidence

    rows = [tuple(e[k] for k in EVIDENCE_KEYS) for e in finding.evidence]
    return describe_evidence(rows, lang)


def _write_rule(wb: Any, run: Run, rule: Any, lang: str, limit: int) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    w = words(lang)
    ws = wb.create_sheet(rule.id)
    set_widths(ws, [18, 18, 14, 10, 20, 60, 70, 30])
    ws.freeze_panes = "A3"
    title = rule.title.en if lang == "en" else rule.title.fr
    ws.append([styled(ws, f"{rule.id} — {title}", bold=True)])
    ws.append([styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in (
        w["id"], w["file"], w["sheet"], w["row"], w["status"], w["message"], w["evidence"], w["missing"])])
    labels: dict[str, str] = {}
    count = 0
    for scored in run.orders:
        if count >= limit:
            break
        for f in scored.findings:
            if f.rule != rule.id or f.status == "not_applicable":
                continue
            src = scored.order.source
            label = labels.setdefault(f.status, i18n.label(f.status, lang))
            missing = ", ".join(FIELDS_BY_NAME[m].header(lang) if m in FIELDS_BY_NAME else m for m in f.missing)
            ws.append([safe_value(ws, scored.order.id), safe_value(ws, src.file), safe_value(ws, src.sheet),
                       src.row if src.row is not None else safe_value(ws, src.path), label,
                       safe_value(ws, f.message(lang)), safe_value(ws, _evidence_text(f, lang)),
                       safe_value(ws, missing) or None])
            count += 1
    ws.auto_filter.ref = f"A2:H{count + 2}"
    if count:
        for status in ("fail", "pass", "insufficient_data", "waived"):
            labels.setdefault(status, i18n.label(status, lang))
        _status_formatting(ws, f"E3:E{count + 2}", labels, CellIsRule, PatternFill)


def _write_rejected(wb: Any, run: Run, lang: str, limit: int) -> None:
    w = words(lang)
    ws = wb.create_sheet(SHEETS["rejected"][lang])
    set_widths(ws, [22, 16, 8, 24, 24, 18, 24, 18, 80])
    ws.freeze_panes = "A2"
    ws.append([styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in (
        w["file"], w["sheet"], w["row"], w["path"], w["column"], w["field"], w["value"], w["code"], w["reason"])])
    count = 0
    for r in run.rejected[:limit]:
        s = r.source
        ws.append([safe_value(ws, v) for v in (s.file, s.sheet, s.row, s.path, r.column, r.field, r.value, r.code,
                                               r.message(lang))])
        count += 1
    ws.auto_filter.ref = f"A1:I{count + 1}"


def _write_readme(wb: Any, run: Run, lang: str, originals: list[str], canonical: list[str],
                  statuses: list[str], na_counts: Counter, rule_counts: dict[str, Counter], limit: int) -> None:
    w = words(lang)
    names = {k: v[lang] for k, v in SHEETS.items()}
    ws = wb.create_sheet(SHEETS["readme"][lang])
    set_widths(ws, [38, 90, 16, 14, 14, 14, 14, 14])
    m = meta(run)

    def section(title: str) -> None:
        ws.append([])
        ws.append([styled(ws, title, bold=True, white=True, fill=HEADER_FILL)])

    def line(label: str, value: object) -> None:
        ws.append([styled(ws, label, bold=True), styled(ws, value, wrap=True)])

    ws.append([styled(ws, w["title"], bold=True)])
    ws.append([styled(ws, w["intro"].format(results=names["results"], rejected=names["rejected"]), wrap=True)])

    section(w["run"])
    book = m["rulebook"]
    line(w["tool"], f"procurement {m['version']}")
    line(w["generated"], m["generated_at"])
    line(w["rulebook"], f"{book['id']} {book['version']}")
    line(w["rulebook_sha"], book["sha256"])
    line(w["rules_count"], book["rules"])
    options = {k: v for k, v in (m.get("options") or {}).items() if v not in (None, [], "")}
    if options:
        line(w["options"], "; ".join(f"{k} = {v}" for k, v in options.items()))

    section(w["inputs"])
    colon = ": " if lang == "en" else " : "
    for info in m["inputs"]:
        line(info["path"], f"{w['format']}{colon}{info['format']}")
        if info.get("sheet"):
            line("", f"{w['sheet']}{colon}{info['sheet']}")
        if info.get("header_row"):
            line("", f"{w['header_row']}{colon}{info['header_row']}")
        line("", f"{w['rows_read']}{colon}{info['rows_read']}")
        line(w["input_sha"], info["sha256"])

    section(w["balance"])
    c = m["counts"]
    line(w["rows_read"], c["rows_read"])
    line(w["orders"].format(results=names["results"]), c["orders"])
    line(w["rejected_n"].format(rejected=names["rejected"]), c["rejected"])
    line(w["merged"], c["merged"])
    balanced = c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]
    line(w["check"], f"{w['reconciles']}{colon}{c['rows_read']} = {c['orders']} + {c['rejected']} + {c['merged']} "
                     f"({w['ok'] if balanced else w['ko']})")
    if len(run.orders) > limit or len(run.rejected) > limit:
        line("", w["truncated"].format(n=limit))

    section(w["sheets"])
    line(names["results"], w["sheet_results"])
    line(names["readme"], w["sheet_readme"])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        line(rule.id, w["sheet_rule"].format(title=title, na=na_counts.get(rule.id, 0)))
    line(names["rejected"], w["sheet_rejected"])

    section(w["columns"].format(results=names["results"]))
    fields = recognised(run)
    for header in originals:
        name = fields.get(header)
        line(header, w["col_original"].format(field=FIELDS_BY_NAME[name].header(lang)) if name
             else w["col_original_unknown"])
    for name in canonical:
        f = FIELDS_BY_NAME[name]
        line(f.header(lang), w["col_field"].format(help=(f.help_en if lang == "en" else f.help_fr) or f.name))
    line(w["our_id"], w["col_our_id"])
    line(w["file"], w["col_file"])
    line(w["sheet"], w["col_sheet"])
    line(w["row"], w["col_row"])
    line(w["overall"], w["col_overall"])
    for n in CHANTIERS:
        line(w["chantier"].format(n=n), w["col_chantier"].format(n=n, name=i18n.chantier_name(n, lang)))
    line(w["completeness"], w["col_completeness"])
    for s in statuses:
        line(w["count"].format(label=i18n.label(s, lang)), w["col_count"].format(label=i18n.label(s, lang)))
    line(w["legal_failures"], w["col_legal"])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        line(rule.id, w["col_rule"].format(id=rule.id, title=title))
    line(w["missing"], w["col_missing"])
    line(w["warnings"], w["col_warnings"])

    section(w["rules"])
    ws.append([styled(ws, h, bold=True) for h in (
        w["id"], w["rules"], w["kind"], w["chantiers"], *(i18n.label(s, lang) for s in statuses))])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        counts = rule_counts.get(rule.id, Counter())
        ws.append([rule.id, safe_value(ws, title), i18n.label(rule.kind, lang),
                   ", ".join(str(c) for c in rule.chantiers), *(counts.get(s, 0) for s in statuses)])

    section(w["chantiers_title"])
    for n in CHANTIERS:
        line(str(n), i18n.chantier_name(n, lang))

    section(w["statuses"])
    for s in statuses:
        line(i18n.label(s, lang), w.get(f"st_{s}", s))

    section(w["safety"])
    ws.append([styled(ws, w["safety_text"], wrap=True)])


def write_results_xlsx(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    from openpyxl import Workbook

    lang = "en" if lang == "en" else "fr"
    target = out_dir / "results.xlsx"
    limit = EXCEL_MAX_ROWS - 2  # header rows
    originals, canonical = original_columns(run)
    statuses = statuses_of(run)
    rule_counts: dict[str, Counter] = {}
    for scored in run.orders:
        for f in scored.findings:
            rule_counts.setdefault(f.rule, Counter())[f.status] += 1
    na_counts = Counter({rid: c.get("not_applicable", 0) for rid, c in rule_counts.items()})

    wb = Workbook(write_only=True)
    _write_results(wb, run, lang, originals, canonical, statuses, limit)
    _write_readme(wb, run, lang, originals, canonical, statuses, na_counts, rule_counts, limit)
    for rule in run.rulebook.rules:
        _write_rule(wb, run, rule, lang, limit)
    _write_rejected(wb, run, lang, limit)
    with atomic_path(target) as tmp:
        save_stable(wb, tmp, run_time(run.generated_at))
    return target
