"""Portfolio figures on three hand-made orders, every number computed by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from procurement.aggregate import Aggregate, distance_band, resolve_targets
from procurement.aggregate_rules import _PENDING
from procurement.engine import evaluate
from procurement.model import Order
from procurement.pipeline import ScoredOrder
from procurement.rulebook import load_default, loads_rulebook
from procurement.scoring import score_order


def _rule(rid: str, chantiers: str, weight: float, require: str, kind: str = "kpi", applies: str = "") -> str:
    legal = "\n    legal_ref: [{text: Code, confidence: verified}]" if kind == "legal" else ""
    when = f"\n    applies_when: {applies}" if applies else ""
    return f"""\
  - id: {rid}
    title: {{fr: Titre {rid}, en: Title {rid}}}
    message: {{fr: Échec, en: Failed}}
    chantiers: {chantiers}
    kind: {kind}
    severity: warning
    weight: {weight}
    why: {{fr: P, en: W}}
    advice: {{fr: C, en: A}}{legal}{when}
    require: {require}
"""


TARGETS = """targets:
  spaser_ess_spend_share:
    value: 10
    unit: "%"
    label: {fr: Part ESS, en: ESS share}
    source: Test source
"""
BOOK = loads_rulebook(
    "id: t\nversion: 1.0.0\ntitle: {fr: T, en: T}\n" + TARGETS + "rules:\n"
    # LEG-01: legal, chantier 3, weight 1: duration >= 1 month, bids excluded
    + _rule("LEG-01", "[3]", 1, "{field: duration_months, op: gte, value: 1}", kind="legal",
            applies="{field: nature, op: not_equals, value: offre}")
    # KPI-01: chantiers 1 and 2, weight 2: at least one lot
    + _rule("KPI-01", "[1, 2]", 2, "{field: lots, op: gte, value: 1}")
    # KPI-02: chantier 2, weight 1: amount >= 1000
    + _rule("KPI-02", "[2]", 1, "{field: amount, op: gte, value: 1000}"),
    tables={},
)


def _scored(**values) -> ScoredOrder:
    o = Order.model_validate({"source": {"file": "t.xlsx", "row": 2}, **values})
    findings = evaluate(o, BOOK)
    return ScoredOrder(o, findings, score_order(findings, BOOK))


# A: LEG-01 fail (w1), KPI-01 pass (w2), KPI-02 pass (w1) -> overall 75; chantier 2: 100; chantier 3: 0
A = dict(id="A", buyer_name="B1", amount=1000.0, nature="marche", lots=1, duration_months=0,
         env_considerations=("clause",), social_considerations=("none",), supplier_status="ess",
         supplier_band="amp", supplier_distance_km=5.0, cpv="34121000", notification_date=dt.date(2025, 1, 15),
         estimated_emissions=100.0)
# B: LEG-01 pass (w1), KPI-01 fail (w2), KPI-02 pass (w1) -> overall 50; chantier 2: 1/3; chantier 3: 100
B = dict(id="B", buyer_name="B1", amount=3000.0, nature="accord_cadre", lots=0, duration_months=2,
         env_considerations=("none",), social_considerations=("clause",), supplier_status="none",
         supplier_band="region_sud", supplier_distance_km=60.0, cpv="45233142",
         notification_date=dt.date(2025, 2, 1), estimated_emissions=300.0)
# C: a bid with nothing known: LEG-01 not applicable, KPI-01 and KPI-02 insufficient (lots, amount) -> no score
C = dict(id="C", buyer_name="B2", nature="offre")


@pytest.fixture(scope="module")
def result() -> dict:
    agg = Aggregate(BOOK)
    for values in (A, B, C):
        agg.add(_scored(**values))
    return agg.result()


def test_totals(result):
    t = result["totals"]
    assert (t["orders"], t["amount"], t["orders_with_amount"], t["orders_without_amount"]) == (3, 4000.0, 2, 1)
    assert (t["amount_framework"], t["orders_framework"], t["amount_excluding_framework"]) == (3000.0, 1, 1000.0)
    assert t["score"] == pytest.approx(62.5)  # (75 + 50) / 2; C has no score
    assert t["orders_scored"] == 2
    assert (t["legal_fail_orders"], t["legal_fail_amount"]) == (1, 1000.0)


def test_rules_by_status_and_spend(result):
    rules = {r["rule"]: r for r in result["rules"]}
    leg = rules["LEG-01"]
    assert leg["counts"] == {"pass": 1, "fail": 1, "not_applicable": 1, "insufficient_data": 0, "waived": 0}
    assert leg["amounts"]["pass"] == 3000.0 and leg["amounts"]["fail"] == 1000.0
    assert leg["pass_share"] == 0.5 and leg["pass_amount_share"] == 0.75
    assert rules["KPI-02"]["counts"]["pass"] == 2 and rules["KPI-02"]["pass_share"] == 1.0


def test_chantiers_scores_and_drivers(result):
    ch = {c["chantier"]: c for c in result["chantiers"]}
    assert ch[2]["score"] == pytest.approx((100 + 100 / 3) / 2)
    assert ch[2]["score_spend_weighted"] == pytest.approx((100 * 1000 + 100 / 3 * 3000) / 4000)  # 50
    assert ch[3]["score"] == pytest.approx(50.0)  # A 0, B 100
    assert ch[5]["score"] is None and ch[5]["rules"] == []
    assert [d["rule"] for d in ch[2]["drivers_fail"]] == ["KPI-01"]
    assert ch[2]["drivers_fail"][0]["amount"] == 3000.0
    assert [d["rule"] for d in ch[2]["drivers_pass"]] == ["KPI-02", "KPI-01"]  # 4000 € then 1000 €
    # Chantier 3's only rule is LEG-01, passing on B (3000 €): a legal obligation met is no success of the
    # chantier (it says nothing is wrong), only its failure is a gap, said to be legal.
    assert ch[3]["drivers_pass"] == [] and ch[3]["indicators"] == 0
    assert ch[3]["drivers_fail"] == [{"rule": "LEG-01", "kind": "legal", "orders": 1, "amount": 1000.0}]
    # completeness of chantier 2: A 2/2, B 2/2, C 0/2 -> mean 2/3
    assert ch[2]["completeness"] == pytest.approx(2 / 3)


def test_targets_measured_with_their_origin(result):
    t = {m["measure"]: m for m in result["targets"]}
    env = t["env_share"]  # contracts A and B (C is a bid): one with a consideration
    assert (env["measured"], env["numerator"], env["denominator"], env["population"]) == (50.0, 1, 2, 2)
    assert env["origin"] == "default" and env["value"] == 100.0
    assert t["social_share"]["measured"] == 50.0 and t["social_share"]["value"] == 30.0
    # Spend is what is paid: A's 1000 € (ESS supplier); B is a framework agreement, whose spend is its
    # call-offs, so it is set aside and said; target from the rulebook
    ess = t["ess_spend_share"]
    assert ess["measured"] == pytest.approx(100.0) and ess["denominator"] == 1000.0
    assert {"nature": "accord_cadre", "orders": 1, "amount": 3000.0} in ess["aside"]
    assert (ess["value"], ess["origin"], ess["source"]) == (10.0, "rulebook:spaser_ess_spend_share", "Test source")
    assert ess["coverage"] == 1.0
    tr = t["transport_alternatives_spend"]  # A's CPV 34121000 (buses): 1000 € in 2025, one year
    assert tr["measured"] == 1000.0 and tr["years"] == ["2025"]
    assert tr["target_eur_per_year"] == 350e6 and tr["cpv_origin"] == "default"


def test_bands_distances_emissions(result):
    bands = {b["band"]: (b["orders"], b["amount"]) for b in result["bands"]}
    assert bands == {"amp": (1, 1000.0), "region_sud": (1, 3000.0), "france": (0, 0.0), "eu": (0, 0.0),
                     "outside": (0, 0.0), "unknown": (1, 0.0)}
    dist = {d["band"]: d["orders"] for d in result["distances"]}
    assert dist == {"lt10": 1, "10_50": 0, "50_150": 1, "150_500": 0, "gt500": 0, "unknown": 1}
    e = result["emissions"]
    # B's 300 kg are estimated on a framework agreement's maximum, C is a bid: neither is spend, both are
    # given apart (400 kg, and C in the « unknown » division, until 2026-11-27)
    assert e["total"] == 100.0
    assert [(d["division"], d["emissions"]) for d in e["divisions"]] == [("34", 100.0)]
    assert e["aside"] == [{"nature": "accord_cadre", "orders": 1, "amount": 3000.0, "emissions": 300.0},
                          {"nature": "offre", "orders": 1, "amount": 0.0, "emissions": 0.0}]


def test_buyers_months_coverage(result):
    buyers = {b["buyer"]: b for b in result["buyers"]}
    assert result["buyers"][0]["buyer"] == "B1"  # ranked by amount
    assert buyers["B1"]["orders"] == 2 and buyers["B1"]["score"] == pytest.approx(62.5)
    assert buyers["B1"]["legal_fail_orders"] == 1 and buyers["B2"]["score"] is None
    # What a score rests on: A and B have 3 verdicts each, all their rules known; C none of its 2 rules
    assert (buyers["B1"]["verdicts"], buyers["B1"]["verdicts_per_order"], buyers["B1"]["completeness"]) == (6, 3.0, 1.0)
    assert (buyers["B2"]["verdicts_per_order"], buyers["B2"]["completeness"]) == (None, 0.0)
    assert buyers["B2"]["completeness_orders"] == 1
    assert [m["month"] for m in result["months"]] == ["2025-01", "2025-02", "unknown"]
    cov = {c["rule"]: c for c in result["coverage"]}
    kpi = cov["KPI-01"]
    assert (kpi["evaluated"], kpi["insufficient"], kpi["missing"]) == (2, 1, [("lots", 1)])
    assert cov["KPI-02"]["missing"] == [("amount", 1)]
    assert (cov["LEG-01"]["evaluated"], cov["LEG-01"]["applicable"], cov["LEG-01"]["not_applicable"]) == (3, 2, 1)


def _size(obj, seen=None) -> int:
    """Number of items held in the aggregator's containers, recursively."""
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, dict):
        return len(obj) + sum(_size(v, seen) for v in obj.values())
    if isinstance(obj, list | set | tuple | frozenset):
        return len(obj) + sum(_size(v, seen) for v in obj)
    if hasattr(obj, "__slots__") and not isinstance(obj, str):
        return sum(_size(getattr(obj, s), seen) for s in obj.__slots__ if hasattr(obj, s))
    return 0


