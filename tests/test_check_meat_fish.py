"""The template asks the share of EGAlim meat and fish a bid offers, which EGA-05 (rulebook 1.3.0) judges:
without the column a buyer had no place to type it and EGA-05 could only say « données insuffisantes »."""

from __future__ import annotations

import datetime as dt

from tests.test_check import _check, _fill, _load, _template

HEADER = "Part EGAlim viandes et poissons (%)"


def test_the_template_has_the_column_ega05_reads(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(_template(tmp_path / "c.xlsx"))
    assert HEADER in [c.value for c in wb["Offres"][1]]


def test_a_catering_bid_is_judged_on_the_meat_and_fish_share_it_offers(tmp_path):
    tender = {"Identifiant": "2026-RES-030", "Objet": "Restauration scolaire", "Nature": "Marché",
              "Procédure": "Appel d'offres ouvert", "Code CPV": "55523100", "Montant HT": 900_000,
              "Date de lancement": dt.date(2026, 9, 15), "Considérations sociales": "Clause sociale"}
    bids = [{"Identifiant": "R01", "Fournisseur": "Cuisine A", "Montant HT": 880_000, HEADER: 65},
            {"Identifiant": "R02", "Fournisseur": "Cuisine B", "Montant HT": 850_000, HEADER: 40},
            {"Identifiant": "R03", "Fournisseur": "Cuisine C", "Montant HT": 860_000}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], bids)
    _check(str(workbook), "--out", str(tmp_path / "out"))
    (t,) = _load(tmp_path / "out")["tenders"]
    ega05 = {b["id"]: next(f["status"] for f in b["findings"] if f["rule"] == "EGA-05") for b in t["bids"]}
    assert ega05 == {"R01": "pass", "R02": "fail", "R03": "insufficient_data"}
