"""Auditor review of reading: total lines, a field's second column, unread sheets, rows of the wrong width."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurement.model import Rejection
from procurement.read import read_file
from procurement.read.base import RawRecord, ReadOptions

HEADER = "Référence;Direction;Libellé;Nature du marché;CPV;Montant HT;Date de notification\n"
ORDERS = "B1;DirA;obj;Marché;45000000;100;02/01/2025\nB2;DirA;obj;Marché;45000000;200;02/01/2025\n"


def _read(path: Path) -> list[RawRecord | Rejection]:
    _, records = read_file(path, ReadOptions())
    return list(records)


# --- total lines: « Totaux », « Totaux généraux », « Montant total » ----------------------------------


@pytest.mark.parametrize("label", ["Totaux", "TOTAUX", "Totaux généraux", "Totals", "Montant total",
                                   "Montant total HT", "Montants totaux", "Sous-totaux DirA", "Grand total",
                                   "Total général", "Sous-total", "Σ", "∑"])  # a sum sign alone (session 18)
def test_a_total_line_in_the_plural_or_as_an_amount_is_rejected(tmp_path, label):
    """« Totaux » was scored as an order (the pattern matched « totalaux »), doubling every amount."""
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + f"{label};;;;;300;\n", encoding="utf-8")
    *orders, total = _read(path)
    assert [r.cells["id"].value for r in orders] == ["B1", "B2"]
    assert isinstance(total, Rejection) and total.code == "total_row" and total.value == label


@pytest.mark.parametrize("order_id", ["TOTO-1", "Totem-2025", "Totaux-3", "TOTAL-2025-01", "Montant-4"])
def test_an_order_whose_id_starts_like_a_total_is_still_read(tmp_path, order_id):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + f"{order_id};;;;;300;\n", encoding="utf-8")
    records = _read(path)
    assert all(isinstance(r, RawRecord) for r in records)
    assert records[-1].cells["id"].value == order_id


def test_total_2025_stays_an_order_as_documented(tmp_path):
    """README: a total line's label has no digit, so that an order numbered with a year stays an order."""
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + "Total 2025;;;;;300;\n", encoding="utf-8")
    assert isinstance(_read(path)[-1], RawRecord)


# --- a second column recognised as the same field --------------------------------------------------

DUP_HEADER = "N° de commande;Objet;Montant HT;Montant HT (€);Procédure;Code CPV;Date de notification\n"


def test_a_field_empty_in_its_column_is_read_from_its_duplicate_with_a_warning(tmp_path):
    """« Montant HT » empty and « Montant HT (€) » filled: the amount was None, and nothing said so."""
    path = tmp_path / "d.csv"
    path.write_text(DUP_HEADER + "K-1;x;;50 000,00;Procédure adaptée;30200000;01/04/2025\n"
                    "K-2;y;100;200;Procédure adaptée;30200000;01/04/2025\n", encoding="utf-8")
    info, records = read_file(path, ReadOptions())
    first, second = list(records)
    assert first.cells["amount"].value == "50 000,00" and first.cells["amount"].column == "D (Montant HT (€))"
    [warning] = first.warnings
    assert warning.code == "value_from_duplicate_column" and warning.field == "amount"
    assert "colonne D (Montant HT (€))" in warning.message_fr and "C (Montant HT)" in warning.message_fr
    assert "column D (Montant HT (€))" in warning.message_en and "C (Montant HT)" in warning.message_en
    # the first column wins where it is filled, silently: the file-level note says the second is a spare
    assert second.cells["amount"].value == "100" and not second.warnings
    assert "duplicate_columns:Montant HT (€)" in info.notes
    assert info.duplicate_columns == [("Montant HT (€)", "Montant HT")]


def test_a_duplicate_column_is_said_on_the_terminal_in_both_languages(tmp_path):
    from procurement.commands import sheet_lines
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    path = tmp_path / "d.csv"
    path.write_text(DUP_HEADER + "K-1;x;;50 000,00;Procédure adaptée;30200000;01/04/2025\n", encoding="utf-8")
    result = run([path], load_default())
    assert [s.order.amount for s in result.orders] == [50000.0]
    assert sheet_lines(result, "fr") == [
        "d.csv : colonne reconnue comme un champ déjà lu, utilisée seulement sur les lignes où la première colonne "
        "est vide : « Montant HT (€) » (même champ que « Montant HT »)"]
    assert sheet_lines(result, "en") == [
        "d.csv: column recognised as a field already read, used only on the rows where the first column is empty: "
        "“Montant HT (€)” (same field as “Montant HT”)"]


