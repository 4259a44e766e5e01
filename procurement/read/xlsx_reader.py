"""Excel workbooks as buyers type them: title blocks, merged cells, hidden rows, formulas.

openpyxl reads cached formula values (`data_only=True`), so a formula shows what Excel last computed;
a workbook saved by a program that never computed it has no cached value and the cell reads as blank,
with a `formula_without_value` warning on its row (`xlsx_calamine_scan.uncomputed_formulas`, both engines).
Merged cells carry their value into every cell they cover: a service name merged over five rows
applies to all five. The archive is checked before parsing, because an .xlsx is a zip that may expand
to gigabytes.

Two engines read the cells. openpyxl is the reference: full mode below FULL_MODE_MAX_BYTES, read-only
streaming above it (no merged cells, no hidden rows). python-calamine (`xlsx_calamine`) is several
times faster and gives the same records as openpyxl's full mode, merged cells and hidden rows included;
it is the default above CALAMINE_MIN_BYTES (1 MB). `ReadOptions.xlsx_engine`, or the environment variable
PROCUREMENT_XLSX_READER when the option is not set, forces one ("openpyxl" or "calamine").
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from procurement.errors import InputError
from procurement.i18n import fmt_number
from procurement.model import Rejection
from procurement.read import xlsx_calamine
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.headers import NoHeaderError
from procurement.read.tabular import Row, records_from_rows
from procurement.read.xlsx_calamine_scan import uncomputed_formulas
from procurement.read.xlsx_merges import merged_cells

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FULL_MODE_MAX_BYTES = 8 * 1024 * 1024  # above this, openpyxl reads in read-only mode (no merged, no hidden rows)
# Above this, calamine by default: 10,000 orders (1.5 MB) read in 0.5 s instead of 3.8 s with openpyxl;
# a buyer's tender workbook (tens of KB) stays with openpyxl, the reference.
CALAMINE_MIN_BYTES = 1024 * 1024
# Both thresholds are compressed sizes of a workbook of ordinary XML, which expands about 7 to 8 times
# (samples and bench files). A workbook that expands more counts as its XML / this: a 1 MB file of
# repetitive cells expanding 197 times (under the zip-bomb ratio) took openpyxl's full mode to 6 GB.
TYPICAL_RATIO = 10
# A sheet's extent (rows x columns, from A1 to its last cell) read at most, and the cells its merged ranges
# cover: every row is made as wide as the widest, so one value typed at XFD1048576 of a 5 KB workbook made
# 17 billion cells to walk (hours; calamine aborted on a 550 GB allocation). Formatted empty cells past the
# table (a whole column formatted) do not count when the values alone fit.
MAX_SHEET_CELLS = 200_000_000
MAX_MERGED_CELLS = 5_000_000
ENGINES = ("openpyxl", "calamine")
ENGINE_VARIABLE = "PROCUREMENT_XLSX_READER"


def choose_engine(options: ReadOptions, size: int) -> str:
    """The option, else the environment variable, else calamine for large workbooks and openpyxl for small."""
    wanted = (options.xlsx_engine or os.environ.get(ENGINE_VARIABLE) or "").strip().lower()
    if wanted in ("", "auto"):
        return "calamine" if size > CALAMINE_MIN_BYTES and xlsx_calamine.available() else "openpyxl"
    if wanted not in ENGINES:
        raise InputError(
            f"moteur de lecture xlsx « {wanted} » inconnu ; moteurs : {', '.join(ENGINES)}",
            f"unknown xlsx reading engine '{wanted}'; engines: {', '.join(ENGINES)}",
        )
    return wanted
def check_archive(path: Path, where: str, max_uncompressed: int = 2 * 1024**3, max_ratio: int = 200) -> int:
    """Refuse what is not an xlsx archive, or one that would expand beyond reason (zip bomb); the size
    it declares once expanded."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE2_MAGIC:
        raise InputError(
            "classeur chiffré (protégé par mot de passe) ou au format .xls ancien : enregistrez-le "
            "sans mot de passe au format .xlsx",
            "encrypted (password-protected) workbook or old .xls format: save it without a password "
            "as .xlsx",
            where=where,
        )
    if not head:  # as `procurement score` says of it (read.choose_reader), for `check` too
        raise InputError("le fichier est vide", "the file is empty", where=where)
    if not head.startswith(b"PK"):
        raise InputError(
            "ce fichier n'est pas un classeur Excel .xlsx malgré son extension",
            "this file is not an Excel .xlsx workbook despite its extension",
            where=where,
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError(
            "classeur tronqué ou endommagé (archive illisible)",
            "truncated or damaged workbook (unreadable archive)",
            where=where,
        ) from None
    if "xl/workbook.xml" not in names:
        raise InputError(
            "archive zip qui n'est pas un classeur Excel (xl/workbook.xml absent)",
            "zip archive that is not an Excel workbook (xl/workbook.xml missing)",
            where=where,
        )
    total = sum(i.file_size for i in infos)
    for info in infos:
        if info.file_size > 10 * 1024**2 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise InputError(
                f"classeur refusé : « {info.filename} » se décompresse {info.file_size // max(info.compress_size, 1)} "
                "fois sa taille (bombe de décompression probable)",
                f"workbook refused: “{info.filename}” expands {info.file_size // max(info.compress_size, 1)} "
                "times its size (probable zip bomb)",
                where=where,
            )
    if total > max_uncompressed:
        raise InputError(
            f"classeur refusé : {total // 1024**2} Mo une fois décompressé (limite {max_uncompressed // 1024**2} Mo)",
            f"workbook refused: {total // 1024**2} MB uncompressed (limit {max_uncompressed // 1024**2} MB)",
            where=where,
        )
    return total


def weighed_size(path: Path, expanded: int) -> int:
    """The size the engine and mode are chosen by: the file's, or its expanded XML over TYPICAL_RATIO
    when that is more (memory follows the XML, not the zip)."""
    return max(path.stat().st_size, expanded // TYPICAL_RATIO)


def _unreadable(exc: Exception, where: str) -> InputError:
    """One sentence for whatever openpyxl or defusedxml raised on a damaged or hostile workbook."""
    from defusedxml import DefusedXmlException

    chain, seen = exc, 0
    while chain is not None and not isinstance(chain, DefusedXmlException) and seen < 10:
        chain, seen = chain.__cause__ or chain.__context__, seen + 1  # openpyxl wraps it in a ValueError
    if isinstance(chain, DefusedXmlException):
        return InputError(
            "classeur illisible : il contient des entités XML interdites (bombe XML ou entité externe possible)",
            "unreadable workbook: it holds forbidden XML entities (possible XML bomb or external entity)",
            where=where,
        )
    return InputError(
        f"classeur illisible ({type(exc).__name__})",
        f"unreadable workbook ({type(exc).__name__}: {exc})",
        where=where,
    )


def _merged_cells(path: Path, where: str) -> int:
    """`merged_cells` of the workbook (up to just past MAX_MERGED_CELLS), damage reported as `_open` does."""
    try:
        return merged_cells(path, MAX_MERGED_CELLS)
    except Exception as exc:
        raise _unreadable(exc, where) from None


def _open(path: Path, read_only: bool, where: str):
    import openpyxl  # imported here: it costs start-up time that CSV-only runs should not pay

    try:
        return openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise _unreadable(exc, where) from None


def _guard(rows: Iterator[Row], where: str, unreadable=None) -> Iterator[Row]:
    """Streamed sheets are parsed while iterating: damage found there is reported the same way."""
    try:
        yield from rows
    except InputError:
        raise
    except Exception as exc:
        raise (unreadable or _unreadable)(exc, where) from None


def pick_sheet(names: list[str], visible: list[bool], wanted: str | None, where: str) -> str:
    """By name, else by 1-based position; by default the first visible sheet. Both engines use this."""
    if wanted is None:
        return next((n for n, v in zip(names, visible, strict=True) if v), names[0])
    if wanted in names:
        return wanted
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    raise InputError(
        f"feuille « {wanted} » introuvable ; feuilles du classeur : {', '.join(f'« {n} »' for n in names)}",
        f"sheet “{wanted}” not found; the workbook's sheets: {', '.join(f'“{n}”' for n in names)}",
        where=where,
    )


def _pick_sheet(wb, wanted: str | None, where: str):
    names = wb.sheetnames
    return wb[pick_sheet(names, [wb[n].sheet_state == "visible" for n in names], wanted, where)]


def too_large(rows: int, columns: int, where: str) -> InputError:
    """The refusal of a sheet whose extent (rows x columns) exceeds MAX_SHEET_CELLS cells."""
    from procurement.read.headers import column_letter

    corner = f"{column_letter(columns - 1)}{rows}"
    return InputError(
        f"feuille trop étendue : elle va jusqu'à la cellule {corner} ({rows} lignes × {columns} colonnes, plus de "
        f"{fmt_number(MAX_SHEET_CELLS)} cellules) ; supprimez les valeurs ou les fusions éloignées du tableau "
        "(Ctrl+Fin dans Excel montre la dernière cellule)",
        f"sheet too large: it extends to cell {corner} ({rows} rows × {columns} columns, over "
        f"{fmt_number(MAX_SHEET_CELLS, 'en')} cells); "
        "delete the values or merged cells far from the table (Ctrl+End in Excel shows the last cell)",
        where=where,
    )


def _too_merged(where: str) -> InputError:
    """The refusal of a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells."""
    return InputError(
        f"classeur refusé : ses cellules fusionnées en couvrent plus de {fmt_number(MAX_MERGED_CELLS)} ; "
        "défusionnez les plages qui débordent du tableau",
        f"workbook refused: its merged cells cover more than {fmt_number(MAX_MERGED_CELLS, 'en')}; unmerge the "
        "ranges that overflow the table",
        where=where,
    )


def _extent(cells_of: dict, ranges: list) -> tuple[int, int]:
    """(last row, last column) of the cells and merged ranges given."""
    last = max([r for r, _ in cells_of] + [rng.max_row for rng in ranges], default=0)
    width = max([c for _, c in cells_of] + [rng.max_col for rng in ranges], default=0)
    return last, width


def _full_rows(ws, where: str = "") -> Iterator[Row]:
    """The rows `ws.iter_rows()` gives (every row from 1 to the last, each as wide as the widest), made
    from the cells the sheet holds. `iter_rows` creates a cell object for every position it passes: one
    formatted empty cell at row 1,048,576 of a 24 KB workbook made 31 million of them (105 s, 6.9 GB).
    A sheet whose extent exceeds MAX_SHEET_CELLS is read to its last value (formatted empty cells and
    merged ranges without a value left out), and refused if that is still too large."""
    cells_of = ws._cells  # openpyxl's own {(row, col): cell}: the cells the file has, nothing created
    if not cells_of:
        return
    ranges = list(ws.merged_cells.ranges)
    last, width = _extent(cells_of, ranges)
    if last * width > MAX_SHEET_CELLS:
        cells_of = {rc: cell for rc, cell in cells_of.items() if cell.value is not None}
        ranges = [rng for rng in ranges if (rng.min_row, rng.min_col) in cells_of]
        last, width = _extent(cells_of, ranges)
        if last * width > MAX_SHEET_CELLS:
            raise too_large(last, width, where)
        if not cells_of:
            return
    if sum(rng.size["rows"] * rng.size["columns"] for rng in ranges) > MAX_MERGED_CELLS:
        raise _too_merged(where)  # the byte count before opening (`_merged_cells`) should have said so
    merged: dict[tuple[int, int], object] = {}
    for rng in ranges:
        value = cells_of[rng.min_row, rng.min_col].value if (rng.min_row, rng.min_col) in cells_of else None
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = value
    by_row: dict[int, list[tuple[int, object]]] = {}
    for (r, c), cell in cells_of.items():
        by_row.setdefault(r, []).append((c, cell.value))
    for r, _c in merged:  # a merged range may cover positions the file has no cell for
        by_row.setdefault(r, [])
    dims = ws.row_dimensions
    blank: list[object] = [None] * width  # shared by the rows without cells: read, never changed
    for number in range(1, last + 1):
        present = by_row.get(number)
        if present is None:
            cells = blank
        else:
            cells = [None] * width
            for c, value in present:
                cells[c - 1] = value
            if merged:
                for i in range(width):
                    key = (number, i + 1)
                    if key in merged:
                        cells[i] = merged[key]
        hidden = number in dims and bool(dims[number].hidden)
        yield number, cells, hidden


def _streamed_rows(ws, where: str = "") -> Iterator[Row]:
    """Read-only mode makes every row as wide as the sheet's declared dimension, and the rows it skips too:
    a dimension beyond MAX_SHEET_CELLS (one far formatted cell, or a false one) is dropped, the rows are
    then as long as their own cells, and their cells are counted against the same limit."""
    if (ws.max_row or 0) * (ws.max_column or 0) > MAX_SHEET_CELLS:
        ws.reset_dimensions()
    seen = 0
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        seen += len(row)
        if seen > MAX_SHEET_CELLS:
            raise too_large(number, max(len(row), 1), where)
        yield number, list(row), False


class XlsxReader:
    name = "xlsx"

    def detect(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in {".xlsx", ".xlsm"}

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]:
        """The sheet asked for; by default the first visible sheet with a header row, the sheets before it
        (a notice, a title page) noted as skipped and the visible ones after it as not read: a workbook's
        other sheets are never left out silently."""
        where = str(path)
        expanded = check_archive(path, where, options.max_uncompressed, options.max_ratio)
        if options.sheet is not None:
            yield from self._read_sheet(path, options.sheet, options, info, where, {}, expanded)
            return
        skipped: list[str] = []
        notes = list(info.notes)
        wanted: str | None = None
        while True:
            seen: dict[str, object] = {}
            try:
                yield from self._read_sheet(path, wanted, options, info, where, seen, expanded)
                break
            except NoHeaderError as exc:  # raised before any row was yielded: the next sheet is tried
                skipped.append(str(seen["title"]))
                rest = [n for n, visible in seen["sheets"] if visible and n not in skipped]  # type: ignore[attr-defined]
                if not rest:
                    if len(seen["sheets"]) == 1:  # type: ignore[arg-type]
                        raise
                    raise _no_sheet_with_header(exc, skipped) from None
                wanted, info.notes[:] = rest[0], notes
        others = [n for n, visible in seen["sheets"] if visible and n != info.sheet and n not in skipped]  # type: ignore[attr-defined]
        info.sheets_skipped, info.sheets_other = skipped, others
        if skipped:
            info.notes.append("skipped_sheets:" + ", ".join(skipped))
        if others:
            info.notes.append("other_sheets:" + ", ".join(others))

    def _read_sheet(self, path: Path, wanted: str | None, options: ReadOptions, info: InputInfo, where: str,
                    seen: dict[str, object], expanded: int) -> Iterator[RawRecord | Rejection]:
        """One sheet's records; `seen` learns the workbook's sheets and the one read, before any row."""
        size = weighed_size(path, expanded)
        if choose_engine(options, size) == "calamine":
            try:
                sheet = xlsx_calamine.CalamineSheet(path, wanted, where, pick_sheet)
            except xlsx_calamine.NeedsOpenpyxl:
                pass  # a layout the fast path cannot map exactly: the reference path reads it
            else:
                try:
                    seen["sheets"], seen["title"] = sheet.sheets, sheet.title
                    info.sheet = sheet.title
                    info.rows_estimate = sheet.max_row
                    yield from records_from_rows(
                        _guard(sheet.rows(), where, xlsx_calamine.unreadable),
                        file=options.file_label or path.name, sheet=sheet.title, options=options, info=info,
                        where=f"{where} [{sheet.title}]", uncomputed=sheet.scan.uncomputed,
                    )
                finally:
                    sheet.close()
                return
        read_only = size > FULL_MODE_MAX_BYTES
        if not read_only and _merged_cells(path, where) > MAX_MERGED_CELLS:
            raise _too_merged(where)
        wb = _open(path, read_only, where)
        try:
            ws = _pick_sheet(wb, wanted, where)
            seen["sheets"] = [(n, wb[n].sheet_state == "visible") for n in wb.sheetnames]
            seen["title"] = ws.title
            info.sheet = ws.title
            info.rows_estimate = ws.max_row
            if read_only:
                info.notes.append("streamed:merged_and_hidden_not_detected")
            rows = _guard(_streamed_rows(ws, where) if read_only else _full_rows(ws, where), where)
            yield from records_from_rows(
                rows, file=options.file_label or path.name, sheet=ws.title, options=options, info=info,
                where=f"{where} [{ws.title}]", uncomputed=uncomputed_formulas(path, wb.sheetnames.index(ws.title)),
            )
        finally:
            wb.close()


def _no_sheet_with_header(exc: NoHeaderError, tried: list[str]) -> NoHeaderError:
    """The header error of the first sheet, naming every sheet tried and how to choose one."""
    return NoHeaderError(
        f"{exc.message_fr} ; feuilles essayées : {', '.join(f'« {n} »' for n in tried)} (choisissez-en une avec "
        f"--sheet)",
        f"{exc.message_en}; sheets tried: {', '.join(f'“{n}”' for n in tried)} (choose one with --sheet)",
        where=exc.where.rsplit(" [", 1)[0] if exc.where else None,
    )
