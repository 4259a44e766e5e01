"""results.xlsx stays within Excel's 16,384 columns: the user's columns beyond what fits beside ours are
left out of the results sheet and counted in « Lisez-moi » (a sheet wider than XFD is a damaged file to
Excel: 800 csv files of 20 columns each once made a results sheet 16,000 columns wide)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write.results_xlsx import original_room, write_results_xlsx
from procurement.write.xlsx_cells import EXCEL_MAX_COLUMNS

EXTRA = 16_400


def _wide_csv(path: Path) -> Path:
    head = ["Référence", "Objet", "Montant HT", "Code CPV", *(f"X{k}" for k in range(EXTRA))]
    rows = [[f"M{k}", "Fournitures de bureau", "1 200,00", "30192000", *(["v"] * EXTRA)] for k in range(3)]
    path.write_text("\n".join(";".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    return path


def _dimension(xlsx: Path, member: str) -> str:
    with zipfile.ZipFile(xlsx) as z:
        xml = z.read(member).decode("utf-8")
    return xml.split('<dimension ref="', 1)[1].split('"', 1)[0] if '<dimension ref="' in xml else ""


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_the_results_sheet_is_never_wider_than_excel_allows(tmp_path, writer):
    r = run([_wide_csv(tmp_path / "wide.csv")], load_rules(None, [], []), jobs=1)
    room = original_room(r)
    assert 0 < room < 4 + EXTRA
    out = write_results_xlsx(r, tmp_path / writer, "fr", writer=writer)
    wb = openpyxl.load_workbook(out, read_only=True)
    results = wb.worksheets[0]
    header = next(results.iter_rows(min_row=1, max_row=1, values_only=True))
    assert len(header) <= EXCEL_MAX_COLUMNS
    assert header[:4] == ("Référence", "Objet", "Montant HT", "Code CPV") and header[room - 1] == f"X{room - 5}"
    readme = " ".join(str(v) for row in wb["Lisez-moi"].iter_rows(values_only=True) for v in row if v)
    assert f"Et {4 + EXTRA - room} autres colonnes" in readme and "16 384" in readme
    wb.close()
    last = _dimension(out, "xl/worksheets/sheet1.xml").split(":")[-1].rstrip("0123456789")
    assert len(last) < 3 or last <= "XFD"


def test_one_column_left_out_is_said_in_the_singular(tmp_path):
    """« Et 1 autres colonnes de vos fichiers, qui n'y sont pas » when a single column did not fit."""
    small = tmp_path / "small.csv"
    small.write_text("Référence;Objet\nM0;Fournitures\n", encoding="utf-8")
    room = original_room(run([small], load_rules(None, [], []), jobs=1))
    extra = room - 4 + 1  # the user's columns: 4 named, then as many as make one too many
    path = tmp_path / "wide.csv"
    head = ["Référence", "Objet", "Montant HT", "Code CPV", *(f"X{k}" for k in range(extra))]
    path.write_text(";".join(head) + "\n" + ";".join(["M1", "Fournitures de bureau", "1 200,00", "30192000",
                                                     *(["v"] * extra)]) + "\n", encoding="utf-8")
    r = run([path], load_rules(None, [], []), jobs=1)
    assert original_room(r) == room
    out = write_results_xlsx(r, tmp_path / "out", "fr", writer="openpyxl")
    wb = openpyxl.load_workbook(out, read_only=True)
    readme = " ".join(str(v) for row in wb["Lisez-moi"].iter_rows(values_only=True) for v in row if v)
    wb.close()
    assert "Et 1 autre colonne de vos fichiers, qui n'y est pas" in readme
