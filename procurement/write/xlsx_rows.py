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
from procurement.fields import FIELDS_BY_NAME, INPUT_FIELDS, Kind
from procurement.order_identity import DUPLICATE_ORDER
from procurement.pipeline import Run, ScoredOrder
from procurement.portfolio_findings import PortfolioOrderFinding
from procurement.rulebook.book import INSUFFICIENT
from procurement.rulebook.render import format_kept
from procurement.scoring import CHANTIERS, one_per_rule
from procurement.write.finding_parts import EVIDENCE_KEYS, FindingParts, evidence_texts
from procurement.write.finding_rows import decisive_rows
from procurement.write.records import added_rules, batch_rules
from procurement.write.results_csv import BASE_STATUSES
from procurement.write.xlsx_cells import cell_value, score_cell

_GROUPS_LIMIT = 4096  # RISK-02 groups whose texts are kept (a bound, not a tuning)
_CHOICE_FIELDS = frozenset(f.name for f in INPUT_FIELDS if f.kind in (Kind.ENUM, Kind.ENUM_SET))


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

    def canonical_headers(self, lang: str) -> list[str]:
        """The headers of the fields shown for orders without columns of their own (DECP, OCDS): a field's
        header that one of the user's columns already has gets « (champ lu) », "(field read)". Scoring a
        workbook and a DECP file together made two « Objet », two « Montant HT »...: a filter on one
        missed the other's rows."""
        taken = {h.casefold() for h in self.originals}
        out = []
        for name in self.canonical:
            header = FIELDS_BY_NAME[name].header(lang)
            out.append(f"{header} ({'field read' if lang == 'en' else 'champ lu'})" if header.casefold() in taken
                       else header)
        return out

    @classmethod
    def discover(cls, run: Run, room: int | None = None) -> Columns:
        """The columns of every order of `run` (one pass)."""
        columns = cls(room)
        for scored in run.orders:
            columns.observe(scored)
        return columns


