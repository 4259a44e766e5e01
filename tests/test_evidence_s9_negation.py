"""A condition under a `not` is shown negated in the evidence, wherever the evidence is shown.

Why: RISK-01 requires `not: matches_words`, and its evidence showed the inner test alone, so that a
failing order read `award_criteria matches_words -> true` beside « non conforme » (and a passing one
`-> false`), in results.json, in results.xlsx's « Preuves » and on the order's page. The row is now the
negated test's (`not matches_words`, its result negated), the `not`s pushed down to the leaves when
nested: a true row always counts for the rule, a false one against it. These tests go through the
engine's evidence, results.json's compact finding (fresh, kept by value and kept by pattern), the
workbook's texts in French and English, the order page's rows and the examples of every rule of the
Métropole's rulebook that uses `not`.
"""

from __future__ import annotations

import random

import orjson
import pytest

from procurement.commands import load_rules
from procurement.engine import evaluate
from procurement.model import Order
from procurement.rulebook import load_rulebook
from procurement.rulebook.examples import run_examples
from procurement.rulebook.operators import op_phrase, split_op
from procurement.views.order import evidence_rows
from procurement.write.finding_parts import FindingParts
from procurement.write.finding_rows import decisive_rows
from procurement.write.records import finding_dict
from procurement.write.xlsx_rows import FindingTexts

LOCAL = "Prix (50 %), Valeur technique (40 %), Implantation locale du fournisseur (10 %)"
PLAIN = "Prix (60 %), Valeur technique (40 %)"


def order(oid: str = "O-1", **values) -> Order:
    return Order.model_validate({"id": oid, "source": {"file": "t.xlsx", "row": 2}, **values})


@pytest.fixture(scope="module")
def book():
    return load_rules(None, [], [])


def _risk01(book, criteria: str, oid: str = "O-1"):
    (f,) = [f for f in evaluate(order(oid, nature="marche", award_criteria=criteria), book) if f.rule == "RISK-01"]
    return f


def _require(rows) -> list[tuple]:
    return [r for r in rows if r[0] == "require"]


