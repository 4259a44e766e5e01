"""CSV exports from finance software and open-data portals.

French exports use ';' and a decimal comma, older ones cp1252; open-data files use ',' or '|' and
UTF-8, often with a BOM. We sniff encoding and delimiter instead of asking, because users do not know
which one they have.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from procurement.errors import InputError
from procurement.i18n import fmt_number
from procurement.model import Rejection
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.tabular import Row, records_from_rows

DELIMITERS = ";,|\t"
MAX_FIELD = 1024 * 1024  # a single cell above 1 MiB is not a spreadsheet value
# One line of the file, and the cells it holds: MAX_FIELD bounds a cell, not how many a row has, and a
# line was read whole before any limit applied (a 30 MB line of « ab; » took 880 MB and 30 s, a 2 GB one
# would have taken tens of GB). Both far above any export: 16,384 columns (Excel's) of 1 KB each.
MAX_LINE = 64 * 1024 * 1024  # characters
MAX_COLUMNS = 65_536  # four times Excel's widest sheet


# UTF-8 text encoded as UTF-8 a second time, as a tool reading it as Windows-1252 writes it back: « é » (C3 A9)
# becomes « Ã© », « É » « Ã‰ », « œ » « Å“ », « ’ » « â€™ », a BOM « ï»¿ » (`_MISREAD`, `_FRENCH`).
# The bytes of `_MISREAD`'s lead characters (U+00C2-U+00DF, « â », « ï ») then of a continuation's first byte:
# what a chunk must hold for its text to be searched.
_MAYBE_MISREAD = re.compile(rb"\xc3[\x82-\x9f\xa2\xaf][\xc2\xc5\xc6\xcb\xe2]")
DOUBLED = "utf-8-double"  # the encoding `sniff_encoding` names such a file
REPAIRED_NOTE = "double_utf8_repaired:"  # + the number of lines repaired: a note of the input


def sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, UTF-16 by its BOM, else cp1252 (then
    read line by line: `LineDecoded` keeps the lines that are UTF-8). A UTF-8 file holding text encoded twice
    (`_MISREAD` giving a French character) is DOUBLED: read line by line too, such lines repaired.

    The whole file is checked incrementally: exports often have their first accented character far
    below the header, and a wrong guess would turn 'Métropole' into 'MÃ©tropole' silently.
    """
    doubled = False
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        bom = head.startswith(codecs.BOM_UTF8)
        fh.seek(3 if bom else 0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                text = decoder.decode(chunk)
                if not doubled and _MAYBE_MISREAD.search(chunk):  # the bytes first: the text's search is 5× slower
                    doubled = any(_undouble_char(m) != m.group() for m in _MISREAD.finditer(text))
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"  # read line by line, UTF-8 lines kept (LineDecoded)
    return DOUBLED if doubled else "utf-8-sig" if bom else "utf-8"


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not lines:
        return ";"
    best, best_score = ";", (0, 0)
    for delim in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delim))) for line in lines]
        if max(counts) <= 1:
            continue
        # Prefer a delimiter giving the same count on most lines, then the larger count.
        mode = max(set(counts), key=counts.count)
        if mode <= 1:  # most lines unsplit: this character only occurs inside some cells (a formula, a text)
            continue
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


