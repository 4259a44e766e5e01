"""The fast way to write a big sheet: its rows as SpreadsheetML text, streamed to a temporary file.

openpyxl spends about 25 µs on each cell it writes (a cell object, then an XML element serialised by
et_xmlfile); a results workbook of 100 000 orders holds some 17 million cells. Here a row is one
f-string per cell, written the way openpyxl writes it: inline strings (`t="inlineStr"`, with
`xml:space="preserve"` when the text starts or ends with blanks), numbers with 16 significant digits
(`%.16g`), booleans as `t="b"`, dates and times as Excel serial numbers with openpyxl's own
number-format styles. Empty cells (None or "") are left out, as openpyxl leaves out None.

The workbook around these rows (styles, header rows, column widths, frozen panes, autofilter,
conditional formatting, the read-me) is still openpyxl's: `xlsx_stable.save_stable` splices each
stream's rows into its sheet, just before `</sheetData>`, while it writes the zip. Once its sheet's head
is known (`deflate`), a stream hands its rows to a thread that deflates them (xlsx_deflate.py) instead
of writing them to its temporary file.

A cell costs about half a microsecond of Python, so `append` does per cell only what varies: the
cell's column is a prefix made once per sheet, its row a text made once per row, its content a body kept
by value (texts, ints and floats met before: labels, messages, counts, an order's source row in each
of its sheets). Rows that repeat whole runs of cells (a rule sheet's row: the order's source, in each of
its rule sheets, then a status and texts that recur from order to order) are cheaper still as
`segment`s, made once and joined by each row's number (`append_segments`).

Values reach `append` already cleaned by `xlsx_cells.cell_value`; a text that starts with =, +, -, @, a
tab or a carriage return gets the quote-prefix style, as `xlsx_cells.text_cell` gives it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from procurement.write.safe import looks_like_formula
from procurement.write.xlsx_deflate import HANDOVER, Deflated, Deflater

FLUSH_ROWS = 200  # rows held before writing to the sheet's temporary file (37 sheets hold them at once)
SHORT_TEXT = 300  # texts up to this length keep their XML for the next time they come (labels, messages)
TEXTS_KEPT = 20_000  # at most this many, for all sheets together (then the memory starts afresh); as many ints, floats
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
        self.ints: dict[int, str] = {}
        self.floats: dict[float, str] = {}
        # openpyxl gives each date and time type its own number format (yyyy-mm-dd h:mm:ss, yyyy-mm-dd, h:mm:ss).
        self.temporal = {t: WriteOnlyCell(ws, value=v).style_id for t, v in (
            (dt.datetime, dt.datetime(2000, 1, 1)), (dt.date, dt.date(2000, 1, 1)), (dt.time, dt.time(0)))}
        self.epoch = ws.parent.epoch


class SheetStream:
    """Rows appended one by one, from row `first_row`, kept as XML in an anonymous temporary file, or once
    `deflate` is called, handed to a thread that deflates them."""

    def __init__(self, styles: CellStyles, first_row: int, width: int):
        from openpyxl.utils import get_column_letter

        self.styles = styles
        self.next_row = first_row
        self.rows = 0
        self._refs = [f'<c r="{get_column_letter(i)}' for i in range(1, width + 1)]  # a cell's reference, less its row
        self._file: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - closed by chunks() or close()
        self._pending: list[str] = []
        self._flush_rows = FLUSH_ROWS  # once deflating: as many rows as make about HANDOVER bytes
        self._deflater: Deflater | None = None
        self._deflated: Deflated | None = None
        self._dates: dict[object, str] = {}
        self._texts: dict[str, str] = styles.texts  # text -> its cell body, shared by the workbook's sheets
        self._ints, self._floats = styles.ints, styles.floats  # likewise for numbers

    def append(self, row: list[object]) -> None:
        r = self.next_row
        refs = self._refs
        if len(row) > len(refs):
            refs = self._widen(len(row))
        rq = f'{r}"'  # the row half of every cell reference of the row, made once
        parts = [f'<row r="{rq}>']
        add = parts.append
        texts, ints, floats = self._texts, self._ints, self._floats
        for ref, v in zip(refs, row, strict=False):
            if v is None:
                continue
            t = type(v)
            if t is str:
                body = texts.get(v)  # labels, file names, messages: the same texts over and over
                if body is None:
                    if not v:
                        continue
                    body = self._body(v)
            elif t is int:
                body = ints.get(v)  # counts, and each order's source row in every sheet it is in
                if body is None:
                    body = self._int(v)
            elif t is float:
                body = floats.get(v)  # scores
                if body is None:
                    body = self._float(v)
            else:
                body = self._other(v)
                if not body:
                    continue
            add(f"{ref}{rq}{body}")
        add("</row>")
        self._pending.append("".join(parts))
        self.next_row = r + 1
        self.rows += 1
        if len(self._pending) >= self._flush_rows:
            self._flush()

    def cell(self, v: object) -> str | None:
        """What follows `<c r="A1"` for `v` as `append` writes it; None for no cell."""
        if v is None:
            return None
        t = type(v)
        if t is str:
            body = self._texts.get(v)  # type: ignore[arg-type]
            return body if body is not None else self._body(v) if v else None  # type: ignore[arg-type]
        if t is int:
            body = self._ints.get(v)  # type: ignore[arg-type]
            return body if body is not None else self._int(v)  # type: ignore[arg-type]
        if t is float:
            body = self._floats.get(v)  # type: ignore[arg-type]
            return body if body is not None else self._float(v)  # type: ignore[arg-type]
        return self._other(v) or None

    def segment(self, values: Sequence[object], first: int = 0) -> list[str]:
        """The cells of `values`, in columns from `first` (0 for A), as pieces that joined by a row's number
        give their XML as `append` writes it: [ref, '"' + body + next ref, ..., '"' + last body]."""
        refs = self._refs
        if first + len(values) > len(refs):
            refs = self._widen(first + len(values))
        pieces: list[str] = []
        for ref, v in zip(refs[first:], values, strict=False):
            body = self.cell(v)
            if body is not None:
                if pieces:
                    pieces[-1] += ref
                else:
                    pieces.append(ref)
                pieces.append('"' + body)
        return pieces

    def append_segments(self, head: list[str], tail: list[str]) -> None:
        """The row whose cells are those of `head`, then `tail` (`segment`s that follow each other)."""
        r = str(self.next_row)
        self._pending.append(f'<row r="{r}">{r.join(head)}{r.join(tail)}</row>')
        self.next_row += 1
        self.rows += 1
        if len(self._pending) >= self._flush_rows:
            self._flush()

    def _widen(self, width: int) -> list[str]:
        from openpyxl.utils import get_column_letter

        self._refs += [f'<c r="{get_column_letter(i)}' for i in range(len(self._refs) + 1, width + 1)]
        return self._refs

    def _body(self, text: str) -> str:
        """What follows `<c r="A1"` for a non-empty text: style, type and the escaped inline string."""
        v = text
        if "&" in v or "<" in v or ">" in v:
            v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if v[0] in _WHITESPACE or v[-1] in _WHITESPACE else ""
        style = f' s="{self.styles.quote}"' if looks_like_formula(text) else ""
        body = f'{style} t="inlineStr"><is><t{space}>{v}</t></is></c>'
        if len(text) <= SHORT_TEXT:
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.clear()
            self._texts[text] = body
        return body

    def _int(self, v: int) -> str:
        # Beyond 10**15, str(v) would show more digits than openpyxl's %.16g of the float.
        body = f' t="n"><v>{v}</v></c>' if -SMALL_INT < v < SMALL_INT else f' t="n"><v>{float(v):.16g}</v></c>'
        if len(self._ints) >= TEXTS_KEPT:
            self._ints.clear()
        self._ints[v] = body
        return body

    def _float(self, v: float) -> str:
        body = f' t="n"><v>{v:.16g}</v></c>'
        if v:  # -0.0 == 0.0 as a key, but it is written "-0": zeros are never kept
            if len(self._floats) >= TEXTS_KEPT:
                self._floats.clear()
            self._floats[v] = body
        return body

    def _other(self, v: object) -> str:
        """Dates and times as openpyxl writes them; anything else (a subclass of str or int...) as its kind;
        what follows `<c r="A1"`, or "" for no cell."""
        if isinstance(v, dt.date | dt.time):
            style = self.styles.temporal[dt.datetime if isinstance(v, dt.datetime) else type(v)]
            serial = self._dates.get(v)
            if serial is None:
                from openpyxl.utils.datetime import to_excel

                serial = self._dates[v] = f"{to_excel(v, self.styles.epoch):.16g}"
            return f' s="{style}" t="n"><v>{serial}</v></c>'
        if isinstance(v, bool):
            return f' t="b"><v>{int(v)}</v></c>'
        if isinstance(v, int | float | Decimal):
            return f' t="n"><v>{float(v):.16g}</v></c>'
        if isinstance(v, str):
            return self._body(str(v)) if v else ""
        return ""  # cell_value gives nothing else; a stray object is left out rather than mis-typed

    def _flush(self) -> None:
        if not self._pending:
            return
        rows = len(self._pending)
        data = "".join(self._pending).encode("utf-8")
        self._pending.clear()
        if self._deflated is None:
            self._file.write(data)
            return
        if rows == self._flush_rows == FLUSH_ROWS:  # the first full batch: how many rows make a handover
            self._flush_rows = max(FLUSH_ROWS, FLUSH_ROWS * HANDOVER // len(data))
        self._deflater.put(self._deflated, data)  # type: ignore[union-attr]

    def deflate(self, deflater: Deflater, head: bytes) -> None:
        """From now on the rows go to `deflater`'s thread, behind `head` (the sheet's XML before its rows)."""
        member = deflater.member(head)
        self._flush()
        self._file.seek(0)
        while chunk := self._file.read(HANDOVER):
            deflater.put(member, chunk)
        self._file.close()
        self._deflater, self._deflated = deflater, member

    def spliced(self) -> Iterator[bytes] | Deflated:
        """What `xlsx_stable.save_stable` splices into the sheet: the deflated member (once the deflater
        is drained), or the rows' XML (`chunks`)."""
        if self._deflated is None:
            return self.chunks()
        self._flush()
        return self._deflated

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
        if self._deflated is not None:
            self._deflater.stop()  # type: ignore[union-attr] - the thread may still be feeding the member
            self._deflated.close()
