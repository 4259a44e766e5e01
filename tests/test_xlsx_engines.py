"""The calamine and openpyxl xlsx paths give the same records, the same errors and the same results.json.

openpyxl (full mode) is the reference; calamine is the fast path (`procurement/read/xlsx_calamine.py`).
Records are compared by `repr`, so that 3 and 3.0, or a date and a datetime, count as different.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.errors import InputError
from procurement.read import read_file
from procurement.read import xlsx_reader as xr
from procurement.read.base import ReadOptions

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ["openpyxl", "calamine"]
WORKBOOKS = sorted([*ROOT.glob("samples/**/*.xlsx"), *ROOT.glob("tests/data/**/*.xlsx")])
HEADERS = ["Identifiant", "Objet", "Montant HT", "Code CPV", "Date de notification", "SIRET", "Durée (mois)",
           "Part bio (%)", "Code postal", "Nature"]


def _read(path: Path, engine: str, **opts):
    """What a reader produced, as comparable text: records, the InputInfo, or the error in both languages."""
    try:
        info, records = read_file(path, ReadOptions(xlsx_engine=engine, **opts))
        items = [repr(r) for r in records]
    except InputError as err:
        return ("error", err.message("fr"), err.message("en"))
    return ("ok", items, repr(info))


def _same(path: Path, **opts):
    ref = _read(path, "openpyxl", **opts)
    fast = _read(path, "calamine", **opts)
    if ref != fast and ref[0] == fast[0] == "ok":  # the first difference, readably
        for a, b in zip(ref[1], fast[1], strict=False):
            assert a == b
    assert ref == fast
    return ref


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_every_sample_workbook_reads_the_same(path):
    result = _same(path)
    assert result[0] == "ok" and result[1]


def _workbook(path: Path, rows, *, merges=(), hidden=(), formats=None, sheets=None, offset=0,
              date1904=False) -> Path:
    wb = openpyxl.Workbook()
    if date1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Commandes"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1 + offset):
            if value is not None:
                cell = ws.cell(r, c, value)
                if formats and (r, c - offset) in formats:
                    cell.number_format = formats[(r, c - offset)]
    for rng in merges:
        ws.merge_cells(rng)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    for name, state in sheets or ():
        extra = wb.create_sheet(name)
        extra.append(["Identifiant", "Objet"])
        extra.append([name, "x"])
        extra.sheet_state = state
    wb.save(path)
    return _preserve_blank_text(path)


def _preserve_blank_text(path: Path) -> Path:
    """Mark whitespace-only strings xml:space="preserve", as Excel does and openpyxl's writer does not.

    Without it calamine drops the spaces (XML whitespace rules) and openpyxl keeps them: the only
    known difference, in `original` only, since a whitespace-only cell is blank for every reader.
    """
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        rb"<t>(\s+)</t>", rb'<t xml:space="preserve">\1</t>', parts["xl/worksheets/sheet1.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _with_cached_values(path: Path, cached: dict[str, tuple[str | None, str]]) -> Path:
    """Give formula cells the cached value Excel would have saved (openpyxl writes none)."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, (kind, value) in cached.items():
        pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/>')
        t = f' t="{kind}"' if kind else ""
        xml, n = pattern.subn(lambda m, r=ref, t=t, v=value: f'<c r="{r}"{t}><f>{m[2]}</f><v>{v}</v>', xml)
        assert n == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_title_block_merged_cells_hidden_rows_errors_and_cached_formulas(tmp_path):
    path = _workbook(
        tmp_path / "w.xlsx",
        [
            ["Métropole Aix-Marseille-Provence"],
            [],
            HEADERS,
            ["A1", "Enrobés", 1200, "45233142", dt.datetime(2025, 3, 15), "00012345678901", 12, 0.5, "01000", None],
            [None, "Bordures", 99.5, "#N/A", dt.date(2025, 4, 1), 32359288100060, 12.0, "#DIV/0!", 13001, True],
            ["A3", "=B4", "=C4*2", "=1/0", "=D4", "=TEXT(1;\"0\")", 36, 1e20, None, False],
            ["A4", "Pompes", 10**15, dt.time(12, 30), dt.timedelta(hours=30), "  ", -0.0, 1.5e-7, "#REF!", None],
            [],
            ["A5", "Fin", 2**53 + 2, None, dt.datetime(2025, 1, 1, 23, 59, 59, 999000), None, None, None, None, 7],
        ],
        merges=["A1:D1", "A4:A5", "J7:J9"],
        hidden=[5, 8],
        formats={(7, 4): "hh:mm", (7, 5): "[h]:mm:ss", (4, 8): "0%", (9, 5): "dd/mm/yyyy hh:mm:ss"},
    )
    _with_cached_values(path, {"B6": ("str", "Bordures"), "C6": (None, "199"), "D6": ("e", "#DIV/0!"),
                               "E6": ("e", "#N/A"), "F6": ("str", "1")})
    kind, records, _ = _same(path)
    assert kind == "ok" and len(records) == 5
    assert "hidden_row" in records[1] and "'Voirie'" not in records[0]
    assert "value='#N/A'" in records[1] and "value=199" in records[2]