# Windows-1252's byte of each character; the five bytes it leaves undefined (81, 8D, 8F, 90, 9D: « ” » is
# E2 80 9D) are read by Windows as the control characters of the same number, and so written back.
_BYTE = {chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252"): b for b in range(256)}
# A character's UTF-8 bytes read as Windows-1252: a lead byte (C2-DF « Â »...« ß », E2 « â », EF « ï ») then
# one or two continuation bytes (80-BF as Windows reads them: « © », « ‚ », « € »...; not U+0091, which no
# byte reads as). Only these stretches are decoded again: a line once repaired holds correct characters (« é »)
# beside cells encoded once more, and decoding the whole line again fails on them.
_CONT = "[" + "".join(re.escape(c) for c, b in _BYTE.items() if 0x80 <= b <= 0xBF) + "]"
_LEAD2 = "[" + "".join(re.escape(c) for c, b in _BYTE.items() if 0xC2 <= b <= 0xDF) + "]"
_MISREAD = re.compile(f"{_LEAD2}{_CONT}|[âï]{_CONT}{{2}}")
# What French text holds beyond ASCII (what Windows-1252 holds, the narrow no-break space, general
# punctuation), and the BOM: a stretch is repaired only into one of these. « Ë » then a
# no-break space (CB A0) would otherwise read « ˠ », « Ç » then one « Ǡ » (review of the session's diff). The
# five control characters Windows writes for its undefined bytes are there too: « ” » encoded three times
# passes through U+009D.
_FRENCH = frozenset([c for c, b in _BYTE.items() if b >= 0x80] + list("\ufeff\u202f")
                    + [chr(c) for c in range(0x2010, 0x2031)])


def _undouble_char(match: re.Match[str]) -> str:
    """The character these misread bytes were, when it is one French text holds; else the text as it is."""
    text = match.group()
    try:
        char = bytes(_BYTE[c] for c in text).decode("utf-8")
    except UnicodeError:  # « é» » is « é » then « » », not a character misread
        return text
    return char if char in _FRENCH else text


class LineDecoded:
    """The text of a file that is not UTF-8 as a whole, each line decoded as UTF-8 when it is one (rows
    pasted from another export), else as Windows-1252: decoded whole as cp1252, a UTF-8 « Marché » read
    « MarchÃ© » and its row was rejected. Lines end as text mode with newline="" ends them (\n, \r\n or
    a lone \r: old Mac exports), ends kept for the csv module."""

    _BLOCK = 1 << 20

    def __init__(self, path: Path, repair: bool = False):
        self._path = path
        self._repair = repair  # a DOUBLED file: a UTF-8 line encoded twice is decoded twice (`_undouble`)
        self.repaired_lines = 0
        self._lines = 0  # lines yielded, for the message of one too long
        self._fh = path.open("rb")
        self._start = 3 if self._fh.read(3) == codecs.BOM_UTF8 else 0  # a UTF-8 BOM, then other lines
        self.utf8_lines = 0  # lines with non-ASCII text that were UTF-8

    def _decode(self, raw: bytes) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
        self.utf8_lines += 1
        return self._undouble(text) if self._repair else text

    def _undouble(self, text: str) -> str:
        """The line with each character encoded twice decoded again (« ProcÃ©dure » → « Procédure »,
        `_MISREAD`). What does not read back as UTF-8 is kept as read, and the validation's mojibake warning
        says so."""
        repaired = text
        for _ in range(3):  # a cell pasted from such a file into another is encoded three times
            again = _MISREAD.sub(_undouble_char, repaired)
            if again == repaired:
                break
            repaired = again
        repaired = repaired.removeprefix("\ufeff")  # a BOM encoded twice (« ï»¿ ») took the first header's name
        if repaired != text:
            self.repaired_lines += 1
        return repaired

    def __iter__(self) -> Iterator[str]:
        """Lines of at most MAX_LINE bytes (then `_too_long`). A block without a line end is kept aside,
        not joined to what came before: joined at each block, a 100 MB line was copied a hundred times."""
        self._fh.seek(self._start)
        self.repaired_lines = 0  # the sniffing's `read` counted its own
        held: list[bytes] = []
        size = 0
        while block := self._fh.read(self._BLOCK):
            if b"\n" not in block and b"\r" not in block and not (held and held[-1].endswith(b"\r")):
                held.append(block)
                size += len(block)
                if size > MAX_LINE:
                    raise _too_long(self._lines + 1, str(self._path))
                continue
            lines = b"".join((*held, block)).splitlines(keepends=True)
            last = lines.pop() if lines else b""
            if last.endswith(b"\n"):  # complete; a line ending "\r" may be half a \r\n: held for the next block
                lines.append(last)
                last = b""
            for raw in lines:
                self._lines += 1
                if len(raw) > MAX_LINE:
                    raise _too_long(self._lines, str(self._path))
                yield self._decode(raw)
            held, size = ([last], len(last)) if last else ([], 0)
        if held:
            self._lines += 1
            yield self._decode(b"".join(held))

    def read(self, size: int = -1) -> str:
        """The first `size` bytes' text, for sniffing the delimiter."""
        self._fh.seek(self._start)
        return "".join(self._decode(raw) for raw in self._fh.read(size).splitlines(keepends=True))

    def seek(self, offset: int) -> None:
        self._fh.seek(offset)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> LineDecoded:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_text(path: Path) -> tuple[io.TextIOBase | LineDecoded, str, str]:
    """Open a CSV as text with its sniffed encoding and delimiter."""
    encoding = sniff_encoding(path)
    fh: io.TextIOBase | LineDecoded
    if encoding in ("cp1252", DOUBLED):
        fh = LineDecoded(path, repair=encoding == DOUBLED)
    else:
        fh = path.open("r", encoding=encoding, newline="", errors="replace")
    sample = fh.read(64 * 1024)
    fh.seek(0)
    return fh, encoding, sniff_delimiter(sample)


def iter_csv_rows(fh: io.TextIOBase, delimiter: str, where: str) -> Iterator[Row]:
    """Rows with the line number a spreadsheet would show (first line = 1), NUL bytes removed."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(_bounded_lines(fh, delimiter, where), delimiter=delimiter)
    number = 0
    try:
        for cells in reader:
            # A quoted cell may span lines: the row starts on the line after the previous row ended.
            start, number = number + 1, reader.line_num
            yield start, list(cells), False
    except csv.Error as exc:
        raise InputError(
            f"CSV illisible après la ligne {number} : {exc}",
            f"unreadable CSV after line {number}: {exc}",
            where=where,
        ) from None


def _bounded_lines(fh: io.TextIOBase, delimiter: str, where: str) -> Iterator[str]:
    """The file's lines, NUL bytes removed, refused past MAX_LINE characters or MAX_COLUMNS cells before
    the csv module parses them (a line's delimiters counted: one inside a quoted cell counts too, which
    only a line of 65,536 of them could mistake)."""
    readline = getattr(fh, "readline", None)
    lines = iter(lambda: readline(MAX_LINE + 1), "") if readline is not None else iter(fh)
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            raise _too_long(number, where)
        if len(line) >= MAX_COLUMNS and line.count(delimiter) >= MAX_COLUMNS:  # counted on long lines only
            raise InputError(
                f"ligne {number} : plus de {fmt_number(MAX_COLUMNS)} cellules (séparateur « {delimiter} ») : ce "
                "n'est pas un tableau qu'un tableur ouvre ; vérifiez le séparateur et les sauts de ligne du fichier",
                f"line {number}: more than {fmt_number(MAX_COLUMNS, 'en')} cells (delimiter '{delimiter}'): not a "
                "table a spreadsheet opens; check the file's delimiter and line breaks",
                where=where)
        yield line.replace("\0", "")


def _too_long(number: int, where: str) -> InputError:
    mib = MAX_LINE // (1024 * 1024)
    return InputError(
        f"ligne {number} de plus de {mib} Mio : ce n'est pas une ligne de tableau ; vérifiez que le fichier est "
        "bien un CSV et que ses lignes finissent par un saut de ligne",
        f"line {number} longer than {mib} MiB: not a table's line; check that the file is a CSV and that its "
        "lines end with a line break",
        where=where)


def estimate_rows(path: Path) -> int | None:
    """File size over the average length of the first lines: good enough for a time-left estimate."""
    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    lines = head.count(b"\n")
    if lines < 2:
        return None
    return int(path.stat().st_size / (len(head) / lines))


class CsvReader:
    name = "csv"

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".csv", ".txt", ".tsv"}

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]:
        fh, encoding, delimiter = open_text(path)
        info.rows_estimate = estimate_rows(path)
        info.notes.append(f"encoding:{encoding}")
        info.notes.append(f"delimiter:{delimiter}")
        with fh:
            yield from records_from_rows(
                iter_csv_rows(fh, delimiter, str(path)),
                file=options.file_label or path.name,
                sheet=None,
                options=options,
                info=info,
                where=str(path),
                delimiter=delimiter,
            )
        if isinstance(fh, LineDecoded) and fh.repaired_lines:  # said beside the rows (input_notes)
            info.notes.append(f"{REPAIRED_NOTE}{fh.repaired_lines}")
