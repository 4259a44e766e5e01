"""results.csv: one row per scored order, for a spreadsheet or another tool to pick up.

Columns (docs/exports.md): the order id, where it came from (file, sheet, row, JSON path), the overall
score, the score of each chantier 1-8, the data completeness, the number of rules by status, then one
column per rule of the rulebook holding that rule's status code on the order (`pass`, `fail`,
`insufficient_data`, `not_applicable`). Codes rather than words, so that the French and the English
files hold the same values and a tool can filter on them; results.xlsx shows the words.

French: ';', UTF-8 with BOM and a decimal comma, so that Excel in French opens it as columns and reads
the numbers. English: ',', UTF-8, decimal point. Every text cell goes through `neutralise`: an order id
such as `=HYPERLINK(...)` from the input arrives as text, never as a formula.
"""

from __future__ import annotations

import csv
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from procurement.pipeline import Run
from procurement.scoring import CHANTIERS
from procurement.write.safe import atomic_path, neutralise, write_with

BASE_STATUSES = ("pass", "fail", "insufficient_data", "not_applicable")

_WORDS = {
    "fr": {
        "id": "identifiant", "file": "fichier", "sheet": "feuille", "row": "ligne", "path": "chemin",
        "overall": "score_global", "chantier": "score_chantier_{n}", "completeness": "completude_pct",
        "count": "nb_{status}",
        "statuses": {"pass": "conforme", "fail": "non_conforme", "insufficient_data": "donnees_insuffisantes",
                     "not_applicable": "sans_objet", "waived": "derogation"},
    },
    "en": {
        "id": "id", "file": "file", "sheet": "sheet", "row": "row", "path": "path",
        "overall": "score_overall", "chantier": "score_chantier_{n}", "completeness": "completeness_pct",
        "count": "n_{status}",
        "statuses": {},
    },
}


def statuses_of(run: Run) -> list[str]:
    """The four statuses, then any other status a later stage adds (e.g. waived), in order of appearance."""
    return [*BASE_STATUSES, *(s for s in run.statuses() if s not in BASE_STATUSES)]


def headers(run: Run, lang: str) -> list[str]:
    w = _WORDS["en" if lang == "en" else "fr"]
    names = [w["id"], w["file"], w["sheet"], w["row"], w["path"], w["overall"]]
    names += [w["chantier"].format(n=c) for c in CHANTIERS]
    names.append(w["completeness"])
    names += [w["count"].format(status=w["statuses"].get(s, s)) for s in statuses_of(run)]
    names += [rule.id for rule in run.rulebook.rules]
    return names


def number(value: float | None, lang: str, decimals: int = 2) -> str:
    """A plain number for a CSV cell: no thousands separator, decimal comma in French, '' when unknown."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text if lang == "en" else text.replace(".", ",")


def row(scored: Any, lang: str, statuses: list[str], rule_ids: list[str]) -> list[object]:
    order, sc = scored.order, scored.scores
    src = order.source
    by_rule = {f.rule: f.status for f in scored.findings}
    completeness = None if sc.completeness is None else 100 * sc.completeness
    out: list[object] = [order.id, src.file, src.sheet or "", "" if src.row is None else str(src.row),
                         src.path or "", number(sc.overall, lang)]
    out += [number(sc.by_chantier.get(c), lang) for c in CHANTIERS]
    out.append(number(completeness, lang, 1))
    out += [str(sc.counts.get(s, 0)) for s in statuses]
    out += [by_rule.get(r, "") for r in rule_ids]
    return [neutralise(v) for v in out]


class CsvSink:
    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.lang = lang
        self.target = out_dir / "results.csv"
        delimiter, encoding = (",", "utf-8") if lang == "en" else (";", "utf-8-sig")
        tmp = stack.enter_context(atomic_path(self.target))
        self.fh = stack.enter_context(tmp.open("w", encoding=encoding, newline="", buffering=1024 * 1024))
        self.writer = csv.writer(self.fh, delimiter=delimiter)
        self.writer.writerow(headers(run, lang))
        self.statuses = statuses_of(run)
        self.rule_ids = [rule.id for rule in run.rulebook.rules]

    def add(self, scored: Any) -> None:
        self.writer.writerow(row(scored, self.lang, self.statuses, self.rule_ids))

    def finish(self) -> Path:
        self.fh.close()
        return self.target


def write_results_csv(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    return write_with(CsvSink, run, out_dir, lang)
