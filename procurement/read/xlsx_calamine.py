"""The fast xlsx path: python-calamine decodes the sheet, a byte scan finds what calamine does not say.

calamine (Rust) reads a sheet several times faster than openpyxl, but it holds the whole decoded sheet
in memory (about 250 MB for 100,000 rows x 35 columns) and it does not report what the openpyxl path
uses: hidden rows, the text of error cells (`#N/A` reads as blank), the extent of style-only cells
(openpyxl's `max_row`), and how a number was stored ("8" or "8.0"). One streamed pass over the sheet's
XML recovers them (`scan_sheet`; byte searches first, a closer look only where they hit); merged cells
come from calamine.

Cell values are then normalised in `normalise`, in one place, to what openpyxl gives for the same file
(the reference path): blank is None, not ''; a whole number is an int unless its stored text has a '.'
or an exponent ("8.0", "1E+20": openpyxl gives a float, and the scan notes where); a date cell is a
`datetime`, never a `date`. A row calamine cannot convert (it panics on a date serial out of range) or
converts differently (a negative serial under a date format) is read by openpyxl, for that row only.

Known differences left (tests/test_xlsx_engines.py): a whitespace-only string without
xml:space="preserve" (openpyxl's writer, not Excel's) is None instead of the spaces, in `original` only;
a number past 31/12/9999 under a date format is the number instead of '#VALUE!'; sub-millisecond times
and durations beyond about 100,000 days may differ by one rounding step.

Anything this module cannot map with certainty (a row or cell without its `r` reference where it
matters, an unusual package layout) raises `NeedsOpenpyxl` before any row is yielded, and the caller
reads the file with openpyxl instead.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from procurement.errors import InputError

Row = tuple[int, list[object], bool]

CHUNK = 1 << 20
_NS = rb"(?:[\w.-]+:)?"
_ROW_TAG = re.compile(rb"<" + _NS + rb"row\b([^>]*)>")
_CELL = re.compile(rb"<" + _NS + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _NS + rb"c>)", re.S)
_HAS_CELL = re.compile(rb"<" + _NS + rb"c[\s/>]")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{0,3})\$?(\d+)["']""")
_HIDDEN = re.compile(rb"""(?:^|\s)hidden\s*=\s*["'](?:1|true)["']""")
_T_ERROR = re.compile(rb"""(?:^|\s)t\s*=\s*["']e["']""")
_VALUE = re.compile(rb"<" + _NS + rb"v>([^<]*)</" + _NS + rb"v>")
# A whole number stored with a decimal point or an exponent ("8.0", "1E+20"): openpyxl reads a float.
# Two searches with a literal first byte (fast), the exponent one only where an exponent may be.
_DOT_END = re.compile(rb"\.0*</(?:[\w.-]+:)?v>")
_EXP_END = re.compile(rb"[eE][-+]?\d+</(?:[\w.-]+:)?v>")
_FLOAT_TEXT = re.compile(rb"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CELL_REF_AT = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
# The same, in one search, for the usual layout (no namespace prefix, r first): what Excel, openpyxl,
# XlsxWriter and LibreOffice write.
_FAST_FLOAT = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?'
    rb"<v>(?:-?\d+\.0*|-?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+)</v>"
)
_ENTITY_HEAD = 64 * 1024
_FORBIDDEN_FR = "classeur illisible : il contient des entités XML interdites (bombe XML ou entité externe possible)"
_FORBIDDEN_EN = "unreadable workbook: it holds forbidden XML entities (possible XML bomb or external entity)"


class NeedsOpenpyxl(Exception):
    """This workbook has a layout the fast path cannot map exactly: read it with openpyxl."""


