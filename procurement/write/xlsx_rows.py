"""The rows of results.xlsx as plain values, the same for both writers (openpyxl and the streamed one).

`Columns.discover` is the one pass over the orders made before writing (the results sheet's header needs
the union of the user's columns and the statuses met); `RowBuilder` then turns each order, in a single
second pass, into its row of the results sheet and its rows of the rule sheets.

A finding's message, evidence text and missing fields are kept by the values each depends on
(`procurement.write.finding_parts`), so that 100 000 orders do not re-explain and re-format the same
verdict 100 000 times.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from procurement import i18n
from procurement.engine import Finding
from procurement.fields import FIELDS_BY_NAME, INPUT_FIELDS
from procurement.pipeline import Run, ScoredOrder
from procurement.scoring import CHANTIERS
from procurement.write.finding_parts import EVIDENCE_KEYS, FindingParts, evidence_texts
from procurement.write.results_csv import BASE_STATUSES
from procurement.write.xlsx_cells import cell_value, score_cell


class Columns:
    """What the results sheet's header needs to know of every order: the user's headers in order of first
    appearance, the canonical fields shown for orders without columns of their own (DECP), and the
    statuses (the four, then any added later, e.g. waived). Learnt order by order (`observe`)."""

    def __init__(self, room: int | None = None) -> None:
        # `room`: how many of the user's headers fit beside ours in a sheet (EXCEL_MAX_COLUMNS); those
        # met later are counted in `left_out` (800 csv files of 20 columns each made 16,000 of them).
        self.room = room
        self.left_out = 0
        self.originals: list[str] = []
        self.canonical: list[str] = []
        self.statuses: list[str] = list(BASE_STATUSES)
        self._headers: set[str] = set()
        self._fields: set[str] = set()
        self._statuses = set(BASE_STATUSES)

    def observe(self, scored: ScoredOrder) -> bool:
        """Learn one order's columns; True when the header changed."""
        grew = False
        if scored.original is not None:
            headers = self._headers
            if len(headers) < len(scored.original) or not headers.issuperset(scored.original):
                for header in scored.original:
                    if header not in headers:
                        headers.add(header)
                        if self.room is None or len(self.originals) < self.room:
                            self.originals.append(header)
                            grew = True
                        else:
                            self.left_out += 1
        else:
            before = len(self._fields)
            self._fields.update(name for name, value in scored.order if value is not None)
            if len(self._fields) != before:
                self.canonical = [f.name for f in INPUT_FIELDS if f.name in self._fields]
                grew = True
        for status in scored.scores.counts:
            if status not in self._statuses:
                self._statuses.add(status)
                self.statuses.append(status)
                grew = True
        return grew

    @classmethod
    def discover(cls, run: Run, room: int | None = None) -> Columns:
        """The columns of every order of `run` (one pass)."""
        columns = cls(room)
        for scored in run.orders:
            columns.observe(scored)
        return columns


class FindingTexts:
    """(message, evidence text, missing headers) of a finding as results.xlsx's rule sheets show them: an
    engine finding's pieces kept by `FindingParts`, another kind (waived) described afresh."""

    def __init__(self, rules: Any, lang: str, parts: FindingParts | None = None):
        self.lang = lang
        self.parts = parts if parts is not None else FindingParts(rules, lang)

    def __call__(self, f: Any) -> tuple[object, object, object]:
        if type(f) is not Finding:
            return self.describe(f)
        return self.parts.cells(f)  # kept with the finding's entry: one look-up for a verdict met again

    def describe(self, f: Any) -> tuple[object, object, object]:
        """The same texts, made afresh."""
        rows = [tuple(e[k] for k in EVIDENCE_KEYS) for e in f.evidence]
        return (cell_value(f.message(self.lang)), *evidence_texts(rows, f.missing, self.lang))


def _plain(value: object) -> object:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


def missing_text(scored: ScoredOrder, lang: str) -> str:
    names: dict[str, None] = {}
    for fields in scored.scores.missing.values():
        for name in fields:
            names.setdefault(name, None)
    return ", ".join(FIELDS_BY_NAME[n].header(lang) if n in FIELDS_BY_NAME else n for n in names)


def warnings_text(scored: ScoredOrder, lang: str) -> str:
    return " | ".join(
        (f"{w.column} : " if lang != "en" and w.column else f"{w.column}: " if w.column else "")
        + (w.message_en if lang == "en" else w.message_fr)
        for w in scored.order.warnings
    )


