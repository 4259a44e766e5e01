"""results.csv: one row per scored order, for a spreadsheet or another tool to pick up.

Columns (docs/exports.md): the order id, where it came from (file, sheet, row, JSON path), the overall
score, the score of each chantier 1-8, the data completeness, the number of findings by status, for
RISK-02 the number of its groups that concern the order, then one column per rule (the rulebook's, then
RISK-02 when the batch flagged a group: `records.batch_rules`) holding that rule's status code on the
order (`pass`, `fail`, `insufficient_data`, `not_applicable`). Codes rather than words, so that the
French and the English files hold the same values and a tool can filter on them; results.xlsx shows the
words. Why the number of groups: an order may be in several RISK-02 groups (a group crossing the
dispensation threshold and the European one flags its orders at both), each a finding of results.json;
the nb_* columns and the scores count the rule once, under its worst status (`scoring.one_per_rule`),
so that they add up from the rule columns alone.

French: ';', UTF-8 with BOM and a decimal comma, so that Excel in French opens it as columns and reads
the numbers. English: ',', UTF-8 with BOM, decimal point: without the BOM, Excel reads a UTF-8 file in the
system's code page, and every accented supplier name came out garbled (exports review); csv readers that
ask for "utf-8-sig" and pandas skip it. Every text cell goes through `neutralise`: an order id
such as `=HYPERLINK(...)` from the input arrives as text, never as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from procurement.pipeline import Run
from procurement.rule_statuses import RuleStatuses
from procurement.scoring import CHANTIERS
from procurement.write.records import added_rules, batch_rules
from procurement.write.safe import atomic_path, neutralise, write_with

BASE_STATUSES = ("pass", "fail", "insufficient_data", "not_applicable")
_CACHE_LIMIT = 100_000  # distinct scores kept formatted (a bound, not a tuning)
# Besides the delimiter, what makes the csv writer quote a cell (and NUL, which some versions refuse).
_QUOTED = re.compile('["\r\n\x00]')

_WORDS = {
    "fr": {
        "id": "identifiant", "file": "fichier", "sheet": "feuille", "row": "ligne", "path": "chemin",
        "overall": "score_global", "chantier": "score_chantier_{n}", "completeness": "completude_pct",
        "count": "nb_{status}", "groups": "nb_groupes_{id}",
        "statuses": {"pass": "conforme", "fail": "non_conforme", "insufficient_data": "donnees_insuffisantes",
                     "not_applicable": "sans_objet", "waived": "derogation"},
    },
    "en": {
        "id": "id", "file": "file", "sheet": "sheet", "row": "row", "path": "path",
        "overall": "score_overall", "chantier": "score_chantier_{n}", "completeness": "completeness_pct",
        "count": "n_{status}", "groups": "n_groups_{id}",
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
    names += [w["groups"].format(id=rule.id) for rule in added_rules(run)]
    names += [rule.id for rule in batch_rules(run)]
    return names


def added_cells(findings: Any, added: Sequence[str]) -> tuple[list[str], list[str]]:
    """The cells of the rules the batch adds (RISK-02): (the number of each one's findings, each one's
    status). Several findings of one rule (one per group) give "fail" if any fails, as the scores count the
    rule once under its worst status; waivers apply to an order's rule as a whole, so they share their status anyway."""
    statuses = dict.fromkeys(added, "")
    counts = dict.fromkeys(added, 0)
    for f in findings:
        rid = f.rule
        if rid in counts:
            counts[rid] += 1
            if statuses[rid] != "fail":
                statuses[rid] = f.status
    return [str(n) for n in counts.values()], list(statuses.values())


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


def row(scored: Any, lang: str, statuses: list[str], rule_ids: list[str], added: Sequence[str] = ()) -> list[object]:
    """The row's cells: `rule_ids` the rulebook's rules, `added` those the batch adds (`added_rules`)."""
    order, sc = scored.order, scored.scores
    src = order.source
    by_rule = {f.rule: f.status for f in scored.findings}
    completeness = None if sc.completeness is None else 100 * sc.completeness
    out: list[object] = [order.id, src.file, src.sheet or "", "" if src.row is None else str(src.row),
                         src.path or "", number(sc.overall, lang)]
    out += [number(sc.by_chantier.get(c), lang) for c in CHANTIERS]
    out.append(number(completeness, lang, 1))
    out += [str(sc.counts.get(s, 0)) for s in statuses]
    counts, added_statuses = added_cells(scored.findings, added)
    out += counts
    out += [by_rule.get(r, "") for r in rule_ids]
    out += added_statuses
    return [neutralise(v) for v in out]