def test_memory_does_not_grow_with_orders():
    # The orders waiting to be summed by rule (agg.rules) are bounded apart: _PENDING at most.
    unbounded = {"rulebook", "rules"}
    agg = Aggregate(BOOK)
    orders = [_scored(**A), _scored(**B), _scored(**C)]
    for o in orders * 10:
        agg.add(o)
    state = {k: v for k, v in vars(agg).items() if k not in unbounded}
    small = _size(state)
    for o in orders * 3000:
        agg.add(o)
        assert len(agg.rules._pending) == len(agg.rules._amounts) < _PENDING
    assert _size({k: v for k, v in vars(agg).items() if k not in unbounded}) == small
    assert agg.result()["totals"]["orders"] == 9030


def test_targets_default_when_rulebook_names_none():
    book = loads_rulebook("id: t\nversion: 1.0.0\ntitle: {fr: T, en: T}\nrules: []\n", tables={})
    t = resolve_targets(book)
    assert {k: (v["value"], v["origin"]) for k, v in t.items()} == {
        "env_share": (100.0, "default"), "social_share": (30.0, "default"),
        "ess_spend_share": (5.0, "default"), "transport_alternatives_spend": (350.0, "default"),
        "egalim_spend_share": (50.0, "default"), "organic_spend_share": (20.0, "default")}
    # the default rulebook names the SPASER targets itself
    assert resolve_targets(load_default())["env_share"]["origin"] == "rulebook:spaser_env_share"


