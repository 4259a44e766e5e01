"""Session 18's reviews: a manager's of the summary, recounted from results.json, and an auditor's of the batch
outputs (the rules' and parsers' findings are at the end, each test saying which). The manager's:

1. Rounding hid what failed: a rule passed by 99.88 % of the amount read « 100 % » beside its two failing
   orders, and 1.2 M€ a year of transport spend read « 0 % de l'objectif ».
2. The spend on alternatives to the car (350 M€ a year) was divided by every year with an order notified:
   the four samples together read 41.5 M€ a year where their 166 M€ of transport spend are all of 2025.
   It is now one calendar year's spend, the latest with enough purchases, the other years beside it.
3. « Commandes avec un manquement légal » counted orders under EGAlim's shares, which bind a year's purchases
   (30 of the sample workbook's 38, beside a year's share of 51.7 %): rules say `binds: year` and the summary
   counts those orders apart (tests/test_summary_s9_sample.py pins the sample's figures).
"""

from __future__ import annotations

import datetime as dt

import pytest

from procurement import i18n
from procurement.views.common import fmt_ratio
from procurement.views.summary_parts import target_section
from tests.test_summary_s9_figures import _figures, _target

NB = "\u00a0"
NNB = "\u202f"


@pytest.mark.parametrize(("value", "decimals", "fr", "en"), [
    (0, 0, f"0{NNB}%", "0%"),
    (0.2, 0, f"<{NB}1{NNB}%", f"<{NB}1%"),
    (0.6, 0, f"1{NNB}%", "1%"),
    (99.4, 0, f"99{NNB}%", "99%"),
    (99.88, 0, f">{NB}99{NNB}%", f">{NB}99%"),
    (99.88, 1, f"99,9{NNB}%", "99.9%"),
    (99.97, 1, f">{NB}99,9{NNB}%", f">{NB}99.9%"),
    (0.04, 1, f"<{NB}0,1{NNB}%", f"<{NB}0.1%"),
    (100, 0, f"100{NNB}%", "100%"),
    (150.2, 0, f"150{NNB}%", "150%"),  # a target exceeded is shown as it rounds
    (None, 0, "—", "—"),
])
def test_a_share_short_of_its_bounds_never_reads_as_them(value, decimals, fr, en):
    assert i18n.fmt_percent_short_of(value, "fr", decimals) == fr
    assert i18n.fmt_percent_short_of(value, "en", decimals) == en


def test_a_pass_share_of_the_amount_with_failures_is_not_100_percent():
    passing, failing = 1_302_388, 1_624  # EGA-03 on the sample workbook
    assert fmt_ratio(passing / (passing + failing), "fr") == f">{NB}99{NNB}%"
    assert fmt_ratio(1.0, "fr") == f"100{NNB}%"


def _purchases(year: int, n: int, **values) -> list[dict]:
    return [dict(id=f"{year}-{i}", nature="bon_de_commande", cpv="30192000", amount=100.0,
                 notification_date=dt.date(year, 3, 1), **values) for i in range(n)]


def test_the_transport_spend_is_one_years_the_latest_with_enough_purchases():
    bus = dict(nature="marche", cpv="60112000")  # public road transport
    orders = [*_purchases(2019, 12),  # another buyer's old contracts: no transport spend
              dict(id="T25", amount=1_000_000.0, notification_date=dt.date(2025, 5, 1), **bus), *_purchases(2025, 11),
              dict(id="T26", amount=50_000.0, notification_date=dt.date(2026, 1, 5), **bus)]  # a January alone
    tr = _target(_figures(*orders), "transport_alternatives_spend")
    assert (tr["year"], tr["measured"], tr["orders"]) == ("2025", 1_000_000.0, 1)  # 350,000 a year over 3 years
    assert [(y["year"], y["amount"]) for y in tr["by_year"]] == [("2019", 0.0), ("2025", 1_000_000.0),
                                                                ("2026", 50_000.0)]
    row = next(r for r in target_section({"targets": [tr]}, "fr")["rows"])
    assert "1\u202f000\u202f000\u202f€ d'achats notifiés en 2025" in row["basis"]
    assert "la dernière année d'au moins 10 achats datés\u202f; autres années\u00a0: 2026 50\u202f000\u202f€, " \
           "2019 0\u202f€" in row["basis"]
    english = next(r for r in target_section({"targets": [tr]}, "en")["rows"])
    assert "notified in 2025" in english["basis"] and "other years: 2026 €50,000, 2019 €0" in english["basis"]


