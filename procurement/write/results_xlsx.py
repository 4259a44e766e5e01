"""results.xlsx: the user's own table, with our scores and statuses added to the right of each row.

Sheets, in this order:
- "Résultats" / "Results": the columns of the user's file exactly as they were (ScoredOrder.original;
  the canonical fields for DECP inputs, which have no columns of their own), then where the row came
  from, the overall and per-chantier scores, the data completeness, the counts by status, one column
  per rule with its status in words, the missing fields and the warnings. Frozen header, autofilter,
  conditional formatting on statuses and scores.
- "Lisez-moi" / "Read me" (xlsx_readme.py): what every column means, the run's provenance (rulebook and
  input sha256) and the row balance (rows read = orders + rejected + merged), the rules and their counts.
- one sheet per rule (named by its id; RISK-02's when the batch flagged a group): its legal basis beside
  its title (xlsx_legal.py), then the orders the rule applies to, with status, message, evidence and
  missing fields (not-applicable orders are counted in "Lisez-moi", not listed).
- "Lignes rejetées" / "Rejected rows": every row that did not become an order, and why.

Two writers give the same cells (xlsx_rows.py builds the values once for both): openpyxl's write-only
mode for small runs, and from FAST_FROM_ORDERS orders the streamed rows of xlsx_stream.py spliced into
the openpyxl workbook (about 10 times faster), deflated by a thread while they are made
(xlsx_deflate.py). PROCUREMENT_XLSX_WRITER=openpyxl or =fast forces one.
The orders are read twice: once for the header (the union of the user's columns), once for the rows.
Cell safety (formulas, XML-illegal characters): xlsx_cells.py.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, suppress
from itertools import islice
from pathlib import Path
from typing import Any

from procurement import i18n
from procurement.pipeline import Run
from procurement.scoring import CHANTIERS
from procurement.write.records import added_rules, batch_rules
from procurement.write.safe import atomic_path
from procurement.write.xlsx_cells import (
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    HEADER_FILL,
    ORIGINAL_FILL,
    STATUS_FILLS,
    column_letter,
    dangerous,
    set_widths,
    styled,
    text_cell,
)
from procurement.write.xlsx_legal import Listed, groups_header, legal_line, write_legal_section
from procurement.write.xlsx_readme import write_readme
from procurement.write.xlsx_rows import Columns, RowBuilder
from procurement.write.xlsx_stable import run_time, save_stable, sheet_heads, sheet_parts
from procurement.write.xlsx_words import SHEETS, words

WRITER_ENV = "PROCUREMENT_XLSX_WRITER"
FAST_FROM_ORDERS = 1_000
FAST_COMPRESSLEVEL = 1  # zlib level of the streamed sheets: 3 times faster than the default, 1.3 times bigger
# Deflating in a thread saves about 0.04 s of CPU per 1000 orders at the end and costs 0.1 s at the start
# (the sheets' heads rendered in a scratch workbook): from this many orders.
DEFLATE_FROM_ORDERS = 3_000


def choose_writer(n_orders: int) -> str:
    """"openpyxl" or "fast": PROCUREMENT_XLSX_WRITER if set to one of them, else by the number of orders."""
    forced = os.environ.get(WRITER_ENV, "").strip().lower()
    if forced in ("openpyxl", "fast"):
        return forced
    return "fast" if n_orders >= FAST_FROM_ORDERS else "openpyxl"


class _OpenpyxlRows:
    """Rows appended to an openpyxl write-only sheet, text that looks like a formula kept as text."""

    def __init__(self, ws: Any):
        self.ws, self.rows = ws, 0

    def append(self, row: list[object]) -> None:
        ws = self.ws
        ws.append([text_cell(ws, v) if dangerous(v) else v for v in row])
        self.rows += 1

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------------------
# Sheets: header rows before the data, formatting once the number of rows is known
# ---------------------------------------------------------------------------------------------------------


def _our_headers(run: Run, lang: str, statuses: list[str]) -> list[str]:
    w = words(lang)
    ours = [w["our_id"], w["file"], w["sheet"], w["row"], w["overall"]]
    ours += [w["chantier"].format(n=c) for c in CHANTIERS]
    ours.append(w["completeness"])
    ours += [w["count"].format(label=i18n.label(s, lang)) for s in statuses]
    ours.append(w["legal_failures"])
    ours += [groups_header(rule.id, lang) for rule in added_rules(run)]  # counts too: RISK-02's findings
    ours += [rule.id for rule in batch_rules(run)]
    ours += [w["missing"], w["warnings"]]
    return ours


def original_room(run: Run) -> int:
    """How many of the user's headers the results sheet can take beside ours: its width stays within
    Excel's 16,384 columns whatever statuses and DECP fields the orders bring."""
    from procurement.fields import INPUT_FIELDS
    from procurement.write.results_csv import BASE_STATUSES

    return EXCEL_MAX_COLUMNS - len(_our_headers(run, "fr", [*BASE_STATUSES, "waived"])) - len(INPUT_FIELDS)