def test_leading_empty_columns_and_rows_and_style_only_cells(tmp_path):
    path = _workbook(tmp_path / "o.xlsx", [[], [], HEADERS, ["B1", "x", 5], ["B2", "y", 6.25]], offset=3)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(20, 30).number_format = "0.00"  # a formatted empty cell far below: openpyxl's max_row
    wb.active.cell(20, 30).font = openpyxl.styles.Font(bold=True)
    wb.save(path)
    kind, _, info = _same(path)
    assert kind == "ok" and "rows_estimate=20" in info


def test_numbers_stored_with_a_decimal_point_stay_floats(tmp_path):
    """openpyxl decides int or float from the stored text ("8" or "8.0"); calamine sees 8.0 for both."""
    path = _workbook(tmp_path / "n.xlsx", [HEADERS, ["N1", "x", 8, "1", None, None, 8]])
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace('<c r="C2" t="n"><v>8</v>', '<c r="C2" t="n"><v>8.0</v>')
    xml = xml.replace('<c r="G2" t="n"><v>8</v>', '<c r="G2" t="n"><v>8E+0</v>')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    _, records, _ = _same(path)
    assert "value=8.0" in records[0]


def test_sheet_choice_is_the_same(tmp_path):
    path = _workbook(tmp_path / "s.xlsx", [HEADERS, ["S1", "x"]], sheets=[("Cachée", "hidden"), ("Autre", "visible")])
    wb = openpyxl.load_workbook(path)
    wb.move_sheet("Cachée", offset=-1)  # a hidden first sheet: the default is the first visible one
    wb.save(path)
    for sheet in (None, "Autre", "Cachée", "1", "2", "3", "4", "Nulle part"):
        result = _same(path, sheet=sheet)
        if sheet == "Nulle part":
            assert result[0] == "error" and "« Cachée »" in result[1]


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = _workbook(tmp_path / "good.xlsx", [HEADERS, ["G1", "x"]])
    data = good.read_bytes()
    files = {}
    for name, content, expected in [
        ("encrypted", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "chiffré"),
        ("not-a-zip", b"Identifiant;Objet\n1;x\n", "pas un classeur"),
        ("truncated", data[: len(data) // 2], "tronqué"),
    ]:
        (tmp_path / f"{name}.xlsx").write_bytes(content)
        files[name] = (tmp_path / f"{name}.xlsx", expected)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    files["zip-bomb"] = (bomb, "bombe")
    entity = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    laughs = '<!DOCTYPE l [<!ENTITY l "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 9)) + "]>"
    for name, doctype, text in [("external-entity", entity, "&xxe;"), ("billion-laughs", laughs, "&l8;")]:
        sheet = (f'<?xml version="1.0"?>\n{doctype}\n<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr">'
                 f"<is><t>{text}</t></is></c></row></sheetData></worksheet>")
        files[name] = (_replace_part(good, tmp_path / f"{name}.xlsx", "xl/worksheets/sheet1.xml", sheet),
                       "entités XML interdites")
    files["damaged-sheet"] = (_replace_part(good, tmp_path / "damaged.xlsx", "xl/worksheets/sheet1.xml",
                                            "<worksheet><sheetData><row r="), "illisible")
    return files


def _replace_part(src: Path, dst: Path, part: str, text: str) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, text.encode() if item.filename == part else zin.read(item.filename))
    return dst


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_and_damaged_workbooks_give_the_same_error(tmp_path, engine):
    for name, (path, expected) in _bad_files(tmp_path).items():
        with pytest.raises(InputError) as exc:
            list(read_file(path, ReadOptions(xlsx_engine=engine))[1])
        message = exc.value.message("fr")
        assert expected in message, (name, message)
        assert str(path) in message and "root:" not in message
        assert exc.value.message("en") and "\n" not in message


def test_engine_choice(monkeypatch):
    monkeypatch.delenv(xr.ENGINE_VARIABLE, raising=False)
    big, small = xr.CALAMINE_MIN_BYTES + 1, 1000
    assert xr.CALAMINE_MIN_BYTES < xr.FULL_MODE_MAX_BYTES  # openpyxl's read-only mode is never the default
    assert xr.choose_engine(ReadOptions(), big) == "calamine"
    assert xr.choose_engine(ReadOptions(), small) == "openpyxl"
    assert xr.choose_engine(ReadOptions(xlsx_engine="calamine"), small) == "calamine"
    monkeypatch.setenv(xr.ENGINE_VARIABLE, "calamine")
    assert xr.choose_engine(ReadOptions(), small) == "calamine"
    assert xr.choose_engine(ReadOptions(xlsx_engine="openpyxl"), big) == "openpyxl"  # the option wins
    monkeypatch.setenv(xr.ENGINE_VARIABLE, "pandas")
    with pytest.raises(InputError) as exc:
        xr.choose_engine(ReadOptions(), small)
    assert "openpyxl, calamine" in exc.value.message("fr")


def test_large_workbooks_use_calamine_with_merged_cells_and_hidden_rows(tmp_path, monkeypatch):
    """Above the size limit openpyxl streams (no merged cells, no hidden rows); calamine sees both."""
    monkeypatch.delenv(xr.ENGINE_VARIABLE, raising=False)
    path = _workbook(tmp_path / "m.xlsx", [HEADERS, ["M1", "x", 1], ["M2", None, 2]], merges=["B2:B3"], hidden=[3])
    reference = _read(path, "openpyxl")
    monkeypatch.setattr(xr, "FULL_MODE_MAX_BYTES", 10)
    monkeypatch.setattr(xr, "CALAMINE_MIN_BYTES", 10)
    assert _read(path, None) == reference
    assert "streamed:merged_and_hidden_not_detected" in _read(path, "openpyxl")[2]


def test_unusual_layout_falls_back_to_openpyxl(tmp_path):
    """A hidden row without its r reference: the scan cannot place it, openpyxl reads the file."""
    path = _workbook(tmp_path / "r.xlsx", [HEADERS, ["R1", "x"], ["R2", "y"]], hidden=[3])
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    _replace_part(path, tmp_path / "r2.xlsx", "xl/worksheets/sheet1.xml", xml.replace('<row r="3" hidden="1"',
                                                                                        '<row hidden="1"'))
    _, records, _ = _same(tmp_path / "r2.xlsx")
    assert "hidden_row" in records[1]


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
cell = st.one_of(
    st.none(),
    text,
    st.sampled_from(["", " ", "007", "01000", "#N/A", "#DIV/0!", "#VALUE!", "=1+1", "1 234,56 €", "45233142-3"]),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 1e6).map(lambda x: round(x, 2)),
    st.booleans(),
    st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)),
    # Whole milliseconds: openpyxl and calamine round a serial to the millisecond in different float steps,
    # so a sub-millisecond time near a .5 ms boundary may differ by 1 ms (a known difference).
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    st.times().map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=3000)).map(
        lambda d: dt.timedelta(milliseconds=d // dt.timedelta(milliseconds=1))),
)
# Not "[h]:mm" on arbitrary numbers: for durations beyond about 100,000 days openpyxl's millisecond rounding
# and calamine's differ by a second (a known difference; durations from st.timedeltas are compared).
FORMATS = ["General", "0.00", "0%", "dd/mm/yyyy", "yyyy-mm-dd hh:mm", "hh:mm:ss", "mm:ss", "d-mmm",
           '#,##0.00 "€"', "@", "[$-40C]d mmmm yyyy"]
DATE_FORMATS = {"dd/mm/yyyy", "yyyy-mm-dd hh:mm", "hh:mm:ss", "mm:ss", "d-mmm", "[$-40C]d mmmm yyyy"}


EXAMPLES = int(os.environ.get("XLSX_ENGINES_EXAMPLES", "40"))  # more for a longer search


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cell, max_size=len(HEADERS) + 2), min_size=1, max_size=8),
    formats=st.dictionaries(st.tuples(st.integers(2, 9), st.integers(1, 12)), st.sampled_from(FORMATS), max_size=6),
    merges=st.lists(st.tuples(st.integers(1, 12), st.integers(2, 9), st.integers(0, 2)), max_size=2,
                    unique_by=lambda m: m[0]),
    hidden=st.sets(st.integers(2, 10), max_size=3),
    offset=st.integers(0, 2),
    blank_top=st.integers(0, 2),
)
def test_generated_workbooks_read_the_same(tmp_path, rows, formats, merges, hidden, offset, blank_top):
    from openpyxl.utils import get_column_letter

    grid = [[]] * blank_top + [HEADERS] + rows
    top = blank_top + 1
    formats = {(r + blank_top, c): f for (r, c), f in formats.items()}
    ranges = [f"{get_column_letter(c + offset)}{top + r}:{get_column_letter(c + offset)}{top + r + n}"
              for c, r, n in merges if n]
    path = _workbook(tmp_path / "h.xlsx", grid, merges=ranges, hidden=hidden, formats=formats, offset=offset)
    _same(path)


