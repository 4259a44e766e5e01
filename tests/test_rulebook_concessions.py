"""Concession contracts under the Climate and Resilience rules (rulebook 1.3.6), DECP-01 (1.3.7) and DECP-02 (1.3.17).

The code gives concessions articles of their own (third part): the environmental award criterion is
R3124-4 (for L3124-5), the environmental performance condition L3114-2, the social condition above the EU
concessions threshold L3114-2-1. Until 1.3.5 ENV-10, ENV-11 and SOC-10 failed a concession citing only the
public-contract articles (L2152-7, L2112-2, L2112-2-1), and ENV-12 (R2152-7's price-alone ban) and ENV-13
(the 2024 early application, established for public contracts) judged concessions too. Sources: the
rules' legal_ref (weka's copy of R3124-4 and its nota, décret 2022-767 art. 7 and 11).
"""

from __future__ import annotations

import pytest

from procurement.engine import evaluate
from procurement.model import Order
from procurement.rulebook import load_default

BOOK = load_default()
RULES = {r.id: r for r in BOOK.rules}


def findings(**values) -> dict:
    order = Order.model_validate({"id": "DSP-1", "source": {"file": "t"}, **values})
    return {f.rule: f for f in evaluate(order, BOOK)}


CONCESSION = {"launch_date": "2026-09-15", "nature": "concession", "cpv": "60112000", "amount": 30_000_000,
              "env_considerations": ["none"], "social_considerations": ["none"]}


@pytest.mark.parametrize(("rule", "concession_article", "contract_article"), [
    ("ENV-10", "R3124-4", "L2152-7"),
    ("ENV-11", "L3114-2", "L2112-2"),
    ("SOC-10", "L3114-2-1", "L2112-2-1"),
])
def test_a_concession_failing_is_told_its_own_article(rule, concession_article, contract_article):
    finding = findings(**CONCESSION)[rule]
    assert finding.status == "fail"
    for lang in ("fr", "en"):
        message = finding.message(lang)
        assert concession_article in message and contract_article in message, message
    assert "pour une concession" in finding.message("fr") and "for a concession" in finding.message("en")
    articles = [ref.article or "" for ref in RULES[rule].source.legal_ref]
    assert any(concession_article in a for a in articles), articles
    texts = [ref.text for ref in RULES[rule].source.legal_ref if concession_article in (ref.article or "")]
    assert all("concession" in t for t in texts)


def test_a_concession_meeting_the_obligations_passes():
    met = findings(**{**CONCESSION, "env_considerations": ["criterion", "clause"], "social_considerations": ["clause"]})
    assert {r: met[r].status for r in ("ENV-10", "ENV-11", "SOC-10")} == dict.fromkeys(("ENV-10", "ENV-11", "SOC-10"),
                                                                                       "pass")


def test_the_price_alone_ban_and_the_2024_renewables_rule_are_public_contracts_only():
    # R2152-7's single criterion is a public contract's: a concession is awarded on several criteria since 2016
    # (L3124-5, R3124-4), and its environmental criterion is ENV-10's, which fails it here.
    priced = findings(**{**CONCESSION, "price_weight": 100})
    assert priced["ENV-12"].status == "not_applicable"
    assert findings(**{**CONCESSION, "nature": "marche", "price_weight": 100})["ENV-12"].status == "fail"
    # A solar plant conceded in 2025: R3124-4 binds concessions from 2026-08-21 only.
    solar = {"launch_date": "2025-03-01", "cpv": "09331200", "env_considerations": ["none"]}
    assert findings(**solar, nature="concession")["ENV-13"].status == "not_applicable"
    assert findings(**solar, nature="marche")["ENV-13"].status == "fail"


def test_a_concession_below_the_concessions_threshold_owes_no_social_condition():
    small = findings(**{**CONCESSION, "amount": 5_000_000})
    assert small["SOC-10"].status == "not_applicable"
    assert findings(**{**CONCESSION, "amount": 5_404_000})["SOC-10"].status == "fail"


# ---------------------------------------------------------------------------------------------------------
# DECP-01 and DECP-02: a concession's essential data follow R3131-1, not R2196-1
# ---------------------------------------------------------------------------------------------------------


def _concession(valeur: float) -> dict:
    """A 2024-format concession record (official example's shape): signed 01/03/2024, executed from 01/06/2024,
    published 20/05/2024 — before its execution, as R3131-1 asks, but 2.6 months after its signature."""
    return {
        "id": "DSP2024-07", "autoriteConcedante": {"id": "20005480700017"},
        "nature": "Délégation de service public", "objet": "Exploitation du réseau de bus",
        "procedure": "Procédure négociée ouverte", "dureeMois": 84, "dateSignature": "2024-03-01",
        "datePublicationDonnees": "2024-05-20", "dateDebutExecution": "2024-06-01", "valeurGlobale": valeur,
        "montantSubventionPublique": 0,
        "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "44306184100047"}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    }


@pytest.mark.parametrize("valeur", [2_000_000, 30_000])
def test_decp01_does_not_judge_a_concession_on_the_public_contracts_two_months(tmp_path, valeur):
    """Until 1.3.6 the concession above failed DECP-01 (published more than two months after its signature),
    though R3131-1 only asks for publication before execution begins; at 30 000 € it was outside the check only
    because of R2196-1's 40 000 €, which concessions do not have. From 1.3.17 DECP-02 judges it on the start of
    execution it gives (tests/test_decp_concessions_execution.py), whatever its value."""
    import json

    from procurement.pipeline import run

    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"contrat-concession": [_concession(valeur)]}}), encoding="utf-8")
    result = run([path], BOOK)
    (scored,) = result.orders
    assert (scored.order.nature, scored.order.amount) == ("concession", valeur)
    found = {f.rule: f for f in scored.findings}
    assert found["DECP-01"].status == "not_applicable"
    assert found["DECP-02"].status == "pass"  # published 20/05/2024, execution from 01/06/2024
    # A public contract with the same dates still fails: notified 01/03/2024, published after 01/05/2024.
    contract = findings(nature="marche", amount=valeur, notification_date="2024-03-01",
                        publication_date="2024-05-20", published_within_two_months=False)
    assert contract["DECP-01"].status == ("fail" if valeur >= 40_000 else "not_applicable")
    refs = {ref.article: ref for ref in RULES["DECP-02"].source.legal_ref}
    assert "avant le début d'exécution" in refs["R3131-1"].note