@pytest.mark.parametrize(("km", "band"), [(None, "unknown"), (0, "lt10"), (9.99, "lt10"), (10, "10_50"),
                                          (149.9, "50_150"), (150, "150_500"), (500, "gt500"), (12000, "gt500")])
def test_distance_bands(km, band):
    assert distance_band(km) == band


def test_a_consultation_not_notified_is_neither_a_contract_notified_nor_spend():
    """The SPASER shares count « marchés notifiés »: the sample workbook's 25 consultations launched in 2026 and
    not notified (CONS26-…) were 25 of its « 245 marchés (… notifiés) », and their estimated amounts spend."""
    agg = Aggregate(BOOK)
    consultation = dict(A, id="D", notification_date=None, launch_date=dt.date(2026, 9, 1),
                        env_considerations=("none",))
    undated = dict(A, id="E", notification_date=None)  # neither date: counted as its nature says
    # a bid with a launch date is a bid; a contract whose « 31/02/2025 » was set aside was notified
    bid = dict(C, id="O1", launch_date=dt.date(2026, 9, 1))
    unreadable = dict(A, id="M1", notification_date=None, launch_date=dt.date(2024, 9, 1), warnings=[
        {"code": "invalid_date", "field": "notification_date", "message_fr": "x", "message_en": "x"}])
    for values in (A, B, C, consultation, undated, bid, unreadable):
        agg.add(_scored(**values))
    result = agg.result()
    t = {m["measure"]: m for m in result["targets"]}
    assert (result["totals"]["orders_not_notified"], result["totals"]["amount_not_notified"]) == (1, 1000.0)
    env = t["env_share"]
    # the year measured, 2025: A and B (a year's share since 2026-11-27); the undated E and M1 are in `by_year`
    assert (env["year"], env["numerator"], env["denominator"], env["population"]) == ("2025", 1, 2, 2)
    assert sum(y["count"] for y in env["by_year"]) == 4  # A, B, E, M1: not the consultation
    assert {"nature": "not_notified", "orders": 1, "amount": 1000.0} in env["aside"]
    ess = t["ess_spend_share"]
    assert (ess["year"], ess["denominator"], ess["orders"]) == ("2025", 1000.0, 1)  # A (B is a framework)
    assert sum(y["count"] for y in ess["by_year"]) == 3  # A, E, M1: not the consultation
    assert {"nature": "offre", "orders": 2, "amount": 0.0} in ess["aside"]
    assert {"nature": "not_notified", "orders": 1, "amount": 1000.0} in ess["aside"]
    assert env["aside"][-1]["nature"] == "not_notified"  # said after the natures, as « unknown » is
    tr = t["transport_alternatives_spend"]
    assert tr["numerator"] == 1000.0 and tr["undated_orders"] == 2
    assert {"nature": "not_notified", "orders": 1, "amount": 1000.0} in tr["aside"]


