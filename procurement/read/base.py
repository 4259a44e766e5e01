"""What every reader yields: raw records keyed by canonical field, or rejections.

Readers only locate values and say where they came from; they do not parse numbers or dates. Parsing
and validation happen once, in `procurement.validate`, whatever the format, so an amount typed
'1 234,56 €' in a CSV and 1234.56 in a JSON end up the same way and fail the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from procurement.carriage import Uncarried
from procurement.errors import InputError
from procurement.i18n import fmt_number
from procurement.model import Rejection, Source, Warning_


@dataclass(slots=True)
class Cell:
    """A raw value and the column it came from, as the user would name it ('C: Montant HT')."""

    column: str
    value: object


@dataclass(slots=True)
class RawRecord:
    source: Source
    cells: dict[str, Cell]  # canonical field name -> raw cell
    warnings: list[Warning_] = field(default_factory=list)
    # The user's own columns, in order, for exports that repeat them (header -> raw value).
    original: dict[str, object] | None = None
    # The fields the input's format cannot carry (procurement/carriage.py); None: it carries them all.
    uncarried: Uncarried | None = None


@dataclass(slots=True)
class ReadOptions:
    sheet: str | None = None
    mapping: dict[str, str] | None = None  # user header -> canonical field
    max_bytes: int = 2 * 1024**3  # an input file larger than this is refused before reading
    max_uncompressed: int = 2 * 1024**3  # an xlsx expanding beyond this is refused (zip bomb)
    max_ratio: int = 200  # nor may one of its parts expand more than this many times
    # xlsx: "openpyxl", "calamine" or None (automatic: $PROCUREMENT_XLSX_READER if set, else calamine above
    # xlsx_reader.CALAMINE_MIN_BYTES and openpyxl below). Both give the same records.
    xlsx_engine: str | None = None
    # The name records give their file: its base name, or the path as given when two inputs of one run
    # share a base name (a/x.csv, b/x.csv), so that no output mixes up their rows (pipeline._inputs).
    file_label: str | None = None
    # A row whose only field read is its id is a note or a table's footer in an export (« Nombre de lignes :
    # 200 »), rejected as no_order_data; in `check`'s template it is a consultation or a bid the buyer has
    # begun, checked so that the page lists what it lacks (check_read passes False), unless the row's only
    # filled cell, in whatever column, is a sentence: a note (tabular._note).
    reject_id_only: bool = True


@dataclass(slots=True)
class InputInfo:
    """What a reader learnt about one input, reported in every output's meta."""

    path: str
    format: str
    sha256: str = ""
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # user header -> canonical field
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_estimate: int | None = None  # for the progress line only, when cheap to know
    notes: list[str] = field(default_factory=list)
    # A workbook's sheets passed over (no header row) and left unread, as names: the notes join them
    # with ", ", which a sheet's own name may contain.
    sheets_skipped: list[str] = field(default_factory=list)
    sheets_other: list[str] = field(default_factory=list)
    # Columns whose header names a field an earlier column reads, as (its header, that column's header): read
    # only on a row where that column is empty (tabular.records_from_rows), said on the terminal and the report.
    duplicate_columns: list[tuple[str, str]] = field(default_factory=list)


class Reader(Protocol):
    """A format: `detect` says whether a file is one, `read` yields its records.

    `read` fills `info` as it goes (rows_read counts every data row seen, whatever became of it).
    """

    name: str

    def detect(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]: ...


def check_size(path: Path, limit: int) -> None:
    """Refuse a file larger than `limit` bytes (`--max-size`) before reading it. Sizes in MB with a decimal:
    whole megabytes said « fichier de 1 Mo refusé (limite 1 Mo) » for a 1.6 MB file."""
    size = path.stat().st_size
    if size > limit:
        mb = 1024**2

        def sizes(lang: str) -> tuple[str, str]:
            return fmt_number(size / mb, lang, 1), fmt_number(limit / mb, lang, 0 if limit % mb == 0 else 1)

        (fr_size, fr_limit), (en_size, en_limit) = sizes("fr"), sizes("en")
        raise InputError(f"fichier de {fr_size} Mo refusé (limite {fr_limit} Mo, option --max-size)",
                         f"file of {en_size} MB refused (limit {en_limit} MB, option --max-size)", where=str(path))
