"""The xlsx and CSV readers on hand-made files with the quirks users bring."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from procurement.errors import InputError
from procurement.read import choose_reader, read_file
from procurement.read.base import RawRecord, ReadOptions
from procurement.read.csv_reader import sniff_delimiter, sniff_encoding
from procurement.read.headers import column_letter


def _records(path: Path, **opts):
    info, it = read_file(path, ReadOptions(**opts))
    items = list(it)
    return info, [r for r in items if isinstance(r, RawRecord)], [r for r in items if not isinstance(r, RawRecord)]


def _workbook(path: Path, rows, title_rows=(), merges=(), hidden=(), sheet="Commandes") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in title_rows:
        ws.append(list(row))
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


def test_header_below_title_block_in_any_order(tmp_path):
    path = _workbook(
        tmp_path / "c.xlsx",
        title_rows=[["Métropole Aix-Marseille-Provence"], ["Extraction 2025"], []],
        rows=[
            ["Montant HT (€)", "Objet", "N° de commande", "Code CPV", "Colonne libre"],
            [1234.5, "Réfection de chaussée", "BC-1", "45233142", "x"],
            [None, None, None, None, None],
            [99, "Fournitures", "BC-2", "30192000", None],
        ],
    )
    info, recs, rej = _records(path)
    assert rej == []
    assert info.header_row == 4
    assert info.rows_read == 2
    assert "blank_rows:1" in info.notes
    assert info.ignored_columns == ["Colonne libre"]
    first = recs[0]
    assert first.source.row == 5 and first.source.sheet == "Commandes"
    assert first.cells["amount"].value == 1234.5
    assert first.cells["amount"].column == "A (Montant HT (€))"
    assert first.cells["id"].value == "BC-1"
    assert recs[1].source.row == 7


def test_merged_cells_spread_their_value_and_hidden_rows_warn(tmp_path):
    path = _workbook(
        tmp_path / "m.xlsx",
        rows=[
            ["Service", "Identifiant", "Objet", "Montant HT"],
            ["Voirie", "A1", "Enrobés", 10],
            [None, "A2", "Bordures", 20],
            ["Eau", "A3", "Pompes", 30],
        ],
        merges=["A2:A3"],
        hidden=[4],
    )
    _, recs, _ = _records(path)
    assert [r.cells["buyer_name"].value for r in recs] == ["Voirie", "Voirie", "Eau"]
    assert [w.code for w in recs[2].warnings] == ["hidden_row"]


def test_formula_without_cached_value_reads_blank_and_dates_stay_dates(tmp_path):
    path = _workbook(
        tmp_path / "f.xlsx",
        rows=[
            ["Identifiant", "Montant HT", "Date de notification"],
            ["F1", "=1200*12", dt.datetime(2025, 3, 15)],
            ["F2", 5, "15/03/2025"],
        ],
    )
    _, recs, _ = _records(path)
    assert "amount" not in recs[0].cells
    assert recs[0].cells["notification_date"].value == dt.datetime(2025, 3, 15)
    assert recs[1].cells["notification_date"].value == "15/03/2025"


def test_no_id_column_gets_row_based_ids(tmp_path):
    path = _workbook(tmp_path / "n.xlsx", rows=[["Objet", "Montant HT"], ["Pneus", 10]])
    info, recs, _ = _records(path)
    assert recs[0].cells["id"].value == "Commandes-2"
    assert "no_id_column" in info.notes


def test_sheet_option_and_unknown_sheet(tmp_path):
    path = _workbook(tmp_path / "s.xlsx", rows=[["Identifiant", "Objet"], ["1", "x"]])
    with pytest.raises(InputError) as exc:
        _records(path, sheet="Autre")
    assert "Commandes" in exc.value.message("fr")
    _, recs, _ = _records(path, sheet="1")
    assert len(recs) == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("enc.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "chiffré"),
        ("fake.xlsx", b"Identifiant;Objet\n1;x\n", "pas un classeur"),
        ("empty.csv", b"", "vide"),
        ("old.xls", b"Identifiant;Objet\n", ".xls"),
        ("zip.csv", b"PK\x03\x04" + b"\0" * 100, "renommez"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        _records(path)
    assert expected in exc.value.message("fr")
    assert str(path) in exc.value.message("fr")


def test_truncated_workbook(tmp_path):
    good = _workbook(tmp_path / "g.xlsx", rows=[["Identifiant", "Objet"], ["1", "x"]])
    data = good.read_bytes()
    bad = tmp_path / "t.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as exc:
        _records(bad)
    assert "tronqué" in exc.value.message("fr")


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    with pytest.raises(InputError) as exc:
        _records(path)
    assert "bombe" in exc.value.message("fr")


def test_empty_sheet_and_no_header(tmp_path):
    empty = _workbook(tmp_path / "e.xlsx", rows=[])
    with pytest.raises(InputError) as exc:
        _records(empty)
    assert "vide" in exc.value.message("fr")
    noheader = _workbook(tmp_path / "h.xlsx", rows=[["a", "b"], [1, 2]])
    with pytest.raises(InputError) as exc:
        _records(noheader)
    assert "en-tête" in exc.value.message("fr")
    assert "header" in exc.value.message("en")


def test_csv_french_cp1252_semicolon(tmp_path):
    path = tmp_path / "fr.csv"
    text = "Identifiant;Objet;Montant HT\r\nA1;Matériel d'élagage;1 234,56 €\r\nA2;Pièces;14\u00a0700,00\r\n"
    path.write_bytes(text.encode("cp1252"))
    info, recs, _ = _records(path)
    assert sniff_encoding(path) == "cp1252"
    assert recs[0].cells["object"].value == "Matériel d'élagage"
    assert recs[1].cells["amount"].value == "14\u00a0700,00"
    assert info.rows_read == 2


def test_csv_bom_pipe_nul_and_multiline_rows(tmp_path):
    path = tmp_path / "p.csv"
    text = 'Identifiant|Objet|Montant\nA1|"ligne 1\nligne 2"|10\nA2|x\0y|20\r\nA3|z|30\r'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _, recs, _ = _records(path)
    assert sniff_encoding(path) == "utf-8-sig"
    assert [r.source.row for r in recs] == [2, 4, 5]
    assert recs[0].cells["object"].value == "ligne 1\nligne 2"
    assert recs[1].cells["object"].value == "xy"
    assert recs[2].cells["amount"].value == "30"


@pytest.mark.parametrize(
    ("sample", "delim"),
    [("a;b;c\n1;2,5;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a|b\n1|2\n", "|"), ("a\tb\n1\t2\n", "\t")],
)
def test_sniff_delimiter(sample, delim):
    assert sniff_delimiter(sample) == delim


def test_sniff_delimiter_ignores_commas_inside_a_few_cells():
    sample = 'Identifiant;Fournisseur;Montant\nA1;"=HYPERLINK(""http://x"",""clic"")";12\nA2;Sud;3\nA3;Nord\n'
    assert sniff_delimiter(sample) == ";"


def test_user_mapping(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("Réf interne;Libellé;Valeur\nX1;Câbles;12\n", encoding="utf-8")
    _, recs, _ = _records(path, mapping={"Réf interne": "id", "valeur": "amount"})
    assert recs[0].cells["id"].value == "X1"
    assert recs[0].cells["amount"].value == "12"
    assert recs[0].cells["object"].value == "Câbles"


@pytest.mark.parametrize(("text", "expected"), [
    ("Réf interne: id\nValeur HT: amount\n", {"Réf interne": "id", "Valeur HT": "amount"}),
    ("columns:\n  '2024': amount\n", {"2024": "amount"}),
])
def test_a_mapping_file_is_read(tmp_path, text, expected):
    from procurement.read.mapping import load_mapping

    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    assert load_mapping(tmp_path / "m.yaml") == expected


@pytest.mark.parametrize(("text", "needle"), [
    ("a: " + "[" * 200_000 + "]" * 200_000 + "\n", "trop profondément imbriqué"),  # was a RecursionError
    ("Montant: amount\nMontant: id\n", "clé « Montant » en double"),  # the last one silently won
    ("Montant: !!python/name:os.system amount\n", "étiquette YAML « !!python/name:os.system » refusée"),
    ("2024: amount\n", "mettez-la entre guillemets"),  # a number as a header: quote it, the message says
    ("Montant: amont\n", "vouliez-vous dire « amount »"),
])
def test_a_hostile_or_wrong_mapping_file_is_one_clear_error(tmp_path, text, needle):
    """The mapping file went through plain yaml.safe_load: no size, depth or alias budget, duplicate keys
    accepted. It now goes through the rulebook's safe reader."""
    from procurement.read.mapping import load_mapping

    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(tmp_path / "m.yaml")
    assert needle in caught.value.message("fr") and "m.yaml" in caught.value.message("fr")


def test_choose_reader_by_content(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Identifiant;Objet\n1;x\n", encoding="utf-8")
    assert choose_reader(path).name == "csv"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