class CsvSink:
    """`row()` per order, with what repeats over a batch formatted once: a score, a count and a status
    take few values, and a million orders format them 50 million times. The rules' statuses are read
    once per order for every sink of the pass (`procurement.rule_statuses`)."""

    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.lang = lang
        self.target = out_dir / "results.csv"
        delimiter = "," if lang == "en" else ";"
        tmp = stack.enter_context(atomic_path(self.target))
        # The BOM written once by hand: the utf-8-sig codec is Python code called on every write.
        self.fh = stack.enter_context(tmp.open("w", encoding="utf-8", newline="", buffering=1024 * 1024))
        self.fh.write("\ufeff")  # both languages: without it Excel reads « Société » as « SociÃ©tÃ© »
        self.writer = csv.writer(self.fh, delimiter=delimiter)
        self.delimiter = delimiter
        self._tails: dict[tuple[str, ...], str] = {}  # the rules' statuses -> their part of the line
        self.writer.writerow(headers(run, lang))
        self.statuses = statuses_of(run)
        self.rule_ids = [rule.id for rule in run.rulebook.rules]
        self.rule_pos = {rid: i for i, rid in enumerate(self.rule_ids)}
        self.added = [rule.id for rule in added_rules(run)]
        self._none_added = tuple(added_cells((), self.added)[1])  # an order none of them concerns
        self._no_groups = added_cells((), self.added)[0]
        self.layout = RuleStatuses(run.rulebook.rules)
        self._scores: dict[float, object] = {}  # score -> its cell
        self._percents: dict[float, object] = {}  # completeness (0-1) -> its cell
        self._counts = [neutralise(str(n)) for n in range(64)]  # count -> its cell
        self._safe: set[str] = {""}  # statuses that `neutralise` leaves as they are

    def _number(self, cache: dict[float, object], value: float | None, scale: int, decimals: int) -> object:
        if value is None:
            return ""
        cell = cache.get(value)
        if cell is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cell = cache[value] = neutralise(number(scale * value, self.lang, decimals))
        return cell

    def add(self, scored: Any) -> None:
        """The row's line, joined here when no cell needs quoting (the text the writer would write:
        `tests/test_sinks_csv.py` checks which characters it quotes on the running Python); the
        statuses' part joined once per pattern of statuses."""
        head, statuses = self._cells(scored)
        delimiter = self.delimiter
        try:  # a cell that is not text: the writer's way
            line = delimiter.join(head)  # type: ignore[arg-type]
            tail = self._tails.get(statuses) if type(statuses) is tuple else None
            if tail is None:
                tail = delimiter + delimiter.join(statuses) if statuses else ""
                if tail.count(delimiter) != len(statuses) or _QUOTED.search(tail):
                    tail = None
                elif type(statuses) is tuple:
                    if len(self._tails) >= _CACHE_LIMIT:
                        self._tails.clear()
                    self._tails[statuses] = tail
        except TypeError:
            tail = None
        if tail is None or line.count(delimiter) != len(head) - 1 or _QUOTED.search(line):
            self.writer.writerow([*head, *statuses])
        else:
            self.fh.write(line + tail + "\r\n")

    def row(self, scored: Any) -> list[object]:
        """`row(scored, lang, statuses, rule_ids, added)`, the same cells."""
        head, statuses = self._cells(scored)
        return [*head, *statuses]

    def _cells(self, scored: Any) -> tuple[list[object], Any]:
        """The row's cells before the rules' statuses, and those (a tuple when they are the rulebook's
        statuses as the order's findings give them)."""
        order, sc = scored.order, scored.scores
        src = order.source
        scores, by_chantier, cells = self._scores, sc.by_chantier, self._counts
        overall = sc.overall
        out: list[object] = [
            neutralise(order.id), neutralise(src.file), neutralise(src.sheet or ""),
            "" if src.row is None else neutralise(str(src.row)), neutralise(src.path or ""),
            "" if overall is None else scores.get(overall) or self._number(scores, overall, 1, 2)]
        for c in CHANTIERS:
            value = by_chantier.get(c)
            out.append("" if value is None else scores.get(value) or self._number(scores, value, 1, 2))
        out.append(self._number(self._percents, sc.completeness, 100, 1))
        tally = sc.counts
        for s in self.statuses:
            n = tally.get(s, 0)
            out.append(cells[n] if 0 <= n < 64 else neutralise(str(n)))
        layout = self.layout.of(scored)
        if layout is None:
            by_rule = {f.rule: f.status for f in scored.findings}
            statuses: Any = [by_rule.get(r, "") for r in self.rule_ids]
            if self.added:
                counts, added = added_cells(scored.findings, self.added)
                out += counts
                statuses += added
        else:  # the rulebook's statuses in its order; a later finding of one of its rules overrides (as in a dict)
            statuses, rest = layout
            if rest:
                statuses, pos = list(statuses), self.rule_pos
                for f in rest:
                    at = pos.get(f.rule)
                    if at is not None:
                        statuses[at] = f.status
                if self.added:
                    counts, added = added_cells(rest, self.added)
                    out += counts
                    statuses += added
            elif self.added:
                out += self._no_groups
                statuses += self._none_added
        if not self._safe.issuperset(statuses):
            self._safe.update(v for v in statuses if neutralise(v) is v)
            statuses = [neutralise(v) for v in statuses]
        return out, statuses

    def finish(self) -> Path:
        self.fh.close()
        return self.target


def write_results_csv(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    return write_with(CsvSink, run, out_dir, lang)