def available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:  # pragma: no cover - it is a declared dependency
        return False
    return True


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def refuse_entities(zf: zipfile.ZipFile, where: str) -> None:
    """openpyxl (through defusedxml) refuses entity declarations; calamine ignores or chokes on them.

    Entities can only be declared in a DOCTYPE, which comes before the root element: the head of each
    XML part is enough. A DOCTYPE whose internal subset does not close within that head is refused too.
    """
    for item in zf.infolist():
        if not item.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(item) as fh:
            head = fh.read(_ENTITY_HEAD)
        upper = head.upper()
        at = upper.find(b"<!DOCTYPE")
        if at < 0:
            continue
        decl = upper[at:]
        end, bracket = decl.find(b">"), decl.find(b"[")
        open_subset = bracket >= 0 and (end < 0 or bracket < end) and b"]>" not in decl
        if b"<!ENTITY" in decl or end < 0 or open_subset:
            raise InputError(_FORBIDDEN_FR, _FORBIDDEN_EN, where=where)


def _sheet_part(zf: zipfile.ZipFile, index: int) -> str:
    """The zip path of the index-th sheet of xl/workbook.xml (calamine keeps the same order)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        raise NeedsOpenpyxl from None
    sheets = [el for el in book.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"]
    if index >= len(sheets):
        raise NeedsOpenpyxl
    rid = next((v for k, v in sheets[index].attrib.items() if k.rsplit("}", 1)[-1] == "id" and k != "sheetId"), None)
    target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
    if not target:
        raise NeedsOpenpyxl
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if part not in zf.NameToInfo:
        raise NeedsOpenpyxl
    return part


@dataclass(slots=True)
class SheetScan:
    hidden: set[int] = field(default_factory=set)  # 1-based row numbers with hidden="1"
    errors: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> 0-based column -> '#N/A'
    last_cell_row: int = 0  # the row of the last <c> element: openpyxl's max_row, styles included
    float_text: dict[int, int] = field(default_factory=dict)  # row -> bit mask of columns stored as "8.0"
    negative: dict[int, int] = field(default_factory=dict)  # row -> bit mask of columns holding "-..."


def _ref(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if m is None:
        return None
    return int(m[2]), (_col_index(m[1]) if m[1] else -1)


def _cell_start(seg: bytes, pos: int) -> int:
    """The start of the <c> element holding position pos (its <v>, maybe after an <f>)."""
    for _ in range(4):
        pos = seg.rfind(b"<", 0, pos)
        if pos < 0:
            break
        if seg.startswith(b"<c ", pos):
            return pos
        tag = seg[pos + 1 : pos + 40]
        name = tag.split(None, 1)[0].split(b">", 1)[0].split(b"/", 1)[0].rsplit(b":", 1)[-1] if tag else b""
        if name == b"c":
            return pos
    raise NeedsOpenpyxl


# A negative number: if it has a date format calamine gives a time of day, openpyxl a date before 1900.
_FAST_NEGATIVE = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>-')
_COLUMNS: dict[bytes, int] = {}


def _standard_layout(seg: bytes) -> bool:
    return seg.count(b"<c ") == seg.count(b'<c r="') and b":c " not in seg and b":c>" not in seg


def _mark(masks: dict[int, int], matches) -> None:
    columns = _COLUMNS
    for m in matches:
        letters, row = m[1], int(m[2])
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = _col_index(letters)
        masks[row] = masks.get(row, 0) | (1 << col)


def _negatives(seg: bytes, scan: SheetScan) -> None:
    if b"v>-" not in seg:
        return
    if not _standard_layout(seg):
        raise NeedsOpenpyxl
    _mark(scan.negative, _FAST_NEGATIVE.finditer(seg))


def _float_texts(seg: bytes, scan: SheetScan) -> None:
    """Numbers whose stored text has a '.' or an exponent: openpyxl gives a float even for 8.0."""
    masks = scan.float_text
    columns = _COLUMNS
    if _standard_layout(seg):
        _mark(masks, _FAST_FLOAT.finditer(seg))
        return
    matches = list(_DOT_END.finditer(seg))
    if b"E+" in seg or b"E-" in seg or b"e+" in seg or b"e-" in seg:
        matches += _EXP_END.finditer(seg)
    for m in matches:
        end = m.start() + m[0].index(b"</")
        v_start = seg.rfind(b">", 0, end) + 1
        if not _FLOAT_TEXT.fullmatch(seg, v_start, end):
            continue
        start = _cell_start(seg, v_start)
        at = _CELL_REF_AT.match(seg, start)
        if at is not None:
            letters, row = at[1], int(at[2])
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = _col_index(letters)
        else:
            ref = _ref(seg[start : seg.find(b">", start)])
            if ref is None or ref[1] < 0:
                raise NeedsOpenpyxl
            row, col = ref
        masks[row] = masks.get(row, 0) | (1 << col)


def _scan_segment(seg: bytes, scan: SheetScan) -> None:
    _float_texts(seg, scan)
    _negatives(seg, scan)
    if b"hidden" in seg:
        for m in _ROW_TAG.finditer(seg):
            if _HIDDEN.search(m[1]):
                ref = _ref(m[1])
                if ref is None:
                    raise NeedsOpenpyxl
                scan.hidden.add(ref[0])
    if (b'"e"' in seg or b"'e'" in seg) and _T_ERROR.search(seg):
        for m in _CELL.finditer(seg):
            if not _T_ERROR.search(m[1]):
                continue
            ref = _ref(m[1])
            if ref is None or ref[1] < 0:
                raise NeedsOpenpyxl
            value = _VALUE.search(m[2] or b"")
            if value is not None and value[1]:
                scan.errors.setdefault(ref[0], {})[ref[1]] = value[1].decode("utf-8", "replace")


def _last_cell_row(seg: bytes) -> int:
    last = None
    for last in _CELL.finditer(seg):  # noqa: B007 - only the last one matters
        pass
    if last is None:
        return 0
    ref = _ref(last[1])
    if ref is None:  # no r on the cell: the row's own r says where it is
        rows = list(_ROW_TAG.finditer(seg, 0, last.start()))
        ref = _ref(rows[-1][1]) if rows else None
        if ref is None:
            raise NeedsOpenpyxl
    return ref[0]


def scan_sheet(zf: zipfile.ZipFile, part: str) -> SheetScan:
    """One streamed pass over the sheet XML, in segments of whole rows."""
    scan = SheetScan()
    last_with_cell = b""
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(CHUNK)
            buf = carry + chunk
            if not chunk:
                seg, carry = buf, b""
            else:
                cut = buf.rfind(b"row>")
                if cut < 0:
                    carry = buf
                    continue
                seg, carry = buf[: cut + 4], buf[cut + 4 :]
            if seg:
                _scan_segment(seg, scan)
                if _HAS_CELL.search(seg):
                    last_with_cell = seg
            if not chunk:
                break
    scan.last_cell_row = _last_cell_row(last_with_cell)
    return scan


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
        try:
            with zipfile.ZipFile(path) as zf:
                refuse_entities(zf, where)
                self.workbook = python_calamine.CalamineWorkbook.from_path(str(path))
                names = list(self.workbook.sheet_names)
                meta = self.workbook.sheets_metadata
                visible = [m.visible == python_calamine.SheetVisibleEnum.Visible for m in meta]
                self.title = pick(names, visible, wanted, where)
                self.scan = scan_sheet(zf, _sheet_part(zf, names.index(self.title)))
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
        """One row calamine cannot convert (it panics on a date serial out of range), read by openpyxl."""
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = wb[self.title]
            cells = next(ws.iter_rows(min_row=number, max_row=number, values_only=True), ())
            cells = list(cells)[:width]
        finally:
            wb.close()
        return cells + [None] * (width - len(cells))

    def close(self) -> None:
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
        negative = self.scan.negative
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
        return InputError(_FORBIDDEN_FR, _FORBIDDEN_EN, where=where)
    return InputError(
        f"classeur illisible ({type(exc).__name__})",
        f"unreadable workbook ({type(exc).__name__}: {exc})",
        where=where,
    )
