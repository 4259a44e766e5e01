"""The fast way to write a big sheet: its rows as SpreadsheetML text, streamed to a temporary file.

openpyxl spends about 25 µs on each cell it writes (a cell object, then an XML element serialised by
et_xmlfile); a results workbook of 100 000 orders holds some 17 million cells. Here a row is one
f-string per cell, written the way openpyxl writes it: inline strings (`t="inlineStr"`, with
`xml:space="preserve"` when the text starts or ends with blanks), numbers with 16 significant digits
(`%.16g`), booleans as `t="b"`, dates and times as Excel serial numbers with openpyxl's own
number-format styles. Empty cells (None or "") are left out, as openpyxl leaves out None.

The workbook around these rows (styles, header rows, column widths, frozen panes, autofilter,
conditional formatting, the read-me) is still openpyxl's: `xlsx_stable.save_stable` splices each
stream's rows into its sheet, just before `</sheetData>`, while it writes the zip.

Values reach `append` already cleaned by `xlsx_cells.cell_value`; a text that starts with =, +, -, @, a
tab or a carriage return gets the quote-prefix style, as `xlsx_cells.text_cell` gives it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from procurement.write.safe import DANGEROUS_PREFIXES

FLUSH_ROWS = 200  # rows held before writing to the sheet's temporary file (37 sheets hold them at once)
SHORT_TEXT = 300  # texts up to this length keep their XML for the next time they come (labels, messages)
TEXTS_KEPT = 20_000  # at most this many, for all sheets together (then the memory starts afresh)
SMALL_INT = 10**15
_WHITESPACE = (" ", "\t", "\n", "\r")


class CellStyles:
    """Style ids (indexes into the workbook's cellXfs) registered through openpyxl, so styles.xml holds them."""

    def __init__(self, ws: Any):
        from openpyxl.cell import WriteOnlyCell

        quote = WriteOnlyCell(ws)
        quote.quotePrefix = True
        self.quote = quote.style_id
        self.texts: dict[str, str] = {}  # see SheetStream._body
        # openpyxl gives each date and time type its own number format (yyyy-mm-dd h:mm:ss, yyyy-mm-dd, h:mm:ss).
        self.temporal = {t: WriteOnlyCell(ws, value=v).style_id for t, v in (
            (dt.datetime, dt.datetime(2000, 1, 1)), (dt.date, dt.date(2000, 1, 1)), (dt.time, dt.time(0)))}
        self.epoch = ws.parent.epoch


class SheetStream:
    """Rows appended one by one, from row `first_row`, kept as XML in an anonymous temporary file."""

    def __init__(self, styles: CellStyles, first_row: int, width: int):
        from openpyxl.utils import get_column_letter

        self.styles = styles
        self.next_row = first_row
        self.rows = 0
        self.letters = [get_column_letter(i) for i in range(1, width + 1)]
        self._file: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - closed by chunks() or close()
        self._pending: list[str] = []
        self._dates: dict[object, str] = {}
        self._texts: dict[str, str] = styles.texts  # text -> its cell body, shared by the workbook's sheets

    def append(self, row: list[object]) -> None:
        r = self.next_row
        if len(row) > len(self.letters):
            from openpyxl.utils import get_column_letter

            self.letters += [get_column_letter(i) for i in range(len(self.letters) + 1, len(row) + 1)]
        parts = [f'<row r="{r}">']
        add = parts.append
        texts = self._texts
        for letter, v in zip(self.letters, row, strict=False):
            if v is None:
                continue
            t = type(v)
            if t is str:
                if not v:
                    continue
                body = texts.get(v)  # labels, file names, messages: the same texts over and over
                if body is None:
                    body = self._body(v)
                add(f'<c r="{letter}{r}"{body}')
            elif t is float:
                add(f'<c r="{letter}{r}" t="n"><v>{v:.16g}</v></c>')
            elif t is int and -SMALL_INT < v < SMALL_INT:  # where str(v) is what %.16g gives
                add(f'<c r="{letter}{r}" t="n"><v>{v}</v></c>')
            elif t is int or t is Decimal:
                add(f'<c r="{letter}{r}" t="n"><v>{float(v):.16g}</v></c>')
            elif t is bool:
                add(f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>')
            else:
                add(self._other(letter, r, v))
        add("</row>")
        self._pending.append("".join(parts))
        self.next_row = r + 1
        self.rows += 1
        if len(self._pending) >= FLUSH_ROWS:
            self._flush()

    def _body(self, text: str) -> str:
        """What follows `<c r="A1"` for a non-empty text: style, type and the escaped inline string."""
        v = text
        if "&" in v or "<" in v or ">" in v:
            v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if v[0] in _WHITESPACE or v[-1] in _WHITESPACE else ""
        style = f' s="{self.styles.quote}"' if v.startswith(DANGEROUS_PREFIXES) else ""
        body = f'{style} t="inlineStr"><is><t{space}>{v}</t></is></c>'
        if len(text) <= SHORT_TEXT:
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.clear()
            self._texts[text] = body
        return body

    def _other(self, letter: str, r: int, v: object) -> str:
        """Dates and times as openpyxl writes them; anything else (a subclass of str or int...) as its kind."""
        if isinstance(v, dt.date | dt.time):
            style = self.styles.temporal[dt.datetime if isinstance(v, dt.datetime) else type(v)]
            serial = self._dates.get(v)
            if serial is None:
                from openpyxl.utils.datetime import to_excel

                serial = self._dates[v] = f"{to_excel(v, self.styles.epoch):.16g}"
            return f'<c r="{letter}{r}" s="{style}" t="n"><v>{serial}</v></c>'
        if isinstance(v, bool):
            return f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>'
        if isinstance(v, int | float | Decimal):
            return f'<c r="{letter}{r}" t="n"><v>{float(v):.16g}</v></c>'
        if isinstance(v, str):
            return f'<c r="{letter}{r}"{self._body(str(v))}' if v else ""
        return ""  # cell_value gives nothing else; a stray object is left out rather than mis-typed

    def _flush(self) -> None:
        if self._pending:
            self._file.write("".join(self._pending).encode("utf-8"))
            self._pending.clear()

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The rows' XML, from the start; the stream is then spent (its file is closed)."""
        self._flush()
        self._file.seek(0)
        try:
            while chunk := self._file.read(size):
                yield chunk
        finally:
            self._file.close()

    def close(self) -> None:
        self._file.close()
