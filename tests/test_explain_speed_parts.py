"""Explanations kept by value (write/finding_parts.py) are those made afresh, whatever is shared.

Why these cases: the pieces are kept by value and shared across rules and orders (a condition row's
JSON, an actual value's text, an order's key parts), so values that compare equal but print apart
(1 and 1.0, True and 1), orders that differ only by an origin, and orders that follow one another
with the same values must each get their own explanation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from procurement.commands import load_rules
from procurement.engine import evaluate
from procurement.fields import FIELDS_BY_NAME
from procurement.read import read_file
from procurement.rulebook.render import format_kept, format_value
from procurement.scorer import Context, score_record
from procurement.write.finding_parts import FindingParts
from procurement.write.records import finding_dict
from procurement.write.xlsx_rows import FindingTexts

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _orders(book) -> list:
    ctx = Context(book)
    _info, records = read_file(SAMPLES / "commandes-2025.csv")
    orders = []
    for record in records:
        result = score_record(record, ctx) if not hasattr(record, "code") else record
        if not hasattr(result, "code"):
            orders.append(result[0])
        if len(orders) == 40:
            break
    return orders


def _variants(order) -> list:
    """The order, then copies whose values compare equal but print apart, and other origins."""
    out = [order]
    amount = order.amount
    if amount is not None:
        out.append(order.model_copy(update={"amount": int(amount)}))
        out.append(order.model_copy(update={"amount": float(int(amount))}))
    out.append(order.model_copy(update={"origins": {**order.origins, "amount": "reference:x",
                                                    "supplier_band": "reference:y",
                                                    "supplier_commune": "directory:3"}}))
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_kept_pieces_give_the_explanation_made_afresh(lang):
    book = load_rules(None, [], [])
    parts = FindingParts(book.rules, lang)
    texts = FindingTexts(book.rules, lang, parts)
    checked = 0
    for _round in range(2):  # the second round answered from what the first kept
        for base in _orders(book):
            for order in _variants(base):
                fresh = {f.rule: f for f in evaluate(order, book)}
                for f in evaluate(order, book):
                    if f.status == "not_applicable":
                        continue
                    other = fresh[f.rule]
                    assert parts.finding_json(f, order.origins) == orjson.dumps(
                        finding_dict(other, lang, order.origins, True)), (f, order.amount, order.origins)
                    assert texts(f) == texts.describe(other), (f, order.amount)
                    checked += 1
    assert checked > 500
    assert parts.kept()


def test_a_value_kept_as_text_is_the_text_of_its_own_type():
    kept: dict = {}
    values = [1, 1.0, True, 0, False, 0.0, -0.0, (1,), (True,), (1.0,), frozenset({"a"}), "1", None,
              dt.date(2025, 1, 2), dt.datetime(2025, 1, 2), 1234.5, [1, 2], {"a": 1}]
    for _ in range(2):
        for kind in (None, *{f.kind for f in FIELDS_BY_NAME.values()}):
            for value in values:
                for lang in ("fr", "en"):
                    assert format_kept(value, kind, lang, kept.setdefault(lang, {})) == format_value(value, kind, lang)
    small: dict = {}
    for i in range(50):
        format_kept(i, None, "fr", small, limit=10)
    assert len(small) <= 10


def test_missing_fields_kept_by_pattern_are_those_explained():
    """`CompiledRule.missing` answers from the leaves' results: the same fields as `explain`, including
    when the reference date is unknown or outside a rule's window."""
    book = load_rules(None, [], [])
    orders = []
    for order in _orders(book):
        orders += [order, order.model_copy(update={"launch_date": None}),
                   order.model_copy(update={"launch_date": None, "notification_date": None}),
                   order.model_copy(update={"launch_date": dt.date(2001, 1, 1)}),
                   order.model_copy(update={"amount": None, "cpv": None})]
    asked = 0
    for _round in range(2):
        for order in orders:
            vals = book.values(order)
            for rule in book.rules:
                assert rule.missing(vals) == rule.explain(vals)[2], (rule.id, order.id)
                asked += rule.explain(vals)[0] == "insufficient_data"
    assert asked > 100
