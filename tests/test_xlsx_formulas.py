"""The byte scan that finds formulas saved without a value (`xlsx_calamine_scan.uncomputed_formulas`),
checked against openpyxl itself on generated sheets: a cell is such a formula exactly when openpyxl reads
a formula in it (`data_only=False`) and no value (`data_only=True`)."""

from __future__ import annotations

import os
import random
import re
import zipfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.read.xlsx_calamine_scan import uncomputed_formulas

EXAMPLES = int(os.environ.get("XLSX_FORMULAS_EXAMPLES", "40"))

cell = st.one_of(
    st.none(),
    st.integers(-10**6, 10**6),
    st.text(alphabet="abcé <>&\"'", max_size=6),
    st.sampled_from(["=A1*2", "=SUM(A1:A3)", '=IF(A1>1,"a<b","c&d")', "=B2", "=1/0", "=\"x\"&\"y\""]),
)


def _oracle(path: Path) -> dict[tuple[int, int], str]:
    formulas = openpyxl.load_workbook(path, data_only=False).active
    values = openpyxl.load_workbook(path, data_only=True).active
    found = {}
    for row in formulas.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.data_type == "f" and values.cell(c.row, c.column).value is None:
                found[(c.row, c.column - 1)] = c.value
    return found


def _computed(path: Path, share: float, seed: int) -> None:
    """Give some formulas a value, as a spreadsheet saves them (`<f>…</f><v>3</v>`)."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    rng = random.Random(seed)
    name = "xl/worksheets/sheet1.xml"
    parts[name] = re.sub(rb"(</f>)<v ?/>", lambda m: m[1] + (b"<v>3</v>" if rng.random() < share else b"<v />"),
                         parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, max_size=6), min_size=1, max_size=8), share=st.sampled_from([0.0, 0.5, 1.0]),
       seed=st.integers(0, 1000))
def test_the_scan_finds_what_openpyxl_reads_as_a_formula_without_value(tmp_path, rows, share, seed):
    path = tmp_path / "g.xlsx"
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    _computed(path, share, seed)
    found = {(r, c): text for r, cols in uncomputed_formulas(path, 0).items() for c, text in cols.items()}
    assert found == _oracle(path)


def test_the_second_sheet_is_scanned_when_it_is_the_one_read(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["=1+1"])
    wb.create_sheet("Commandes").append(["a", "=A1"])
    wb.save(path)
    assert uncomputed_formulas(path, 0) == {1: {0: "=1+1"}}
    assert uncomputed_formulas(path, 1) == {1: {1: "=A1"}}
    assert uncomputed_formulas(tmp_path / "missing.xlsx", 0) == {}  # not located: nothing said, never a guess
