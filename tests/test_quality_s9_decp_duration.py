"""A modification's `dureeMois` of 0 months (or less) keeps the duration known before it, with a warning.

Before, it was applied: a 24-month contract became a 0-month one, silently, in the DECP JSON (2019 and 2024
forms) and in the Ministry's tabular export (`dureeMoisModification`), while a placeholder amount in the
same place was already ignored with a `placeholder_modification` warning. Both now behave the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.model import Order
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader
from procurement.read.headers import column_letter
from procurement.reference import cpv_known
from procurement.validate import validate

DECP = Path(__file__).resolve().parent / "data" / "decp"


def _read(reader, path: Path) -> list[RawRecord]:
    info = InputInfo(path=str(path), format=reader.name)
    records = list(reader.read(path, ReadOptions(), info))
    assert all(isinstance(r, RawRecord) for r in records)
    return records


def _warned(record: RawRecord | Order, code: str) -> list:
    return [w for w in record.warnings if w.code == code]


def _marche_2019(mods: list[dict]) -> dict:
    return {"id": "2019M001", "acheteur": {"id": "20005480700017", "nom": "Métropole"}, "nature": "Marché",
            "objet": "Voirie", "codeCPV": "45233140-2", "procedure": "Procédure adaptée", "dureeMois": 12,
            "dateNotification": "2019-03-04", "datePublicationDonnees": "2019-04-01", "montant": 100000,
            "titulaires": [{"typeIdentifiant": "SIRET", "id": "39210031900038"}], "modifications": mods}


def _mod(day: str, **values: object) -> dict:
    return {"objetModification": "avenant", "dateNotificationModification": day,
            "datePublicationDonneesModification": day, **values}


def _read_json(tmp_path: Path, document: object) -> RawRecord:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (record,) = _read(DecpJsonReader(), path)
    return record


@pytest.mark.parametrize("zero", [0, 0.0, "0", "0,0", " 0 ", -3, "-1"])
def test_a_zero_duration_in_a_json_modification_keeps_the_duration_known_before_it(tmp_path, zero):
    record = _read_json(tmp_path, {"marches": [_marche_2019([_mod("2019-06-01", dureeMois=24),
                                                             _mod("2019-09-01", dureeMois=zero)])]})
    assert record.cells["duration_months"].value == 24
    assert record.cells["duration_months"].column == "marches[0].modifications[0].dureeMois"
    (w,) = _warned(record, "placeholder_modification")
    assert w.field == "duration_months" and w.column == "marches[0].modifications[1].dureeMois"
    assert w.value == str(zero)
    assert "durée nulle ou négative" in w.message_fr and "(24 mois)" in w.message_fr
    assert "zero or negative duration" in w.message_en and "(24 months)" in w.message_en
    # The real change is still reported, from 12 to 24 months.
    (modified,) = [m for m in _warned(record, "modified") if m.field == "duration_months"]
    assert "initial 12" in modified.message_fr and "actuel 24" in modified.message_fr
    order = validate(record, cpv_known)
    assert isinstance(order, Order) and order.duration_months == 24 and order.amount == 100000


def test_a_zero_duration_in_the_only_modification_keeps_the_initial_one_and_the_rest_applies(tmp_path):
    record = _read_json(tmp_path, {"marches": [_marche_2019([_mod("2019-06-01", montant=150000, dureeMois=0)])]})
    order = validate(record, cpv_known)
    assert isinstance(order, Order)
    assert order.duration_months == 12 and order.amount == 150000  # the amount of the same avenant applies
    assert [w.field for w in _warned(order, "placeholder_modification")] == ["duration_months"]
    assert [w.field for w in _warned(order, "modified")] == ["amount"]  # the duration did not change


def test_a_zero_duration_in_a_2024_modification_keeps_the_initial_duration(tmp_path):
    marche = {"id": "2024M001", "acheteur": {"id": "20005480700017"}, "nature": "Marché", "codeCPV": "45233140",
              "procedure": "Procédure adaptée", "dureeMois": 36, "dateNotification": "2024-03-04",
              "montant": 100000, "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}],
              "modifications": [{"modification": {"id": 1, "dureeMois": 0, "montant": 0}}]}
    record = _read_json(tmp_path, {"marches": {"marche": [marche]}})
    assert record.cells["duration_months"].value == 36 and record.cells["amount"].value == 100000
    warnings = _warned(record, "placeholder_modification")
    assert [(w.field, w.column) for w in warnings] == [
        ("amount", "marches.marche[0].modifications[0].modification.montant"),
        ("duration_months", "marches.marche[0].modifications[0].modification.dureeMois")]
    assert "(36 mois)" in warnings[1].message_fr and "(36 months)" in warnings[1].message_en
    assert _warned(record, "modified") == []


def test_a_zero_duration_after_an_unknown_one_says_so(tmp_path):
    marche = _marche_2019([_mod("2019-06-01", dureeMois=0)])
    del marche["dureeMois"]
    record = _read_json(tmp_path, {"marches": [marche]})
    assert "duration_months" not in record.cells
    (w,) = _warned(record, "placeholder_modification")
    assert "(inconnue)" in w.message_fr and "(unknown)" in w.message_en


@pytest.mark.parametrize("months", [1, "1", 48])
def test_a_real_modification_duration_is_still_applied(tmp_path, months):
    record = _read_json(tmp_path, {"marches": [_marche_2019([_mod("2019-06-01", dureeMois=months)])]})
    assert record.cells["duration_months"].value == months and _warned(record, "placeholder_modification") == []


def test_an_unreadable_modification_duration_is_still_applied_and_rejects_its_contract(tmp_path):
    # Not a placeholder: the buyer must see it (as for an unreadable amount in a modification).
    record = _read_json(tmp_path, {"marches": [_marche_2019([_mod("2019-06-01", dureeMois="douze")])]})
    assert record.cells["duration_months"].value == "douze"
    assert validate(record, cpv_known).code == "not_a_number"


# --- the Ministry's tabular exports: dureeMoisModification ------------------------------------------------

HEADER_2019 = (DECP / "augmente_2019_sample.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(";")
DURATION_2019 = column_letter(HEADER_2019.index("dureeMoisModification"))


def _row_2019(**values: str) -> str:
    base = {"id": "2020M01", "acheteur.id": "20005480700017", "codeCPV": "45112500-0", "montant": "45000.0",
            "dureeMois": "12", "dateNotification": "2020-06-18", "datePublicationDonnees": "2020-09-29",
            "titulaire_id_1": "35043845300028", "titulaire_typeIdentifiant_1": "SIRET",
            "titulaire_denominationSociale_1": "TITULAIRE", "booleanModification": "1", **values}
    return ";".join(base.get(h, "") for h in HEADER_2019)


@pytest.mark.parametrize("zero", ["0", "0.0", "-2"])
def test_a_zero_duree_mois_modification_keeps_the_duration_in_the_2019_export(tmp_path, zero):
    path = tmp_path / "augmente_2019.csv"
    path.write_text(";".join(HEADER_2019) + "\n" + _row_2019(dureeMoisModification=zero, montantModification="50000.0")
                    + "\n", encoding="utf-8")
    (record,) = _read(DecpTabularReader(), path)
    assert record.cells["duration_months"].value == "12" and record.cells["amount"].value == "50000.0"
    (w,) = _warned(record, "placeholder_modification")
    assert w.field == "duration_months" and w.column == f"{DURATION_2019} (dureeMoisModification)"
    assert "(12 mois)" in w.message_fr and "(12 months)" in w.message_en
    order = validate(record, cpv_known)
    assert isinstance(order, Order) and order.duration_months == 12 and order.amount == 50000


TABLE_2022 = ("id;acheteur.id;codeCPV;montant;dureeMois;dateNotification;titulaire_id_1;titulaire_typeIdentifiant_1;"
              "idModification;montantModification;dureeMoisModification;dateNotificationModificationModification\n")


def test_a_zero_duree_mois_modification_after_a_real_one_keeps_the_real_one_in_the_2022_export(tmp_path):
    path = tmp_path / "augmente_2022.csv"
    path.write_text(TABLE_2022
                    + "M1;20006810400013;92311000;45155.0;13;2024-12-05;35043845300028;SIRET;1;CDL;24;2025-03-01\n"
                    + "M1;20006810400013;92311000;45155.0;13;2024-12-05;35043845300028;SIRET;2;CDL;0;2025-06-01\n",
                    encoding="utf-8")
    (record,) = _read(DecpTabularReader(), path)
    assert record.cells["duration_months"].value == "24"
    assert record.cells["duration_months"].column == "K2 (dureeMoisModification)"
    (w,) = _warned(record, "placeholder_modification")
    assert w.field == "duration_months" and w.column == "K3 (dureeMoisModification)" and w.value == "0"
    assert validate(record, cpv_known).duration_months == 24


def test_a_contract_whose_avenant_says_zero_months_is_scored_with_its_real_duration(tmp_path):
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [_marche_2019([_mod("2019-06-01", dureeMois=0)])]}), encoding="utf-8")
    result = run([path], load_default())
    assert result.counts == {"rows_read": 1, "orders": 1, "rejected": 0, "merged": 0}
    (scored,) = list(result.orders)
    assert scored.order.duration_months == 12
    assert [w.field for w in scored.order.warnings if w.code == "placeholder_modification"] == ["duration_months"]


@pytest.mark.parametrize("marker", ["NC", "MQ", "CDL", "NaN"])
def test_a_marker_in_a_modification_says_nothing_of_the_value_and_changes_nothing(tmp_path, marker):
    """README: a marker keeps the known value without a warning (the modification says nothing of it),
    where a placeholder 0 says so (placeholder_modification)."""
    record = _read_json(tmp_path, {"marches": [_marche_2019([_mod("2019-06-01", montant=150000),
                                                             _mod("2019-09-01", montant=marker, dureeMois=marker)])]})
    assert record.cells["amount"].value == 150000 and record.cells["duration_months"].value == 12
    assert _warned(record, "placeholder_modification") == []
