"""Security review s15: a sheet's extent, not its content, made the cost of reading it.

A 5 KB workbook with one value at XFD1048576 made every row 16,384 cells wide up to row 1,048,576: openpyxl's
path (the default for small workbooks) walked 17 billion cells for hours, and calamine asked for 550 GB at once
and aborted the process (SIGABRT, no message). A merge over E5:Z1048576 made openpyxl create 23 million objects
when opening the workbook. Each run is a subprocess with a time limit: before the fix, one hung and one
killed the interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parents[1]


def _workbook(path: Path, edit) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° de commande", "Objet", "Montant HT"])
    ws.append(["C1", "Fournitures de bureau", 1000])
    edit(ws)
    wb.save(path)
    return path


def _score(src: Path, out: Path, engine: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "procurement", "score", str(src), "--out", str(out), "--format", "json",
         "--xlsx-reader", engine, "--jobs", "1", "--quiet"],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
    )


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_a_value_in_the_last_cell_of_a_sheet_is_refused_in_a_sentence(tmp_path, engine):
    def far(ws):
        ws["XFD1048576"] = "z"

    done = _score(_workbook(tmp_path / "far.xlsx", far), tmp_path / "out", engine)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "feuille trop étendue" in done.stderr and "XFD1048576" in done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_a_formatted_empty_cell_in_the_last_cell_leaves_the_sheet_readable(tmp_path, engine):
    """Excel's stray formatting (a whole column formatted, Ctrl+End far away) is no reason to refuse."""
    def styled(ws):
        ws["XFD1048576"].font = Font(bold=True)

    done = _score(_workbook(tmp_path / "styled.xlsx", styled), tmp_path / "out", engine)
    assert done.returncode == 0, done.stderr[-500:]
    assert (tmp_path / "out" / "results.json").exists()


def test_a_huge_merged_range_is_refused_before_openpyxl_opens_the_workbook(tmp_path):
    import zipfile

    plain = _workbook(tmp_path / "plain.xlsx", lambda ws: None)
    src = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # openpyxl itself takes minutes to write it
                data = data.replace(b"</sheetData>",
                                    b'</sheetData><mergeCells count="1"><mergeCell ref="E5:Z1048576"/></mergeCells>')
            zout.writestr(item, data)
    done = _score(src, tmp_path / "out", "openpyxl", timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "cellules fusionnées" in done.stderr


def test_calamine_is_not_given_a_range_it_would_allocate_whole(tmp_path):
    import zipfile

    from procurement.read.xlsx_calamine_scan import scan_sheet

    def far(ws):
        ws["AB3"] = "near"
        ws["ZZ900000"] = "far"
        ws["XFD900000"].font = Font(bold=True)  # formatted, empty: not in calamine's range

    with zipfile.ZipFile(_workbook(tmp_path / "far.xlsx", far)) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert scan.columns == 702 and scan.last_cell_row == 900_000


def test_a_merged_range_cut_by_a_chunk_is_counted_once(tmp_path, monkeypatch):
    """A chunk ending between a range's ref and its tag's « > »: the range was carried to the next chunk and
    counted again (2, 3 times the cells, whatever the chunk size), so a workbook near the limit was refused."""
    import zipfile

    from procurement.read import xlsx_merges

    xml = b'<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A1:B1000"/></mergeCells></worksheet>'
    path = tmp_path / "m.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    counted = set()
    for chunk in range(1, len(xml) + 1):
        monkeypatch.setattr(xlsx_merges, "CHUNK", chunk)
        counted.add(xlsx_merges.merged_cells(path, 10**9))
    assert counted == {2000}