class RowBuilder:
    """Rows of the results sheet and of the rule sheets, and the counts by rule and status, in one pass."""

    def __init__(self, run: Run, lang: str, columns: Columns):
        self.lang = lang
        self.columns = columns  # may still be learning: read at each row
        self.rules = [r.id for r in run.rulebook.rules]
        self.rule_index = {rid: i for i, rid in enumerate(self.rules)}
        self.labels = {s: i18n.label(s, lang) for s in (*columns.statuses, "waived")}
        self._counts: dict[str, dict[str, int]] = {}  # plain dicts: a Counter's += costs 3 times a dict's
        self.texts = FindingTexts(run.rulebook.rules, lang)

    @property
    def rule_counts(self) -> dict[str, Counter]:
        """Findings by rule and status so far, each in the order first met."""
        return {rid: Counter(c) for rid, c in self._counts.items()}

    def source(self, scored: ScoredOrder) -> list[object]:
        order = scored.order
        src = order.source
        return [cell_value(order.id), cell_value(src.file), cell_value(src.sheet),
                src.row if src.row is not None else cell_value(src.path)]

    def results_row(self, scored: ScoredOrder, source: list[object], by_rule: list[object] | None = None
                    ) -> list[object]:
        """`by_rule`: the rules' status labels, as `rows` found them on its way (else found here)."""
        order, sc, lang, columns = scored.order, scored.scores, self.lang, self.columns
        if scored.original is not None:
            get = scored.original.get
            row: list[object] = [cell_value(get(h)) for h in columns.originals]
            row += [None] * len(columns.canonical)
        else:
            row = [None] * len(columns.originals)
            row += [cell_value(_plain(getattr(order, n))) for n in columns.canonical]
        completeness = None if sc.completeness is None else round(100 * sc.completeness, 1)
        row += source
        row.append(score_cell(sc.overall))
        row += [score_cell(sc.by_chantier.get(c)) for c in CHANTIERS]
        row.append(completeness)
        row += [sc.counts.get(s, 0) for s in columns.statuses]
        row.append(", ".join(sc.legal_failures) or None)
        row += self.rule_labels(scored) if by_rule is None else by_rule
        row.append(cell_value(missing_text(scored, lang)) or None)
        row.append(cell_value(warnings_text(scored, lang)) or None)
        return row

    def rows(self, scored: ScoredOrder, with_results: bool, rule_room: list[int]
             ) -> tuple[list[object] | None, list[object], list[tuple[int, tuple[object, ...]]]]:
        """(the results row or None, the order's `source`, [(rule index, the rest of its rule sheet row)]) of
        one order; counts its findings. A rule sheet's row is the source, then (status label, message,
        evidence, missing): the rest comes apart because it recurs from order to order (xlsx_stream.segment).

        `rule_room[i]`: rows rule sheet i can still take (Excel's limit); a full sheet gets no more rows.
        """
        counts, index, labels, texts, lang = self._counts, self.rule_index, self.labels, self.texts, self.lang
        source = self.source(scored)
        rule_rows: list[tuple[int, tuple[object, ...]]] = []
        by_rule: list[object] = [None] * len(self.rules)  # the results row's status columns
        done: tuple[Any, ...] = ()  # texts a worker computed (the batch may have added findings since)
        if scored.texts is not None and scored.texts[0] == lang:
            done = scored.texts[1]
        n_done = len(done)
        for k, f in enumerate(scored.findings):
            rid, status = f.rule, f.status
            c = counts.get(rid)
            if c is None:
                c = counts[rid] = {}
            c[status] = c.get(status, 0) + 1
            i = index.get(rid)
            if i is None:
                continue
            label = by_rule[i] = labels.get(status) or i18n.label(status, lang)
            if status == "not_applicable" or rule_room[i] <= 0:
                continue
            message, evidence, missing = done[k] if k < n_done and done[k] is not None else texts(f)
            rule_rows.append((i, (label, message, evidence, missing)))
        return (self.results_row(scored, source, by_rule) if with_results else None), source, rule_rows

    def rule_rows_at(self, scored: ScoredOrder, indexes: list[int], rule_room: list[int]
                     ) -> list[tuple[int, tuple[object, ...]]] | None:
        """`rows`' rule sheet rows for the rules at `indexes` only (nothing counted), each read from the
        finding at its rule's index: the store rebuilds engine findings in the rulebook's order, so a few
        rules cost a few look-ups where `rows` goes through every finding. None when the findings are not
        one per rule in that order (RISK-02's added, which a rulebook may name too): `rows` then."""
        findings, rules = scored.findings, self.rules
        if len(findings) != len(rules):
            return None
        labels, lang, out = self.labels, self.lang, []
        done: tuple[Any, ...] = ()
        if scored.texts is not None and scored.texts[0] == lang:
            done = scored.texts[1]
        for i in indexes:
            f = findings[i]
            if f.rule != rules[i]:
                return None
            status = f.status
            if status == "not_applicable" or rule_room[i] <= 0:
                continue
            texts = done[i] if i < len(done) and done[i] is not None else self.texts(f)
            out.append((i, (labels.get(status) or i18n.label(status, lang), *texts)))
        return out

    def rule_labels(self, scored: ScoredOrder) -> list[object]:
        """Each rule's status on the order in words (None where it has no finding), as `rows` finds them."""
        by_rule: list[object] = [None] * len(self.rules)
        index, labels, lang = self.rule_index, self.labels, self.lang
        for f in scored.findings:
            i = index.get(f.rule)
            if i is not None:
                by_rule[i] = labels.get(f.status) or i18n.label(f.status, lang)
        return by_rule

    def rejected_row(self, r: Any) -> list[object]:
        s = r.source
        return [cell_value(v) for v in (s.file, s.sheet, s.row, s.path, r.column, r.field, r.value, r.code,
                                        r.message(self.lang))]
