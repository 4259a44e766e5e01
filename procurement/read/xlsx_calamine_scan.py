"""The byte scan of a sheet's XML that recovers what calamine does not report.

Hidden rows, the text of error cells, the last row holding a cell and the numbers stored as "8.0" or
as negatives decide how the fast path's values are fixed up to match openpyxl; they are found by byte
searches over one streamed pass (a closer look only where a search hits), because parsing the XML
would cost what calamine saves. Whatever the scan cannot locate exactly raises `NeedsOpenpyxl`.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from procurement.read.xlsx_parts import NeedsOpenpyxl, sheet_part

CHUNK = 1 << 20
XML_NS = rb"(?:[\w.-]+:)?"
_ROW_TAG = re.compile(rb"<" + XML_NS + rb"row\b([^>]*)>")
_CELL = re.compile(rb"<" + XML_NS + rb"c\b([^>]*?)(?:/>|>(.*?)</" + XML_NS + rb"c>)", re.S)
_HAS_CELL = re.compile(rb"<" + XML_NS + rb"c[\s/>]")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\$?([A-Za-z]{0,3})\$?(\d+)["']""")
_HIDDEN = re.compile(rb"""(?:^|\s)hidden\s*=\s*["'](?:1|true)["']""")
_T_ERROR = re.compile(rb"""(?:^|\s)t\s*=\s*["']e["']""")
_VALUE = re.compile(rb"<" + XML_NS + rb"v>([^<]*)</" + XML_NS + rb"v>")
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
_FORMULA = re.compile(rb"<" + XML_NS + rb"f[\s/>]")
_FAST_UNCOMPUTED = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)(<v\s*/>|<v></v>)?</c>')
_TYPED = re.compile(rb"""\st\s*=\s*["']""")
_ANY_VALUE = re.compile(rb"<" + XML_NS + rb"v\b")
_FORMULA_TEXT = re.compile(rb"<" + XML_NS + rb"f\b[^>]*>([^<]*)</")
# A negative number: if it has a date format calamine gives a time of day, openpyxl a date before 1900.
_FAST_NEGATIVE = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>-')
# A number that may lie outside the dates Python knows (31/12/9999 is serial 2958465, 1/1/1 is -693593: a
# negative one of 6 digits or more, or one of 7 digits or more, or with an exponent).
_WIDE = re.compile(rb"<v>(?:-\d{6}|\d{7}|[\d.]+[eE])")
_STYLE = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_COLUMNS: dict[bytes, int] = {}
# A cell in column AA or beyond, as the usual layout writes it, 3 letters (AAA and beyond) looked for first: one
# such cell decides the width. Past WIDE_COLUMNS (rare), a closer look leaves out the formatted empty cells
# (`<c r="XFD9" s="1"/>`), which calamine leaves out of its range.
_WIDE_REF = {n: re.compile(rb'<c r="([A-Z]{%d})\d' % n) for n in (3, 2)}
_WIDE_CELL = {n: re.compile(rb'<c r="([A-Z]{%d})\d+"[^>]*?(/?)>' % n) for n in (3, 2)}
WIDE_COLUMNS = 256


