"""DECP 2019 format: the versions of one marché published as records of their own are one contract.

A 2019-format id is the year, the buyer's internal number and a 2-digit modification number ('00', then
'01' after a first modification...: arrêté du 14 avril 2017, schema v1.5). PES Marché publishes each
version as a record: the sample's « 2019A01500 » to « 2019A01504 » (Ville de Dunkerque, 208 230,34 €
each) were five contracts, their amount added five times to the buyer's and the month's totals.
"""

from __future__ import annotations

import json
from pathlib import Path

from procurement.aggregate import aggregate
from procurement.model import Rejection
from procurement.pipeline import run
from procurement.read.base import InputInfo, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.rulebook import load_default

ROOT = Path(__file__).resolve().parents[1]
PES = ROOT / "samples" / "decp-2019-pes-extrait.json"
BUYER = {"id": "21130055300016", "nom": "VILLE DE MARSEILLE"}


def read(path: Path):
    info = InputInfo(path=str(path), format="decp-json")
    records = list(DecpJsonReader().read(path, ReadOptions(), info))
    return [r for r in records if not isinstance(r, Rejection)], info


def marche(ident: str, montant: float, objet: str = "Réfection de la toiture du gymnase", **extra) -> dict:
    rec = {"id": ident, "acheteur": BUYER, "nature": "Marché", "objet": objet, "codeCPV": "45261210-9",
           "procedure": "Procédure adaptée", "dureeMois": 6, "dateNotification": "2019-03-04",
           "datePublicationDonnees": "2019-03-20", "montant": montant,
           "titulaires": [{"typeIdentifiant": "SIRET", "id": "44306184100047", "denominationSociale": "X"}],
           "modifications": []}
    rec.update(extra)
    return rec


