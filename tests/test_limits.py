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


def test_the_size_refusal_gives_megabytes_with_a_decimal_and_the_option(tmp_path):
    """A 1.6 MB file over a 1 MB --max-size read « fichier de 1 Mo refusé (limite 1 Mo) » (whole megabytes, both
    rounded down), and the DECP readers wrote the same sentence their own way (session 16)."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"Identifiant;Objet\n" + b"1;" + b"x" * (1024**2 * 16 // 10) + b"\n")
    for reader_path in (path, path.with_suffix(".json")):
        if reader_path != path:
            reader_path.write_bytes(path.read_bytes())
        with pytest.raises(InputError) as exc:
            read_file(reader_path, ReadOptions(max_bytes=1024**2))
        assert exc.value.message("fr").endswith("fichier de 1,6 Mo refusé (limite 1 Mo, option --max-size)"), \
            exc.value.message("fr")
        assert exc.value.message("en").endswith("file of 1.6 MB refused (limit 1 MB, option --max-size)")


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