def test_without_a_year_of_enough_purchases_the_latest_is_measured_and_said():
    bus = dict(nature="marche", cpv="60112000")
    tr = _target(_figures(dict(id="A", amount=500.0, notification_date=dt.date(2024, 2, 1), **bus),
                          dict(id="B", amount=70.0, notification_date=dt.date(2025, 2, 1), **bus)),
                 "transport_alternatives_spend")
    assert (tr["year"], tr["measured"], tr["withheld"]) == ("2025", 70.0, "few_evaluated")
    row = target_section({"targets": [tr]}, "fr")["rows"][0]
    assert "la dernière année datée (aucune n'a 10 achats datés)" in row["basis"]
    assert (row["measured"], row["attainment"]) == ("—", "—")  # too little for a year: 5 Breton contracts read 0 %


def test_binds_year_is_for_legal_rules_only():
    from pydantic import ValidationError

    from procurement.rulebook.schema import Rule

    text = {"fr": "x", "en": "x"}
    rule = dict(id="EGA-09", title=text, message=text, why=text, advice=text, chantiers=[8], severity="warning",
                require={"field": "egalim_share", "op": "gte", "value": 50})
    legal = Rule.model_validate({**rule, "kind": "legal", "binds": "year",
                                 "legal_ref": [{"text": "Code rural", "confidence": "verified"}]})
    assert legal.binds == "year"
    with pytest.raises(ValidationError, match="binds: year"):
        Rule.model_validate({**rule, "kind": "kpi", "binds": "year"})
    assert Rule.model_validate({**rule, "kind": "kpi"}).binds == "order"


def test_a_rules_share_passing_is_said_of_orders_not_contracts():
    """It counts every order (purchase orders, consultations, frameworks); « Part conforme (marchés) » beside
    the SPASER's « marchés notifiés » read as a share of contracts (manager review)."""
    from procurement.views.words import words

    assert words("fr")["pass_share"] == "Part conforme (commandes)"
    assert words("en")["pass_share"] == "Share passing (orders)"


def test_a_chantier_scored_on_too_few_orders_has_no_score_drawn():
    """The five Breton DECP contracts drew chantiers 1 and 3 at 100 / 100 from one order each (manager
    review); under RATE_MIN_EVALUATED orders scored, the page says so and draws no bar."""
    from pathlib import Path

    from procurement.aggregate import RATE_MIN_EVALUATED, aggregate
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.views.summary import chantier_section

    result = run([Path(__file__).resolve().parents[1] / "samples" / "decp-2024-bretagne.json"], load_default())
    agg = aggregate(result)
    few = [c for c in agg["chantiers"] if c["score"] is not None and c["orders_scored"] < RATE_MIN_EVALUATED]
    assert few  # the case the test is about
    section = chantier_section(result, agg, "fr")
    rows = {r["name"].split(" — ")[0]: r for r in section["rows"]}
    for c in few:
        assert rows[str(c["chantier"])]["score"] == "pas de score\u00a0: moins de 10 commandes notées"
    assert "100 / 100" not in str(section["chart"])
    english = chantier_section(result, agg, "en")["rows"]
    assert any(r["score"] == "no score: fewer than 10 orders scored" for r in english)


def test_loc01_names_the_commune_only_when_it_is_known():
    """A zone read from the postcode, the commune unknown, read « Fournisseur établi dans la Métropole (non
    renseigné) », which an auditor reads as "not established" (auditor review; rulebook 1.3.24)."""
    from procurement.engine import evaluate
    from procurement.model import Order
    from procurement.rulebook import load_default

    book = load_default()

    def message(**values) -> str:
        o = Order.model_validate({"source": {"file": "t.csv", "row": 2}, "id": "A", "nature": "marche", **values})
        return next(f for f in evaluate(o, book) if f.rule == "LOC-01").message("fr")

    assert message(supplier_band="amp") == "Fournisseur établi dans la Métropole."
    assert message(supplier_band="amp", supplier_commune="13055") == "Fournisseur établi dans la Métropole (13055)."