def test_risk01_evidence_shows_the_negation(book):
    fail, ok = _risk01(book, LOCAL), _risk01(book, PLAIN)
    assert fail.status == "fail" and ok.status == "pass"
    (row,) = _require(fail.evidence_rows())
    assert row[2] == "not matches_words" and row[5] is False and row[4] == LOCAL
    (row,) = _require(ok.evidence_rows())
    assert row[2] == "not matches_words" and row[5] is True
    # The engine's dict and results.json's compact finding, made afresh.
    assert next(e for e in fail.to_dict()["evidence"] if e["part"] == "require")["result"] is False
    compact = finding_dict(fail, "fr", {}, compact=True)
    assert [(e["op"], e["result"]) for e in compact["evidence"]] == [("not matches_words", False)]
    compact = finding_dict(ok, "fr", {}, compact=True)
    assert [(e["op"], e["result"]) for e in compact["evidence"]] == [("not matches_words", True)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_results_json_kept_by_value_and_by_pattern_shows_the_negation(book, lang):
    """The second and third failing orders differ in their text only: the second is answered from the
    pattern of the first (finding_pattern.py), the third (the first's text again) from the values."""
    parts = FindingParts(book.rules, lang)
    for i, text in enumerate((LOCAL, "Critère : fournisseur de proximité (20 %)", LOCAL)):
        f = _risk01(book, text, f"O-{i}")
        got = orjson.loads(parts.finding_json(f, {}))
        assert got == orjson.loads(orjson.dumps(finding_dict(_risk01(book, text, f"O-{i}"), lang, {}, True)))
        assert [(e["op"], e["actual"], e["result"]) for e in got["evidence"]] == [("not matches_words", text, False)]
    assert parts._by_pattern  # the pattern path was taken


@pytest.mark.parametrize(("lang", "false"), [("fr", "faux"), ("en", "false")])
def test_workbook_texts_show_the_negation(book, lang, false):
    parts = FindingParts(book.rules, lang)
    texts = FindingTexts(book.rules, lang, FindingParts(book.rules, lang))
    for _round in range(2):  # the second round is answered from the caches
        f = _risk01(book, LOCAL)
        _message, evidence, _missing = parts.cells(f)
        assert evidence == texts.describe(_risk01(book, LOCAL))[1]
        require = evidence.split("require: ")[1]
        assert require.startswith("award_criteria not matches_words local, ")
        assert require.endswith(f" -> {false} ({LOCAL})")


def test_order_page_rows_do_not_contradict_the_verdict(book):
    f = _risk01(book, LOCAL)
    rows = evidence_rows(f, "fr")
    assert rows[-1]["result"] == "faux" and rows[-1]["result_code"] == "false"
    assert rows[-1]["actual"] == LOCAL


def test_op_phrase_reads_a_negated_op():
    assert split_op("not matches_words") == ("matches_words", True) and split_op("in") == ("in", False)
    assert op_phrase("not matches_words", "fr") == "pas : {field} contient le mot {value}"
    assert op_phrase("not matches_words", "en") == "not: {field} contains the word {value}"
    assert op_phrase("gte", "en") == "{field} ≥ {value}" and op_phrase("group_sum_gte", "fr") is None


def test_every_not_of_the_rulebook_is_shown_negated(book):
    """Each leaf under an odd number of `not` in the Métropole's rulebook records `not <op>`, the others
    their op; PROC-03, AGEC-01, CIRC-01, LAND-01 and RISK-01 have one."""

    def leaves(cond, negated=False):
        data = cond.model_dump(by_alias=True, exclude_none=True)

        def walk(node, neg):
            if "not" in node:
                yield from walk(node["not"], not neg)
            elif "all" in node or "any" in node:
                for child in node.get("all", node.get("any")):
                    yield from walk(child, neg)
            else:
                yield ("not " if neg else "") + node["op"]
        return list(walk(data, negated))

    rows_by_rule = {r.rule: r for r in run_examples(book)}
    with_not = set()
    for rule in book.rules:
        for key, node in (("applies_when", rule.applies), ("require", rule.require)):
            if node is None:
                continue
            expected = leaves(getattr(rule.source, key))
            vals = book.values(order(launch_date="2026-09-01"))
            out: list[tuple] = []
            node.explain(vals, key, out, [])
            assert [r[2] for r in out] == expected, rule.id
            if any(op.startswith("not ") for op in expected):
                with_not.add(rule.id)
        assert rule.id in rows_by_rule or not rule.examples
    assert {"PROC-03", "AGEC-01", "CIRC-01", "LAND-01", "RISK-01"} <= with_not


def _witnessed(status: str, rows: list[tuple]) -> bool:
    """A row says why: a false require row for a fail, a true one for a pass, a false validity or
    applies_when row for a rule that does not apply."""
    if status == "fail":
        return any(r[0] == "require" and r[5] is False for r in rows)
    if status == "pass":
        return any(r[0] == "require" and r[5] is True for r in rows)
    if status == "not_applicable":
        return any(r[0] in ("validity", "applies_when") and r[5] is False for r in rows)
    return any(r[5] is None for r in rows)


def test_every_example_of_the_rulebook_has_evidence_that_agrees(book):
    results = run_examples(book)
    assert len(results) > 200
    for r in results:
        assert _witnessed(r.got, r.evidence), (r.rule, r.number, r.got, r.evidence)
        kept = decisive_rows(r.evidence, r.got)
        if r.got in ("fail", "pass"):
            assert all(k[5] is (r.got == "pass") for k in kept), (r.rule, r.number, kept)


RULEBOOK = """\
id: t
version: 1.0.0
title: {{fr: T, en: T}}
rules:
  - id: TST-01
    title: {{fr: Règle d'essai, en: Test rule}}
    message: {{fr: "Échec", en: "Failed"}}
    chantiers: [1]
    kind: kpi
    severity: warning
    why: {{fr: P, en: W}}
    advice: {{fr: C, en: A}}
    require: {require}
"""

A = "{field: amount, op: gte, value: 40000}"
B = "{field: cpv, op: cpv_in, value: ['45']}"
C = "{field: lots, op: gte, value: 2}"


def _one(tmp_path, require: str):
    path = tmp_path / "r.yaml"
    path.write_text(RULEBOOK.format(require=require), encoding="utf-8")
    return load_rulebook(path)


def test_nested_nots_are_pushed_to_the_conditions(tmp_path):
    book = _one(tmp_path, f"{{not: {{all: [{A}, {{not: {B}}}]}}}}")
    (f,) = evaluate(order(amount=50000, cpv="30000000"), book)  # all(true, true) -> not -> fail
    assert f.status == "fail"
    assert [(r[2], r[5]) for r in f.evidence_rows()] == [("not gte", False), ("cpv_in", False)]
    (f,) = evaluate(order(amount=50000, cpv="45000000"), book)
    assert f.status == "pass"
    assert [(r[2], r[5]) for r in f.evidence_rows()] == [("not gte", False), ("cpv_in", True)]
    (f,) = evaluate(order(cpv="45000000"), book)  # unknown stays unknown, and is missing
    assert f.status == "pass" and [r[5] for r in f.evidence_rows()] == [None, True]
    book = _one(tmp_path, f"{{not: {{not: {A}}}}}")
    (f,) = evaluate(order(amount=50000), book)
    assert f.status == "pass" and [(r[2], r[5]) for r in f.evidence_rows()] == [("gte", True)]


def test_random_conditions_never_give_evidence_against_their_verdict(tmp_path):
    """Conditions of all/any/not over three leaves, on orders where each leaf is true, false or unknown."""
    rng = random.Random(9)

    def cond(depth: int) -> str:
        pick = rng.random()
        if depth == 0 or pick < 0.3:
            return rng.choice((A, B, C))
        if pick < 0.55:
            return f"{{not: {cond(depth - 1)}}}"
        key = "all" if pick < 0.8 else "any"
        return f"{{{key}: [{', '.join(cond(depth - 1) for _ in range(rng.randint(1, 3)))}]}}"

    values = [{"amount": a, "cpv": c, "lots": n} for a in (None, 100, 50000) for c in (None, "45000000", "30000000")
              for n in (None, 1, 3)]
    checked = 0
    for i in range(60):
        book = _one(tmp_path, cond(3))
        for v in values:
            (f,) = evaluate(order(f"O-{i}", **{k: x for k, x in v.items() if x is not None}), book)
            rows = f.evidence_rows()
            assert _witnessed(f.status, rows), (f.status, rows)
            checked += 1
    assert checked == 60 * len(values)


def test_a_shared_value_list_keeps_its_own_op_in_the_caches(tmp_path):
    """Two rules testing the same words, one under `not`, through one YAML alias (one expected object):
    the rows kept by condition (op in their key) stay each rule's own."""
    text = RULEBOOK.format(require="{field: award_criteria, op: matches_words, value: &w [locale, proximité]}")
    text += text[text.index("  - id: TST-01"):].replace("TST-01", "TST-02").replace(
        "require: {field: award_criteria, op: matches_words, value: &w [locale, proximité]}",
        "require: {not: {field: award_criteria, op: matches_words, value: *w}}")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    book = load_rulebook(path)
    for lang in ("fr", "en"):
        parts = FindingParts(book.rules, lang)
        for _round in range(2):
            one, two = evaluate(order(award_criteria=LOCAL), book)
            assert (one.status, two.status) == ("pass", "fail")
            got = [orjson.loads(parts.finding_json(f, {}))["evidence"] for f in (one, two)]
            assert [(e[0]["op"], e[0]["result"]) for e in got] == [("matches_words", True),
                                                                   ("not matches_words", False)]
            assert "not matches_words" not in parts.cells(one)[1] and "not matches_words" in parts.cells(two)[1]


@pytest.mark.parametrize(("require", "values", "status", "kept"), [
    # any holds: its first branch that holds, not the true conditions of a branch that does not
    (f"{{any: [{{all: [{A}, {B}]}}, {C}]}}", {"amount": 50000, "cpv": "30000000", "lots": 3}, "pass",
     [("lots", "gte", True)]),
    (f"{{any: [{A}, {C}]}}", {"amount": 50000, "lots": 3}, "pass", [("amount", "gte", True)]),
    # all fails: its failing parts, not the false conditions inside a part that holds
    (f"{{all: [{{any: [{A}, {B}]}}, {C}]}}", {"amount": 10, "cpv": "45000000", "lots": 1}, "fail",
     [("lots", "gte", False)]),
    # under a not, all and any swap (De Morgan): not all = any of the negations
    (f"{{not: {{all: [{A}, {B}]}}}}", {"amount": 10, "cpv": "30000000"}, "pass", [("amount", "not gte", True)]),
    (f"{{not: {{any: [{A}, {B}]}}}}", {"amount": 10, "cpv": "30000000"}, "pass",
     [("amount", "not gte", True), ("cpv", "not cpv_in", True)]),
])
def test_the_evidence_keeps_the_branches_that_decided(tmp_path, require, values, status, kept):
    """PROC-02 passed with « lancement non renseigné » and « notification entre 2020 et 2026 » taken from
    date windows it was not judged under: a true condition of a branch that did not hold is no evidence."""
    book = _one(tmp_path, require)
    (f,) = evaluate(order(**values), book)
    assert f.status == status
    rows = decisive_rows(f.evidence_rows(), f.status, None, f.compiled)
    assert [(r[1], r[2], r[5]) for r in rows] == kept
    parts = FindingParts(book.rules, "fr")
    shown = orjson.loads(b"{" + parts.evidence_json(f, {})[1:] + b"}")["evidence"]
    assert [(e["field"], e["op"], e["result"]) for e in shown] == kept
    compact = finding_dict(f, "fr", {}, compact=True)["evidence"]
    assert [(e["field"], e["op"], e["result"]) for e in compact] == kept


def test_proc02_passes_on_the_branch_it_was_judged_under(book):
    from procurement.enrich import enrich

    o = enrich(order(procedure="sans_publicite", amount=12073.15, nature="bon_de_commande", cpv="30192000",
                     notification_date="2025-01-09"))
    (f,) = [f for f in evaluate(o, book) if f.rule == "PROC-02"]
    assert f.status == "pass"
    rows = decisive_rows(f.evidence_rows(), f.status, None, f.compiled)
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("initial_amount", "absent", None), ("launch_date", "absent", None),
        ("notification_date", "between", rows[2][3]), ("amount", "lt", 40000)]


def test_the_workbook_shows_the_same_deciding_rows(book):
    """results.xlsx's « Preuves » cell listed every condition evaluated: 56 for a PROC-02 pass, read by a
    reviewer as unreadable. It now gives the rows results.json keeps, in both of its paths."""
    from procurement.enrich import enrich

    o = enrich(order(procedure="sans_publicite", amount=12073.15, nature="bon_de_commande", cpv="30192000",
                     notification_date="2025-01-09"))
    (f,) = [f for f in evaluate(o, book) if f.rule == "PROC-02"]
    kept = FindingParts(book.rules, "fr").evidence_text(f)[0]
    assert kept == FindingTexts(book.rules, "fr").describe(f)[1]
    assert kept.count("require:") == 4 and "amount lt 40\u202f000\u202f€" in kept
    assert "25\u202f000" not in kept and "60\u202f000" not in kept and "2017" not in kept
