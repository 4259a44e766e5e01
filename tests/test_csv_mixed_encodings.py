"""CSV files that are not UTF-8 as a whole: each line decoded as UTF-8 when it is one, else as Windows-1252
(`csv_reader.LineDecoded`). Decoded whole as cp1252, a UTF-8 row pasted into an old export read « MarchÃ© »
and was rejected; a cp1252 row in a UTF-8 file made the whole file cp1252."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.read import csv_reader, read_file
from procurement.read.csv_reader import LineDecoded

HEAD = "Référence;Objet;Nature du marché;Montant HT;Code CPV\n"
ROWS = ["M1;Fournitures de bureau;Marché subséquent;1 200,00;30192000\n",
        "M2;Entretien des espaces verts à Aubagne;Marché;45 000,00;77310000\n",
        "M3;Réparation de l'éclairage public;Accord-cadre;12 000,00;50232100\n"]


def _read(path: Path) -> tuple[list[dict], list[str]]:
    info, records = read_file(path)
    return [{k: c.value for k, c in r.cells.items()} for r in records if hasattr(r, "cells")], info.notes


@pytest.mark.parametrize("odd", [0, 1, 2])
def test_a_cp1252_row_in_a_utf8_file_and_a_utf8_row_in_a_cp1252_file_read_right(tmp_path, odd):
    for main, other in (("utf-8", "cp1252"), ("utf-8-sig", "cp1252"), ("cp1252", "utf-8")):
        path = tmp_path / f"{main}-{odd}.csv"
        path.write_bytes(b"".join((HEAD.encode(main),
                                   *(row.encode(other if k == odd else main.replace("-sig", ""))
                                     for k, row in enumerate(ROWS)))))
        records, notes = _read(path)
        assert [r["object"] for r in records] == ["Fournitures de bureau", "Entretien des espaces verts à Aubagne",
                                                  "Réparation de l'éclairage public"], (main, odd)
        assert records[0]["nature"] == "Marché subséquent" and "encoding:cp1252" in notes
        assert records[0]["id"] == "M1"  # the BOM is not part of the first header


def test_old_mac_line_ends_and_line_ends_split_across_blocks(tmp_path, monkeypatch):
    text = (HEAD + "".join(ROWS)).replace("\n", "\r")
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode("cp1252"))
    assert [r["id"] for r in _read(path)[0]] == ["M1", "M2", "M3"]
    monkeypatch.setattr(LineDecoded, "_BLOCK", 7)  # every line end, \r\n included, falls across blocks
    path.write_bytes((HEAD + "".join(ROWS)).replace("\n", "\r\n").encode("cp1252"))
    assert [r["id"] for r in _read(path)[0]] == ["M1", "M2", "M3"]


def _one(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.tuples(st.text(alphabet="aéÀ€;\"x ", max_size=12), st.sampled_from(["\n", "\r\n", "\r", ""]),
                                st.sampled_from(["utf-8", "cp1252"])), min_size=1, max_size=12),
       block=st.integers(min_value=1, max_value=40))
def test_the_lines_are_the_files_lines_whatever_the_block_size(tmp_path_factory, lines, block):
    raw = b"".join(text.encode(enc) + end.encode() for text, end, enc in lines)
    path = tmp_path_factory.mktemp("l") / "f.csv"
    path.write_bytes(raw)
    decoded = LineDecoded(path)
    decoded._BLOCK = block
    with decoded:
        got = list(decoded)
    assert got == [_one(line) for line in raw.splitlines(keepends=True)]


def test_a_valid_utf8_file_keeps_the_plain_decoder(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(HEAD + "".join(ROWS), encoding="utf-8")
    fh, encoding, _ = csv_reader.open_text(path)
    with fh:
        assert encoding == "utf-8" and not isinstance(fh, LineDecoded)
