"""A price weighing 100 % leaves no room for any other criterion, hence for no environmental one (rulebook 1.3.8).

Until 1.3.7 a consultation launched after 21/08/2026 with « Pondération prix (%) » at 100 and the
environmental-considerations cell empty was insufficient_data for ENV-10 (environmental award criterion
required) while ENV-12 (price alone) failed it: the checker asked for a cell whose answer the price weight
already gave. ENV-13, the same obligation brought forward for renewable-energy installations, had the same gap.
"""

from __future__ import annotations

from procurement.engine import evaluate
from procurement.model import Order
from procurement.rulebook import load_default

BOOK = load_default()


def findings(**values) -> dict:
    order = Order.model_validate({"id": "CONS-1", "source": {"file": "t"}, "nature": "marche", **values})
    return {f.rule: f for f in evaluate(order, BOOK)}


def test_a_100_percent_price_fails_env10_and_says_why():
    found = findings(launch_date="2026-09-15", price_weight=100, award_criteria="Prix (100 %)")
    assert (found["ENV-10"].status, found["ENV-12"].status) == ("fail", "fail")
    fr, en = found["ENV-10"].message("fr"), found["ENV-10"].message("en")
    assert "pondération du prix : 100\u202f%" in fr, fr
    assert "price weight: 100%" in en, en
    assert found["ENV-10"].measures["price_weight"] == 100


def test_the_message_of_a_failure_without_a_100_percent_price_says_nothing_of_one():
    """The message said « pondération du prix : 60 % — à 100 %, le prix exclut tout autre critère » on every
    failure, whatever the weight (1.3.8); it gives the weight, the rule's « why » gives the reasoning."""
    found = findings(launch_date="2026-09-15", price_weight=60, env_considerations=["clause"])
    fr = found["ENV-10"].message("fr")
    assert found["ENV-10"].status == "fail" and "pondération du prix : 60\u202f%)" in fr, fr
    assert "100" not in fr, fr


def test_a_price_below_100_percent_leaves_the_criterion_unknown():
    found = findings(launch_date="2026-09-15", price_weight=60)
    assert found["ENV-10"].status == "insufficient_data"
    # Both cells that would decide are asked for: the considerations, and the environmental weight (> 0 passes,
    # 0 fails); the weight's `present` leaf once hid it (session 16 review).
    assert found["ENV-10"].missing == ("env_considerations", "env_weight")


def test_declared_considerations_still_decide():
    # A declared criterion beside a 100 % price is the contradiction ENV-12 reports; ENV-10 keeps the declaration.
    declared = findings(launch_date="2026-09-15", price_weight=100, env_considerations=["criterion"])
    assert (declared["ENV-10"].status, declared["ENV-12"].status) == ("pass", "fail")
    assert findings(launch_date="2026-09-15", price_weight=40, env_considerations=["clause"])["ENV-10"].status == "fail"


def test_the_renewables_rule_reads_the_price_the_same_way():
    solar = findings(launch_date="2025-03-01", cpv="09331200", price_weight=100)
    assert solar["ENV-13"].status == "fail"
    assert "pondération du prix : 100\u202f%)" in solar["ENV-13"].message("fr")
    assert findings(launch_date="2025-03-01", cpv="09331200", price_weight=70)["ENV-13"].status == "insufficient_data"