def write(tmp_path: Path, records: list[dict], envelope: str = "2019") -> Path:
    path = tmp_path / "decp.json"
    data = {"marches": records} if envelope == "2019" else {"marches": {"marche": records}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_versions_of_the_sample_are_one_contract_each():
    records, info = read(PES)
    ids = [r.cells["id"].value for r in records]
    assert [i for i in ids if i.startswith("2019A015")] == ["2019A01504"]  # 00 to 03 folded into 04
    kept = next(r for r in records if r.cells["id"].value == "2019A01504")
    assert kept.source.merged_rows == (12, 15, 20, 22)
    w = next(w for w in kept.warnings if w.code == "versions_merged")
    assert "00, 01, 02, 03" in w.message_fr and "version 04" in w.message_fr and "version 04" in w.message_en
    assert info.rows_read == len(records) + sum(len(r.source.merged_rows) for r in records) == 60
    # Lots of one operation have different objets, and different internal numbers: never folded.
    assert {"2018AOO0041/0200", "2018AOO0041/0300", "2018AOO0041/0400"} <= set(ids)


def test_the_summary_counts_each_contract_once():
    agg = aggregate(run([PES], load_default()))
    dunkerque = next(b for b in agg["buyers"] if b["buyer"] == "VILLE DE DUNKERQUE - PRINCIPAL")
    # 20 records, of which 7 earlier versions (2019A015 00-03, A016 00, A020 00, A021 00).
    assert dunkerque["orders"] == 13
    assert round(dunkerque["amount"], 2) == 1453570.72
    assert round(agg["totals"]["amount"], 2) == 10614689.16  # was 12 170 618,44 with every version added


def test_a_modified_amount_keeps_the_first_version_as_initial(tmp_path):
    path = write(tmp_path, [marche("2019TX1200", 100000), marche("2019TX1201", 130000)])
    records, info = read(path)
    assert len(records) == 1 and info.rows_read == 2 and records[0].source.merged_rows == (1,)
    cells = records[0].cells
    assert cells["id"].value == "2019TX1201" and cells["amount"].value == 130000
    assert cells["initial_amount"].value == 100000 and cells["initial_amount"].column == "marches[0].montant"
    # Scored on the value at launch: 100 000 € of works in a MAPA, not the amended 130 000 €.
    result = run([path], load_default())
    assert len(result.orders) == 1
    order = result.orders[0].order
    assert order.amount == 130000 and order.initial_amount == 100000


def test_versions_in_any_order_keep_the_latest(tmp_path):
    path = write(tmp_path, [marche("2019TX1202", 140000), marche("2019TX1200", 100000),
                            marche("2019TX1201", 130000)])
    records, _ = read(path)
    assert [r.cells["id"].value for r in records] == ["2019TX1202"]
    assert records[0].source.merged_rows == (2, 3)
    assert records[0].cells["initial_amount"].value == 100000


def test_sequential_numbers_with_other_objets_stay_apart(tmp_path):
    # Région Bretagne numbers its contracts 202190002, 202190003...: other contracts, other objets.
    path = write(tmp_path, [marche("202190002", 170680.96, "MS 2021-90002 TRAVAUX PPMS LYCEE DUPUY DE LOME"),
                            marche("202190003", 172415.51, "MS 2021-90003 TRAVAUX PPMS LYCEE COLBERT")])
    records, _ = read(path)
    assert len(records) == 2 and all(not r.source.merged_rows for r in records)


def _holder(siret: str) -> list[dict]:
    return [{"typeIdentifiant": "SIRET", "id": siret, "denominationSociale": "Titulaire " + siret[:3]}]


def test_same_objet_and_day_with_other_titulaires_are_two_contracts(tmp_path):
    # SDIS du Nord, data.gouv.fr_pes.json: 2018178 and 2018179, fuel cards, notified the same day, 200 000 €
    # and 2 000 000 € to two suppliers. Read as versions 78 and 79 of « 20181 », the first was lost and its
    # amount became the second's initial one (PROC-03 then said « sans objet » for a 2 M€ purchase).
    fuel = "Fourniture de carburant par cartes accréditives"
    path = write(tmp_path, [marche("2018178", 200000, fuel, titulaires=_holder("78013017514035")),
                            marche("2018179", 2000000, fuel, titulaires=_holder("53168044500024"))])
    records, _ = read(path)
    assert sorted(r.cells["id"].value for r in records) == ["2018178", "2018179"]
    assert all(not r.source.merged_rows and "initial_amount" not in r.cells for r in records)
    assert not any(w.code == "versions_merged" for r in records for w in r.warnings)
    # A version sharing a titulaire with one of them (a co-contractor added) is folded into it; one naming
    # none, beside two contracts, belongs to neither as far as the file says.
    path = write(tmp_path, [marche("2018178", 200000, fuel, titulaires=_holder("78013017514035")),
                            marche("2018179", 2000000, fuel, titulaires=_holder("53168044500024")),
                            marche("2018180", 2100000, fuel, titulaires=_holder("53168044500024")
                                   + _holder("44306184100047")),
                            marche("2018181", 2100000, fuel, titulaires=[])])
    records, _ = read(path)
    kept = {r.cells["id"].value: r.source.merged_rows for r in records}
    assert kept == {"2018178": (), "2018180": (2,), "2018181": ()}
    # Beside one contract, it is a version of that contract.
    records, _ = read(write(tmp_path, [marche("2018179", 2000000, fuel, titulaires=_holder("53168044500024")),
                                       marche("2018181", 2100000, fuel, titulaires=[])]))
    assert [(r.cells["id"].value, r.source.merged_rows) for r in records] == [("2018181", (1,))]


def test_other_buyers_and_the_2024_format_stay_apart(tmp_path):
    other = dict(BUYER, id="20005480700017")
    records, _ = read(write(tmp_path, [marche("2019TX1200", 100000), marche("2019TX1201", 130000, acheteur=other)]))
    assert len(records) == 2
    # The 2024 format keeps its modifications inside the record: its ids follow no such convention.
    records, _ = read(write(tmp_path, [marche("2024TX1200", 100000), marche("2024TX1201", 130000)], "2024"))
    assert len(records) == 2


def test_copies_of_one_version_are_left_to_the_pipeline(tmp_path):
    # The same version published twice is a copy (`duplicate_order`), not a version.
    records, _ = read(write(tmp_path, [marche("2019TX1200", 100000), marche("2019TX1200", 100000)]))
    assert len(records) == 2 and all(not r.source.merged_rows for r in records)


# ---------------------------------------------------------------------------------------------------------
# DECP tables: a version marked superseded (donneesActuelles = non) under an id of its own
# ---------------------------------------------------------------------------------------------------------

TABLE_HEAD = "id;acheteur_id;objet;codeCPV;montant;dateNotification;donneesActuelles\n"


def _table(tmp_path: Path, rows: list[str]) -> tuple[list, InputInfo]:
    from procurement.read.decp_tabular import DecpTabularReader

    path = tmp_path / "decp.csv"
    path.write_text(TABLE_HEAD + "".join(r + "\n" for r in rows), encoding="utf-8")
    info = InputInfo(path=str(path), format="decp-csv")
    return list(DecpTabularReader().read(path, ReadOptions(), info)), info


def test_a_superseded_version_is_folded_into_the_latest_the_table_holds(tmp_path):
    records, info = _table(tmp_path, [
        "2019A01500;21590183000012;Maintenance des ascenseurs;50700000;208230,34;2019-01-10;non",
        "2019A01501;21590183000012;Maintenance des ascenseurs;50700000;208230,34;2019-01-10;non",
        "2019A01502;21590183000012;Maintenance des ascenseurs;50700000;215000,00;2019-01-10;oui",
    ])
    assert info.rows_read == 3 and len(records) == 1
    (kept,) = records
    assert kept.cells["id"].value == "2019A01502" and kept.source.merged_rows == (2, 3)
    assert kept.cells["initial_amount"].value == "208230,34"  # the first version's: the value at launch
    folded = next(w for w in kept.warnings if w.code == "versions_merged")
    assert "00, 01" in folded.message_fr


def test_a_superseded_version_whose_latest_is_not_in_the_table_stays_with_its_warning(tmp_path):
    records, _ = _table(tmp_path, [
        "2019A01500;21590183000012;Maintenance des ascenseurs;50700000;208230,34;2019-01-10;non",
        "2019A01700;21590183000012;Nettoyage des locaux;50700000;12000,00;2019-02-10;oui",
    ])
    assert [r.cells["id"].value for r in records] == ["2019A01500", "2019A01700"]
    assert "superseded_version" in [w.code for w in records[0].warnings]


def test_unmarked_ids_ending_alike_stay_apart(tmp_path):
    """A 2022-format id may end in two digits by chance: only versions the table marks are folded."""
    records, _ = _table(tmp_path, [
        "202300012;21590183000012;Fourniture de repas;50700000;50000,00;2023-01-10;oui",
        "202300013;21590183000012;Fourniture de repas;50700000;60000,00;2023-02-10;oui",
        "202300014;21590183000012;Fourniture de repas;50700000;70000,00;2023-03-10;",
    ])
    assert len(records) == 3


def test_a_rejected_latest_version_keeps_the_row_balance(tmp_path):
    """The latest version rejected (a negative amount) takes its earlier versions with it: they are merged
    into the rejection. The balance check raised « row accounting broken » (2 = 0 + 1 + 0)."""
    path = write(tmp_path, [marche("2019TX1200", 100000), marche("2019TX1201", -5)])
    result = run([path], load_default())
    assert result.counts == {"rows_read": 2, "orders": 0, "rejected": 1, "merged": 1}


def test_a_rejected_contract_of_a_table_keeps_the_row_balance(tmp_path):
    path = tmp_path / "decp.csv"
    path.write_text(TABLE_HEAD + "".join(r + "\n" for r in [
        "2019A01500;21590183000012;Maintenance des ascenseurs;50700000;208230,34;2019-01-10;non",
        "2019A01501;21590183000012;Maintenance des ascenseurs;50700000;-1,00;2019-01-10;oui",
    ]), encoding="utf-8")
    result = run([path], load_default())
    assert result.counts == {"rows_read": 2, "orders": 0, "rejected": 1, "merged": 1}
