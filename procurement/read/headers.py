"""Finding the header row and naming columns, shared by the xlsx and CSV readers.

Finance exports put a title block above the table, repeat headers, or name the same thing three ways.
We look at the first rows, take the first one that names the most known fields, and map each of its
cells to a canonical field through `procurement.fields.match_header` (or the user's mapping file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from procurement.errors import InputError
from procurement.fields import match_header, normalize_header

SCAN_ROWS = 30
MIN_MATCHES = 2


@dataclass(slots=True)
class HeaderMap:
    row_index: int  # 0-based index among the scanned rows
    headers: list[str]  # the header text of every column, '' for an empty one
    columns: dict[int, str] = field(default_factory=dict)  # column index -> canonical field
    ignored: list[str] = field(default_factory=list)  # user headers we did not recognise
    duplicates: list[str] = field(default_factory=list)  # headers naming a field already taken
    # column index of such a header -> the column that reads its field: a row whose first column is empty
    # takes the value of its duplicate (« Montant HT » empty, « Montant HT (€) » filled)
    duplicate_of: dict[int, int] = field(default_factory=dict)


def _field_for(text: object, mapping: dict[str, str] | None) -> str | None:
    if text is None or str(text).strip() == "":
        return None
    if mapping:
        mapped = mapping.get(normalize_header(text))
        if mapped:
            return mapped
    return match_header(text)


def fold_mapping(mapping: dict[str, str] | None) -> dict[str, str] | None:
    """Normalise the keys of a user mapping so that they match headers the way built-in aliases do."""
    if not mapping:
        return None
    return {normalize_header(k): v for k, v in mapping.items()}


class NoHeaderError(InputError):
    """No header row in a table: the xlsx reader then tries the workbook's next sheet (a notice or title
    sheet often comes first), which it may do only for this error, raised before any row is read."""


def find_header(rows: Sequence[Sequence[object]], mapping: dict[str, str] | None, where: str) -> HeaderMap:
    """Pick the header row among the first rows of a table.

    The first row with the most recognised headers wins; ties go to the earliest row, because titles
    come above the table, never below it.
    """
    best_index, best_count = -1, 0
    for index, row in enumerate(rows[:SCAN_ROWS]):
        count = len({f for f in (_field_for(cell, mapping) for cell in row) if f})
        if count > best_count:
            best_index, best_count = index, count
    if best_count < MIN_MATCHES:
        raise NoHeaderError(
            "aucune ligne d'en-tête reconnue dans les 30 premières lignes (attendu par exemple : "
            "« Identifiant », « Objet », « Montant HT », « Code CPV ») ; utilisez --mapping pour "
            "indiquer vos colonnes",
            "no recognisable header row in the first 30 rows (expected e.g. “Id”, “Object”, "
            "“Amount excl. VAT”, “CPV code”); use --mapping to name your columns",
            where=where,
        )
    header_cells = rows[best_index]
    result = HeaderMap(row_index=best_index, headers=[_header_text(c) for c in header_cells])
    taken: dict[str, int] = {}
    for col, cell in enumerate(header_cells):
        name = _field_for(cell, mapping)
        text = _header_text(cell)
        if name is None:
            if text:
                result.ignored.append(text)
            continue
        if name in taken:
            result.duplicates.append(text)
            result.duplicate_of[col] = taken[name]
            continue
        taken[name] = col
        result.columns[col] = name
    return result


def _header_text(cell: object) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def column_letter(index: int) -> str:
    """Excel column name for a 0-based index (0 -> A, 26 -> AA), so users find the cell we name."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name