def test_a_criterion_weighted_zero_is_none_and_said():
    """A cell « Critère environnemental » beside a weight of 0 % and a price of 100 %: ENV-10 passed while ENV-12
    failed the same order (auditor review). ENV-10 fails it now, and the order is warned that its cells
    disagree (rulebook 1.3.25)."""
    from procurement.engine import evaluate
    from procurement.enrich import enrich
    from procurement.model import Order
    from procurement.rulebook import load_default

    book = load_default()
    o = enrich(Order.model_validate({"source": {"file": "t.csv", "row": 2}, "id": "A", "nature": "marche",
                                     "launch_date": dt.date(2026, 9, 1), "env_considerations": ("criterion",),
                                     "env_weight": 0, "price_weight": 100}))
    statuses = {f.rule: f.status for f in evaluate(o, book)}
    assert (statuses["ENV-10"], statuses["ENV-12"]) == ("fail", "fail")
    warning = next(w for w in o.warnings if w.code == "env_criterion_unweighted")
    assert "pondéré à 0 %" in warning.message_fr and "weighted 0%" in warning.message_en
    kept = enrich(o.model_copy(update={"env_weight": 15.0, "warnings": ()}))
    assert not any(w.code == "env_criterion_unweighted" for w in kept.warnings)


def test_the_spaser_shares_are_a_years_with_the_other_years_beside():
    """Pooled over 2018-2025, the four samples' contracts of several buyers read as the Métropole's « objectifs
    2025 » (manager review): the share is the latest year's that stands, the other years beside it."""
    old = [dict(id=f"O{i}", nature="marche", amount=10.0, notification_date=dt.date(2019, 5, 1),
                env_considerations=("clause",)) for i in range(12)]
    new = [dict(id=f"N{i}", nature="marche", amount=10.0, notification_date=dt.date(2025, 5, 1),
                env_considerations=("clause",) if i < 3 else ("none",)) for i in range(12)]
    january = [dict(id="J", nature="marche", amount=10.0, notification_date=dt.date(2026, 1, 5),
                    env_considerations=("clause",))]
    env = _target(_figures(*old, *new, *january), "env_share")
    assert (env["year"], env["numerator"], env["denominator"], env["measured"]) == ("2025", 3, 12, 25.0)
    assert [(y["year"], y["measured"], y["count"]) for y in env["by_year"]] == [
        ("2019", 100.0, 12), ("2025", 25.0, 12), ("2026", 100.0, 1)]
    row = next(r for r in target_section({"targets": [env]}, "fr")["rows"])
    assert row["basis"].startswith("en 2025, 3 marchés sur 12")
    assert row["basis"].endswith("autres années\u00a0: 2026 100,0\u202f%, 2019 100,0\u202f%")


def test_a_risk_rule_alone_gives_no_chantier_score():
    """RISK-01 (chantiers 3 and 8) passing on a bus contract gave it a food-autonomy score of 100; the sample
    workbook's chantier 8 read 83 / 100 over 134 orders, 66 over its 62 food orders (manager review)."""
    from pathlib import Path

    from procurement.aggregate import aggregate
    from procurement.engine import evaluate
    from procurement.model import Order
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.scoring import rescore, score

    book = load_default()
    bus = Order.model_validate({"source": {"file": "t.csv", "row": 2}, "id": "B", "nature": "marche",
                                "cpv": "34121000", "amount": 400_000.0, "award_criteria": "Prix 60 %, technique 40 %"})
    findings = evaluate(bus, book)
    assert next(f for f in findings if f.rule == "RISK-01").status == "pass"
    s = score(findings)
    assert s.by_chantier[8] is None  # no indicator nor obligation of chantier 8 decided
    assert s.tally is not None and rescore(s, []).by_chantier == s.by_chantier
    food = Order.model_validate({"source": {"file": "t.csv", "row": 3}, "id": "F", "nature": "marche",
                                 "cpv": "15800000", "amount": 90_000.0, "notification_date": dt.date(2025, 3, 1),
                                 "egalim_share": 30, "award_criteria": "Prix 60 %, technique 40 %"})
    assert score(evaluate(food, book)).by_chantier[8] is not None  # EGA-01 decided: RISK-01 counts beside it
    agg = aggregate(run([Path(__file__).resolve().parents[1] / "samples" / "commandes-2025.xlsx"], book))
    chantier8 = next(c for c in agg["chantiers"] if c["chantier"] == 8)
    assert chantier8["orders_scored"] == 62 and 60 < chantier8["score"] < 70


