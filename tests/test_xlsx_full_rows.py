"""openpyxl's full mode read from the cells the sheet holds (`xlsx_reader._full_rows`): the same rows as
`ws.iter_rows()`, without creating a cell object for every position up to the last row and column (a
24 KB workbook with one formatted empty cell at row 1,048,576 took 105 s and 6.9 GB)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from procurement.read.base import InputInfo, ReadOptions
from procurement.read.xlsx_reader import XlsxReader, _full_rows


def _reference(ws) -> list[tuple[int, list[object], bool]]:
    """What `_full_rows` gave before: `iter_rows()`, merged values spread, hidden rows flagged."""
    merged: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = value
    out = []
    for row in ws.iter_rows():
        number = row[0].row
        cells = [merged.get((number, i + 1), c.value) if (number, i + 1) in merged else c.value
                 for i, c in enumerate(row)]
        out.append((number, cells, number in ws.row_dimensions and bool(ws.row_dimensions[number].hidden)))
    return out


def _workbook(path: Path, far: tuple[int, int] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Commandes 2025"  # a title block, then a blank row
    ws.append([])
    ws.append(["Référence", "Direction", "Montant HT", "Nature du marché"])
    for k in range(12):
        ws.append([f"BC-{k:03d}", None if k % 3 else "Voirie", 1000.0 + k, "Bon de commande"])
    ws.append([])  # a blank row between data rows
    ws.append(["BC-999", "Eau", "12 500,00", "Marché"])
    ws.merge_cells("B4:B6")  # vertical: the direction carried down
    ws.merge_cells("C20:D20")  # over cells the file may not hold
    ws.row_dimensions[8].hidden = True
    ws.cell(row=30, column=7).number_format = "0.00"  # formatted, empty: widens and lengthens the sheet
    if far is not None:
        ws.cell(row=far[0], column=far[1]).number_format = "0.00"
    wb.save(path)
    return path


@pytest.mark.parametrize("far", [None, (5000, 40)])
def test_the_rows_are_those_iter_rows_gives(tmp_path, far):
    path = _workbook(tmp_path / "c.xlsx", far)
    expected = _reference(openpyxl.load_workbook(path, data_only=True).active)
    ws = openpyxl.load_workbook(path, data_only=True).active
    got = [(n, list(cells), hidden) for n, cells, hidden in _full_rows(ws)]
    assert got == expected
    assert any(hidden for _, _, hidden in got) and got[4][1][1] == got[3][1][1] == "Voirie"


def test_no_cell_is_created_for_positions_the_file_does_not_hold(tmp_path):
    ws = openpyxl.load_workbook(_workbook(tmp_path / "c.xlsx", (200_000, 30)), data_only=True).active
    held = len(ws._cells)
    rows = sum(1 for _ in _full_rows(ws))
    assert rows == 200_000
    assert len(ws._cells) == held  # iter_rows() would have made 6 million cells here


def test_a_far_formatted_cell_leaves_the_records_as_they_are(tmp_path):
    near = _workbook(tmp_path / "near.xlsx")
    far = _workbook(tmp_path / "far.xlsx", (300_000, 35))
    options = ReadOptions(xlsx_engine="openpyxl")

    def read(path):
        info = InputInfo(path=str(path), format="xlsx")
        records = XlsxReader().read(path, options, info)
        return [(r.source.row, {k: c.value for k, c in r.cells.items()}) for r in records], info

    (a, info_a), (b, info_b) = read(near), read(far)
    assert a == b and len(a) == 13
    assert info_a.header_row == info_b.header_row == 3
