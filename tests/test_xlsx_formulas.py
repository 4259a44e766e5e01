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


def _found(xml: bytes) -> dict[int, dict[int, str]]:
    from procurement.read.xlsx_calamine_scan import _standard_layout, _uncomputed

    found: dict[int, dict[int, str]] = {}
    _uncomputed(xml, found, _standard_layout(xml))
    return found


def test_a_formula_whose_value_is_an_empty_text_is_computed():
    """LibreOffice and Excel save `=IF(G3="","",G3*H3)` giving "" as `t="str"` with `<v></v>`: the workbook
    was calculated, and « open it and save it » would change nothing (review)."""
    row = (b'<row r="3"><c r="D3" t="str"><f>IF(G3="","",G3*H3)</f><v></v></c>'
           b'<c r="E3"><f>G3*2</f><v /></c><c r="F3"><f t="shared" ref="F3:F9" si="0"/></c></row>')
    assert _found(row) == {3: {4: "=G3*2", 5: ""}}
    named = (b'<x:row r="3"><x:c r="D3" t="str"><x:f>IF(1,"",1)</x:f><x:v></x:v></x:c>'
             b'<x:c r="E3"><x:f>G3*2</x:f><x:v/></x:c><x:c r="F3"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>')
    assert _found(named) == {3: {4: "=G3*2"}}


def test_computed_formulas_are_not_looked_at_cell_by_cell():
    """A sheet of computed formulas has none of the marks of a missing value: the scan stops at the byte
    searches (the regex over every cell made a 100,000-row sheet of formulas 60 % slower to read)."""
    from procurement.read import xlsx_calamine_scan as scan

    rows = b"".join(b'<row r="%d"><c r="A%d"><f>B%d*2</f><v>4</v></c></row>' % (i, i, i) for i in range(1, 50))
    calls = []

    class Spy:
        def finditer(self, seg):
            calls.append(seg)
            return iter(())

    fast, scan._FAST_UNCOMPUTED = scan._FAST_UNCOMPUTED, Spy()
    try:
        assert _found(rows) == {} and calls == []
        assert _found(rows + b'<row r="50"><c r="A50"><f>B50*2</f><v /></c></row>') == {} and len(calls) == 1
    finally:
        scan._FAST_UNCOMPUTED = fast