def test_the_egalim_shares_are_measured_by_value_over_a_year_of_food_purchases():
    """EGA-01 fails each food order under 50 %, yet the law (L230-5-1) measures a calendar year's purchases by
    value: 25 orders under 50 % counted as « commandes avec un manquement légal » beside a share of 51,7 %
    over the year (review). The summary gives that share for the latest year, weighted by amount, over the
    orders that give it with an amount; 2020's orders (before the obligation) and undated ones are apart,
    and another year is shown, not pooled (pooled, 2020's 90 % made 2023's 20 % « atteint »)."""
    book = loads_rulebook("id: t\nversion: 1.0.0\ntitle: {fr: T, en: T}\nrules: []\n",
                          tables={"cpv_egalim": ["151", "15811000", "55523"]})
    agg = Aggregate(book)
    food = dict(A, cpv="15811000", supplier_status=None, egalim_share=80.0, organic_share=30.0, amount=3000.0)
    orders = [food,
              dict(food, id="F2", egalim_share=20.0, organic_share=None, amount=1000.0),
              dict(food, id="F3", egalim_share=None, organic_share=None, amount=1000.0),  # coverage, not share
              dict(food, id="F4", cpv="15112000", egalim_share=50.0, organic_share=10.0, amount=1000.0,
                   notification_date=dt.date(2024, 6, 1)),
              dict(food, id="F5", nature="accord_cadre", egalim_share=0.0, amount=50_000.0),  # a maximum
              dict(food, id="F6", egalim_share=90.0, amount=9000.0, notification_date=dt.date(2020, 5, 1)),
              dict(food, id="F7", egalim_share=90.0, amount=500.0, notification_date=None),
              dict(food, id="F8", egalim_share=0.0, amount=None),  # a share without an amount weighs nothing
              dict(A, id="F9", egalim_share=0.0)]  # buses: not food
    for values in orders:
        agg.add(_scored(**values))
    t = {m["measure"]: m for m in agg.result()["targets"]}
    egalim, organic = t["egalim_spend_share"], t["organic_spend_share"]
    assert egalim["year"] == "2025" and egalim["orders"] == 4 and egalim["orders_given"] == 2
    assert (egalim["denominator"], egalim["population"]) == (4000.0, 5000.0) and egalim["coverage"] == 0.8
    assert egalim["measured"] == pytest.approx(100 * (2400 + 200) / 4000)  # 65 %
    assert egalim["by_year"] == [
        {"year": "2024", "orders": 1, "amount": 1000.0, "food_amount": 1000.0, "measured": 50.0},
        {"year": "2025", "orders": 2, "amount": 4000.0, "food_amount": 5000.0, "measured": 65.0},
        {"year": "unknown", "orders": 1, "amount": 500.0, "food_amount": 500.0, "measured": 90.0}]
    assert egalim["outside"] == {"orders": 1, "amount": 9000.0}  # 2020: before the obligation
    assert organic["measured"] == pytest.approx(30.0) and organic["orders_given"] == 1
    assert (egalim["value"], organic["value"], egalim["withheld"]) == (50.0, 20.0, "few_evaluated")
    none = Aggregate(BOOK)  # no cpv_egalim table: no measure, and said why
    none.add(_scored(**food))
    assert {m["measure"]: m["withheld"] for m in none.result()["targets"]}["egalim_spend_share"] == "no_table"