def column_index(letters: bytes) -> int:
    """0-based index of a column given by its letters (b"A" 0, b"AA" 26)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


@dataclass(slots=True)
class SheetScan:
    hidden: set[int] = field(default_factory=set)  # 1-based row numbers with hidden="1"
    errors: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> 0-based column -> '#N/A'
    last_cell_row: int = 0  # the row of the last <c> element: openpyxl's max_row, styles included
    float_text: dict[int, int] = field(default_factory=dict)  # row -> bit mask of columns stored as "8.0"
    negative: dict[int, int] = field(default_factory=dict)  # row -> bit mask of columns holding "-..."
    # row -> 0-based column -> style, of numbers under a date format that may lie beyond the known dates
    wide: dict[int, dict[int, int]] = field(default_factory=dict)
    # row -> 0-based column -> formula text, of formulas saved without a computed value (`_uncomputed`)
    uncomputed: dict[int, dict[int, str]] = field(default_factory=dict)
    # at least the number of columns calamine's range spans (it allocates last_cell_row x columns cells)
    columns: int = 0


def _ref(attrs: bytes) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if m is None:
        return None
    return int(m[2]), (column_index(m[1]) if m[1] else -1)


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


def _standard_layout(seg: bytes) -> bool:
    return seg.count(b"<c ") == seg.count(b'<c r="') and b":c " not in seg and b":c>" not in seg


def _mark(masks: dict[int, int], matches) -> None:
    columns = _COLUMNS
    for m in matches:
        letters, row = m[1], int(m[2])
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_index(letters)
        masks[row] = masks.get(row, 0) | (1 << col)


def _negatives(seg: bytes, scan: SheetScan, standard: bool) -> None:
    if b"v>-" not in seg:
        return
    if not standard:
        raise NeedsOpenpyxl
    _mark(scan.negative, _FAST_NEGATIVE.finditer(seg))


def _wide_numbers(seg: bytes, scan: SheetScan, dated: frozenset[int], standard: bool) -> None:
    """Such numbers in cells whose style has a date format. They are few (amounts of millions are
    the usual hit): each is looked at from its value back to its cell's tag."""
    for m in _WIDE.finditer(seg):
        if not standard:
            raise NeedsOpenpyxl
        start = seg.rfind(b"<c ", 0, m.start())
        found = _STYLE.search(seg, start, seg.find(b">", start))
        style = int(found[1]) if found else 0  # no s: the workbook's default style
        if style not in dated:
            continue
        at = _CELL_REF_AT.match(seg, start)
        if at is None:
            raise NeedsOpenpyxl
        letters, row = at[1], int(at[2])
        col = _COLUMNS.get(letters)
        if col is None:
            col = _COLUMNS[letters] = column_index(letters)
        scan.wide.setdefault(row, {})[col] = style


def _float_texts(seg: bytes, scan: SheetScan, standard: bool) -> None:
    """Numbers whose stored text has a '.' or an exponent: openpyxl gives a float even for 8.0."""
    masks = scan.float_text
    columns = _COLUMNS
    if standard:
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
                col = columns[letters] = column_index(letters)
        else:
            ref = _ref(seg[start : seg.find(b">", start)])
            if ref is None or ref[1] < 0:
                raise NeedsOpenpyxl
            row, col = ref
        masks[row] = masks.get(row, 0) | (1 << col)


def _uncomputed(seg: bytes, found: dict[int, dict[int, str]], standard: bool) -> None:
    """Formulas saved without a value: a workbook written by a program (openpyxl, a report generator) and
    never opened in a spreadsheet holds `<f>D2*2</f><v/>`. Both engines read such a cell as blank, so an
    amount computed by a formula became unknown without a word (auditor review); the readers now say it.
    A formula whose value is an empty text, as a spreadsheet saves `=IF(G3="","",G3*H3)`, is typed
    (`t="str"`) with an empty `<v></v>`: computed, not said. In the usual layout one search finds the
    cells, and only where a formula may lack its value: a sheet of computed formulas costs a few byte
    searches (every cell looked at made reading 100,000 rows of two formula columns 60 % slower)."""
    if b"<f" not in seg and b":f" not in seg:
        return
    if standard:
        if not any(mark in seg for mark in (b"v/>", b"v />", b"<v></v>", b"f></c>", b"/></c>")):
            return
        for m in _FAST_UNCOMPUTED.finditer(seg):
            if m[5] is not None and _TYPED.search(m[3]):
                continue
            letters, formula = m[1], m[4]
            col = _COLUMNS.get(letters)
            if col is None:
                col = _COLUMNS[letters] = column_index(letters)
            found.setdefault(int(m[2]), {})[col] = _formula_text(formula)
        return
    for m in _CELL.finditer(seg):
        body = m[2]
        if not body or _FORMULA.search(body) is None:
            continue
        value = _VALUE.search(body)
        if (value is not None and value[1].strip()) or b"is>" in body:
            continue
        if _TYPED.search(m[1]) and _ANY_VALUE.search(body):
            continue
        ref = _ref(m[1])
        if ref is None or ref[1] < 0:
            continue  # a cell without its own reference: not located, not said (never a wrong place)
        text = _FORMULA_TEXT.search(body)
        found.setdefault(ref[0], {})[ref[1]] = _formula_text(text[1] if text is not None else None)


