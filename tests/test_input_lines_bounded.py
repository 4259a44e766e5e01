"""A CSV's lines and cells are bounded before the csv module parses them, and neither a CSV nor a sheet's XML
without line or row ends is copied once per block (security review s15).

MAX_FIELD bounded a cell, not how many cells a line holds, and a line was read whole before any limit
applied: a 30 MB line of « ab; » (10 million cells) took 880 MB and 30 s, a 2 GB one would have taken tens
of GB. A file that is not UTF-8 (`LineDecoded`) also joined each 1 MB block to what it held before, so a
line without a line break was copied once per block (5.5 s for 100 MB).
"""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.cli import main
from procurement.errors import InputError
from procurement.read import csv_reader
from procurement.read.csv_reader import LineDecoded, iter_csv_rows


def _rows(text: str, delimiter: str = ";") -> list:
    return list(iter_csv_rows(io.StringIO(text, newline=""), delimiter, "x.csv"))


def test_a_line_of_too_many_cells_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Référence;Objet;Montant HT\n" + "ab;" * 200_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "ligne 2 : plus de 65\u202f536 cellules (séparateur « ; »)" in result.output


def test_as_many_cells_as_excel_allows_are_read():
    wide = ";".join(["v"] * 16_404)
    assert [len(cells) for _, cells, _ in _rows(f"{wide}\n{wide}\n")] == [16_404, 16_404]


def test_a_line_too_long_is_refused_in_both_encodings(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "MAX_LINE", 1000)
    with pytest.raises(InputError) as found:
        _rows("a;b\n" + "x" * 1001 + "\n")
    assert "ligne 2 de plus de" in found.value.message_fr
    assert _rows("a;b\n" + "x" * 999 + "\n")[1][1] == ["x" * 999]
    path = tmp_path / "cp1252.csv"
    path.write_bytes("a;b\nMarché;1\n".encode("cp1252") + b"y" * 3000)
    monkeypatch.setattr(LineDecoded, "_BLOCK", 256)
    decoded = LineDecoded(path)
    with pytest.raises(InputError) as found:
        list(decoded)
    decoded.close()
    assert "ligne 3 de plus de" in found.value.message_fr


def _reference(data: bytes) -> list[bytes]:
    """The lines as `LineDecoded` split them before the change: Python's own line splitting of the whole."""
    return data.splitlines(keepends=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b";", b"\r", b"\n", b"\r\n", "é".encode(), "é".encode("cp1252"), b"xyz"]),
                max_size=60),
       st.integers(1, 9))
def test_lines_across_blocks_are_the_lines_of_the_whole(tmp_path_factory, pieces, block):
    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("lines") / "f.csv"
    path.write_bytes(data)
    decoded = LineDecoded(path)
    decoded._BLOCK = block
    try:
        got = list(decoded)
    finally:
        decoded.close()
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    assert got == [decoded._decode(raw) for raw in _reference(data[start:])]


def _segments_before(data: bytes, chunk: int) -> list[bytes]:
    """`xlsx_calamine_scan._segments` before the change, on bytes: the whole carry joined to each chunk."""
    out, carry, at = [], b"", 0
    while True:
        piece = data[at:at + chunk]
        at += chunk
        buf = carry + piece
        if not piece:
            seg, carry = buf, b""
        else:
            cut = buf.rfind(b"row>")
            if cut < 0:
                carry = buf
                continue
            seg, carry = buf[: cut + 4], buf[cut + 4:]
        if seg:
            out.append(seg)
        if not piece:
            return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"<row r=\"1\">", b"</row>", b"row>", b"ro", b"w>", b"<c/>", b"x" * 5]), max_size=40),
       st.integers(1, 12))
def test_sheet_segments_are_the_same_without_the_quadratic_carry(tmp_path_factory, pieces, chunk):
    """A sheet XML without a row's end for a long stretch was copied once per chunk (security review s15)."""
    import zipfile

    from procurement.read import xlsx_calamine_scan as scan

    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("seg") / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", data)
    old = scan.CHUNK
    scan.CHUNK = chunk
    try:
        with zipfile.ZipFile(path) as zf:
            got = list(scan._segments(zf, "xl/worksheets/sheet1.xml"))
    finally:
        scan.CHUNK = old
    assert got == _segments_before(data, chunk)
