"""The fast xlsx path: python-calamine decodes the sheet, a byte scan finds what calamine does not say.

calamine (Rust) reads a sheet several times faster than openpyxl, but it holds the whole decoded sheet
in memory (about 250 MB for 100,000 rows x 35 columns) and it does not report what the openpyxl path
uses: hidden rows, the text of error cells (`#N/A` reads as blank), the extent of style-only cells
(openpyxl's `max_row`), and how a number was stored ("8" or "8.0"). One streamed pass over the sheet's
XML recovers them (`xlsx_calamine_scan`; byte searches first, a closer look only where they hit);
merged cells come from calamine.

Cell values are then normalised in `normalise`, in one place, to what openpyxl gives for the same file
(the reference path): blank is None, not ''; a whole number is an int unless its stored text has a '.'
or an exponent ("8.0", "1E+20": openpyxl gives a float, and the scan notes where); a date cell is a
`datetime`, never a `date`. A row calamine cannot convert (it panics on a date serial out of range) or
converts differently (a negative serial under a date format) is read by openpyxl, that row only, all
such rows in one read-only pass of openpyxl over the sheet.

A number under a date format beyond the dates Python knows (before year 1, after 31/12/9999) is
'#VALUE!' for openpyxl and the number for calamine: the scan notes such numbers with their style, and
openpyxl's own conversion decides, with its reading of the date formats (`date_styles`).

Known differences left (tests/test_xlsx_engines.py): a whitespace-only string without
xml:space="preserve" (openpyxl's writer, not Excel's) is None instead of the spaces, in `original` only;
sub-millisecond times and durations beyond about 100,000 days may differ by one rounding step.

Anything this module cannot map with certainty (a row or cell without its `r` reference where it
matters, an unusual package layout) raises `NeedsOpenpyxl` before any row is yielded, and the caller
reads the file with openpyxl instead.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from procurement.errors import InputError
from procurement.read.xlsx_calamine_scan import scan_sheet
from procurement.read.xlsx_parts import (
    FORBIDDEN_EN,
    FORBIDDEN_FR,
    NeedsOpenpyxl,
    date_styles,
    refuse_entities,
    sheet_part,
)

Row = tuple[int, list[object], bool]
# Cells of a sheet's range (rows x columns) calamine is given at most: it allocates the whole range at once,
# 32 bytes a cell (1.6 GB here; a value at XFD1048576 asked 550 GB and aborted the process). A larger range
# is read by openpyxl (its full mode up to FULL_MODE_MAX_BYTES, its streaming mode above), which reads to
# the last value and refuses what still exceeds `xlsx_reader.MAX_SHEET_CELLS`.
MAX_CELLS = 50_000_000


def available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:  # pragma: no cover - it is a declared dependency
        return False
    return True


_DATE = dt.date
_DATETIME = dt.datetime
_TIME = dt.time


def normalise(value: object) -> object:
    """A calamine cell as openpyxl gives it (see the module docstring)."""
    t = type(value)
    if t is str:
        return value or None
    if t is float:
        return int(value) if value.is_integer() else value
    if t is _DATE:
        return _DATETIME(value.year, value.month, value.day)
    return value


class CalamineSheet:
    """An opened workbook and its chosen sheet; `rows()` yields (row number, cells, hidden)."""

    def __init__(self, path: Path, wanted: str | None, where: str, pick) -> None:
        import python_calamine

        self.where = where
        self.workbook = None
        self.path = path
        self._fallback: tuple[Any, Iterator[tuple]] | None = None  # openpyxl's pass over rows calamine cannot convert
        self._fallback_at = 0  # the last row that pass yielded
        try:
            with zipfile.ZipFile(path) as zf:
                refuse_entities(zf, where)
                self.workbook = python_calamine.CalamineWorkbook.from_path(str(path))
                names = list(self.workbook.sheet_names)
                meta = self.workbook.sheets_metadata
                visible = [m.visible == python_calamine.SheetVisibleEnum.Visible for m in meta]
                self.sheets = list(zip(names, visible, strict=True))  # (name, visible), workbook order
                self.title = pick(names, visible, wanted, where)
                self.dates = date_styles(zf)
                self.scan = scan_sheet(zf, sheet_part(zf, names.index(self.title)), self.dates[1])
                if self.scan.last_cell_row * self.scan.columns > MAX_CELLS:
                    raise NeedsOpenpyxl  # calamine would allocate every cell of the range at once
                self.sheet = self.workbook.get_sheet_by_name(self.title)
                merged = self.sheet.merged_cell_ranges or []
        except (InputError, NeedsOpenpyxl):
            self.close()
            raise
        except Exception as exc:  # calamine, zipfile and zlib raise many types on damaged files
            self.close()
            raise unreadable(exc, where) from None
        # openpyxl creates a cell for every position a merge covers: they count in max_row.
        self.merged = [((r0 + 1, c0), (r1 + 1, c1)) for (r0, c0), (r1, c1) in merged if (r0, c0) != (r1, c1)]
        last_merged = max((r1 for _, (r1, _c) in self.merged), default=0)
        self.max_row = max(self.scan.last_cell_row, last_merged, 1)

    def _openpyxl_row(self, number: int, width: int) -> list[object]:
        """A row calamine cannot convert (it panics on a date serial out of range, or gives a time for a
        date before 1900), read by openpyxl. Rows are asked for in increasing order: one read-only pass
        serves them all, where a workbook opened for each row made a file of such rows quadratic."""
        if self._fallback is None or number <= self._fallback_at:
            import openpyxl

            self._close_fallback()
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            self._fallback = (wb, wb[self.title].iter_rows(min_row=number, values_only=True))
            self._fallback_at = number - 1
        cells: tuple = ()
        while self._fallback_at < number:
            cells = next(self._fallback[1], ())
            self._fallback_at += 1
        out = list(cells)[:width]
        return out + [None] * (width - len(out))

    def _close_fallback(self) -> None:
        fallback, self._fallback = self._fallback, None
        if fallback is not None:
            fallback[0].close()

    def _wide_dates(self, styles: dict[int, int], raw: list[object], first_col: int, cells: list[object]) -> None:
        """Numbers under a date format that calamine left as numbers (a serial beyond the dates it knows):
        what openpyxl makes of them, with its own conversion: '#VALUE!' out of Python's dates."""
        from openpyxl.utils.datetime import from_excel

        epoch, dated, durations = self.dates
        for col, style in styles.items():
            at = col - first_col
            value = raw[at] if 0 <= at < len(raw) else None
            if style not in dated or type(value) not in (int, float):
                continue
            try:
                cells[col] = from_excel(value, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                cells[col] = "#VALUE!"

    def close(self) -> None:
        self._close_fallback()
        wb, self.workbook = self.workbook, None
        if wb is not None:
            wb.close()

    def rows(self) -> Iterator[Row]:
        start = self.sheet.start
        # iter_rows yields every row from the sheet's first (blank ones included) but only the columns from
        # the first one holding a value: the row number is the position, the columns need padding.
        first_row, first_col = 1, (start[1] if start else 0)
        end_col = self.sheet.end[1] + 1 if start else 0
        width = max([end_col] + [c1 + 1 for _, (_r, c1) in self.merged])
        pending = sorted(self.merged)  # by top row
        active: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)
        hidden, errors, float_text = self.scan.hidden, self.scan.errors, self.scan.float_text
        negative, wide = self.scan.negative, self.scan.wide
        norm = normalise
        pad_left = [None] * first_col
        number = first_row - 1
        source = self.sheet.iter_rows() if start else iter(())
        last_row = max(self.max_row, first_row - 1)
        while True:
            number += 1
            try:
                raw = next(source, None)
            except BaseException as exc:  # a Rust panic (out-of-range date serial) derives from BaseException
                if type(exc).__name__ != "PanicException":
                    raise
                raw, cells = None, self._openpyxl_row(number, width)
            else:
                cells = None
            if cells is not None:
                pass
            elif raw is None:
                if number > last_row:
                    return
                cells = [None] * width
            else:
                cells = pad_left + [norm(v) for v in raw]
                if len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                mask = float_text.get(number)
                if mask:  # stored as "8.0": openpyxl keeps the float
                    for col, v in enumerate(raw, first_col):
                        if mask >> col & 1 and type(v) is float:
                            cells[col] = v
                mask = negative.get(number)
                if mask and any(mask >> col & 1 and type(v) is _TIME for col, v in enumerate(raw, first_col)):
                    cells = self._openpyxl_row(number, width)  # a date before 1900: calamine says a time
                elif number in wide:
                    self._wide_dates(wide[number], raw, first_col, cells)
            row_errors = errors.get(number)
            if row_errors:
                for col, text in row_errors.items():
                    if col < len(cells):
                        cells[col] = text
            if pending or active:
                while pending and pending[0][0][0] <= number:
                    (r0, c0), (r1, c1) = pending.pop(0)  # a top-left cell above the data is blank
                    active.append((r1, c0, c1, cells[c0] if r0 == number and c0 < len(cells) else None))
                for _last, c0, c1, value in active:
                    for c in range(c0, min(c1, len(cells) - 1) + 1):
                        cells[c] = value
                active = [a for a in active if a[0] > number]
            yield number, cells, number in hidden


def unreadable(exc: Exception, where: str) -> InputError:
    """calamine's errors, worded as the openpyxl path words them."""
    if "entity" in str(exc).lower():
        return InputError(FORBIDDEN_FR, FORBIDDEN_EN, where=where)
    return InputError(
        f"classeur illisible ({type(exc).__name__})",
        f"unreadable workbook ({type(exc).__name__}: {exc})",
        where=where,
    )
