"""Header cells matched to fields (procurement.fields.match_header): units tried away, but never those that
change an amount's meaning (VAT included, thousands of euros); text far longer than any field's label
turned down without the unit regex, which is quadratic in unclosed "("."""

from __future__ import annotations

import pytest

from procurement import fields
from procurement.fields import HEADER_INDEX, MAX_HEADER, match_header
from procurement.read.base import InputInfo, ReadOptions
from procurement.read.csv_reader import CsvReader


@pytest.mark.parametrize(("text", "field"), [("Montant HT (en €)", "amount"), ("Distance (km)", "delivery_km"),
                                             ("MONTANT  H.T.", "amount"), ("Montant HT" + " " * 5000, "amount"),
                                             ("Montant HT (en euros)" + " " * 900, "amount")])
def test_headers_with_units_and_spacing_still_match(text, field):
    assert match_header(text) == field


def test_every_known_label_is_far_below_the_bound():
    assert max(len(key) for key in HEADER_INDEX) * 4 < MAX_HEADER


@pytest.mark.parametrize("text", ["(a " * 40_000, "(" * 100_000, "Montant (" + "x " * 50_000])
def test_a_long_cell_is_no_header_and_never_reaches_the_unit_regex(monkeypatch, text):
    class Spy:
        def sub(self, repl, s):
            raise AssertionError(f"_UNITS tried on {len(s)} characters")

    monkeypatch.setattr(fields, "_UNITS", Spy())
    assert match_header(text) is None


@pytest.mark.parametrize("text", ["Montant (TTC)", "Montant (€ TTC)", "Prix (TTC)", "Valeur (TTC)", "Montant TTC (€)",
                                  "Montant (toutes taxes comprises)", "Amount (incl. VAT)", "Montant (k€)",
                                  "Montant HT (k€)", "Montant (KEUR)", "Montant (en milliers d'euros)", "Montant (M€)",
                                  "Montant HT (en millions)"])
def test_an_amount_with_vat_or_in_thousands_is_not_taken_for_euros_excluding_vat(text):
    assert match_header(text) is None


@pytest.mark.parametrize(("text", "field"), [
    ("Montant HT (€)", "amount"), ("Montant (€ HT)", "amount"), ("Prix HT (euros)", "amount"),
    ("Distance de livraison (km)", "delivery_km"), ("Heures d'insertion (h)", "insertion_hours"),
    ("Part bio (%)", "organic_share")])
def test_other_units_are_still_tried_away(text, field):
    assert match_header(text) == field


def _amounts(tmp_path, header: str) -> tuple[list[object], InputInfo]:
    path = tmp_path / "c.csv"
    path.write_text(f"Référence;Objet;{header};Code CPV\nA1;Fournitures de bureau;43 200,00;30192000\n",
                    encoding="utf-8")
    info = InputInfo(path=str(path), format="csv")
    records = list(CsvReader().read(path, ReadOptions(), info))
    return [r.cells["amount"].value if "amount" in r.cells else None for r in records], info


def test_a_ttc_column_is_left_out_and_said_so(tmp_path):
    amounts, info = _amounts(tmp_path, "Montant (TTC)")
    assert amounts == [None] and info.ignored_columns == ["Montant (TTC)"]
    amounts, info = _amounts(tmp_path, "Montant (€ HT)")
    assert amounts == ["43 200,00"] and info.columns["Montant (€ HT)"] == "amount"
