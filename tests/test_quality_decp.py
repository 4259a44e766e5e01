"""Data-quality review of the DECP readers: a placeholder amount in a modification keeps the amount known
before it, the 2019 Ministry export's `titulairesModification` is read, DECP shares are fractions.

Before, a modification's 0 replaced the amount and the validator then made it unknown (the contract lost
its real amount), and `titulairesModification` was an ignored column (a change of contractor was lost).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.model import Order
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_common import FractionCell
from procurement.read.decp_holders import holders_in_text
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader
from procurement.reference import cpv_known
from procurement.validate import validate

DECP = Path(__file__).resolve().parent / "data" / "decp"


def read(reader, path: Path) -> tuple[list[RawRecord], InputInfo]:
    info = InputInfo(path=str(path), format=reader.name)
    records = list(reader.read(path, ReadOptions(), info))
    assert all(isinstance(r, RawRecord) for r in records)
    return records, info


def codes(record: RawRecord | Order) -> list[str]:
    return [w.code for w in record.warnings]


def warned(record: RawRecord | Order, code: str):
    (w,) = [w for w in record.warnings if w.code == code]
    return w


def marche_2019(mods: list[dict], montant: object = 100000) -> dict:
    return {"id": "2019M001", "acheteur": {"id": "20005480700017", "nom": "Métropole"}, "nature": "Marché",
            "objet": "Voirie", "codeCPV": "45233140-2", "procedure": "Procédure adaptée", "dureeMois": 12,
            "dateNotification": "2019-03-04", "datePublicationDonnees": "2019-04-01", "montant": montant,
            "titulaires": [{"typeIdentifiant": "SIRET", "id": "39210031900038"}], "modifications": mods}


def read_2019(tmp_path: Path, marche: dict) -> RawRecord:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [marche]}), encoding="utf-8")
    (record,), _ = read(DecpJsonReader(), path)
    return record


def mod(montant: object, day: str, **extra: object) -> dict:
    return {"objetModification": "avenant", "dateNotificationModification": day,
            "datePublicationDonneesModification": day, "montant": montant, **extra}


# --- 3. a placeholder amount in a modification -----------------------------------------------------------


@pytest.mark.parametrize("placeholder", [0, 0.0, "0", "0,00", 99999999, "999 999 999", 1e17])
def test_a_placeholder_modification_amount_keeps_the_last_real_amount_json(tmp_path, placeholder):
    record = read_2019(tmp_path, marche_2019([mod(150000, "2019-06-01"), mod(placeholder, "2019-09-01")]))
    assert record.cells["amount"].value == 150000
    assert record.cells["amount"].column == "marches[0].modifications[0].montant"
    w = warned(record, "placeholder_modification")
    assert w.column == "marches[0].modifications[1].montant" and w.field == "amount"
    # the amount kept written as the messages write amounts (session 18), not the file's « 150000 »
    assert "(150\u202f000\u202f€)" in w.message_fr and "(€150,000)" in w.message_en
    modified = warned(record, "modified")  # the real change is still reported
    assert "initial 100\u202f000\u202f€, actuel 150\u202f000\u202f€" in modified.message_fr
    order = validate(record, cpv_known)
    assert isinstance(order, Order) and order.amount == 150000 and "placeholder_amount" not in codes(order)


def test_a_placeholder_in_the_only_modification_keeps_the_initial_amount(tmp_path):
    record = read_2019(tmp_path, marche_2019([mod(0, "2019-06-01", dureeMois=18)]))
    order = validate(record, cpv_known)
    assert order.amount == 100000 and order.duration_months == 18  # the rest of the avenant applies
    assert codes(order).count("placeholder_modification") == 1


def test_a_placeholder_after_an_unknown_amount_says_so(tmp_path):
    record = read_2019(tmp_path, marche_2019([mod(0, "2019-06-01")], montant=None))
    assert "amount" not in record.cells
    w = warned(record, "placeholder_modification")
    assert "(inconnu)" in w.message_fr and "(unknown)" in w.message_en


def test_a_real_modification_amount_is_still_applied(tmp_path):
    record = read_2019(tmp_path, marche_2019([mod(0.5, "2019-06-01")]))  # tiny, but not a placeholder
    assert record.cells["amount"].value == 0.5 and "placeholder_modification" not in codes(record)


TABLE_2019 = (DECP / "augmente_2019_sample.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(";")


def row_2019(**values: str) -> str:
    base = {"id": "2020M01", "acheteur.id": "20005480700017", "codeCPV": "45112500-0", "montant": "45000.0",
            "dureeMois": "12", "dateNotification": "2020-06-18", "datePublicationDonnees": "2020-09-29",
            "titulaire_id_1": "35043845300028", "titulaire_typeIdentifiant_1": "SIRET",
            "titulaire_denominationSociale_1": "ANCIEN TITULAIRE", "booleanModification": "0", **values}
    return ";".join(base.get(h, "") for h in TABLE_2019)


def read_augmente_2019(tmp_path: Path, *rows: str) -> tuple[dict[str, RawRecord], InputInfo]:
    path = tmp_path / "augmente_2019.csv"
    path.write_text(";".join(TABLE_2019) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    records, info = read(DecpTabularReader(), path)
    return {r.cells["id"].value: r for r in records}, info


def test_a_placeholder_montant_modification_keeps_the_amount_in_the_2019_export(tmp_path):
    ids, _ = read_augmente_2019(tmp_path, row_2019(booleanModification="1", montantModification="0.0"))
    record = ids["2020M01"]
    assert record.cells["amount"].value == "45000.0" and "modified" not in codes(record)
    assert warned(record, "placeholder_modification").column == "AZ (montantModification)"


DECP_INFO = "uid;id;acheteur_id;codeCPV;montant;dateNotification;titulaire_id;modification_id;donneesActuelles\n"


def test_a_placeholder_montant_in_the_current_version_keeps_the_latest_real_one(tmp_path):
    path = tmp_path / "decpinfo.csv"
    path.write_text(DECP_INFO
                    + "U1;1;20005480700017;45210000;100000;2024-03-04;35043845300028;0;non\n"
                    + "U1;1;20005480700017;45210000;130000;2024-06-04;35043845300028;1;non\n"
                    + "U1;1;20005480700017;45210000;0;2024-09-04;35043845300028;2;oui\n"
                    + "U2;2;20005480700017;45210000;0;2024-03-04;35043845300028;0;oui\n", encoding="utf-8")
    records, _ = read(DecpTabularReader(), path)
    u1, u2 = records
    assert u1.cells["amount"].value == "130000" and u1.cells["amount"].column == "E3 (montant)"
    w = warned(u1, "placeholder_modification")
    assert w.column == "E4 (montant)" and "(130\u202f000\u202f€)" in w.message_fr
    assert "initial 100\u202f000\u202f€" in warned(u1, "modified").message_fr
    assert validate(u1, cpv_known).amount == 130000
    # Alone, a placeholder is still the validator's business: unknown, with its own warning.
    assert u2.cells["amount"].value == "0" and "placeholder_modification" not in codes(u2)
    assert "placeholder_amount" in codes(validate(u2, cpv_known))


# --- 4. the 2019 export's titulairesModification -------------------------------------------------------


@pytest.mark.parametrize("cell", [
    "[{'typeIdentifiant': 'SIRET', 'id': '44306184100047', 'denominationSociale': 'NOUVEAU TITULAIRE'}]",
    '[{"typeIdentifiant": "SIRET", "id": "44306184100047", "denominationSociale": "NOUVEAU TITULAIRE"}]',
    "[{'titulaire': {'typeIdentifiant': 'SIRET', 'id': '44306184100047', 'denominationSociale': "
    "'NOUVEAU TITULAIRE'}}]",
    "{'typeIdentifiant': 'SIRET', 'id': '44306184100047', 'denominationSociale': 'NOUVEAU TITULAIRE'}",
    # nested as the 2019 JSON titulaires sometimes are (notes §8.3: [[{...}]])
    "[[{'typeIdentifiant': 'SIRET', 'id': '44306184100047', 'denominationSociale': 'NOUVEAU TITULAIRE'}]]",
])
def test_titulaires_modification_replaces_the_supplier(tmp_path, cell):
    ids, info = read_augmente_2019(tmp_path, row_2019(booleanModification="1", titulairesModification=cell))
    record = ids["2020M01"]
    assert record.cells["supplier_siret"].value == "44306184100047"
    assert record.cells["supplier_siret"].column == "AX (titulairesModification)"
    assert record.cells["supplier_name"].value == "NOUVEAU TITULAIRE"
    w = warned(record, "modified")
    assert w.field == "supplier_siret" and "35043845300028" in w.message_fr and "44306184100047" in w.message_fr
    assert "titulairesModification" not in info.ignored_columns


def test_titulaires_modification_lists_every_new_co_contractor(tmp_path):
    cell = ("[{'typeIdentifiant': 'SIRET', 'id': '44306184100047', 'denominationSociale': \"L'ENTREPRISE\"}, "
            "{'typeIdentifiant': 'TVA', 'id': 'IT01234567890', 'denominationSociale': 'ITALIA SPA'}]")
    ids, _ = read_augmente_2019(tmp_path, row_2019(booleanModification="1", titulairesModification=cell))
    record = ids["2020M01"]
    assert record.cells["supplier_siret"].value == "44306184100047"
    assert record.cells["supplier_name"].value == "L'ENTREPRISE"
    assert "IT01234567890" in warned(record, "co_contractors").message_fr


@pytest.mark.parametrize("cell", ["[{'id': '4430618410", "[{'id': nan}]", "[1, 2]", "[" * 300 + "]" * 299,
                                  "[{'id': '" + "9" * 200_000 + "'}]"])
def test_unreadable_titulaires_modification_keeps_the_supplier_and_warns(tmp_path, cell):
    ids, _ = read_augmente_2019(tmp_path, row_2019(booleanModification="1", titulairesModification=cell))
    record = ids["2020M01"]
    assert record.cells["supplier_siret"].value == "35043845300028" and "modified" not in codes(record)
    w = warned(record, "unreadable_holders")
    assert w.column == "AX (titulairesModification)" and "gardés" in w.message_fr


@pytest.mark.parametrize("cell", ["", "[]", "[[], [[]]]", "MQ", "CDL", "NC",
                                  "[{'typeIdentifiant': 'SIRET', 'id': '35043845300028'}]"])
def test_an_empty_or_unchanged_titulaires_modification_changes_nothing(tmp_path, cell):
    ids, _ = read_augmente_2019(tmp_path, row_2019(booleanModification="1", titulairesModification=cell))
    record = ids["2020M01"]
    assert record.cells["supplier_siret"].value == "35043845300028"
    assert not {"modified", "unreadable_holders"} & set(codes(record))


def test_holders_in_text_reads_a_bare_identifier_and_never_evaluates_code():
    assert holders_in_text("44306184100047") == [("44306184100047", None, None)]
    assert holders_in_text("[{'id': 'A'}, [{'titulaire': [{'id': 'B', 'nom': 'b'}]}], {'id': 'C'}]") == [
        ("A", None, None), ("B", None, "b"), ("C", None, None)]  # in the order written
    assert holders_in_text("[" * 30_000 + "]" * 30_000) is None
    assert holders_in_text("[__import__('os').system('true')]") is None  # literal_eval refuses calls
    assert holders_in_text("[{'id': None, 'denominationSociale': None}]") == []


def test_the_real_2019_export_reads_as_before(tmp_path):
    # Its titulairesModification cells are all empty: nothing changes, nothing is warned.
    records, info = read(DecpTabularReader(), DECP / "augmente_2019_sample.csv")
    assert len(records) == 9 and not {"unreadable_holders", "placeholder_modification"} & {
        c for r in records for c in codes(r)}
    assert "titulairesModification" not in info.ignored_columns


# --- 5. DECP shares are fractions -----------------------------------------------------------------------


def test_decp_shares_are_read_as_fractions_without_a_warning(tmp_path):
    record = read_2019(tmp_path, {**marche_2019([]), "origineFrance": 1.0, "origineUE": 1})
    assert isinstance(record.cells["origin_france"], FractionCell)
    order = validate(record, cpv_known)
    assert order.origin_france == 100.0 and order.origin_eu == 100.0
    assert "ambiguous_percent" not in codes(order)
    ids, _ = read_augmente_2019(tmp_path, row_2019(origineFrance="1.0", origineUE="0.5"))
    order = validate(ids["2020M01"], cpv_known)
    assert order.origin_france == 100.0 and order.origin_eu == 50.0 and "ambiguous_percent" not in codes(order)
