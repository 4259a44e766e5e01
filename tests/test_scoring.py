"""Scores on hand-computed cases: 100 × Σw(pass) / Σw(pass + fail), completeness apart."""

from __future__ import annotations

import pytest

from procurement.engine import evaluate
from procurement.model import Order
from procurement.rulebook import loads_rulebook
from procurement.scoring import score, score_order


def rule(rid: str, chantiers: str, weight: float, kind: str = "kpi", field: str = "lots") -> str:
    legal = "\n    legal_ref: [{text: Code, confidence: verified}]" if kind == "legal" else ""
    return f"""\
  - id: {rid}
    title: {{fr: T, en: T}}
    message: {{fr: F, en: F}}
    chantiers: {chantiers}
    kind: {kind}
    severity: warning
    weight: {weight}
    why: {{fr: P, en: W}}
    advice: {{fr: C, en: A}}{legal}
    applies_when: {{field: nature, op: not_equals, value: offre}}
    require: {{field: {field}, op: gte, value: 1}}
"""


# Five rules. With lots=1, duration_months=0 and amount unknown:
#   AAA-01 chantiers 1,2  weight 2  lots>=1             pass
#   AAA-02 chantier 2     weight 1  duration_months>=1  fail
#   AAA-03 chantier 2     weight 3  amount>=1           insufficient_data
#   LEG-01 chantier 3     weight 1  legal, duration>=1  fail
#   AAA-04 chantier 8     weight 5  offers_received     insufficient_data
BOOK = loads_rulebook(
    "id: s\nversion: 1.0.0\ntitle: {fr: S, en: S}\nrules:\n"
    + rule("AAA-01", "[1, 2]", 2)
    + rule("AAA-02", "[2]", 1, field="duration_months")
    + rule("AAA-03", "[2]", 3, field="amount")
    + rule("LEG-01", "[3]", 1, kind="legal", field="duration_months")
    + rule("AAA-04", "[8]", 5, field="offers_received"),
    tables={},
)


def scored(**values):
    o = Order.model_validate({"id": "X", "source": {"file": "t"}, "nature": "marche", **values})
    return score(evaluate(o, BOOK))


def test_hand_computed_scores():
    s = scored(lots=1, duration_months=0)
    assert s.overall == pytest.approx(100 * 2 / (2 + 1 + 1))  # 50.0: pass AAA-01 (2) / 2 + 1 + 1
    assert s.by_chantier[1] == 100.0
    assert s.by_chantier[2] == pytest.approx(100 * 2 / 3)  # AAA-03 unknown is not counted
    assert s.by_chantier[3] == 0.0
    assert s.by_chantier[8] is None  # nothing evaluated: no score, neither 0 nor 100
    assert s.by_chantier[5] is None  # no rule at all
    assert s.completeness == pytest.approx(3 / 5)
    assert s.completeness_by_chantier[2] == pytest.approx(2 / 3)
    assert s.completeness_by_chantier[8] == 0.0
    assert s.counts == {"pass": 1, "fail": 2, "not_applicable": 0, "insufficient_data": 2}
    assert s.counts_by_kind["legal"] == {"pass": 0, "fail": 1, "not_applicable": 0, "insufficient_data": 0}
    assert s.counts_by_kind["kpi"]["insufficient_data"] == 2
    assert s.legal_failures == ["LEG-01"]
    assert s.missing == {"AAA-03": ["amount"], "AAA-04": ["offers_received"]}


def test_not_applicable_rules_do_not_count():
    s = scored(nature="offre", lots=1)
    assert s.overall is None and s.completeness is None
    assert s.counts["not_applicable"] == 5


def test_all_pass_and_all_unknown():
    s = scored(lots=1, duration_months=2, amount=10, offers_received=3)
    assert s.overall == 100.0 and s.completeness == 1.0 and s.legal_failures == []
    s = scored()
    assert s.overall is None and s.completeness == 0.0
    assert all(v is None for v in s.by_chantier.values())


def test_weights_matter():
    # lots pass (2), duration fail (1 + legal 1), amount pass (3), offers fail (5)
    s = scored(lots=1, duration_months=0, amount=5, offers_received=0)
    assert s.overall == pytest.approx(100 * (2 + 3) / (2 + 1 + 3 + 1 + 5))
    assert s.by_chantier[2] == pytest.approx(100 * (2 + 3) / (2 + 1 + 3))


def test_to_dict_and_pipeline_name():
    o = Order.model_validate({"id": "X", "source": {"file": "t"}, "nature": "marche", "lots": 1})
    s = score_order(evaluate(o, BOOK), BOOK)
    d = s.to_dict()
    assert d["order"] == "X" and d["by_chantier"]["1"] == 100.0 and set(d["by_chantier"]) == set("12345678")


def test_statuses_added_downstream_are_counted_not_scored():
    class Waived:
        def __init__(self, finding):
            self.finding = finding

        def __getattr__(self, name):
            return getattr(self.finding, name)

        status = "waived"

    o = Order.model_validate({"id": "X", "source": {"file": "t"}, "nature": "marche", "lots": 1,
                              "duration_months": 0})
    findings = evaluate(o, BOOK)
    findings[1] = Waived(findings[1])  # AAA-02 failed; an exception was accepted
    s = score(findings)
    assert s.counts["waived"] == 1 and s.overall == pytest.approx(100 * 2 / (2 + 1))


def test_known_missing_fields_are_taken_instead_of_re_explained():
    o = Order.model_validate({"id": "X", "source": {"file": "t"}, "nature": "marche", "lots": 1})
    findings = evaluate(o, BOOK)
    plain = score(findings)
    again = score(evaluate(o, BOOK), known_missing=plain.missing)
    assert again == plain
    # What is known is what is used: a rescored order does not ask its findings again.
    assert score(evaluate(o, BOOK), known_missing={"AAA-03": ["x"]}).missing["AAA-03"] == ["x"]
