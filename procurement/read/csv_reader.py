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
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else cp1252.

    The whole file is checked incrementally: exports often have their first accented character far
    below the header, and a wrong guess would turn 'Métropole' into 'MÃ©tropole' silently.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


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


def open_text(path: Path) -> tuple[io.TextIOBase, str, str]:
    """Open a CSV as text with its sniffed encoding and delimiter."""
    encoding = sniff_encoding(path)
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
                file=path.name,
                sheet=None,
                options=options,
                info=info,
                where=str(path),
            )