def test_a_weighted_criterion_counts_in_the_environmental_share():
    """ENV-01 passes a contract whose only evidence is an environmental criterion weighted 20 % (rulebook
    1.3.19); the SPASER share read the considerations cell alone and said « pas de mesure » (session review)."""
    agg = Aggregate(BOOK)
    for i in range(3):
        agg.add(_scored(**dict(A, id=f"W{i}", env_considerations=None, env_weight=20.0)))
    agg.add(_scored(**dict(A, id="Z", env_considerations=None, env_weight=0.0)))  # no criterion, maybe a clause
    env = {m["measure"]: m for m in agg.result()["targets"]}["env_share"]
    assert (env["numerator"], env["denominator"], env["population"]) == (3, 3, 4)


def test_the_egalim_year_measured_is_the_latest_that_stands_else_the_undated_purchases():
    """12 orders of January 2025, 2 giving a share, made « pas de mesure » beside a complete 2024 (52 %); an
    export without notification dates had no measure at all (« aucun achat alimentaire notifié depuis
    2022 »), where its purchases give one (session review)."""
    book = loads_rulebook("id: t\nversion: 1.0.0\ntitle: {fr: T, en: T}\nrules: []\n",
                          tables={"cpv_egalim": ["158"]})
    food = dict(A, cpv="15811000", supplier_status=None, amount=1000.0)
    agg = Aggregate(book)
    for i in range(12):
        agg.add(_scored(**dict(food, id=f"A{i}", egalim_share=52.0, notification_date=dt.date(2024, 3, 1))))
        agg.add(_scored(**dict(food, id=f"B{i}", egalim_share=10.0 if i < 2 else None,
                               notification_date=dt.date(2025, 1, 10))))
    egalim = {m["measure"]: m for m in agg.result()["targets"]}["egalim_spend_share"]
    assert (egalim["year"], egalim["measured"], egalim["withheld"]) == ("2024", 52.0, None)
    undated = Aggregate(book)
    for i in range(12):
        undated.add(_scored(**dict(food, id=f"U{i}", egalim_share=60.0, notification_date=None)))
    egalim = {m["measure"]: m for m in undated.result()["targets"]}["egalim_spend_share"]
    assert (egalim["year"], egalim["measured"], egalim["withheld"]) == ("unknown", 60.0, None)
