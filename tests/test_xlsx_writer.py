"""results.xlsx has two writers (openpyxl for small runs, streamed rows above a size): the same workbook.

Read back with openpyxl, both give the same sheets and, in every sheet, the same cells (value, type,
quote prefix, number format, bold, fill), the same frozen panes, autofilters and conditional formatting.
The streamed writer is checked on its own for what matters most: text that looks like a formula stays
text, characters XML cannot hold are replaced, and the same run gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write.results_xlsx import choose_writer, write_results_xlsx

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = Path(__file__).parent / "data"
PAYLOADS = ("=1+2", "=HYPERLINK(\"http://x\",\"clic\")", "+33 1 23", "-5", "@SUM(A1)", "\tindent", "\rcr",
            " lead and trail ", "a < b & c > d", "bell\x07inside", "lone \ud800 surrogate", "x" * 40_000, "")


def _cells(path: Path) -> tuple[list[str], dict, dict]:
    wb = openpyxl.load_workbook(path)
    cells = {ws.title: [[(c.value, c.data_type, bool(c.quotePrefix), c.number_format, bool(c.font.b),
                          c.fill.fgColor.rgb) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    layout = {ws.title: (ws.freeze_panes, ws.auto_filter.ref, ws.max_row, ws.max_column,
                         [(str(cf.sqref), [r.type for r in cf.rules]) for cf in ws.conditional_formatting],
                         {k: d.width for k, d in ws.column_dimensions.items()}) for ws in wb.worksheets}
    return wb.sheetnames, cells, layout


def _both(r, tmp_path: Path, lang: str = "fr") -> tuple[Path, Path]:
    a, b = tmp_path / "openpyxl", tmp_path / "fast"
    write_results_xlsx(r, a, lang, writer="openpyxl")
    write_results_xlsx(r, b, lang, writer="fast")
    return a / "results.xlsx", b / "results.xlsx"


def _assert_same(a: Path, b: Path) -> None:
    names_a, cells_a, layout_a = _cells(a)
    names_b, cells_b, layout_b = _cells(b)
    assert names_a == names_b
    for name in names_a:
        assert cells_a[name] == cells_b[name], name
        assert layout_a[name] == layout_b[name], name


@pytest.mark.parametrize("inputs", [
    ["samples/commandes-2025.csv"],
    ["samples/commandes-2025.xlsx", "samples/decp-2024-bretagne.json"],  # originals, then DECP fields
    ["tests/data/decp/quirks_2024.json"],
    ["tests/data/decp/augmente_2019_sample.csv"],
])
def test_both_writers_give_the_same_workbook(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    r = run([ROOT / p for p in inputs], load_rules(None, [], []))
    _assert_same(*_both(r, tmp_path))


def test_both_writers_in_english_with_waivers(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    from procurement.waivers import parse_waivers

    waivers = parse_waivers(b"waivers:\n  - order: '*'\n    rule: SOC\n    justification: Achat sur bourse.\n"
                            b"    author: M. Test\n    date: 2020-01-01\n", "w.yaml")
    r = run([SAMPLES / "commandes-2025.csv"], load_rules(None, [], []), waivers=waivers)
    assert any(f.status == "waived" for s in r.orders for f in s.findings)
    _assert_same(*_both(r, tmp_path, "en"))


def _memory_run(values: list[object]):
    """A run made in memory whose original columns hold `values` exactly."""
    from procurement.model import Source
    from procurement.pipeline import Run, generated_at, process
    from procurement.read.base import Cell, InputInfo, RawRecord
    from procurement.rulebook import default_rulebook_path, load_rulebook

    records = []
    for i, value in enumerate(values):
        source = Source(file="memoire.csv", sheet=None, row=i + 2)
        text = value if isinstance(value, str) else str(value)
        cells = {"id": Cell("A (Id)", f"M-{i}"), "object": Cell("B (Objet)", text)}
        records.append(RawRecord(source, cells, original={"Id": f"M-{i}", "Objet": text, "Brut": value}))
    book = load_rulebook(default_rulebook_path())
    orders, rejected = [], []
    process(records, book, orders, rejected)
    return Run([InputInfo(path="memoire.csv", format="csv", rows_read=len(values))], orders, rejected, book, {},
               generated_at())


def test_fast_writer_keeps_formulas_as_text_and_cleans_characters(tmp_path):
    values: list[object] = [*PAYLOADS, 12, 1.5, Decimal("2.25"), True, dt.date(2025, 3, 4),
                            dt.datetime(2025, 3, 4, 5, 6, 7), float("nan")]
    r = _memory_run(values)
    assert len(r.orders) == len(values)
    write_results_xlsx(r, tmp_path, "fr", writer="fast")
    ws = openpyxl.load_workbook(tmp_path / "results.xlsx")["Résultats"]
    head = [c.value for c in ws[1]]
    objet, brut = head.index("Objet") + 1, head.index("Brut") + 1
    for row, value in enumerate(PAYLOADS, start=2):
        for col in (objet, brut):
            cell = ws.cell(row=row, column=col)
            if value == "":
                assert cell.value is None
                continue
            assert cell.data_type == "s", value
            if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                assert cell.quotePrefix, value
                assert cell.value == value.replace("\r", "\n")
    at = {v: i + 2 for i, v in enumerate(PAYLOADS)}
    assert ws.cell(row=at["bell\x07inside"], column=objet).value == "bell\ufffdinside"
    assert ws.cell(row=at["lone \ud800 surrogate"], column=objet).value == "lone \ufffd surrogate"
    assert ws.cell(row=at[" lead and trail "], column=objet).value == " lead and trail "
    assert ws.cell(row=at["a < b & c > d"], column=objet).value == "a < b & c > d"
    assert len(ws.cell(row=at["x" * 40_000], column=objet).value) == 32_767
    typed = [ws.cell(row=len(PAYLOADS) + 2 + i, column=brut).value for i in range(7)]
    assert typed[:5] == [12, 1.5, 2.25, True, dt.datetime(2025, 3, 4)]
    assert typed[5] == dt.datetime(2025, 3, 4, 5, 6, 7) and typed[6] == "nan"
    with zipfile.ZipFile(tmp_path / "results.xlsx") as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name)
                assert b"<f>" not in xml and b"<f " not in xml


def test_fast_writer_gives_the_same_bytes_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    r = run([SAMPLES / "commandes-2025.csv"], load_rules(None, [], []))
    write_results_xlsx(r, tmp_path / "a", "fr", writer="fast")
    write_results_xlsx(r, tmp_path / "b", "fr", writer="fast")
    assert (tmp_path / "a" / "results.xlsx").read_bytes() == (tmp_path / "b" / "results.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "results.xlsx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert b"2023-11-14T22:13:20Z" in zf.read("docProps/core.xml")


def test_writer_is_chosen_by_size_or_forced(monkeypatch):
    monkeypatch.delenv("PROCUREMENT_XLSX_WRITER", raising=False)
    assert choose_writer(10) == "openpyxl"
    assert choose_writer(1_000_000) == "fast"
    monkeypatch.setenv("PROCUREMENT_XLSX_WRITER", "openpyxl")
    assert choose_writer(1_000_000) == "openpyxl"
    monkeypatch.setenv("PROCUREMENT_XLSX_WRITER", "fast")
    assert choose_writer(10) == "fast"


def test_kept_finding_texts_are_the_texts_of_each_finding():
    from procurement.write.xlsx_rows import FindingTexts

    r = run([SAMPLES / "commandes-2025.csv", SAMPLES / "decp-2024-bretagne.json"], load_rules(None, [], []))
    for lang in ("fr", "en"):
        texts = FindingTexts(r.rulebook.rules, lang)
        kept = 0
        for scored in r.orders:
            for f in scored.findings:
                if f.status != "not_applicable":
                    before = texts.parts.kept()
                    assert texts(f) == texts.describe(f), (f, lang)
                    kept += texts.parts.kept() == before
        assert kept  # some findings were answered from what was kept
