"""The writing pass's shortcuts give what the plain definitions give.

results.json's records, results.csv's rows and report.html's rows are built with values kept over a
batch (a source's JSON head, a RISK-02 group's finding, a score's cell, a fail message): each is checked
here against the definition it replaces, on the samples (xlsx, csv, DECP with JSON paths, the supplier
register, waivers, RISK-02 groups), in both languages.
"""

from __future__ import annotations

import dataclasses
from contextlib import ExitStack
from pathlib import Path

import orjson
import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.portfolio_findings import PORTFOLIO_RULE_IDS, PortfolioOrderFinding
from procurement.views.batch import STATUS_LETTER, PayloadBuilder
from procurement.waivers import parse_waivers
from procurement.write.records import OrderJson, order_record
from procurement.write.results_csv import CsvSink, row

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FILES = [SAMPLES / n for n in ("commandes-2025.xlsx", "commandes-2025.csv", "decp-2024-bretagne.json",
                               "decp-2019-pes-extrait.json")]


@pytest.fixture(scope="module")
def scored():
    from procurement.directory import load_directory

    rulebook = load_rules(None, [], [])
    # Waived: the environmental rules of the orders whose id starts with 25M, RISK-02 for some others.
    text = "waivers:\n" + "".join(
        f'  - order: "{order}"\n    rule: {rule}\n    justification: test\n    author: test\n    date: 2025-01-01\n'
        for order, rule in (("25M*", "ENV"), ("BC25-01*", "RISK-02")))
    waivers = parse_waivers(text.encode(), "w.yaml", [*(r.id for r in rulebook.rules), *PORTFOLIO_RULE_IDS])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1780272000")  # 2026-06-01
        result = run(FILES, rulebook, directory=load_directory([SAMPLES / "fournisseurs.csv"]), waivers=waivers)
    orders = list(result.orders)
    kinds = {type(f).__name__ for s in orders for f in s.findings}
    assert {"PortfolioOrderFinding", "WaivedFinding"} <= kinds
    assert any(s.order.source.path for s in orders) and any(s.order.warnings for s in orders)
    return result, orders


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_order_json_is_the_record(scored, lang):
    result, orders = scored
    fast = OrderJson(result.rulebook.rules, lang)
    for s in orders:
        assert fast(s) == orjson.dumps(order_record(s, lang, compact=True)), s.order.id


def test_a_group_finding_names_the_group_sum_whatever_the_origin_of_the_amount(scored):
    """Orders of one RISK-02 group whose amounts come from different places: the group's evidence is the
    sum of the group's amounts, not the order's amount, and the fast encoder says so as the record does
    (until 2026-11-27 it named the order's amount's origin, « order » by default)."""
    result, orders = scored
    fast = OrderJson(result.rulebook.rules, "fr")
    first = next(s for s in orders if any(type(f) is PortfolioOrderFinding for f in s.findings))
    for where in ("order", "reference:elsewhere", "order"):
        order = first.order.model_copy(update={"origins": {**first.order.origins, "amount": where}})
        other = dataclasses.replace(first, order=order, encoded=None)
        out = fast(other)
        assert out == orjson.dumps(order_record(other, "fr", compact=True))
        group_finding = out[out.index(b'{"rule":"RISK-02"'):]
        assert b'"origin":"computed:group_sum(amount)"' in group_finding[:group_finding.index(b'"measures"')]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_csv_rows_are_the_plain_rows(scored, lang, tmp_path):
    result, orders = scored
    with ExitStack() as stack:
        sink = CsvSink(result, tmp_path, lang, stack)
        for s in orders:
            fast, plain = sink.row(s), row(s, lang, sink.statuses, sink.rule_ids, sink.added)
            assert fast == plain and list(map(type, fast)) == list(map(type, plain)), s.order.id
        # A status that would read as a formula is neutralised, on the order that has it and after.
        first = orders[0]
        odd = dataclasses.make_dataclass("Odd", ["rule", "status"])(sink.rule_ids[0], "=1+1")
        for s in (dataclasses.replace(first, findings=[*first.findings, odd]), first):
            assert sink.row(s) == row(s, lang, sink.statuses, sink.rule_ids, sink.added)
        assert "'=1+1" in sink.row(dataclasses.replace(first, findings=[*first.findings, odd]))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_rows_carry_each_fail_message(scored, lang):
    result, orders = scored
    builder = PayloadBuilder(result, lang)
    for s in orders:
        letters, messages = ["-"] * len(builder.rules), []  # "-": a rule with no finding (RISK-02 unflagged)
        for f in s.findings:
            pos = builder.rule_pos[f.rule]
            letters[pos] = STATUS_LETTER.get(f.status, "f")
            if f.status in ("fail", "waived"):
                messages += [pos, f.message(lang)]
        got = builder.row(s)
        table = builder.table.values()  # rows carry the numbers of their messages in the page's table
        shown = [table[v] if k % 2 else v for k, v in enumerate(got[11])]
        assert got[10] == "".join(letters) and shown == messages, s.order.id
