"""Copies and placeholder ids in DECP inputs (review of session 11):

- a contract published again with an amendment is a copy: the amount compared is the one at notification;
- the JSON reader does not take a second « NC » of a buyer for a republication: « NC » names no contract;
- the Ministry's tables keep an id « MQ » (as « NC »), so its row is scored, not rejected as id-less.
"""

from __future__ import annotations

import json
from pathlib import Path

from procurement.aggregate import aggregate
from procurement.pipeline import run
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader
from procurement.rulebook import load_default

BOOK = load_default()


def _marche(**extra) -> dict:
    return {"id": "2026M001", "acheteur": {"id": "20005480700017"}, "nature": "Marché", "objet": "Logiciels",
            "codeCPV": "48000000", "procedure": "Procédure adaptée", "dureeMois": 12,
            "dateNotification": "2026-03-04", "montant": 200000,
            "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}], **extra}


def _write(tmp_path: Path, *marches: dict) -> Path:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": list(marches)}}), encoding="utf-8")
    return path


def _codes(scored) -> list[str]:
    return [w.code for w in scored.order.warnings if w.code.startswith(("duplicate", "placeholder"))]


def test_a_contract_published_again_with_its_amendment_is_a_copy(tmp_path):
    amended = _marche(modifications=[{"modification": {"id": 1, "montant": 250000, "dureeMois": 12}}])
    result = run([_write(tmp_path, _marche(), amended)], BOOK)
    first, again = list(result.orders)
    assert again.order.amount == 250000 and again.order.initial_amount == 200000
    assert _codes(first) == [] and _codes(again) == ["duplicate_order"]
    assert aggregate(result)["totals"]["orders"] == 1


def test_another_contract_under_the_same_id_is_counted(tmp_path):
    other = _marche(montant=90000, dateNotification="2026-06-01", objet="Maintenance")
    result = run([_write(tmp_path, _marche(), other)], BOOK)
    assert [_codes(s) for s in result.orders] == [[], ["duplicate_id"]]
    assert aggregate(result)["totals"]["orders"] == 2


def test_two_nc_contracts_of_a_buyer_are_not_a_republication(tmp_path):
    path = _write(tmp_path, _marche(id="NC"), _marche(id="NC", montant=5000, objet="Papier"))
    records = list(DecpJsonReader().read(path, ReadOptions(), InputInfo(path=str(path), format="decp-json")))
    assert [[w.code for w in r.warnings if w.code == "duplicate_id"] for r in records] == [[], []]
    result = run([path], BOOK)
    second = list(result.orders)[1]
    assert _codes(second) == ["placeholder_id", "duplicate_id"]
    (warning,) = [w for w in second.order.warnings if w.code == "duplicate_id"]
    assert "comptées" in warning.message_fr  # the pipeline's words: counted, not « republication »


def test_an_mq_id_in_a_ministry_table_is_kept_and_groups_its_rows(tmp_path):
    header = "id;acheteur.id;codeCPV;montant;objet;dateNotification;titulaire_id_1;titulaire_typeIdentifiant_1\n"
    rows = ["MQ;21130055300016;45210000;1000;Voirie A;2024-03-01;44306184100047;SIRET",
            "MQ;21130055300016;45210000;1000;Voirie A;2024-03-01;55210055400013;SIRET"]
    path = tmp_path / "mq.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    (record,) = list(DecpTabularReader().read(path, ReadOptions(), InputInfo(path=str(path), format="decp-csv")))
    assert isinstance(record, RawRecord) and record.cells["id"].value == "MQ"
    assert len(record.source.merged_rows) == 1
    result = run([path], BOOK)
    assert not result.rejected and [_codes(s) for s in result.orders] == [["placeholder_id"]]
