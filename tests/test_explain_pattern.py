"""Evidence made from the pattern of a rule's results (write/finding_pattern.py) and findings answered
by one shared entry (`FindingParts.findings_json`) are what explaining each finding afresh gives.

Why these cases: the rows of a pattern are learnt from the first finding that shows it, then made for
others from their values; a pattern must therefore capture everything `explain` decides on, including
which reference date a validity window read (launch date, else notification date) and where it stops
(outside the window, applies_when false). Orders are varied on exactly those values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from procurement.commands import load_rules
from procurement.engine import Finding, evaluate
from procurement.read import read_file
from procurement.scorer import Context, score_record
from procurement.write.finding_parts import FindingParts
from procurement.write.finding_pattern import RulePattern
from procurement.write.records import finding_dict
from procurement.write.xlsx_rows import FindingTexts

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _orders(book, n: int = 60) -> list:
    ctx = Context(book)
    orders = []
    for name in ("commandes-2025.csv", "decp-2024-bretagne.json"):
        _info, records = read_file(SAMPLES / name)
        for record in records:
            result = score_record(record, ctx) if not hasattr(record, "code") else record
            if not hasattr(result, "code"):
                orders.append(result[0])
            if len(orders) % n == 0 and orders:
                break
    out = []
    for order in orders:
        out += [order,
                order.model_copy(update={"launch_date": None}),
                order.model_copy(update={"launch_date": None, "notification_date": None}),
                order.model_copy(update={"launch_date": dt.date(2001, 1, 1)}),
                order.model_copy(update={"amount": None, "cpv": None}),
                order.model_copy(update={"amount": 39_999.99 if order.amount is None else order.amount * 3}),
                order.model_copy(update={"origins": {**order.origins, "launch_date": "reference:x",
                                                     "supplier_commune": "directory:2"}})]
    return out


def test_rows_made_from_a_pattern_are_the_rows_explained():
    book = load_rules(None, [], [])
    patterns = {rule.id: RulePattern(rule, book.slot) for rule in book.rules}
    made = 0
    for _round in range(2):
        for order in _orders(book):
            for f in evaluate(order, book):
                if f.status == "not_applicable":
                    continue
                pattern = patterns[f.rule]
                known = pattern.known(f, f.status, pattern.pattern(f.vals))
                assert known is not None, f.rule
                assert known[0] == f.compiled.explain(f.vals)[1], (f.rule, order.id)
                made += _round
    assert made > 1000


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_findings_json_of_an_order_is_each_finding_made_afresh(lang):
    book = load_rules(None, [], [])
    parts = FindingParts(book.rules, lang)
    texts = FindingTexts(book.rules, lang, parts)
    shared = 0
    for _round in range(2):
        for order in _orders(book):
            findings = evaluate(order, book)
            fresh = evaluate(order, book)
            got = parts.findings_json(findings, order.origins, lambda f: b"other")
            assert got == [orjson.dumps(finding_dict(f, lang, order.origins, True)) for f in fresh], order.id
            for f, other in zip(findings, fresh, strict=True):
                if f.status != "not_applicable":
                    assert texts(f) == texts.describe(other), (f, lang)
                    shared += type(f) is Finding and f.memo is not None and f.memo[0] is parts
    assert shared > 1000


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cells_kept_with_an_entry_are_the_texts_made_afresh(lang):
    """`FindingParts.cells`, kept on an entry shared by findings, is what `FindingTexts` describes afresh."""
    book = load_rules(None, [], [])
    parts = FindingParts(book.rules, lang)
    texts = FindingTexts(book.rules, lang, FindingParts(book.rules, lang))
    for _round in range(2):
        for order in _orders(book, 30):
            findings = evaluate(order, book)
            parts.findings_json(findings, order.origins, lambda f: b"other")
            for f, other in zip(findings, evaluate(order, book), strict=True):
                if f.status != "not_applicable":
                    assert parts.cells(f) == texts.describe(other), (f, lang)


def test_a_condition_repeated_in_several_branches_is_shown_once():
    """PROC-02 tests « montant < 25 000 € » (and 40 000, 60 000) under three date windows: a pass showed
    16 evidence rows of which 9 repeated another; each row now appears once, in every output's path."""
    from procurement.write.finding_rows import decisive, decisive_rows

    row = ("require", "amount", "lt", 25000, 12073.15, True)
    other = ("require", "amount", "lt", 40000, 12073.15, True)
    assert decisive_rows([row, other, row, other], "pass") == [row, other]
    keys = ("part", "field", "op", "expected", "actual", "result")
    once = [dict(zip(keys, row, strict=True))]
    assert decisive([dict(zip(keys, r, strict=True)) for r in (row, row)], "pass") == once
    book = load_rules(None, [], [])
    parts = FindingParts(book.rules, "fr")
    seen = 0
    for order in _orders(book, 200):
        for f in evaluate(order, book):
            if f.rule in ("PROC-01", "PROC-02") and f.status == "pass":
                evidence = orjson.loads(b"{" + parts.evidence_json(f, {})[1:] + b"}")["evidence"]
                assert len(evidence) == len({orjson.dumps(e) for e in evidence}), (f.rule, evidence)
                seen += 1
    assert seen
