"""A workbook's sheets: the first one with a header by default, several with a repeated --sheet, and the
sheets not read always named (a reviewer's workbook of two quarters had its second sheet left out without
a word, and a notice sheet first stopped the run with advice about --mapping)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.errors import InputError
from procurement.read import read_file
from procurement.read.base import RawRecord, ReadOptions

DATA = Path(__file__).resolve().parent / "data" / "sheets" / "commandes.csv"  # the sample's first 11 orders


def _rows() -> list[list[str]]:
    with DATA.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))[:12]


def workbook(path: Path, *, notice: bool = True, data: bool = True) -> Path:
    rows = _rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notice"
    ws.append(["Commandes du semestre : voir les feuilles suivantes."])
    if not notice:
        ws.title = "Commandes T1"
        ws.delete_rows(1)
        ws.append(rows[0])
        for r in rows[1:6]:
            ws.append(r)
    elif data:
        t1 = wb.create_sheet("Commandes T1")
        t1.append(rows[0])
        for r in rows[1:6]:
            t1.append(r)
    if data:
        t2 = wb.create_sheet("Commandes T2")
        t2.append(rows[0])
        for r in rows[6:11]:
            t2.append(r)
        hidden = wb.create_sheet("Archives")
        hidden.sheet_state = "hidden"
        hidden.append(rows[0])
        hidden.append(rows[11])
    else:
        wb.create_sheet("Sommaire").append(["rien ici"])
    wb.save(path)
    return path


def _records(path: Path, engine: str, sheet: str | None = None):
    info, records = read_file(path, ReadOptions(sheet=sheet, xlsx_engine=engine))
    return info, [r for r in records if isinstance(r, RawRecord)]


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_the_first_sheet_with_a_header_is_read_and_the_others_are_named(tmp_path, engine):
    info, records = _records(workbook(tmp_path / "t.xlsx"), engine)
    assert info.sheet == "Commandes T1" and len(records) == 5
    assert {r.source.sheet for r in records} == {"Commandes T1"}
    # The notice was skipped, the second quarter not read; the hidden sheet is nobody's default.
    assert "skipped_sheets:Notice" in info.notes and "other_sheets:Commandes T2" in info.notes


def test_both_engines_agree_on_the_sheet_and_its_records(tmp_path):
    path = workbook(tmp_path / "t.xlsx")
    (a_info, a), (b_info, b) = _records(path, "openpyxl"), _records(path, "calamine")
    assert (a_info.sheet, a_info.notes, a_info.rows_read) == (b_info.sheet, b_info.notes, b_info.rows_read)
    assert [(r.source, {k: c.value for k, c in r.cells.items()}) for r in a] == \
        [(r.source, {k: c.value for k, c in r.cells.items()}) for r in b]


def test_a_single_data_sheet_has_no_note(tmp_path):
    path = tmp_path / "one.xlsx"
    wb = openpyxl.Workbook()
    for row in _rows()[:4]:
        wb.active.append(row)
    wb.save(path)
    info, records = _records(path, "openpyxl")
    assert len(records) == 3 and not [n for n in info.notes if "sheets" in n]


def test_a_chosen_sheet_is_read_without_looking_elsewhere(tmp_path):
    info, records = _records(workbook(tmp_path / "t.xlsx"), "openpyxl", sheet="Commandes T2")
    assert info.sheet == "Commandes T2" and len(records) == 5 and not info.notes
    with pytest.raises(InputError):  # a chosen sheet without header is an error, not a hop to the next
        list(read_file(tmp_path / "t.xlsx", ReadOptions(sheet="Notice"))[1])


def test_no_sheet_with_a_header_names_the_sheets_tried(tmp_path):
    path = workbook(tmp_path / "none.xlsx", data=False)
    with pytest.raises(InputError) as caught:
        list(read_file(path)[1])
    err = caught.value
    assert "feuilles essayées : « Notice », « Sommaire »" in err.message("fr") and "--sheet" in err.message("fr")
    assert "sheets tried: “Notice”, “Sommaire”" in err.message("en")


def test_a_single_sheet_without_header_keeps_the_plain_message(tmp_path):
    path = tmp_path / "title.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Un titre, rien d'autre"])
    wb.save(path)
    with pytest.raises(InputError) as caught:
        list(read_file(path)[1])
    assert "essayées" not in caught.value.message("fr") and "--mapping" in caught.value.message("fr")


def _score(args: list[str]):
    result = CliRunner().invoke(main, ["score", *args])
    return result


def test_repeated_sheet_reads_each_as_an_input_and_the_balance_holds(tmp_path):
    path = workbook(tmp_path / "t.xlsx")
    out = tmp_path / "o"
    result = _score([str(path), "--out", str(out), "--format", "json", "--sheet", "Commandes T1",
                     "--sheet", "Commandes T2", "--sheet", "Archives"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "results.json").read_text(encoding="utf-8"))["meta"]
    assert [(i["sheet"], i["rows_read"]) for i in meta["inputs"]] == [
        ("Commandes T1", 5), ("Commandes T2", 5), ("Archives", 1)]
    assert meta["counts"]["rows_read"] == 11 == meta["counts"]["orders"] + meta["counts"]["rejected"]
    assert meta["options"]["sheet"] == ["Commandes T1", "Commandes T2", "Archives"]


@pytest.mark.parametrize(("first", "second", "said"), [
    ("Commandes T1", "Commandes T1", "feuille donnée deux fois : donnez-la une seule fois"),
    ("2", "2", "feuille donnée deux fois : donnez-la une seule fois"),
    ("Commandes T1", "2", "feuille donnée deux fois (« Commandes T1 » et « 2 ») : donnez-la une seule fois"),
    ("2", "02", "feuille donnée deux fois (« 2 » et « 02 ») : donnez-la une seule fois"),
])
def test_one_sheet_named_twice_is_refused_before_anything_is_read(tmp_path, first, second, said):
    """`--sheet 'Commandes 2025' --sheet 1 --per-order` read the sample's one sheet twice: 988 orders
    counted and 494 pages written, the copies sharing file, sheet and row as a file given twice does."""
    path = workbook(tmp_path / "t.xlsx")
    out = tmp_path / "o"
    for lang, text in (("fr", said), ("en", "give it once")):
        result = _score([str(path), "--out", str(out), "--per-order", "--sheet", first, "--sheet", second,
                         "--sheet", "Commandes T2", "--lang", lang])
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [result.output.strip()] and text in result.output
        assert f"{path} [Commandes T1]: " in result.output
    assert not out.exists()


def test_one_sheet_is_recorded_as_before(tmp_path):
    out = tmp_path / "o"
    result = _score([str(workbook(tmp_path / "t.xlsx")), "--out", str(out), "--format", "json", "--sheet", "2"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "results.json").read_text(encoding="utf-8"))["meta"]
    assert meta["options"]["sheet"] == "2" and [i["sheet"] for i in meta["inputs"]] == ["Commandes T1"]


def test_repeated_sheet_leaves_a_csv_read_once(tmp_path):
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(_rows()[:4])
    out = tmp_path / "o"
    result = _score([str(path), "--out", str(out), "--format", "json", "--sheet", "a", "--sheet", "b"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "results.json").read_text(encoding="utf-8"))["meta"]
    assert len(meta["inputs"]) == 1 and meta["counts"]["orders"] == 3


@pytest.mark.parametrize(("lang", "skipped", "other"), [
    ("fr", "feuille sans ligne d'en-tête passée : Notice ; lu : Commandes T1",
     "autre feuille non lue : Commandes T2 (--sheet"),
    ("en", "sheet without a header row skipped: Notice; read: Commandes T1",
     "other sheet not read: Commandes T2 (--sheet"),
])
def test_the_terminal_says_which_sheets_were_not_read(tmp_path, lang, skipped, other):
    result = _score([str(workbook(tmp_path / "t.xlsx")), "--out", str(tmp_path / "o"), "--format", "json",
                     "--lang", lang])
    assert result.exit_code == 0, result.output
    assert skipped in result.output and other in result.output
    quiet = _score([str(tmp_path / "t.xlsx"), "--out", str(tmp_path / "q"), "--format", "json", "--quiet"])
    assert quiet.output == ""


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("fr", ["t.xlsx : feuille sans ligne d'en-tête passée : Notice ; lu : T1",
            "t.xlsx : autre feuille non lue : T2 (--sheet, répétable, pour les lire)"],
     ["t.xlsx : feuilles sans ligne d'en-tête passées : Notice, Sommaire ; lu : T1",
      "t.xlsx : autres feuilles non lues : T2, T3 (--sheet, répétable, pour les lire)"]),
    ("en", ["t.xlsx: sheet without a header row skipped: Notice; read: T1",
            "t.xlsx: other sheet not read: T2 (--sheet, repeatable, to read them)"],
     ["t.xlsx: sheets without a header row skipped: Notice, Sommaire; read: T1",
      "t.xlsx: other sheets not read: T2, T3 (--sheet, repeatable, to read them)"]),
])
def test_the_sheet_lines_agree_with_the_number_of_sheets_named(lang, one, two):
    from types import SimpleNamespace

    from procurement.commands import sheet_lines

    def lines(skipped: list[str], other: list[str]) -> list[str]:
        info = SimpleNamespace(path="/in/t.xlsx", sheet="T1", sheets_skipped=skipped, sheets_other=other, notes=[],
                               duplicate_columns=[])
        return sheet_lines(SimpleNamespace(inputs=[info]), lang)

    assert lines(["Notice"], ["T2"]) == one
    assert lines(["Notice", "Sommaire"], ["T2", "T3"]) == two


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_a_sheet_name_with_a_comma_counts_as_one_sheet(tmp_path, engine):
    """The count came from the note's names split on ", ": « Budget, 2025 » made two sheets."""
    path = workbook(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Commandes T2"].title = "Budget, 2025"
    wb.save(path)
    info, _ = _records(path, engine)
    assert info.sheets_other == ["Budget, 2025"] and info.sheets_skipped == ["Notice"]
    result = _score([str(path), "--out", str(tmp_path / "o"), "--format", "json"])
    assert "autre feuille non lue : Budget, 2025 (--sheet" in result.output, result.output


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_an_empty_first_sheet_is_passed_over(tmp_path, engine):
    """A blank « Feuil1 » before the data stopped the run (« la feuille est vide ») where a notice sheet
    was passed over; a workbook of one empty sheet still says it is empty."""
    path = workbook(tmp_path / "t.xlsx", notice=False)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Feuil1", 0)
    wb.save(path)
    info, records = _records(path, engine)
    assert info.sheet == "Commandes T1" and len(records) == 5 and info.sheets_skipped == ["Feuil1"]
    alone = openpyxl.Workbook()
    alone.active.title = "Vide"
    alone.save(tmp_path / "vide.xlsx")
    with pytest.raises(InputError) as caught:
        _records(tmp_path / "vide.xlsx", engine)
    assert "la feuille « Vide » est vide" in caught.value.message("fr")


@pytest.mark.parametrize(("lang", "line"), [
    ("fr", "small.csv : --sheet T1 sans effet, un fichier csv n'a pas de feuilles"),
    ("en", "small.csv: --sheet T1 ignored, a csv file has no sheets"),
])
def test_a_sheet_asked_of_a_csv_is_said_to_be_ignored(tmp_path, lang, line):
    """--sheet given with a CSV was accepted without a word; the run goes on and says so."""
    small = tmp_path / "small.csv"
    small.write_text(DATA.read_text(encoding="utf-8-sig"), encoding="utf-8")
    result = _score([str(small), "--out", str(tmp_path / "o"), "--format", "json", "--sheet", "T1", "--lang", lang])
    assert result.exit_code == 0 and line in result.output, result.output
    meta = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))["meta"]
    assert "sheet_ignored:T1" in meta["inputs"][0]["notes"]