def _width(run: Run, columns: Columns) -> int:
    return len(columns.originals) + len(columns.canonical) + len(_our_headers(run, "fr", columns.statuses))


def _results_sheet(wb: Any, run: Run, lang: str, columns: Columns) -> Any:
    """The sheet with its header row."""
    ws = wb.create_sheet(SHEETS["results"][lang])
    _results_header(ws, run, lang, columns)
    return ws


def _results_header(ws: Any, run: Run, lang: str, columns: Columns) -> None:
    """Column widths, frozen header and the header row: before any other row of the sheet."""
    ours = _our_headers(run, lang, columns.statuses)
    theirs = [*columns.originals, *columns.canonical_headers(lang)]
    widths = [min(40.0, max(10.0, len(h) * 1.1 + 2)) for h in theirs]
    widths += [max(12.0, len(h) * 1.0 + 2) for h in ours]
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    header = [styled(ws, h, bold=True, fill=ORIGINAL_FILL, wrap=True) for h in theirs]
    header += [styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in ours]
    ws.append(header)


def _status_formatting(ws: Any, cell_range: str, labels: dict[str, str]) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    for status, color in STATUS_FILLS.items():
        if status not in labels:
            continue
        text = labels[status].replace('"', '""')
        ws.conditional_formatting.add(cell_range, CellIsRule(
            operator="equal", formula=[f'"{text}"'], fill=PatternFill("solid", start_color=color, end_color=color)))


def _format_results(ws: Any, run: Run, columns: Columns, width: int, count: int, labels: dict[str, str]) -> None:
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Font

    last_row = count + 1
    ws.auto_filter.ref = f"A1:{column_letter(width)}{last_row}"
    if not count:
        return
    statuses, n_rules = columns.statuses, len(batch_rules(run))
    first_score = len(columns.originals) + len(columns.canonical) + 5  # after id, file, sheet, row
    score_range = f"{column_letter(first_score)}2:{column_letter(first_score + len(CHANTIERS))}{last_row}"
    ws.conditional_formatting.add(score_range, ColorScaleRule(
        start_type="num", start_value=0, start_color="F8696B", mid_type="num", mid_value=50,
        mid_color="FFEB84", end_type="num", end_value=100, end_color="63BE7B"))
    fail_count_col = first_score + len(CHANTIERS) + 1 + 1 + statuses.index("fail")
    ws.conditional_formatting.add(
        f"{column_letter(fail_count_col)}2:{column_letter(fail_count_col)}{last_row}",
        CellIsRule(operator="greaterThan", formula=["0"], font=Font(bold=True, color="9B1C1C")))
    if n_rules:
        first_rule = first_score + len(CHANTIERS) + 1 + len(statuses) + 1 + len(added_rules(run)) + 1
        rule_range = f"{column_letter(first_rule)}2:{column_letter(first_rule + n_rules - 1)}{last_row}"
        _status_formatting(ws, rule_range, labels)


