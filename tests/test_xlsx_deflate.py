"""Sheets deflated by a thread while their rows are made (xlsx_deflate.py) give the same workbook, byte for
byte, as sheets deflated at the save: zlib's stream does not depend on how its input is cut, the member is
written from it with the right CRC and size, and a head that turns out wrong falls back to the plain way."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write import results_xlsx, xlsx_stable
from procurement.write.records import batch_rules
from procurement.write.results_xlsx import XlsxSink
from procurement.write.xlsx_deflate import Deflated, Deflater

ROOT = Path(__file__).resolve().parents[1]


def _xml(n: int) -> bytes:
    rnd = random.Random(7)
    words = ["Conforme", "Non conforme", "Données insuffisantes", "ENV-10", "commandes-2025.xlsx", "&amp;"]
    return "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{rnd.choice(words)} {rnd.randrange(10**6)}</t></is></c>'
        f'<c r="B{i}" t="n"><v>{rnd.random() * 100:.16g}</v></c></row>' for i in range(n)).encode()


@pytest.mark.parametrize("level", [1, 6])
def test_zlib_stream_does_not_depend_on_how_the_input_is_cut(level):
    data = _xml(60_000)
    whole = zlib.compressobj(level, zlib.DEFLATED, -15)
    expected = whole.compress(data) + whole.flush()
    rnd = random.Random(level)
    for _ in range(3):
        z, out, at = zlib.compressobj(level, zlib.DEFLATED, -15), [], 0
        while at < len(data):
            step = rnd.choice([1, 13, 4096, 70_000, 1 << 20])
            out.append(z.compress(data[at:at + step]))
            at += step
        out.append(z.flush())
        assert b"".join(out) == expected


def test_deflated_member_is_the_plain_deflate_of_its_text():
    head, rows, tail = b"<worksheet><sheetData>", _xml(5000), b"</sheetData></worksheet>"
    given_up, member = Deflated(head, 1), Deflated(head, 1)
    for at in range(0, len(rows), 10_000):
        given_up.feed(rows[at:at + 10_000])
        member.feed(rows[at:at + 10_000])
    assert b"".join(given_up.rows(size=4096)) == rows  # inflated again, without its head
    given_up.close()
    member.end(tail)
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    assert b"".join(member.compressed()) == z.compress(head + rows + tail) + z.flush()
    assert (member.crc, member.size) == (zlib.crc32(head + rows + tail), len(head + rows + tail))
    member.close()


def test_an_error_of_the_thread_reaches_the_main_thread():
    deflater = Deflater(1)
    member = deflater.member(b"<sheetData>")
    member.close()  # its file closed: the thread's feed fails once it spills
    with pytest.raises(ValueError):
        deflater.put(member, random.Random(1).randbytes(8 << 20))  # incompressible: spilt at once
        deflater.drain()


def _write(r, out: Path, deflate: bool, lang: str = "fr") -> bytes:
    sink = XlsxSink(r, out, lang, writer="fast", deflate=deflate)
    try:
        for scored in r.orders:
            sink.add(scored)
        return sink.finish().read_bytes()
    finally:
        sink.close()


@pytest.fixture
def verbatim(monkeypatch):
    """How many members were written from their deflated stream."""
    used = []
    plain = xlsx_stable._verbatim

    def spy(out, deflated, tail):
        done = plain(out, deflated, tail)
        used.append(done)
        return done

    monkeypatch.setattr(xlsx_stable, "_verbatim", spy)
    return used


@pytest.mark.parametrize("inputs", [
    ["samples/commandes-2025.csv"],
    ["samples/commandes-2025.xlsx", "samples/decp-2024-bretagne.json"],  # new columns: results written again
])
def test_deflating_while_writing_gives_the_same_bytes(inputs, tmp_path, monkeypatch, verbatim):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr("procurement.write.xlsx_deflate.HANDOVER", 4096)  # many handovers, and spills
    monkeypatch.setattr("procurement.write.xlsx_deflate.SPILL", 1024)
    r = run([ROOT / p for p in inputs], load_rules(None, [], []))
    plain = _write(r, tmp_path / "plain", deflate=False)
    assert not verbatim
    assert _write(r, tmp_path / "deflated", deflate=True) == plain
    n_rules = len(batch_rules(r))  # one sheet per rule, RISK-02's included when a group was flagged
    assert verbatim == [True] * (n_rules + (2 if len(inputs) == 1 else 1))  # all but a results sheet redone
    with zipfile.ZipFile(tmp_path / "deflated" / "results.xlsx") as zf:
        assert zf.testzip() is None


def test_a_wrong_head_falls_back_to_the_plain_member(tmp_path, monkeypatch, verbatim):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    r = run([ROOT / "samples/commandes-2025.csv"], load_rules(None, [], []))
    plain = _write(r, tmp_path / "plain", deflate=False)
    heads = results_xlsx._heads
    monkeypatch.setattr(results_xlsx, "_heads", lambda *a: [h + b"<!-- -->" for h in heads(*a)])
    assert _write(r, tmp_path / "deflated", deflate=True, lang="fr") == plain
    assert not verbatim


def test_the_thread_is_used_from_a_number_of_orders(tmp_path, monkeypatch):
    r = run([ROOT / "samples/commandes-2025.csv"], load_rules(None, [], []))
    assert 0 < len(r.orders) < results_xlsx.DEFLATE_FROM_ORDERS
    for below in (True, False):
        if not below:
            monkeypatch.setattr(results_xlsx, "DEFLATE_FROM_ORDERS", len(r.orders))
        sink = XlsxSink(r, tmp_path, "fr", writer="fast")
        assert (sink.deflater is None) is below
        sink.finish()  # an openpyxl workbook left unsaved complains when it is collected
        sink.close()
