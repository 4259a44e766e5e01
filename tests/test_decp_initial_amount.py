"""DECP readers give the procedure rules what they judge: the amount at launch of an amended contract
(`initial_amount`, kept beside the current amount), and the regime of a defence or security contract even
when it is a framework agreement or a call-off.

Before, the readers applied the modifications and kept the initial amount only in a warning's text, so
PROC-03 judged a contract raised by amendment above the EU threshold as if it had been launched there;
and « Marché de défense ou de sécurité » with `techniques` « Accord-cadre » became a plain framework
agreement, under the Climate and Resilience rules the law excludes it from.
"""

from __future__ import annotations

import json
from pathlib import Path

from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader
from procurement.rulebook import load_default
from procurement.validate import validate


def _read(reader, path: Path) -> list[RawRecord]:
    records = list(reader.read(path, ReadOptions(), InputInfo(path=str(path), format=reader.name)))
    assert all(isinstance(r, RawRecord) for r in records)
    return records


def _marche(**extra) -> dict:
    return {"id": "2026M001", "acheteur": {"id": "20005480700017"}, "nature": "Marché", "objet": "Logiciels",
            "codeCPV": "48000000", "techniques": {"technique": ["Sans objet"]}, "procedure": "Procédure adaptée",
            "dureeMois": 12, "dateNotification": "2026-03-04", "montant": 200000,
            "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}], **extra}


def _json(tmp_path: Path, marche: dict) -> Order:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": [marche]}}), encoding="utf-8")
    (record,) = _read(DecpJsonReader(), path)
    order = validate(record)
    assert isinstance(order, Order)
    return order


def _verdict(order: Order, rule: str) -> str:
    (f,) = [f for f in evaluate(enrich(order), load_default()) if f.rule == rule]
    return f.status


def test_an_amended_amount_keeps_the_initial_one_for_the_thresholds_json(tmp_path):
    raised = {"modifications": [{"modification": {"id": 1, "montant": 250000,
                                                  "dateNotificationModification": "2026-09-01"}}]}
    order = _json(tmp_path, _marche(**raised))
    assert order.amount == 250000 and order.initial_amount == 200000
    # an adapted procedure launched at 200 000 € (under 221 000 €), raised by amendment: not a procedure fault
    assert _verdict(order, "PROC-03") == "not_applicable"
    plain = _json(tmp_path, _marche(montant=250000))
    assert plain.initial_amount is None and _verdict(plain, "PROC-03") == "fail"


def test_an_unchanged_amount_adds_no_initial_amount(tmp_path):
    same = {"modifications": [{"modification": {"id": 1, "montant": 200000, "dureeMois": 18}}]}
    order = _json(tmp_path, _marche(**same))
    assert order.amount == 200000 and order.initial_amount is None and order.duration_months == 18


def test_an_amended_amount_keeps_the_initial_one_in_a_table(tmp_path):
    path = tmp_path / "decpinfo.csv"
    path.write_text("uid;id;acheteur_id;codeCPV;montant;dateNotification;titulaire_id;modification_id;donneesActuelles\n"
                    "U1;1;20005480700017;48000000;200000;2026-03-04;39210031900038;0;non\n"
                    "U1;1;20005480700017;48000000;250000;2026-09-01;39210031900038;1;oui\n", encoding="utf-8")
    (record,) = _read(DecpTabularReader(), path)
    assert record.cells["amount"].value == "250000" and record.cells["initial_amount"].value == "200000"
    assert record.cells["initial_amount"].column.startswith("E")  # the initial version's montant


def test_a_defence_framework_agreement_keeps_its_regime(tmp_path):
    defence = _marche(nature="Marché de défense ou de sécurité", techniques={"technique": ["Accord-cadre"]},
                      idAccordCadre="AC-2025-01")
    order = _json(tmp_path, defence)
    assert order.nature == "marche_defense_securite"
    ordinary = _json(tmp_path, _marche(techniques={"technique": ["Accord-cadre"]}))
    assert ordinary.nature == "accord_cadre"
    call_off = _json(tmp_path, _marche(idAccordCadre="AC-2025-01"))
    assert call_off.nature == "marche_subsequent"
