"""An environmental criterion weighted above 0 % is an environmental award criterion, for every rule.

ENV-10 read the template's « Pondération critère environnemental » when the considerations cell was empty
(rulebook 1.3.10), but ENV-01, CARB-01, CARB-03 and SANTE-01 asked for the considerations cell whatever the
weight: a buyer who weighted an environmental criterion at 20 % read ENV-10 « conforme » and, on the same
consultation, ENV-01 « données manquantes : Considérations environnementales ». They now read the weight too
(rulebook 1.3.19), their messages showing it only when it is given (a `[[…]]` part). And ENV-10 failed a cell
saying « Clause environnementale » beside a criterion weighted 20 % (« sans critère d'attribution
environnemental déclaré … pondération du critère environnemental : 20 % », the message contradicting itself;
review): the enrichment adds the criterion to such a cell (origin `computed:env_weight>0`) and warns.

An empty cell is NOT filled in from the weight: the weight says there is a criterion, not whether there is a
clause, and a cell made « Critère environnemental » made ENV-11 (a clause) fail, and `check` exit 1, on an
obligation the buyer had said nothing about (session review). A weight of 0 % changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from procurement.enrich import enrich
from procurement.model import Order, Source
from tests.data.check_s9 import workbook as W


def _order(**values) -> Order:
    return Order(id="C1", source=Source(file="c.csv", row=2), **values)


def test_an_empty_cell_is_not_filled_from_the_weight():
    o = enrich(_order(env_weight=20))
    assert o.env_considerations is None and "env_considerations" not in o.origins and o.warnings == ()


@pytest.mark.parametrize("values", [
    {"env_weight": 0},
    {},
    {"env_weight": 20},
    {"env_weight": 20, "env_considerations": ("criterion", "clause")},
    {"env_weight": 0, "env_considerations": ("none",)},
    {"env_considerations": ("clause",)},
])
def test_declared_criteria_and_zero_weights_are_kept(values):
    o = enrich(_order(**values))
    assert o.env_considerations == values.get("env_considerations")
    assert "env_considerations" not in o.origins and o.warnings == ()


@pytest.mark.parametrize(("declared", "kept"), [(("clause",), ("clause", "criterion")), (("none",), ("criterion",))])
def test_a_weighted_criterion_the_cell_does_not_name_is_added_with_a_warning(declared, kept):
    o = enrich(_order(env_weight=20, env_considerations=declared))
    assert o.env_considerations == kept and o.origins["env_considerations"] == "computed:env_weight>0"
    (w,) = o.warnings
    assert w.code == "env_criterion_undeclared" and w.field == "env_considerations"
    assert w.message_fr.startswith("critère environnemental pondéré à 20\u202f%, mais les considérations")
    assert "ajoutez « Critère environnemental » à la cellule" in w.message_fr
    assert "add “Environmental criterion” to the cell" in w.message_en
    assert enrich(o) == o


# The catering tender: considerations cell empty, environmental criterion weighted 20 %; health and works
# tenders too, for SANTE-01 and CARB-03 (and CARB-01: the works' estimated emissions are above 100 t).
TENDER = {k: v for k, v in W.TENDERS[0].items() if k != "env_considerations"} | {"env_weight": 20, "price_weight": 60}
WORKS = {k: v for k, v in W.TENDERS[1].items() if k != "env_considerations"} | {"env_weight": 15}
CLAUSE = W.TENDERS[2] | {"id": "2026-FOU-022", "env_considerations": "Clause environnementale", "env_weight": 20,
                         "price_weight": 60, "launch_date": dt.date(2026, 9, 2)}
HEALTH = {"id": "2026-SAN-002", "buyer_name": "Direction de la santé", "nature": "Marché",
          "object": "Dispositifs médicaux", "procedure": "Procédure adaptée", "cpv": "33140000", "amount": 90_000,
          "launch_date": dt.date(2026, 9, 20), "place_code": "13001", "lots": 1, "env_weight": 10,
          "price_weight": 50}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    base = tmp_path_factory.mktemp("envw")
    workbook = W.build(base / "c.xlsx", [TENDER, WORKS, HEALTH, CLAUSE], [])
    return W.check(workbook, base / "out")


def _findings(tender: dict) -> dict[str, dict]:
    return {f["rule"]: f for part in ("legal", "indicators", "findings") for f in tender.get(part, [])
            if isinstance(f, dict) and "rule" in f}


def test_check_agrees_with_env10_on_a_weighted_criterion(checked):
    _, data, _ = checked
    tenders = {t["id"]: t for t in data["tenders"]}
    statuses = {tid: {r: f["status"] for r, f in _findings(t).items()} for tid, t in tenders.items()}
    food, works, health = statuses["2026-RES-014"], statuses["2026-TRX-003"], statuses["2026-SAN-002"]
    assert food["ENV-10"] == "pass" and food["ENV-01"] == "pass", food
    assert works["ENV-01"] == "pass" and works["CARB-03"] == "pass" and works["CARB-01"] == "pass", works
    assert health["SANTE-01"] == "pass", health
    clause = statuses["2026-FOU-022"]
    assert clause["ENV-10"] == "pass" and clause["ENV-01"] == "pass", clause
    warned = json.dumps(tenders["2026-FOU-022"], ensure_ascii=False)
    assert "mais les considérations environnementales déclarées n'en citent pas (« Clause environnementale »)" in warned
    for tender in tenders.values():
        for rule in ("ENV-01", "CARB-01", "CARB-03", "SANTE-01", "ENV-10"):
            f = _findings(tender).get(rule, {})
            assert "env_considerations" not in f.get("missing", []), (tender["id"], rule, f)
    # The weight says nothing of a clause: ENV-11 still asks for the cell, and check does not fail on it.
    assert food["ENV-11"] == "insufficient_data", food
    assert _findings(tenders["2026-RES-014"])["ENV-11"]["missing"] == ["env_considerations"]


def test_a_weighted_criterion_passes_env01_and_says_so(tmp_path):
    from procurement.cli import main

    csv = tmp_path / "c.csv"
    csv.write_text("Référence;Nature;Pondération critère environnemental (%);Montant HT\n"
                   "C1;Marché;20;50000\nC2;Marché;0;50000\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["score", str(csv), "--out", str(tmp_path / "out"), "-q", "--format", "json"])
    assert done.value.code == 0
    orders = {o["id"]: o for o in json.loads((tmp_path / "out" / "results.json").read_text())["orders"]}
    env01 = {i: next(f for f in o["findings"] if f["rule"] == "ENV-01") for i, o in orders.items()}
    assert env01["C1"]["status"] == "pass"
    assert [(e["field"], e["op"], e["result"]) for e in env01["C1"]["evidence"]][-1] == ("env_weight", "gt", True)
    assert env01["C1"]["message"] == \
        "Considération environnementale ; pondération du critère environnemental : 20\u202f%."
    assert env01["C2"]["status"] == "insufficient_data"
    assert env01["C2"]["missing"] == ["env_considerations"]
    assert env01["C2"]["message"].startswith("Données manquantes")


def test_weights_above_100_percent_together_are_warned(tmp_path):
    """« Prix 80 % » and an environmental criterion at 40 % were accepted silently (review): one is wrong,
    and ENV-10 and ENV-12 read both as given."""
    from procurement.cli import main

    csv = tmp_path / "c.csv"
    csv.write_text("Référence;Pondération prix (%);Pondération critère environnemental (%);Montant HT\n"
                   "C1;80;40;50000\nC2;80;20;50000\nC3;87,5;12,5;50000\nC4;90;12,5;50000\n"
                   "C5;87,55;12,46;50000\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["score", str(csv), "--out", str(tmp_path / "out"), "-q", "--format", "json"])
    assert done.value.code == 0
    orders = {o["id"]: o for o in json.loads((tmp_path / "out" / "results.json").read_text())["orders"]}
    warned = {i: [w for w in o["warnings"] if w["code"] == "weights_over_100"] for i, o in orders.items()}
    assert [i for i, w in warned.items() if w] == ["C1", "C4", "C5"]
    assert "ensemble (100,01\u202f%)" in warned["C5"][0]["message"]  # not « (100,0 %) » beside « au-delà »
    (c1,), (c4,) = warned["C1"], warned["C4"]
    assert c1["message"] == ("pondérations du prix (80\u202f%) et du critère environnemental (40\u202f%) au-delà de "
                             "100\u202f% ensemble (120\u202f%) : corrigez celle qui est fausse"), c1
    assert c1["column"].startswith("C ") and "(12,5\u202f%)" in c4["message"] and "(102,5\u202f%)" in c4["message"]