def test_score_results_json_is_byte_identical(tmp_path):
    sample = ROOT / "samples" / "commandes-2025.xlsx"
    outputs = {}
    for engine in ENGINES:
        out = tmp_path / engine
        env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", PROCUREMENT_XLSX_READER=engine)
        subprocess.run(
            [sys.executable, "-m", "procurement", "score", str(sample), "--out", str(out), "--format", "json",
             "--quiet", "--jobs", "1"],
            check=True, env=env, cwd=ROOT,
        )
        outputs[engine] = (out / "results.json").read_bytes()
    assert outputs["openpyxl"] == outputs["calamine"]


def test_date_serial_out_of_range_reads_as_openpyxl_does(tmp_path):
    """calamine panics converting it; that one row is read by openpyxl ('#VALUE!'), the others by calamine."""
    path = _workbook(tmp_path / "d.xlsx", [HEADERS, ["D1", "x", 1, None, -4.2e16], ["D2", "y", 2, None, 45717]],
                     formats={(2, 5): "dd/mm/yyyy", (3, 5): "dd/mm/yyyy"})
    _, records, _ = _same(path)
    assert "'#VALUE!'" in records[0] and "datetime.datetime(2025, 3, 1, 0, 0)" in records[1]


@pytest.mark.parametrize("serial", [-96439725, -693594, 2958466, 4.2e7, 1.5e300, 12345678])
def test_date_serial_beyond_python_dates_is_value_error_as_openpyxl_says(tmp_path, serial):
    """calamine gives the number where openpyxl gives '#VALUE!' (found by the property test above: -96439725);
    an amount of as many digits without a date format stays a number for both."""
    path = _workbook(tmp_path / "w.xlsx", [HEADERS, ["W1", "x", serial, None, serial], ["W2", "y", 2, None, 45717]],
                     formats={(2, 5): "dd/mm/yyyy", (3, 5): "dd/mm/yyyy"})
    _, records, _ = _same(path)
    assert "'#VALUE!'" in records[0] and "datetime.datetime(2025, 3, 1, 0, 0)" in records[1]
    assert repr(serial) in records[0] or repr(int(serial)) in records[0]  # the amount, under no date format