# --- a workbook's sheets left unread are said in the report pages -----------------------------------


def _months(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for n, title in enumerate(("Janvier", "Février", "Mars")):
        ws = wb.active if n == 0 else wb.create_sheet(title)
        ws.title = title
        ws.append(["N° de commande", "Objet", "Montant HT", "Code CPV", "Date de notification"])
        ws.append([f"M-{n}", "Serveurs", 1000 * (n + 1), "30200000", "01/04/2025"])
    wb.save(path)
    return path


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "months.xlsx : autres feuilles non lues : Février, Mars (--sheet, répétable, pour les lire)"),
    ("en", "months.xlsx: other sheets not read: Février, Mars (--sheet, repeatable, to read them)"),
])
def test_the_sheets_left_unread_are_said_in_the_report_and_the_summary(tmp_path, lang, text):
    """They were said only on the terminal and in results.json: the pages read later gave no hint."""
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.write.html_report import report_html
    from procurement.write.html_summary import summary_html

    result = run([_months(tmp_path / "months.xlsx")], load_default())
    assert result.counts["orders"] == 1
    assert text in report_html(result, lang)
    assert text in summary_html(result, lang)


def test_a_duplicate_column_is_said_in_the_report(tmp_path):
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.write.html_report import report_html

    path = tmp_path / "d.csv"
    path.write_text(DUP_HEADER + "K-1;x;;50 000,00;Procédure adaptée;30200000;01/04/2025\n", encoding="utf-8")
    html = report_html(run([path], load_default()), "fr")
    assert "« Montant HT (€) » (même champ que « Montant HT »)" in html


# --- a CSV row with fewer or more fields than its header --------------------------------------------

WIDE = "N° de commande;Objet;Fournisseur;Montant HT;Procédure;Code CPV;Date de notification\n"


def test_a_short_csv_row_is_kept_with_a_warning(tmp_path):
    """« G-03;DSI;Serveurs;Marché » under a header of 20 columns was scored and nothing said."""
    path = tmp_path / "r.csv"
    path.write_text(WIDE + "G-01;Serveurs;X SA;100;Procédure adaptée;30200000;01/04/2025\nG-03;Serveurs;X SA\n",
                    encoding="utf-8")
    full, short = _read(path)
    assert not full.warnings
    [warning] = short.warnings
    assert warning.code == "row_fields_short"
    assert warning.message_fr.startswith(
        "la ligne a 3 champs pour 7 colonnes : un séparateur manque ou une cellule contient un retour à la ligne "
        "non protégé")
    assert warning.message_en.startswith("the row has 3 fields for 7 columns: a delimiter is missing")


def test_trailing_empty_headers_do_not_make_rows_short(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(WIDE.rstrip("\n") + ";;\n" + "G-01;Serveurs;X SA;100;Procédure adaptée;30200000;01/04/2025\n",
                    encoding="utf-8")
    [record] = _read(path)
    assert not record.warnings


def test_a_long_csv_row_is_rejected_saying_first_it_has_more_fields_than_the_header(tmp_path):
    """An unquoted « ; » in the object shifted every cell after it: the row was rejected for « X SA » not
    being an amount, and the warning saying cells were beyond the header was lost with the row."""
    from procurement.validate import validate

    path = tmp_path / "r.csv"
    path.write_text(WIDE + "G-10;Logiciels; maintenance 3 ans;X SA;80 000,00;Procédure adaptée;48000000;01/04/2025\n",
                    encoding="utf-8")
    [record] = _read(path)
    rejection = validate(record)
    assert isinstance(rejection, Rejection) and rejection.code == "not_a_number"
    assert rejection.message_fr.startswith(
        "la ligne a 8 champs pour 7 colonnes : une cellule contient sans doute un séparateur « ; » non protégé")
    assert "— colonne D (Montant HT) : « X SA »" in rejection.message_fr
    assert rejection.message_en.startswith("the row has 8 fields for 7 columns: a cell likely holds an unquoted "
                                           "delimiter “;”")


def test_a_workbook_row_has_no_field_count(tmp_path):
    """A workbook's row ends where its last filled cell does: a short one is not a CSV's missing delimiter."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° de commande", "Objet", "Montant HT", "Code CPV"])
    ws.append(["X1", "Travaux", 100, "45000000"])
    ws.append(["X2", "Travaux", 200])
    wb.save(tmp_path / "w.xlsx")
    assert all(not r.warnings for r in _read(tmp_path / "w.xlsx"))