def _formula_text(raw: bytes | None) -> str:
    """« =D2*2 » from the element's text (XML entities resolved); "" for a shared formula's other cells."""
    return "=" + html.unescape(raw.decode("utf-8", "replace")) if raw else ""


def _columns(seg: bytes, standard: bool) -> int:
    """At least the number of columns up to the segment's rightmost cell holding something (a formatted
    empty cell is left out, as calamine leaves it out of its range). In the usual layout, searches for
    cells of 3 letters, then 2; otherwise every cell is looked at, one without its reference counted as
    one more column."""
    if standard:
        if b'<c r="' not in seg:
            return 0
        for n, pattern in _WIDE_REF.items():
            letters = set(pattern.findall(seg))
            widest = max(map(column_index, letters), default=-1) + 1
            if widest > WIDE_COLUMNS:
                widest = max((column_index(m[1]) + 1 for m in _WIDE_CELL[n].finditer(seg) if not m[2]), default=0)
            if widest:
                return widest
        return 26
    widest = unplaced = 0
    for m in _CELL.finditer(seg):
        ref = _ref(m[1])
        if ref is None or ref[1] < 0:
            unplaced += 1
        else:
            widest = max(widest, ref[1] + 1)
    return widest + unplaced


def _scan_segment(seg: bytes, scan: SheetScan, dated: frozenset[int]) -> None:
    standard = _standard_layout(seg)  # the usual layout: searches that assume it may be used
    scan.columns = max(scan.columns, _columns(seg, standard))
    _uncomputed(seg, scan.uncomputed, standard)
    _float_texts(seg, scan, standard)
    _negatives(seg, scan, standard)
    if dated:
        _wide_numbers(seg, scan, dated, standard)
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


def _segments(zf: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The sheet XML streamed in segments of whole rows. What follows the last row's end waits as a list
    of chunks, each searched once: joined to each new chunk, a stretch of XML without a row's end (a
    hostile or damaged sheet) was copied and searched again once per megabyte."""
    pending: list[bytes] = []  # read since the last "row>", which none of it holds
    tail = b""  # the last 3 bytes of `pending`: "row>" may begin there
    with zf.open(part) as fh:
        while chunk := fh.read(CHUNK):
            cut = (tail + chunk).rfind(b"row>")
            if cut < 0:
                pending.append(chunk)
                tail = chunk[-3:] if len(chunk) >= 3 else (tail + chunk)[-3:]
                continue
            end = cut - len(tail) + 4  # where the segment ends in `chunk` (at least 1)
            yield b"".join((*pending, chunk[:end]))
            pending = [chunk[end:]] if end < len(chunk) else []
            tail = chunk[end:][-3:]
    if pending:
        yield b"".join(pending)


def scan_sheet(zf: zipfile.ZipFile, part: str, dated: frozenset[int] = frozenset()) -> SheetScan:
    """One streamed pass over the sheet XML, in segments of whole rows; `dated`: the styles with a date
    format (`date_styles`), whose numbers beyond the known dates are noted in `wide`."""
    scan = SheetScan()
    last_with_cell = b""
    for seg in _segments(zf, part):
        _scan_segment(seg, scan, dated)
        if _HAS_CELL.search(seg):
            last_with_cell = seg
    scan.last_cell_row = _last_cell_row(last_with_cell)
    return scan


def uncomputed_formulas(path: Any, index: int) -> dict[int, dict[int, str]]:
    """`SheetScan.uncomputed` of the index-th sheet, for the openpyxl path; empty when the sheet cannot be
    located (it is then read as before, the blank cells unexplained)."""
    found: dict[int, dict[int, str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for seg in _segments(zf, sheet_part(zf, index)):
                _uncomputed(seg, found, _standard_layout(seg))
    except (NeedsOpenpyxl, OSError, zipfile.BadZipFile, KeyError):
        return {}
    return found