def test_date_serials_under_a_1904_workbook_read_the_same(tmp_path):
    path = _workbook(tmp_path / "m.xlsx", [HEADERS, ["M1", "x", 1, None, -1000000], ["M2", "y", 2, None, 45717]],
                     formats={(2, 5): "dd/mm/yyyy", (3, 5): "dd/mm/yyyy"}, date1904=True)
    _same(path)


def test_cli_xlsx_reader_flag_gives_the_same_files(tmp_path, monkeypatch):
    """`--xlsx-reader openpyxl|calamine` (issue 7): same results.json and results.csv, byte for byte."""
    from click.testing import CliRunner

    from procurement.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.delenv("PROCUREMENT_XLSX_READER", raising=False)
    outputs = {}
    for engine in ("openpyxl", "calamine"):
        out = tmp_path / engine
        result = CliRunner().invoke(main, ["score", str(ROOT / "samples" / "commandes-2025.xlsx"), "--out", str(out),
                                           "--quiet", "--xlsx-reader", engine, "--format", "json", "--format", "csv"])
        assert result.exit_code == 0, result.output
        outputs[engine] = [(out / name).read_bytes() for name in ("results.json", "results.csv", "rejected.csv")]
    assert outputs["openpyxl"] == outputs["calamine"]


def test_many_rows_openpyxl_must_read_are_read_in_one_pass(tmp_path, monkeypatch):
    """Rows calamine cannot convert (dates before 1900: it gives a time; a serial out of range: it panics)
    are read by openpyxl, in one pass over the sheet: the same records, one workbook opened."""
    rows = [HEADERS]
    for n in range(1, 301):
        serial = -4.2e16 if n % 97 == 0 else -(n * 37 % 600) - 1 if n % 3 else 45000 + n
        rows.append([f"N{n}", "x", n, None, serial])
    formats = {(r, 5): "dd/mm/yyyy" for r in range(2, len(rows) + 1)}
    path = _workbook(tmp_path / "n.xlsx", rows, formats=formats)
    _same(path)
    from procurement.read import xlsx_calamine

    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real(*a, **k))
    ok, records, _ = _read(path, "calamine")
    assert ok == "ok" and len(records) == 300 and len(opened) == 1
    assert "'#VALUE!'" in records[96] and "datetime.datetime(1899, 12, 30" not in records[1]
    assert xlsx_calamine.CalamineSheet._openpyxl_row  # the fallback the test measures


