"""Size limits are settings: a smaller limit refuses what the default accepts, with one clear line."""

from __future__ import annotations

import openpyxl
import pytest

from procurement.errors import InputError
from procurement.read import read_file
from procurement.read.base import ReadOptions


def test_input_size_limit(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Identifiant;Objet\n" + "".join(f"{i};x\n" for i in range(500)), encoding="utf-8")
    _, records = read_file(path, ReadOptions())
    assert len(list(records)) == 500
    with pytest.raises(InputError) as exc:
        read_file(path, ReadOptions(max_bytes=1024))
    assert "refusé" in exc.value.message("fr")


def test_uncompressed_workbook_limit(tmp_path):
    wb = openpyxl.Workbook()
    for i in range(2000):
        wb.active.append([f"Identifiant {i}", "Objet " * 20])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as exc:
        _, records = read_file(path, ReadOptions(max_uncompressed=100_000))
        list(records)
    assert "décompressé" in exc.value.message("fr")
