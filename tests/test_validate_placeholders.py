"""Placeholders for "non communiqué" (« NC », « MQ », « CDL », « NaN »...) in the id and the amount, as
validation meets them through every reader: an id « NC » keeps its row with a warning (the row is a
contract, only its number is missing), an amount « NC » becomes unknown with a warning, like 0 or
99 999 999 (auditor review)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from procurement.model import Order, Rejection, Source
from procurement.read import read_file
from procurement.read.base import Cell, RawRecord, ReadOptions
from procurement.validate import validate


def _validate(**cells: object) -> Order | Rejection:
    record = RawRecord(Source(file="t.csv", row=2), {k: Cell(f"{k} column", v) for k, v in cells.items()})
    return validate(record)


def _read(path: Path) -> list[Order | Rejection]:
    _, records = read_file(path, ReadOptions())
    return [r if isinstance(r, Rejection) else validate(r) for r in records]


def _warning(order: Order, code: str):
    (w,) = [w for w in order.warnings if w.code == code]
    return w


# --- the id ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "kept"), [("NC", "NC"), (" nc ", "nc"), ("MQ", "MQ"), ("N/A", "N/A"),
                                             ("NaN", "NaN"), ("-", "-")])
def test_a_placeholder_id_keeps_the_row_and_the_value_typed_with_a_warning(typed, kept):
    order = _validate(id=typed, amount="45 000")
    assert isinstance(order, Order), order
    assert order.id == kept and order.amount == 45000
    w = _warning(order, "placeholder_id")
    assert w.field == "id" and w.column == "id column" and w.value == typed
    assert f"« {kept} »" in w.message_fr and f"“{kept}”" in w.message_en
    assert "non communiqué" in w.message_fr and "placeholder" in w.message_en
    assert "manquant" not in w.message_fr and "missing" not in w.message_en


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_an_empty_id_still_rejects_the_row(typed):
    rejection = _validate(id=typed, amount="45 000")
    assert isinstance(rejection, Rejection) and rejection.code == "missing_id"


def test_a_placeholder_id_through_the_csv_reader_keeps_both_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("N° de commande;Montant HT;Code CPV\nNC;45 000;45233142\nNC;12 000;45233142\n",
                    encoding="utf-8")
    first, second = _read(path)
    assert isinstance(first, Order) and isinstance(second, Order)
    assert (first.id, second.id) == ("NC", "NC") and (first.amount, second.amount) == (45000, 12000)
    assert _warning(first, "placeholder_id").column.startswith("A ")


def test_a_placeholder_id_in_decp_json_keeps_the_contract(tmp_path):
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [{"id": "NC", "acheteur": {"id": "20005480700017"},
                                             "codeCPV": "45210000", "montant": 100000}]}), encoding="utf-8")
    (order,) = _read(path)
    assert isinstance(order, Order) and order.id == "NC" and order.amount == 100000
    assert _warning(order, "placeholder_id").column == "marches[0].id"


# --- the amount ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["NC", " nc ", "MQ", "CDL", "NaN", "N/C", "ND", "-"])
def test_a_marker_amount_is_unknown_with_a_warning_naming_column_and_value(typed):
    order = _validate(id="M1", amount=typed)
    assert isinstance(order, Order) and order.amount is None
    w = _warning(order, "placeholder_amount")
    assert w.field == "amount" and w.column == "amount column" and w.value == typed
    assert f"« {typed.strip()} »" in w.message_fr and f"“{typed.strip()}”" in w.message_en


@pytest.mark.parametrize("blank", [None, "", "  ", float("nan")])
def test_an_empty_amount_stays_unknown_without_a_warning(blank):
    order = _validate(id="M1", amount=blank)
    assert isinstance(order, Order) and order.amount is None and order.warnings == ()


def test_a_marker_initial_amount_is_flagged_too():
    order = _validate(id="M1", amount="45 000", initial_amount="NC")
    assert order.initial_amount is None
    assert _warning(order, "placeholder_amount").field == "initial_amount"


def test_a_marker_amount_through_the_csv_reader(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("N° de commande;Montant HT\nC1;NC\nC2;0\n", encoding="utf-8")
    nc, zero = _read(path)
    assert nc.amount is None and zero.amount is None  # « NC » is flagged as 0 is
    assert _warning(nc, "placeholder_amount").column == "B (Montant HT)"
    assert _warning(nc, "placeholder_amount").value == "NC"
    assert _warning(zero, "placeholder_amount").value == "0"


def test_a_marker_amount_through_the_xlsx_reader(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° de commande", "Montant HT"])
    ws.append(["C1", "MQ"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    (order,) = _read(path)
    assert order.amount is None
    w = _warning(order, "placeholder_amount")
    assert w.column == "B (Montant HT)" and w.value == "MQ"


def test_a_marker_amount_in_decp_json(tmp_path):
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [{"id": "M1", "acheteur": {"id": "20005480700017"},
                                             "codeCPV": "45210000", "montant": "NC"}]}), encoding="utf-8")
    (order,) = _read(path)
    assert order.amount is None
    w = _warning(order, "placeholder_amount")
    assert w.column == "marches[0].montant" and w.value == "NC"


def test_a_marker_amount_in_the_ministry_table(tmp_path):
    """The Ministry's export writes « MQ » for a missing mandatory value: its reader reads the other
    markers as blanks, but passes an amount's on so that the validator says the amount is not given."""
    path = tmp_path / "augmente.csv"
    path.write_text("id;acheteur.id;codeCPV;montant;dureeMois;dateNotification\n"
                    "T1;20006810400013;92311000;MQ;CDL;2024-12-05\n", encoding="utf-8")
    (order,) = _read(path)
    assert order.amount is None and order.duration_months is None
    w = _warning(order, "placeholder_amount")
    assert w.column == "D (montant)" and w.value == "MQ"
    assert [x.code for x in order.warnings] == ["placeholder_amount"]  # « CDL » in dureeMois: a blank


@pytest.mark.parametrize("typed", ["00/00/0000", "0000-00-00", "00/00/00"])
def test_an_erp_zero_date_keeps_the_row_with_the_date_unknown(typed):
    """« 00/00/0000 » rejected the whole row as « n'est pas une date valide » (auditor's review)."""
    order = _validate(id="D1", amount="45 000", notification_date=typed, launch_date="01/03/2025")
    assert isinstance(order, Order) and order.notification_date is None and order.amount == 45000.0
