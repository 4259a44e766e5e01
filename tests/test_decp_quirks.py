"""DECP quirks found by review: wrapped modifications, markers inside modifications, idAccordCadre markers,
and the Ministry export's titulaire modification columns. Every file is built here, small and inline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.read.base import Cell, InputInfo, RawRecord, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader


def read(reader, path: Path) -> list[RawRecord]:
    info = InputInfo(path=str(path), format=reader.name)
    records = list(reader.read(path, ReadOptions(), info))
    assert all(isinstance(r, RawRecord) for r in records)
    return records


def values(record: RawRecord) -> dict[str, object]:
    return {f: c.value for f, c in record.cells.items()}


def modified(record: RawRecord) -> dict[str, object]:
    return {w.field: w for w in record.warnings if w.code == "modified"}


def marche_2024(**extra) -> dict:
    return {
        "id": "2024M001", "acheteur": {"id": "20005480700017"}, "nature": "Marché", "objet": "Voirie",
        "codeCPV": "45210000", "techniques": {"technique": ["Sans objet"]}, "procedure": "Procédure adaptée",
        "dureeMois": 12, "dateNotification": "2024-03-04", "montant": 100000,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}], **extra,
    }


def read_2024(tmp_path: Path, *marches: dict) -> list[RawRecord]:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": list(marches)}}), encoding="utf-8")
    return read(DecpJsonReader(), path)


M1 = {"id": 1, "dateNotificationModification": "2024-01-01", "montant": 150000}
M2 = {"id": 2, "dateNotificationModification": "2024-02-01", "montant": 175000, "dureeMois": 18}


# --- 1. modifications wrapped like titulaires --------------------------------------------------


@pytest.mark.parametrize(("mods", "amount", "column"), [
    ({"modification": [M1]}, 150000, "modifications.modification[0].montant"),
    ({"modification": M1}, 150000, "modifications.modification.montant"),
    ([{"modification": [M1, M2]}], 175000, "modifications[0].modification[1].montant"),
    ([{"modification": [M2, M1]}], 175000, "modifications[0].modification[0].montant"),  # id order
    ([[M1], [M2]], 175000, "modifications[1][0].montant"),
    ([{"modification": M1}], 150000, "modifications[0].modification.montant"),  # the schema's form
    ([M1], 150000, "modifications[0].montant"),  # the 2019 form
])
def test_modifications_are_applied_however_wrapped(tmp_path, mods, amount, column):
    (record,) = read_2024(tmp_path, marche_2024(modifications=mods))
    assert values(record)["amount"] == amount
    assert record.cells["amount"].column == "marches.marche[0]." + column
    w = modified(record)["amount"]
    assert "initial 100\u202f000\u202f€" in w.message_fr and f"current €{amount:,}" in w.message_en


def test_wrapped_modification_replaces_the_titulaire(tmp_path):
    new = {"titulaires": {"titulaire": [{"typeIdentifiant": "SIRET", "id": "44306184100047"}]}}
    (record,) = read_2024(tmp_path, marche_2024(modifications={"modification": {"id": 1, **new}}))
    assert values(record)["supplier_siret"] == "44306184100047"
    assert "39210031900038" in modified(record)["supplier_siret"].message_en


# --- 2. a marker in a modification means "not given" -------------------------------------------


@pytest.mark.parametrize("marker", ["NC", "NaN", "MQ", "CDL", "", " nc "])
def test_marker_in_a_json_modification_keeps_the_known_value(tmp_path, marker):
    mod = {"objetModification": "avenant durée", "dateNotificationModification": "2020-09-01",
           "montant": marker, "dureeMois": 24}
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"marches": [{"id": "Q1", "acheteur": {"id": "20005480700017"},
                                             "codeCPV": "45210000", "montant": 100000, "dureeMois": 12,
                                             "modifications": [mod]}]}), encoding="utf-8")
    (record,) = read(DecpJsonReader(), path)
    assert values(record)["amount"] == 100000 and record.cells["amount"].column == "marches[0].montant"
    assert values(record)["duration_months"] == 24  # the rest of the modification still applies
    assert set(modified(record)) == {"duration_months"}


def test_zero_in_a_modification_keeps_the_known_amount_and_a_marker_in_the_base_record_is_kept(tmp_path):
    zero = marche_2024(modifications=[{"modification": {"id": 1, "montant": 0, "dureeMois": "NC"}}])
    base_nc = marche_2024(id="2024M002", montant="NC", valeurGlobale=120000)
    z, nc = read_2024(tmp_path, zero, base_nc)
    # A placeholder 0 applied made the validator turn the amount unknown: the 100 000 known before it stays.
    assert values(z)["amount"] == 100000 and "amount" not in modified(z)
    (w,) = [w for w in z.warnings if w.code == "placeholder_modification"]
    assert w.column == "marches.marche[0].modifications[0].modification.montant"
    assert "(100\u202f000\u202f€)" in w.message_fr
    assert values(z)["duration_months"] == 12 and "duration_months" not in modified(z)
    # As before: the base "NC" is passed to the parser (unknown), not replaced by another key.
    assert values(nc)["amount"] == "NC"


TABLE = ("id;acheteur.id;codeCPV;montant;dureeMois;dateNotification;idAccordCadre;titulaire_id_1;"
         "titulaire_typeIdentifiant_1;titulaire_id_2;titulaire_typeIdentifiant_2;idModification;"
         "montantModification;dureeMoisModification;idTitulaireModification;typeIdentifiantTitulaireModification;"
         "dateNotificationModificationModification\n")


def read_table(tmp_path: Path, *rows: str) -> dict[str, RawRecord]:
    path = tmp_path / "augmente.csv"
    path.write_text(TABLE + "\n".join(rows) + "\n", encoding="utf-8")
    return {r.cells["id"].value: r for r in read(DecpTabularReader(), path)}


def test_marker_in_a_tabular_modification_keeps_the_known_value(tmp_path):
    ids = read_table(
        tmp_path,
        "NC1;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;NC;24;CDL;CDL;"
        "2025-03-01",
        "NC2;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;NaN;MQ;CDL;CDL;"
        "2025-03-01",
        "Z1;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;0;CDL;CDL;CDL;"
        "2025-03-01",
    )
    nc = ids["NC1"]
    assert values(nc)["amount"] == "45155.0" and nc.cells["amount"].column == "D (montant)"
    assert values(nc)["duration_months"] == "24" and set(modified(nc)) == {"duration_months"}
    assert values(ids["NC2"])["amount"] == "45155.0" and values(ids["NC2"])["duration_months"] == "13"
    assert modified(ids["NC2"]) == {}
    z1 = ids["Z1"]  # a placeholder: the amount known before it stays, and the user is told
    assert values(z1)["amount"] == "45155.0" and modified(z1) == {}
    assert [w.column for w in z1.warnings if w.code == "placeholder_modification"] == ["M (montantModification)"]


# --- 3. idAccordCadre markers are no framework -------------------------------------------------


@pytest.mark.parametrize("marker", ["NC", "NaN", "MQ", "CDL", "Sans objet", "SANS OBJET", " "])
def test_id_accord_cadre_marker_does_not_make_a_marche_subsequent(tmp_path, marker):
    (record,) = read_2024(tmp_path, marche_2024(idAccordCadre=marker))
    assert values(record)["nature"] == "Marché" and "framework_id" not in record.cells


def test_a_real_id_accord_cadre_still_makes_a_marche_subsequent(tmp_path):
    json_record, json_nc = read_2024(tmp_path, marche_2024(idAccordCadre="2023-AC-12"),
                                     marche_2024(id="X", idAccordCadre="NC"))
    assert values(json_record)["nature"] == "Marché subséquent"
    assert values(json_nc)["nature"] == "Marché"
    ids = read_table(
        tmp_path,
        "S1;20006810400013;92311000;1000;13;2024-12-05;2023-AC-12;35043845300028;SIRET;CDL;CDL;CDL;CDL;CDL;"
        "CDL;CDL;CDL",
        "S2;20006810400013;92311000;1000;13;2024-12-05;NC;35043845300028;SIRET;CDL;CDL;CDL;CDL;CDL;CDL;CDL;CDL",
        "S3;20006810400013;92311000;1000;13;2024-12-05;Sans objet;35043845300028;SIRET;CDL;CDL;CDL;CDL;CDL;"
        "CDL;CDL;CDL",
    )
    assert values(ids["S1"])["nature"] == "Marché subséquent" and values(ids["S1"])["framework_id"] == "2023-AC-12"
    for key in ("S2", "S3"):
        assert "nature" not in ids[key].cells and "framework_id" not in ids[key].cells


# --- 4. the Ministry export's titulaire modification -------------------------------------------


def test_tabular_titulaire_modification_replaces_the_supplier(tmp_path):
    ids = read_table(
        tmp_path,
        "T1;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;50000.0;CDL;"
        "44306184100047;SIRET;2025-03-01",
        # Two co-titulaires replaced by one: replace, not add.
        "T2;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;39210031900038;SIRET;1;CDL;"
        "CDL;44306184100047;SIRET;2025-03-01",
        "T3;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;CDL;CDL;NC;CDL;"
        "2025-03-01",
        "T4;20006810400013;92311000;45155.0;13;2024-12-05;CDL;35043845300028;SIRET;CDL;CDL;1;CDL;CDL;"
        "35043845300028;SIRET;2025-03-01",
    )
    t1 = ids["T1"]
    assert values(t1)["supplier_siret"] == "44306184100047"
    assert t1.cells["supplier_siret"].column == "O (idTitulaireModification)"
    w = modified(t1)["supplier_siret"]
    assert "initial SIRET 35043845300028" in w.message_en and "current SIRET 44306184100047" in w.message_en
    assert "titulaire modifié" in w.message_fr and set(modified(t1)) == {"amount", "supplier_siret"}
    t2 = ids["T2"]
    assert values(t2)["supplier_siret"] == "44306184100047" and "co_contractors" not in [w.code for w in t2.warnings]
    assert values(ids["T3"])["supplier_siret"] == "35043845300028" and modified(ids["T3"]) == {}
    assert values(ids["T4"])["supplier_siret"] == "35043845300028" and modified(ids["T4"]) == {}


def test_tabular_titulaire_modification_columns_are_used_not_ignored(tmp_path):
    path = tmp_path / "augmente.csv"
    path.write_text(TABLE + "A;20006810400013;92311000;1;1;2024-12-05;CDL;1;SIRET;CDL;CDL;CDL;CDL;CDL;CDL;CDL;CDL\n",
                    encoding="utf-8")
    info = InputInfo(path=str(path), format="decp-csv")
    list(DecpTabularReader().read(path, ReadOptions(), info))
    assert "idTitulaireModification" not in info.ignored_columns
    assert "typeIdentifiantTitulaireModification" not in info.ignored_columns
    assert any(n.startswith("decp_columns:") and "idTitulaireModification" in n for n in info.notes)


@pytest.mark.parametrize(("n", "fr", "en"), [
    (0, "montant modifié (0 modification publiée) :", "amount changed (0 modifications published):"),
    (1, "montant modifié (1 modification publiée) :", "amount changed (1 modification published):"),
    (2, "montant modifié (2 modifications publiées) :", "amount changed (2 modifications published):"),
])
def test_a_modified_value_counts_its_modifications_in_agreed_words(n, fr, en):
    from procurement.read.decp_common import modified_warning

    w = modified_warning("amount", Cell("montant", 1000.0), Cell("montant", 1200.0), n)
    assert w.message_fr.startswith(fr) and w.message_en.startswith(en)
    assert w.message_fr.endswith("initial 1\u202f000\u202f€, actuel 1\u202f200\u202f€")
    assert w.message_en.endswith("initial €1,000, current €1,200")


@pytest.mark.parametrize(("field", "fr", "en"), [
    ("amount", "montant modifié (1 modification publiée) :", "amount changed (1 modification published):"),
    ("duration_months", "durée modifiée (1 modification publiée) :", "duration changed (1 modification published):"),
    ("supplier_siret", "titulaire modifié (1 modification publiée) :",
     "contractor changed (1 modification published):"),
])
def test_a_modified_value_s_participle_agrees_with_its_noun(field, fr, en):
    from procurement.read.decp_common import modified_warning

    w = modified_warning(field, Cell("c", "12"), Cell("c", "24"), 1)
    assert w.message_fr.startswith(fr) and w.message_en.startswith(en)


def test_a_modified_amount_is_written_as_an_amount_in_each_language():
    """« initial 35000.0, actuel 120000.0 »: the file's floats in a French sentence (auditor's review)."""
    from procurement.read.decp_common import modified_warning

    w = modified_warning("amount", Cell("montant", 35000.0), Cell("montant", "120000.50"), 1)
    assert w.message_fr.endswith("initial 35\u202f000\u202f€, actuel 120\u202f000,50\u202f€")
    assert w.message_en.endswith("initial €35,000, current €120,000.50")
    w = modified_warning("amount", None, Cell("montant", "beaucoup"), 1)  # unreadable: as typed, row rejected later
    assert w.message_fr.endswith("initial —, actuel beaucoup") and w.message_en.endswith("current beaucoup")
