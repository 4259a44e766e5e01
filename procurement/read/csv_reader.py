"""CSV exports from finance software and open-data portals.

French exports use ';' and a decimal comma, older ones cp1252; open-data files use ',' or '|' and
UTF-8, often with a BOM. We sniff encoding and delimiter instead of asking, because users do not know
which one they have.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from procurement.errors import InputError
from procurement.model import Rejection
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.tabular import Row, records_from_rows

DELIMITERS = ";,|\t"
MAX_FIELD = 1024 * 1024  # a single cell above 1 MiB is not a spreadsheet value


def sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, UTF-16 by its BOM, else cp1252 (then
    read line by line: `LineDecoded` keeps the lines that are UTF-8).

    The whole file is checked incrementally: exports often have their first accented character far
    below the header, and a wrong guess would turn 'Métropole' into 'MÃ©tropole' silently.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        bom = head.startswith(codecs.BOM_UTF8)
        fh.seek(3 if bom else 0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"  # read line by line, UTF-8 lines kept (LineDecoded)
    return "utf-8-sig" if bom else "utf-8"


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


class LineDecoded:
    """The text of a file that is not UTF-8 as a whole, each line decoded as UTF-8 when it is one (rows
    pasted from another export), else as Windows-1252: decoded whole as cp1252, a UTF-8 « Marché » read
    « MarchÃ© » and its row was rejected. Lines end as text mode with newline="" ends them (\n, \r\n or
    a lone \r: old Mac exports), ends kept for the csv module."""

    _BLOCK = 1 << 20

    def __init__(self, path: Path):
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
        return text

    def __iter__(self) -> Iterator[str]:
        self._fh.seek(self._start)
        held = b""
        while block := self._fh.read(self._BLOCK):
            lines = (held + block).splitlines(keepends=True)
            held = lines.pop() if lines else b""
            if held.endswith(b"\n"):  # complete; a line ending "\r" may be half a \r\n: held for the next block
                lines.append(held)
                held = b""
            for raw in lines:
                yield self._decode(raw)
        if held:
            yield self._decode(held)

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
    if encoding == "cp1252":
        fh = LineDecoded(path)
    else:
        fh = path.open("r", encoding=encoding, newline="", errors="replace")
    sample = fh.read(64 * 1024)
    fh.seek(0)
    return fh, encoding, sniff_delimiter(sample)


def iter_csv_rows(fh: io.TextIOBase, delimiter: str, where: str) -> Iterator[Row]:
    """Rows with the line number a spreadsheet would show (first line = 1), NUL bytes removed."""
    csv.field_size_limit(MAX_FIELD)
    cleaned = (line.replace("\0", "") for line in fh)
    reader = csv.reader(cleaned, delimiter=delimiter)
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
            )
