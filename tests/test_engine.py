"""The engine: order of the status decisions, three-valued logic, evidence, missing fields, messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from procurement.engine import Finding, evaluate, evaluate_many
from procurement.model import Order
from procurement.rulebook import loads_rulebook
from procurement.rulebook.render import NNBSP

D = dt.date


def order(**values) -> Order:
    return Order.model_validate({"id": "O-1", "source": {"file": "t.xlsx", "row": 2}, **values})


def one_rule(require: str, applies: str | None = None, extra: str = "", message: str | None = None):
    text = f"""\
id: t
version: 1.0.0
title: {{fr: T, en: T}}
rules:
  - id: TST-01
    title: {{fr: Règle d'essai, en: Test rule}}
    message: {message or '{fr: "Échec", en: "Failed"}'}
    chantiers: [1, 2]
    kind: kpi
    severity: warning
    why: {{fr: P, en: W}}
    advice: {{fr: C, en: A}}
    require: {require}
"""
    if applies:
        text += f"    applies_when: {applies}\n"
    if extra:
        text += "".join(f"    {line}\n" for line in extra.splitlines())
    return loads_rulebook(text, tables={})


def status(book, **values) -> str:
    (finding,) = evaluate(order(**values), book)
    return finding.status


AMOUNT = "{field: amount, op: gte, value: 40000}"


def test_require_true_false_unknown():
    book = one_rule(AMOUNT)
    assert status(book, amount=40000) == "pass"
    assert status(book, amount=39999) == "fail"
    assert status(book) == "insufficient_data"


def test_applies_when_false_or_unknown():
    book = one_rule(AMOUNT, applies="{field: nature, op: equals, value: marche}")
    assert status(book, nature="offre", amount=1) == "not_applicable"
    assert status(book, amount=1) == "insufficient_data"
    assert status(book, nature="marche", amount=1) == "fail"


def test_validity_window_uses_launch_date_then_notification_date():
    book = one_rule(AMOUNT, extra="since: 2026-01-01\nuntil: 2026-12-31")
    assert status(book, launch_date=D(2025, 12, 31), amount=1) == "not_applicable"
    assert status(book, launch_date=D(2026, 1, 1), amount=1) == "fail"
    assert status(book, launch_date=D(2026, 12, 31), amount=50000) == "pass"  # until is inclusive
    assert status(book, launch_date=D(2027, 1, 1), amount=1) == "not_applicable"
    # launch date wins over the notification date
    assert status(book, launch_date=D(2025, 6, 1), notification_date=D(2026, 6, 1), amount=1) == "not_applicable"
    assert status(book, notification_date=D(2026, 6, 1), amount=1) == "fail"
    (finding,) = evaluate(order(amount=1), book)
    assert finding.status == "insufficient_data" and finding.missing == ("launch_date",)
    assert finding.evidence[0] == {"part": "validity", "field": "notification_date", "op": "between",
                                   "expected": [D(2026, 1, 1), D(2026, 12, 31)], "actual": None, "result": None}


def test_window_is_checked_before_applies_when():
    book = one_rule(AMOUNT, applies="{field: nature, op: equals, value: marche}", extra="since: 2026-01-01")
    assert status(book, launch_date=D(2025, 1, 1)) == "not_applicable"  # nature unknown does not matter


def test_applies_when_false_decides_without_the_reference_date():
    # PROC-01/02 (since 2015-10-01, applies when the procedure is "sans publicité") on a consultation
    # without a launch date: an open procedure is not "without publicity" whenever it was launched, so the
    # rule is not applicable; asking for the launch date would be asking for what cannot change the verdict.
    book = one_rule(AMOUNT, applies="{field: procedure, op: equals, value: sans_publicite}",
                    extra="since: 2015-10-01")
    (f,) = evaluate(order(procedure="appel_offres_ouvert", amount=1), book)
    assert f.status == "not_applicable" and f.missing == ()
    assert [(e["part"], e["field"], e["result"]) for e in f.evidence] == [
        ("validity", "notification_date", None), ("applies_when", "procedure", False)]
    # applies_when true or unknown: the date is still needed, with what applies_when lacks.
    (f,) = evaluate(order(procedure="sans_publicite", amount=1), book)
    assert f.status == "insufficient_data" and f.missing == ("launch_date",)
    (f,) = evaluate(order(amount=1), book)
    assert f.status == "insufficient_data" and f.missing == ("launch_date", "procedure")
    # A known date outside the window still decides first, and inside it nothing changes.
    assert status(book, launch_date=D(2015, 9, 30)) == "not_applicable"
    assert status(book, launch_date=D(2020, 1, 1), procedure="sans_publicite", amount=50000) == "pass"


@pytest.mark.parametrize(
    ("cond", "truth"),
    [
        # all: False if any False, else None if any None, else True
        ("{all: [A, B]}", {(1, 1): "pass", (1, 0): "fail", (0, None): "fail", (1, None): "insufficient_data",
                           (None, None): "insufficient_data", (None, 0): "fail"}),
        # any: True if any True, else None if any None, else False
        ("{any: [A, B]}", {(1, 0): "pass", (0, 0): "fail", (None, 1): "pass", (0, None): "insufficient_data",
                           (None, None): "insufficient_data"}),
        # not None is None
        ("{not: A}", {(1, 0): "fail", (0, 0): "pass", (None, 0): "insufficient_data"}),
        ("{all: [A, B, {not: A}]}", {(1, 1): "fail", (0, 1): "fail", (None, 1): "insufficient_data"}),
    ],
)
def test_three_valued_logic(cond, truth):
    a = "{field: amount, op: gte, value: 100}"
    b = "{field: lots, op: gte, value: 2}"
    book = one_rule(cond.replace("A", a).replace("B", b))
    for (x, y), expected in truth.items():
        values = {}
        if x is not None:
            values["amount"] = 150 if x else 50
        if y is not None:
            values["lots"] = 3 if y else 1
        assert status(book, **values) == expected, (x, y)


def test_missing_lists_only_the_fields_that_made_the_verdict_unknown():
    book = one_rule("{all: [{field: amount, op: gte, value: 1}, {any: [{field: lots, op: gte, value: 2},"
                    " {field: cpv, op: cpv_in, value: ['45']}]}]}")
    (f,) = evaluate(order(amount=5, cpv="30000000"), book)
    assert f.status == "insufficient_data" and f.missing == ("lots",)
    (f,) = evaluate(order(amount=5, cpv="45000000"), book)
    assert f.status == "pass" and f.missing == ()
    (f,) = evaluate(order(), book)
    assert f.missing == ("amount", "lots", "cpv")


def test_missing_leaves_out_unknowns_inside_a_decided_part():
    lots = "{field: lots, op: gte, value: 2}"
    cpv = "{field: cpv, op: cpv_in, value: ['45']}"
    amount = "{field: amount, op: gte, value: 1}"
    # An `any` already true inside an undecided `all`: its unknown `lots` cannot change anything.
    book = one_rule(f"{{all: [{{any: [{cpv}, {lots}]}}, {amount}]}}")
    (f,) = evaluate(order(cpv="45000000"), book)
    assert f.status == "insufficient_data" and f.missing == ("amount",)
    # An `all` already false inside an undecided `any`: its unknown `lots` cannot change anything.
    book = one_rule(f"{{any: [{{all: [{cpv}, {lots}]}}, {amount}]}}")
    (f,) = evaluate(order(cpv="30000000"), book)
    assert f.status == "insufficient_data" and f.missing == ("amount",)
    # Evidence still records every condition, the unknown ones included: only the explanation is shorter.
    assert [e["field"] for e in f.evidence] == ["cpv", "lots", "amount"]
    # `not` keeps its part's missing fields.
    book = one_rule(f"{{not: {{all: [{cpv}, {lots}]}}}}")
    (f,) = evaluate(order(cpv="45000000"), book)
    assert f.status == "insufficient_data" and f.missing == ("lots",)


def test_a_consultation_is_not_asked_its_notification_date():
    # ENV-12's applies_when: a notification date before 2026-08-21 proves an earlier launch, but a launch
    # date on or after it already makes the first `any` true: the unknown notification date is irrelevant.
    applies = ("{all: [{any: [{field: notification_date, op: absent}, "
               "{field: notification_date, op: date_on_or_after, value: 2026-08-21}]}, "
               "{field: launch_date, op: date_on_or_after, value: 2026-08-21}]}")
    book = one_rule("{field: price_weight, op: lt, value: 100}", applies=applies)
    (f,) = evaluate(order(), book)
    assert f.status == "insufficient_data" and f.missing == ("launch_date",)
    (f,) = evaluate(order(launch_date=D(2026, 9, 1)), book)
    assert f.status == "insufficient_data" and f.missing == ("price_weight",)


def test_a_rule_whose_required_field_is_unknown_is_never_pass_or_fail():
    book = one_rule("{any: [{field: amount, op: gte, value: 1}, {not: {field: amount, op: gte, value: 1}}]}")
    assert status(book) == "insufficient_data"  # even a tautology needs the value
    assert status(book, amount=0) == "pass"


def test_evidence_records_every_condition():
    book = one_rule("{field: env_considerations, op: contains_any, value: [criterion]}",
                    applies="{field: launch_date, op: date_on_or_after, value: 2026-08-21}")
    (f,) = evaluate(order(launch_date=D(2026, 9, 1), env_considerations=("clause",)), book)
    assert f.status == "fail"
    assert f.evidence == [
        {"part": "applies_when", "field": "launch_date", "op": "date_on_or_after", "expected": D(2026, 8, 21),
         "actual": D(2026, 9, 1), "result": True},
        {"part": "require", "field": "env_considerations", "op": "contains_any", "expected": ["criterion"],
         "actual": ("clause",), "result": False},
    ]
    record = f.to_dict()
    json.dumps(record)  # JSON-ready
    assert record["evidence"][0]["expected"] == "2026-08-21" and record["evidence"][1]["actual"] == ["clause"]


MONEY_MESSAGE = ('{fr: "Montant {amount} notifié le {notification_date}, bio {organic_share}, lieu {place_code}", '
                 'en: "Amount {amount} notified on {notification_date}, organic {organic_share}, place {place_code}"}')


def test_messages_are_rendered_per_language():
    book = one_rule("{field: amount, op: lt, value: 1}", message=MONEY_MESSAGE)
    (f,) = evaluate(order(amount=1234567.891, notification_date=D(2025, 12, 31), organic_share=25), book)
    assert f.message_fr == (f"Montant 1{NNBSP}234{NNBSP}567,89{NNBSP}€ notifié le 31/12/2025, "
                            f"bio 25{NNBSP}%, lieu non renseigné")
    assert f.message_en == "Amount €1,234,567.89 notified on 2025-12-31, organic 25%, place not given"
    assert f.to_dict("en")["message"] == f.message_en


def test_messages_for_other_statuses():
    book = one_rule(AMOUNT, extra='message_pass: {fr: "Bon : {amount}", en: "Good: {amount}"}')
    (f,) = evaluate(order(amount=50000), book)
    assert f.message_fr == f"Bon : 50{NNBSP}000{NNBSP}€" and f.message_en == "Good: €50,000"
    (f,) = evaluate(order(), book)
    assert f.message_fr == "Données manquantes pour évaluer « Règle d'essai » : Montant HT (amount)"
    assert f.message_en == "Missing data to evaluate “Test rule”: Amount excl. VAT (amount)"
    book = one_rule(AMOUNT, applies="{field: nature, op: equals, value: marche}")
    (f,) = evaluate(order(nature="offre"), book)
    assert f.message_en == "Not applicable: Test rule"
    (f,) = evaluate(order(amount=50000, nature="marche"), book)
    assert f.message_fr == "Conforme : Règle d'essai"


def test_measures_and_tags():
    book = one_rule(AMOUNT, extra="measure: [amount, supplier_band]")
    (f,) = evaluate(order(amount=50000), book)
    assert f.measures == {"amount": 50000.0, "supplier_band": None}
    assert (f.rule, f.kind, f.severity, f.chantiers, f.weight) == ("TST-01", "kpi", "warning", (1, 2), 1.0)
    assert f.order_id == "O-1" and isinstance(f, Finding)


def test_findings_keep_the_values_they_were_decided_on():
    book = one_rule(AMOUNT, message='{fr: "{amount}", en: "{amount}"}')
    o = order(amount=10)
    (f,) = evaluate(o, book)
    o.amount = 99999  # the caller changes its order afterwards
    assert f.status == "fail" and f.message_en == "€10" and f.evidence[0]["actual"] == 10


def test_evaluate_is_pure_and_evaluate_many_streams():
    book = one_rule(AMOUNT)
    orders = [order(amount=a) for a in (1, 50000, None)]
    before = [o.model_dump() for o in orders]
    results = list(evaluate_many(iter(orders), book))
    assert [o.model_dump() for o in orders] == before
    assert [[f.status for f in fs] for _, fs in results] == [["fail"], ["pass"], ["insufficient_data"]]
    assert [o for o, _ in results] == orders
    assert [f.status for f in evaluate(orders[0], book)] == ["fail"]  # same answer twice


def test_messages_show_enumerations_by_their_label_never_their_code():
    """A French page once read « considérations : clause, criterion » and « (none) »."""
    from procurement.rulebook.render import parse_template, render, render_kept

    template = parse_template("{social_considerations} ; {env_considerations} ; {supplier_status} ; {procedure}")
    values = {"social_considerations": ("clause", "reserved"), "env_considerations": ("none",),
              "supplier_status": "siae", "procedure": "appel_offres_ouvert"}
    fr = "clause sociale, marché réservé ; pas de considération environnementale ; SIAE ; appel d'offres ouvert"
    assert render(template, values, "fr") == fr
    assert render(template, values, "en") == ("social clause, reserved contract ; no environmental consideration ; "
                                              "work-integration enterprise (SIAE) ; open procedure")
    names = list(values)
    kept: dict = {}
    assert render_kept(template, tuple(values.values()), {n: i for i, n in enumerate(names)}, "fr", kept) == fr
    # "none" of one field is not "none" of another, though both are enumerations of one kind
    other = parse_template("{social_considerations}")
    assert render_kept(other, (("none",),), {"social_considerations": 0}, "fr", kept) == "pas de considération sociale"
