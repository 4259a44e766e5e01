"""What one `check` run found, and the exit status it gives; and the workbook's columns as the buyer sees
them (where each field is, which columns are not read and what they probably meant).

Apart from reading (`check_read`) and the outputs (`check_json`, `check_page`) because all three use it:
the result is the one thing they share.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procurement.pipeline import Run

_UNITS = re.compile(r"\([^)]{0,40}\)|€")
# Rejections of rows that are no consultation nor bid: a total line, a note (a sentence alone on its row, in
# whatever column). Counted as ignored, not as rows to fix or consultations left unchecked: their reason says
# « pas une ligne de données ».
IGNORED_ROWS = frozenset({"total_row", "no_order_data"})
SCAN_LIMIT = 1000  # rows looked at for a sheet's header (the reader takes the first 30 non-blank ones)


@dataclass(frozen=True, slots=True)
class UnreadColumn:
    """A column of the workbook that check does not read: an unknown header, or a second column for a field.

    Reported on the terminal and on the page, because its values are otherwise dropped without a word and
    the page then asks for a value the buyer did type (a renamed "Montant prévisionnel (€ HT)")."""

    sheet: str
    column: str  # its letter
    header: str
    field: str | None = None  # the field it probably meant (or the one already read, for a duplicate)
    suggestion: str | None = None  # the header to give it
    duplicate_of: str | None = None  # the letter of the column read instead

    def message(self, lang: str) -> str:
        h, s, c = self.header, self.sheet, self.column
        if lang == "en":
            where = f"sheet “{s}”, column {c}"
            if self.duplicate_of:
                return (f"Column “{h}” repeated ({where}): only column {self.duplicate_of} is read; delete or "
                        "rename one of them")
            if self.suggestion:
                return f"Column “{h}” not recognised: rename it “{self.suggestion}” ({where}; its values are not read)"
            return (f"Column “{h}” not recognised ({where}): its values are not read; give it a header of the "
                    "template if it should be")
        where = f"feuille « {s} », colonne {c}"
        if self.duplicate_of:
            return (f"Colonne « {h} » en double ({where}) : seule la colonne {self.duplicate_of} est lue ; "
                    "supprimez ou renommez l'une des deux")
        if self.suggestion:
            return (f"Colonne « {h} » non reconnue : renommez-la « {self.suggestion} » ({where} ; ses valeurs ne "
                    "sont pas lues)")
        return (f"Colonne « {h} » non reconnue ({where}) : ses valeurs ne sont pas lues ; donnez-lui un en-tête "
                "du modèle si elle doit l'être")

    def to_dict(self, lang: str) -> dict[str, object]:
        return {"sheet": self.sheet, "column": self.column, "header": self.header, "field": self.field,
                "suggestion": self.suggestion, "duplicate_of": self.duplicate_of, "message": self.message(lang)}


def _closest(header: str, candidates: Iterable[str]) -> str | None:
    """The field a header unknown to the reader probably means, among the template's fields the sheet lacks:
    the closest name (as `rulebook.operators.did_you_mean`, difflib's 0.6 cut-off) or one it contains whole
    ("Prix proposé HT" holds "prix", a name of the amount)."""
    from procurement.fields import FIELDS_BY_NAME, normalize_header

    key = normalize_header(_UNITS.sub(" ", header))
    best, score = None, 0.0
    for name in candidates:
        f = FIELDS_BY_NAME[name]
        for label in (f.fr, f.en, *f.aliases):
            other = normalize_header(_UNITS.sub(" ", label))
            if not other:
                continue
            s = difflib.SequenceMatcher(None, key, other).ratio()
            if len(other) >= 4 and f" {other} " in f" {key} ":
                s = max(s, 0.9)
            if s > score:
                best, score = name, s
    return best if score >= 0.6 else None


def sheet_columns(sheet: str, rows: list[tuple[object, ...]], candidates: tuple[str, ...], lang: str
                   ) -> tuple[dict[str, str], list[UnreadColumn]]:
    """Where each field is on a sheet ("R (Consultation)"), and the columns the reader will not read. The
    header is found as the reader finds it (`read.headers.find_header`), on the same first rows."""
    from procurement.errors import InputError
    from procurement.fields import FIELDS_BY_NAME, match_header
    from procurement.read.headers import column_letter, find_header

    try:
        header = find_header(rows, None, sheet)
    except InputError:
        return {}, []  # the reader says why, in its own words
    labels = {name: f"{column_letter(i)} ({header.headers[i]})" for i, name in header.columns.items()}
    present = set(labels)
    unread = []
    for i, text in enumerate(header.headers):
        if not text or i in header.columns:
            continue
        name = match_header(text)
        if name in labels:
            unread.append(UnreadColumn(sheet, column_letter(i), text, name, duplicate_of=labels[name].split()[0]))
            continue
        name = _closest(text, [c for c in candidates if c not in present])
        unread.append(UnreadColumn(sheet, column_letter(i), text, name,
                                   FIELDS_BY_NAME[name].header(lang) if name else None))
    return labels, unread


def first_rows(ws: Any) -> list[tuple[object, ...]]:
    """The first non-blank rows of an openpyxl sheet, among which the reader looks for the header."""
    rows = []
    for row in ws.iter_rows(max_row=SCAN_LIMIT, values_only=True):
        if any(v is not None and str(v).strip() for v in row):
            rows.append(row)
            if len(rows) == 30:
                break
    return rows


FAIL_KINDS = {"never": (), "legal": ("legal",), "risk": ("legal", "risk"), "kpi": ("legal", "risk", "kpi")}


@dataclass
class CheckResult:
    """What `check` found: the consultation run, the bids run, and which tender each bid answers."""

    path: Path
    tender_run: Run
    bid_run: Run
    attached: dict[int, str | None]  # index in bid_run.orders -> tender id (None: unattached)
    fail_on: str = "legal"
    options: dict[str, object] = field(default_factory=dict)
    directory: Any = None  # procurement.directory.Directory, when --suppliers was given
    directory_gain: dict[str, int] = field(default_factory=dict)  # rule -> rows the register made evaluable
    waivers: Any = None  # procurement.waivers.WaiverSet, when --waivers was given
    today: dt.date | None = None  # the run's day, for waiver expiry
    # index in bid_run.rejected -> the tender its row cites: a rejected bid is shown in its consultation's
    # section too, not only at the bottom of the page
    rejected_to: dict[int, str | None] = field(default_factory=dict)
    # index in bid_run.orders -> the fields the bid took from its consultation (check_inherit.INHERITED): check.json
    # names them instead of repeating the consultation's values in every bid
    inherited: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # sheet -> field -> its column as the buyer finds it ("R (Consultation)"): messages and the page name the
    # cell to fill in, not the field
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    # the columns not read (an unknown header or a repeated one), said on the terminal and on the page, never
    # only in check.json
    unread: list[UnreadColumn] = field(default_factory=list)
    # index in tender_run.rejected -> the id of that consultation (None if it has none): its rules never ran,
    # which the page says where the buyer looks for its verdict
    unchecked: dict[int, str | None] = field(default_factory=dict)

    def _runs(self, part: str | None) -> tuple[Run, ...]:
        return {"tender": (self.tender_run,), "bids": (self.bid_run,)}.get(part or "", (self.tender_run, self.bid_run))

    def failures(self, part: str | None = None) -> dict[str, int]:
        """Failed rules by kind: the tender's legal/risk/kpi failures and the bids' kpi failures; those of the
        consultations only with `part="tender"`, of the bids only with `part="bids"` (the terminal and the
        page count them apart: a buyer cannot tell a tender's unmet indicator from a bid's in one figure)."""
        counts = {"legal": 0, "risk": 0, "kpi": 0}
        for run in self._runs(part):
            for scored in run.orders:
                for f in scored.findings:
                    if f.status == "fail" and f.kind in counts:
                        counts[f.kind] += 1
        return counts

    def insufficient(self) -> list[tuple[str, str, str]]:
        """(consultation id, rule, kind) of each legal obligation or risk of a consultation that could not be
        evaluated for want of data (`insufficient_data`), in sheet and rulebook order. Not a failure, so it
        never changes the exit status; but a summary that says only "0 obligation légale non respectée"
        passes an unchecked obligation off as met (new-user review: ENV-10 and ENV-11 behind an empty cell)."""
        return [(scored.order.id, f.rule, f.kind) for scored in self.tender_run.orders for f in scored.findings
                if f.status == "insufficient_data" and f.kind in ("legal", "risk")]

    def rejected(self, part: str) -> tuple[int, int]:
        """(rows to fix, rows ignored) of the consultations' sheet (`part="tender"`) or the bids' (`"bids"`):
        a total line is not a bid to correct (`IGNORED_ROWS`)."""
        (run,) = self._runs(part)
        ignored = sum(1 for r in run.rejected if r.code in IGNORED_ROWS)
        return len(run.rejected) - ignored, ignored

    def waived(self, part: str | None = None) -> int:
        """Findings an active waiver covers (tender and bids, or one `part` as in `failures`): shown, never
        counted as failures."""
        return sum(1 for run in self._runs(part) for scored in run.orders
                   for f in scored.findings if f.status == "waived")

    def exit_status(self) -> int:
        from procurement.errors import EXIT_FINDINGS, EXIT_OK

        failures = self.failures()
        return EXIT_FINDINGS if any(failures[k] for k in FAIL_KINDS.get(self.fail_on, ())) else EXIT_OK
