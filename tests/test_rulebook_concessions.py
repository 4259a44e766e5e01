"""Concession contracts under the Climate and Resilience rules (rulebook 1.3.6).

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