def test_a_workbook_that_expands_far_more_than_usual_is_weighed_by_its_xml(tmp_path, monkeypatch):
    """A 1 MB workbook of repetitive cells expanding 197 times (under the zip-bomb ratio) was read by
    openpyxl's full mode, chosen from the compressed size, and took 6 GB. The choice now weighs the
    expanded XML (over TYPICAL_RATIO): such a file is streamed (read-only) or read by calamine."""
    path = tmp_path / "dense.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["N° de commande", "Montant HT"])
    wb.active.append(["BC-1", 100])
    wb.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        for i in range(10):  # 90 MB of XML in parts under the per-part ratio check (10 MB)
            zf.writestr(f"xl/pad{i}.xml", b" " * (9 * 1024**2))
    assert path.stat().st_size < xr.CALAMINE_MIN_BYTES
    expanded = xr.check_archive(path, str(path))
    assert expanded > 90 * 1024**2 and xr.weighed_size(path, expanded) > xr.FULL_MODE_MAX_BYTES
    assert xr.choose_engine(ReadOptions(), xr.weighed_size(path, expanded)) == "calamine"
    info, records = read_file(path, ReadOptions(xlsx_engine="openpyxl"))
    assert len(list(records)) == 1 and "streamed:merged_and_hidden_not_detected" in info.notes
    small = tmp_path / "small.xlsx"
    wb.save(small)
    assert xr.weighed_size(small, xr.check_archive(small, str(small))) == small.stat().st_size
