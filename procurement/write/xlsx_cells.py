"""Cells of results.xlsx: what a value from the input becomes, and the openpyxl cells and styles we write.

Safety: any text cell that starts with =, +, -, @, a tab or a carriage return is written as an inline
string with Excel's "quote prefix" flag, so neither Excel nor LibreOffice ever treats it as a formula,
even when the user edits the cell; its text is kept exactly as in the input. Characters that the xlsx
format cannot hold (control characters, lone surrogates, U+FFFE, U+FFFF) are replaced by U+FFFD; a text
longer than Excel's 32 767 characters is cut. `cell_value` does this once for both writers (openpyxl and
the streamed one in xlsx_stream.py), so they write the same values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from procurement.write.safe import looks_like_formula

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384  # XFD: a sheet with more is a damaged file to Excel
MAX_CELL_CHARS = 32_767
HEADER_FILL = "1F4E79"  # our columns
ORIGINAL_FILL = "D9D9D9"  # the user's columns
STATUS_FILLS = {"fail": "F4CCCC", "pass": "D9EAD3", "insufficient_data": "FFF2CC", "not_applicable": "EEEEEE",
                "waived": "CFE2F3"}

# openpyxl's ILLEGAL_CHARACTERS_RE, plus what UTF-8 XML cannot carry either.
ILLEGAL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PLAIN = (bool, int, Decimal, dt.date, dt.time)


def clean_text(text: str) -> str:
    """Text an xlsx cell can hold: no XML-illegal characters, at most 32 767 characters."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def cell_value(value: object) -> object:
    """A value from the input as a cell value: numbers, dates and booleans as they are (a datetime at midnight
    as a date), the rest as clean text."""
    if value is None:
        return None
    if type(value) is str:
        if not value:
            return None  # an empty cell, in both writers
        if len(value) <= MAX_CELL_CHARS and value.isascii() and value.isprintable():
            return value  # the common case, without a regex search
        return clean_text(value)
    if isinstance(value, _PLAIN):
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            # A workbook's date cell is read as a datetime at midnight: written as a date, it shows as
            # 2025-01-02 (the same serial number), not 2025-01-02 00:00:00.
            return value.date() if value.time() == dt.time(0) else value
        if isinstance(value, Decimal) and not value.is_finite():
            return str(value)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return clean_text(value if isinstance(value, str) else str(value))


def dangerous(value: object) -> bool:
    return isinstance(value, str) and looks_like_formula(value)


def text_cell(ws: Any, text: str, **style: Any) -> Any:
    """A cell that is text whatever it starts with: inline string, quote prefix when it looks like a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.value = text
    cell.data_type = "s"  # openpyxl made '=...' a formula; it is text
    if looks_like_formula(text):
        cell.quotePrefix = True
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def safe_value(ws: Any, value: object) -> object:
    """`cell_value`, as an openpyxl write-only cell when the text must not become a formula."""
    value = cell_value(value)
    return text_cell(ws, value) if dangerous(value) else value


def style_kwargs(*, bold: bool = False, fill: str | None = None, white: bool = False, wrap: bool = False,
                 ) -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    style: dict[str, Any] = {}
    if bold or white:
        style["font"] = Font(bold=bold, color="FFFFFF" if white else None)
    if fill:
        style["fill"] = PatternFill("solid", start_color=fill, end_color=fill)
    if wrap:
        style["alignment"] = Alignment(wrap_text=True, vertical="top")
    return style


def styled(ws: Any, value: object, *, bold: bool = False, fill: str | None = None, white: bool = False,
           wrap: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    cell = safe_value(ws, value)
    if not isinstance(cell, Cell):
        holder = WriteOnlyCell(ws)
        holder.value = cell
        cell = holder
    for name, style in style_kwargs(bold=bold, fill=fill, white=white, wrap=wrap).items():
        setattr(cell, name, style)
    return cell


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def set_widths(ws: Any, widths: list[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(i)].width = max(6.0, min(width, 60.0))


def score_cell(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