class FindingTexts:
    """(message, evidence text, missing headers) of a finding as results.xlsx's rule sheets show them: an
    engine finding's pieces kept by `FindingParts`, a RISK-02 finding's by its group (the orders of a
    group share them), another kind (waived) described afresh."""

    def __init__(self, rules: Any, lang: str, parts: FindingParts | None = None):
        self.lang = lang
        self.parts = parts if parts is not None else FindingParts(rules, lang)
        self._groups: dict[int, tuple[Any, tuple[object, object, object]]] = {}  # id -> (group, texts)

    def __call__(self, f: Any) -> tuple[object, object, object]:
        t = type(f)
        if t is Finding:
            return self.parts.cells(f)  # kept with the finding's entry: one look-up for a verdict met again
        if t is PortfolioOrderFinding:
            hit = self._groups.get(id(f.group))
            if hit is None or hit[0] is not f.group:
                if len(self._groups) >= _GROUPS_LIMIT:
                    self._groups.clear()
                hit = self._groups[id(f.group)] = (f.group, self.describe(f))
            return hit[1]
        return self.describe(f)

    def describe(self, f: Any) -> tuple[object, object, object]:
        """The same texts, made afresh: the deciding rows of the verdict (of the one a waiver covers)."""
        rows = [tuple(e[k] for k in EVIDENCE_KEYS) for e in f.evidence]
        status = getattr(f, "original_status", None) or f.status
        rows = decisive_rows(rows, status, f.missing if status == INSUFFICIENT else None, getattr(f, "compiled", None))
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
    """Rows of the results sheet and of the rule sheets, and the counts by rule and status, in one pass.

    The rules are `records.batch_rules`: the rulebook's, then those the batch adds (RISK-02), which may
    give an order several findings (one per group): each has its row in the rule's sheet, the results
    row gives their number (before the status columns, beside the counts) and the rule's status ("fail"
    if any fails)."""

    def __init__(self, run: Run, lang: str, columns: Columns):
        self.lang = lang
        self.columns = columns  # may still be learning: read at each row
        self.rules = [r.id for r in batch_rules(run)]
        self.rule_index = {rid: i for i, rid in enumerate(self.rules)}
        self.n_added = len(added_rules(run))
        self.first_added = len(self.rules) - self.n_added  # the rulebook's rules come first
        # Looked up apart: a rulebook rule's finding, nearly all of them, costs what it did without RISK-02.
        self._own_index = {rid: i for rid, i in self.rule_index.items() if i < self.first_added}
        self._added_index = {rid: i for rid, i in self.rule_index.items() if i >= self.first_added}
        # An order's status columns, then the number of findings of each added rule (`results_row` puts
        # these first, beside the counts by status).
        self._blank: list[object] = [None] * len(self.rules) + [0] * self.n_added
        self.labels = {s: i18n.label(s, lang) for s in (*columns.statuses, "waived")}
        self._counts: dict[str, dict[str, int]] = {}  # plain dicts: a Counter's += costs 3 times a dict's
        # Findings counted in `_counts` that the summary's figures do not count (`order_counts`), and the
        # later copies of an order (`duplicate_order`) among the rows.
        self._surplus: dict[str, Counter] = {}
        self.copies = 0
        self.texts = FindingTexts(run.rulebook.rules, lang)
        self._choice_texts: dict[tuple, str] = {}  # see `canonical`

    def canonical(self, order: Any) -> list[object]:
        """The order's values in the canonical columns (an input without columns of its own, DECP): an
        enumeration by its label in the sheet's language, « Appel d'offres ouvert » / "Open procedure", as
        the order pages show it (the sheet showed the code, appel_offres_ouvert, in both languages)."""
        kept, lang = self._choice_texts, self.lang
        return [cell_value(_plain(format_kept(v, FIELDS_BY_NAME[n].kind, lang, kept, name=n)
                                  if v is not None and n in _CHOICE_FIELDS else v))
                for n, v in ((n, getattr(order, n)) for n in self.columns.canonical)]

    @property
    def rule_counts(self) -> dict[str, Counter]:
        """Findings by rule and status so far, each in the order first met."""
        return {rid: Counter(c) for rid, c in self._counts.items()}

    @property
    def order_counts(self) -> dict[str, Counter]:
        """ORDERS by rule and status, as the summary and the report count them (procurement.aggregate):
        a later copy of an order (`duplicate_order`) is left out, and an order with several findings of a
        rule (RISK-02, one per group) counts once, under the worst. The read-me sheet's table gave the
        findings, rows of the sheets: 2 failing orders where the report said 1, with nothing saying why."""
        out = {}
        for rid, c in self._counts.items():
            surplus = self._surplus.get(rid) or {}
            out[rid] = Counter({s: n - surplus.get(s, 0) for s, n in c.items()})
        return out

    def _set_aside(self, findings: Any, copy: bool) -> None:
        """The findings of one order that `order_counts` does not count: all of a copy's; of a rule with
        several findings on the order, all but its worst (`scoring.one_per_rule`, as the scores count it)."""
        surplus = self._surplus
        if copy:
            self.copies += 1
            for f in findings:
                (surplus.get(f.rule) or surplus.setdefault(f.rule, Counter()))[f.status] += 1
            return
        kept = {id(f) for f in one_per_rule(findings)}
        for f in findings:
            if id(f) not in kept:
                (surplus.get(f.rule) or surplus.setdefault(f.rule, Counter()))[f.status] += 1

    def source(self, scored: ScoredOrder) -> list[object]:
        order = scored.order
        src = order.source
        return [cell_value(order.id), cell_value(src.file), cell_value(src.sheet),
                src.row if src.row is not None else cell_value(src.path)]

    def results_row(self, scored: ScoredOrder, source: list[object], by_rule: list[object] | None = None
                    ) -> list[object]:
        """`by_rule`: the rules' status labels and the numbers of added findings, as `rows` found them on
        its way (else found here)."""
        order, sc, lang, columns = scored.order, scored.scores, self.lang, self.columns
        if scored.original is not None:
            get = scored.original.get
            row: list[object] = [cell_value(get(h)) for h in columns.originals]
            row += [None] * len(columns.canonical)
        else:
            row = [None] * len(columns.originals)
            row += self.canonical(order)
        completeness = None if sc.completeness is None else round(100 * sc.completeness, 1)
        row += source
        row.append(score_cell(sc.overall))
        row += [score_cell(sc.by_chantier.get(c)) for c in CHANTIERS]
        row.append(completeness)
        row += [sc.counts.get(s, 0) for s in columns.statuses]
        row.append(", ".join(sc.legal_failures) or None)
        if by_rule is None:
            by_rule = self.rule_labels(scored)
        if self.n_added:
            n = len(self.rules)
            row += by_rule[n:]
            row += by_rule[:n]
        else:
            row += by_rule
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
        counts, index, labels, texts, lang = self._counts, self._own_index, self.labels, self.texts, self.lang
        source = self.source(scored)
        rule_rows: list[tuple[int, tuple[object, ...]]] = []
        by_rule = self._blank.copy()  # the results row's status columns and numbers of added findings
        added, n_added, fail = self._added_index, self.n_added, labels.get("fail")
        done: tuple[Any, ...] = ()  # texts a worker computed (the batch may have added findings since)
        if scored.texts is not None and scored.texts[0] == lang:
            done = scored.texts[1]
        n_done = len(done)
        several = False  # an added rule with several findings on the order (`_set_aside`)
        for k, f in enumerate(scored.findings):
            rid, status = f.rule, f.status
            c = counts.get(rid)
            if c is None:
                c = counts[rid] = {}
            c[status] = c.get(status, 0) + 1
            i = index.get(rid)
            if i is not None:
                label = by_rule[i] = labels.get(status) or i18n.label(status, lang)
            else:
                i = added.get(rid)
                if i is None:
                    continue
                label = labels.get(status) or i18n.label(status, lang)
                by_rule[i + n_added] += 1  # type: ignore[operator] - its number, after the labels
                several = several or by_rule[i + n_added] > 1  # type: ignore[operator]
                if by_rule[i] != fail:  # one of several findings: the rule fails if one does
                    by_rule[i] = label
            if status == "not_applicable" or rule_room[i] <= 0:
                continue
            message, evidence, missing = done[k] if k < n_done and done[k] is not None else texts(f)
            rule_rows.append((i, (label, message, evidence, missing)))
        warnings = scored.order.warnings
        copy = bool(warnings) and any(w.code == DUPLICATE_ORDER for w in warnings)
        if copy or several:
            self._set_aside(scored.findings, copy)
        return (self.results_row(scored, source, by_rule) if with_results else None), source, rule_rows

    def rule_rows_at(self, scored: ScoredOrder, indexes: list[int], rule_room: list[int]
                     ) -> list[tuple[int, tuple[object, ...]]] | None:
        """`rows`' rule sheet rows for the rules at `indexes` only (nothing counted), each read from the
        finding at its rule's index: the store rebuilds engine findings in the rulebook's order, so a few
        rules cost a few look-ups where `rows` goes through every finding. None when the findings are not
        one per rulebook rule in that order, then only findings of the rules the batch adds (RISK-02's,
        which a rulebook may name too): `rows` then. An added rule's rows are its findings, in order."""
        findings, rules, n = scored.findings, self.rules, self.first_added
        if len(findings) < n:
            return None
        index = self.rule_index
        if len(findings) > n and any(index.get(f.rule, n) < n for f in findings[n:]):
            return None
        labels, lang, out = self.labels, self.lang, []
        done: tuple[Any, ...] = ()
        if scored.texts is not None and scored.texts[0] == lang:
            done = scored.texts[1]
        for i in indexes:
            if i < n:
                at: Any = (i,)
                if findings[i].rule != rules[i]:
                    return None
            else:
                at = [k for k in range(n, len(findings)) if findings[k].rule == rules[i]]
            for k in at:
                f = findings[k]
                status = f.status
                if status == "not_applicable" or rule_room[i] <= 0:
                    continue
                texts = done[k] if k < len(done) and done[k] is not None else self.texts(f)
                out.append((i, (labels.get(status) or i18n.label(status, lang), *texts)))
        return out

    def rule_labels(self, scored: ScoredOrder) -> list[object]:
        """Each rule's status on the order in words (None where it has no finding), then the number of
        findings of each added rule, as `rows` finds them."""
        by_rule = self._blank.copy()
        index, labels, lang = self.rule_index, self.labels, self.lang
        first_added, n_added, fail = self.first_added, self.n_added, labels.get("fail")
        for f in scored.findings:
            i = index.get(f.rule)
            if i is None:
                continue
            label = labels.get(f.status) or i18n.label(f.status, lang)
            if i < first_added:
                by_rule[i] = label
            else:
                by_rule[i + n_added] += 1  # type: ignore[operator]
                if by_rule[i] != fail:
                    by_rule[i] = label
        return by_rule

    def rejected_row(self, r: Any) -> list[object]:
        s = r.source
        return [cell_value(v) for v in (s.file, s.sheet, s.row, s.path, r.column, r.field, r.value, r.code,
                                        r.message(self.lang))]