def _rule_sheet(wb: Any, rule: Any, lang: str) -> Any:
    w = words(lang)
    ws = wb.create_sheet(rule.id)
    set_widths(ws, [18, 18, 14, 10, 20, 60, 70, 30])
    ws.freeze_panes = "A3"
    title = rule.title.en if lang == "en" else rule.title.fr
    # The legal basis from column F, right of the title: rows 1-2 stay on screen (frozen).
    ws.append([styled(ws, f"{rule.id} — {title}", bold=True), None, None, None, None,
               styled(ws, legal_line(rule, lang))])
    ws.append([styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in (
        w["id"], w["file"], w["sheet"], w["row"], w["status"], w["message"], w["evidence"], w["missing"])])
    return ws


def _format_rule(ws: Any, count: int, lang: str) -> None:
    ws.auto_filter.ref = f"A2:H{count + 2}"
    if count:
        labels = {s: i18n.label(s, lang) for s in ("fail", "pass", "insufficient_data", "waived")}
        _status_formatting(ws, f"E3:E{count + 2}", labels)


def _rejected_sheet(wb: Any, lang: str) -> Any:
    w = words(lang)
    ws = wb.create_sheet(SHEETS["rejected"][lang])
    set_widths(ws, [22, 16, 8, 24, 24, 18, 24, 18, 80])
    ws.freeze_panes = "A2"
    ws.append([styled(ws, h, bold=True, white=True, fill=HEADER_FILL, wrap=True) for h in (
        w["file"], w["sheet"], w["row"], w["path"], w["column"], w["field"], w["value"], w["code"], w["reason"])])
    return ws


# ---------------------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------------------