@pytest.mark.parametrize("cell", ["Avenant", "Avenant n° 2", "AVENANT", "Modification de marché"])
def test_a_modification_as_nature_says_how_to_give_it(cell):
    """« Avenant » in the Nature column was rejected as an unknown value, with no word of where a modification
    goes (auditor review): it says to give the contract's nature and its initial amount."""
    from procurement.parse import parse_choice
    from procurement.parse.errors import ParseError

    with pytest.raises(ParseError) as caught:
        parse_choice("nature", cell)
    assert caught.value.code == "modification_as_nature"
    assert "« Montant initial HT »" in caught.value.message_fr and "initial amount column" in caught.value.message_en


def test_a_refusal_by_pattern_is_said_in_the_reports_language():
    """pydantic's English came inside French messages for refusals other than bounds and lengths."""
    from procurement.validate import _refused

    assert _refused({"type": "string_pattern_mismatch", "msg": "String should match pattern '^[0-9]{8}$'",
                     "ctx": {"pattern": "^[0-9]{8}$"}}) == ("valeur refusée : format inattendu",
                                                           "value refused: unexpected format")
    fr, en = _refused({"type": "something_new", "msg": "Input is odd"})
    assert fr == "valeur refusée (motif en anglais : Input is odd)" and en == "value refused (Input is odd)"


def test_a_contract_with_its_supplier_is_notified_whatever_its_date_cell():
    """« 00/00/0000 » reads as no date: a contract with its supplier, a launch date and that notification date
    became a « consultation non encore notifiée » and left every target (review of the session's diff)."""
    from procurement.aggregate import not_notified
    from procurement.model import Order

    def order(**values) -> Order:
        return Order.model_validate({"source": {"file": "t.csv", "row": 2}, "id": "Z1", "nature": "marche",
                                     "launch_date": dt.date(2025, 1, 10), **values})

    assert not_notified(order())  # a consultation in progress
    assert not not_notified(order(supplier_name="Dupont SA"))
    assert not not_notified(order(supplier_siret="83128933500075"))


def test_the_transport_basis_without_a_dated_purchase_says_so():
    """Undated orders read « 0 € d'achats notifiés en — (…), la dernière année datée » (review of the diff)."""
    tr = _target(_figures(dict(id="A", nature="marche", cpv="60112000", amount=500.0)),
                 "transport_alternatives_spend")
    assert tr["year"] is None and tr["withheld"] == "none_evaluated"
    row = target_section({"targets": [tr]}, "fr")["rows"][0]
    assert "aucun achat daté" in row["basis"] and "notifiés en —" not in row["basis"]
    assert "500\u202f€ d'achats sans date de notification" in row["basis"]


def test_a_criterion_weighted_zero_does_not_count_toward_the_spaser_share():
    """ENV-10 fails a criterion declared and weighted 0 %, while the SPASER share counted it (review)."""
    contracts = [dict(id=f"C{i}", nature="marche", amount=10.0, notification_date=dt.date(2026, 9, 1),
                      env_considerations=("criterion",), env_weight=0.0) for i in range(12)]
    env = _target(_figures(*contracts), "env_share")
    assert (env["numerator"], env["denominator"]) == (0, 12)
    with_clause = [dict(c, env_considerations=("criterion", "clause")) for c in contracts]
    assert _target(_figures(*with_clause), "env_share")["numerator"] == 12  # the clause still counts


def test_a_row_of_one_field_is_said_in_the_singular():
    from procurement.read.tabular import _field_count

    w = _field_count(1, 6, ";")
    assert w.message_fr.startswith("la ligne a 1 champ pour 6 colonnes") and w.message_en.startswith(
        "the row has 1 field for 6 columns")
