"""bench/datagen.py: benchmark inputs are the same bytes on every run, in the finance export formats."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import datagen  # noqa: E402


def test_same_bytes_twice(tmp_path):
    for fmt in ("csv", "xlsx"):
        first = datagen.ensure_input(tmp_path / "a", 200, fmt, log=None)
        second = datagen.ensure_input(tmp_path / "b", 200, fmt, log=None)
        assert first.name == second.name == f"orders-200.{fmt}"
        assert first.read_bytes() == second.read_bytes()


def test_csv_is_a_french_finance_export(tmp_path):
    path = datagen.write_csv(tmp_path / "orders.csv", 200)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == [h for h, _ in datagen.gen.CSV_COLUMNS]
    assert len(body) == 200
    amounts = [r[header.index("Montant HT")] for r in body if len(r) > 7]
    assert any("," in a for a in amounts)  # decimal comma
    assert len({r[0] for r in body}) == 200  # unique ids
    assert any(len(r) < len(header) for r in body)  # the sample generator's broken rows are there


def test_blocks_keep_ids_unique_and_shift_dates(tmp_path, monkeypatch):
    monkeypatch.setattr(datagen, "BLOCK", 100)
    path = datagen.write_csv(tmp_path / "orders.csv", 250)
    with open(path, encoding="utf-8-sig", newline="") as f:
        body = list(csv.reader(f, delimiter=";"))[1:]
    ids = [r[0] for r in body]
    assert len(ids) == len(set(ids)) == 250
    assert {i.rsplit("-", 1)[1] for i in ids if i} == {"0000", "0001", "0002"}
    years = {r[1][-4:] for r in body if r[1]}
    assert len(years) > 1  # later blocks are moved in time


def test_xlsx_has_the_title_block_and_header_on_row_5(tmp_path):
    from python_calamine import CalamineWorkbook

    path = datagen.write_xlsx(tmp_path / "orders.xlsx", 200)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [datagen.gen.SHEET]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == datagen.gen.TITLE_ROWS[0]
    assert rows[datagen.gen.HEADER_ROW - 1] == [h for h, _ in datagen.gen.XLSX_COLUMNS]
    assert len(rows) == datagen.gen.HEADER_ROW + 200


def test_sizes():
    assert [datagen.parse_size(s) for s in ("10k", "100k", "1M", "250", "2k")] == [10_000, 100_000, 1_000_000,
                                                                                  250, 2_000]
    assert datagen.size_label(1_000_000) == "1M" and datagen.size_label(250) == "250"