def _workbook(run: Run, lang: str, fast: bool, columns: Columns) -> tuple[Any, Any, Any, list[Any], Any]:
    """(workbook, results sheet, CellStyles of the fast path or None, rule sheets, rejected sheet), their
    header rows written but the results sheet's on the fast path. Styles are registered in this order."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    styles = None
    if fast:
        from procurement.write.xlsx_stream import CellStyles

        results_ws = wb.create_sheet(SHEETS["results"][lang])  # its header once the columns are known
        styles = CellStyles(results_ws)
    else:
        results_ws = _results_sheet(wb, run, lang, columns)
    rule_ws = [_rule_sheet(wb, rule, lang) for rule in batch_rules(run)]
    return wb, results_ws, styles, rule_ws, _rejected_sheet(wb, lang)


def streamed_styles(lang: str) -> Any:
    """The fast path's `CellStyles`, with the ids the workbook gives them (another process's rows use
    them): `_workbook` registers them first, on its first sheet."""
    from openpyxl import Workbook

    from procurement.write.xlsx_stream import CellStyles

    return CellStyles(Workbook(write_only=True).create_sheet(SHEETS["results"][lang]))


def rule_parts(run: Run, lang: str, counts: dict[int, int]) -> list[tuple[bytes, bytes]]:
    """Each rule sheet's XML before its rows and after them, as the fast path's save writes it when rule
    sheet i holds counts.get(i, 0) rows (formats registered in the same order: the results sheet's first)."""
    columns = Columns()
    wb, results_ws, _, rule_ws, _ = _workbook(run, lang, True, columns)
    _results_header(results_ws, run, lang, columns)
    labels = {s: i18n.label(s, lang) for s in (*columns.statuses, "waived")}
    _format_results(results_ws, run, columns, _width(run, columns), 1, labels)
    for i, ws in enumerate(rule_ws):
        _format_rule(ws, counts.get(i, 0), lang)
    return sheet_parts(wb, rule_ws)


def _heads(run: Run, lang: str, columns: Columns) -> list[bytes]:
    """The XML before the rows of each streamed sheet (results, rules, rejected), as the fast path's save
    will write it if the columns stay these: a scratch workbook made the same way, saved without rows."""
    wb, results_ws, _, rule_ws, rejected_ws = _workbook(run, lang, True, columns)
    _results_header(results_ws, run, lang, columns)
    return sheet_heads(wb, [results_ws, *rule_ws, rejected_ws])


class XlsxSink:
    """results.xlsx fed one order at a time (see procurement.write.outputs); `writer` ("openpyxl" or
    "fast") overrides `choose_writer`; `share` (fast path): rule sheets another process makes and hands
    over at the end (xlsx_shared.py).

    openpyxl writes each sheet's header before its rows, so its path (small runs) reads the orders once
    for the header before the pass. The fast path writes the results sheet's header last, so the pass is
    the only one, unless new columns appear after the first order (several files with different columns,
    DECP records that fill different fields): then the results rows are written again in a second pass.
    """

    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack | None = None,
                 writer: str | None = None, deflate: bool | None = None, share: Any = None):
        lang = "en" if lang == "en" else "fr"
        self.run, self.lang = run, lang
        self.target = out_dir / "results.xlsx"
        self.limit = EXCEL_MAX_ROWS - 2  # header rows
        self.fast = (writer or choose_writer(len(run.orders))) == "fast"
        self.share = share if self.fast else None
        self.columns = Columns(original_room(run)) if self.fast else Columns.discover(run, original_room(run))
        self.builder = RowBuilder(run, lang, self.columns)
        rules = batch_rules(run)
        self.wb, self.results_ws, self.styles, self.rule_ws, self.rejected_ws = _workbook(
            run, lang, self.fast, self.columns)
        self.deflater: Any = None  # the fast path's, from the first order (`deflate`: None for by size)
        self.fast_rules: Any = None  # the fast path's RuleRows
        if self.fast:
            from procurement.write.xlsx_deflate import Deflater
            from procurement.write.xlsx_rule_rows import RuleRows
            from procurement.write.xlsx_stream import SheetStream

            if deflate is None:
                deflate = len(run.orders) >= DEFLATE_FROM_ORDERS
            self.deflater = Deflater(FAST_COMPRESSLEVEL) if deflate else None
            self.results: Any = SheetStream(self.styles, 2, 0)
            elsewhere = set() if self.share is None else set(self.share.rules)
            self.fast_rules = RuleRows(self.styles, len(rules), self.limit,
                                       {i for i in range(len(rules)) if i not in elsewhere})
            self.rule_rows: list[Any] = self.fast_rules.streams  # None: a sheet made elsewhere
            self.room = self.fast_rules.room
            self.rejected: Any = SheetStream(self.styles, 2, 9)
        else:
            self.results = _OpenpyxlRows(self.results_ws)
            self.rule_rows = [_OpenpyxlRows(ws) for ws in self.rule_ws]
            self.room = [self.limit] * len(self.rule_rows)
            self.rejected = _OpenpyxlRows(self.rejected_ws)
        self._deflate_due = self.deflater is not None
        self.sinks = [self.results, *self.rule_rows, self.rejected]
        self.whole = True
        if stack is not None:
            stack.callback(self.close)
            if self.share is not None:
                stack.push(self.share.orphaned)  # told whether the process ends on an error

    def add(self, scored: Any) -> None:
        """Results row, rule sheet rows, counts. On the fast path the header is learnt on the way and the
        results rows are given up as soon as a new column appears after the first."""
        results = self.results
        if self.fast and self.columns.observe(scored) and results.rows:
            self.whole = False  # the rows already written lack the new column: written again in finish()
        row, source, by_rule = self.builder.rows(scored, self.whole and results.rows < self.limit, self.room)
        if row is not None:
            results.append(row)
        if self.fast_rules is not None:
            self.fast_rules.add(source, by_rule)
        else:
            sinks, room = self.rule_rows, self.room
            for i, rest in by_rule:
                sinks[i].append([*source, *rest])
                room[i] -= 1
        if self._deflate_due:
            self._deflate()

    def _deflate(self) -> None:
        """Rows deflated by a thread from now on (xlsx_deflate.py): the columns are known from the first
        order (if more appear later, the results rows are written again, without it, in finish())."""
        self._deflate_due = False
        heads = _heads(self.run, self.lang, self.columns)
        for sink, head in zip(self.sinks, heads, strict=True):
            if sink is not None:
                sink.deflate(self.deflater, head)

    def finish(self) -> Path:
        from procurement.write.xlsx_stream import SheetStream

        run, lang, columns, builder, limit = self.run, self.lang, self.columns, self.builder, self.limit
        if not self.whole:
            self.results.close()
            self.results = self.sinks[0] = SheetStream(self.styles, 2, _width(run, columns))
            for scored in islice(run.orders, limit):
                self.results.append(builder.results_row(scored, builder.source(scored)))
        results, rejected = self.results, self.rejected
        if self.fast:
            _results_header(self.results_ws, run, lang, columns)
        for r in islice(run.rejected, limit):
            rejected.append(builder.rejected_row(r))
        labels = {s: i18n.label(s, lang) for s in (*columns.statuses, "waived")}
        _format_results(self.results_ws, run, columns, _width(run, columns), results.rows, labels)
        handed = self.share.receive() if self.share is not None else {}  # waits for the other process
        for i, (ws, sink) in enumerate(zip(self.rule_ws, self.rule_rows, strict=True)):
            _format_rule(ws, handed[i].count if sink is None else sink.rows, lang)
        self.rejected_ws.auto_filter.ref = f"A1:I{rejected.rows + 1}"
        truncated = len(run.orders) > limit or len(run.rejected) > limit
        rules = batch_rules(run)
        canonical = list(zip(columns.canonical, columns.canonical_headers(lang), strict=True))
        write_readme(self.wb, Listed(run, rules), lang, columns.originals, canonical, columns.statuses,
                     builder.rule_counts, truncated, limit, index=1, left_out=columns.left_out,
                     order_counts=builder.order_counts, copies=builder.copies)
        write_legal_section(self.wb.worksheets[1], rules, added_rules(run), len(run.rulebook.rules), lang)
        splices = {}
        if self.fast:
            sheets = [self.results_ws, *self.rule_ws, self.rejected_ws]
            splices = {ws: handed[i - 1] if sink is None else sink.spliced()
                       for i, (ws, sink) in enumerate(zip(sheets, self.sinks, strict=True))}
            if self.deflater is not None:
                self.deflater.drain()
        with atomic_path(self.target) as tmp:
            save_stable(self.wb, tmp, run_time(run.generated_at), splices, FAST_COMPRESSLEVEL if self.fast else None)
        return self.target

    def close(self) -> None:
        for sink in self.sinks:
            if sink is not None:
                sink.close()
        _discard_unsaved(self.wb)


def _discard_unsaved(wb: Any) -> None:
    """Close the write-only sheets of a workbook given up (a failure before or during its save) and remove
    their temporary files.

    Left to the garbage collector, each sheet's row generator and its XML stream are finalised in any
    order: a stream closed first made the generator write into a closed file, and Python printed an
    "Exception ignored ... I/O operation on closed file" traceback per sheet after the one-line error.
    A saved sheet is closed already and its file removed by the save: nothing is done for it.
    """
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None or getattr(ws, "closed", True):
            continue
        with suppress(Exception):  # a sheet half-written when the failure came: it is thrown away anyway
            ws.close()
        with suppress(Exception):
            writer.cleanup()


def write_results_xlsx(run: Run, out_dir: Path, lang: str = "fr", writer: str | None = None) -> Path:
    """Write out_dir/results.xlsx in a pass of its own (see XlsxSink)."""
    sink = XlsxSink(run, out_dir, lang, writer=writer)
    try:
        for scored in run.orders:
            sink.add(scored)
        return sink.finish()
    finally:
        sink.close()
