"""The writing pass reads an order's statuses once (`procurement.rule_statuses`) for results.csv, the
report's rows and the batch figures: each shortcut is checked here against the plain definition, a
finding at a time, on the samples (waivers, RISK-02 groups, the supplier register) and on orders whose
findings are not the rulebook's in order (the sinks then read each finding).
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import orjson
import pytest

from procurement import aggregate_rules, rule_statuses
from procurement.aggregate import Aggregate
from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.portfolio_findings import PORTFOLIO_RULE_IDS
from procurement.rule_statuses import STATUS_LETTER, RuleStatuses
from procurement.views.batch import PayloadBuilder
from procurement.waivers import parse_waivers

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FILES = [SAMPLES / n for n in ("commandes-2025.xlsx", "commandes-2025.csv", "decp-2024-bretagne.json",
                               "decp-2019-pes-extrait.json")]


@pytest.fixture(scope="module", params=["fr", "en"])
def scored(request):
    """The samples scored as `procurement score` does, the findings' JSON encoded by the workers."""
    from procurement.directory import load_directory

    lang = request.param
    rulebook = load_rules(None, [], [])
    text = "waivers:\n" + "".join(
        f'  - order: "{order}"\n    rule: {rule}\n    justification: test\n    author: test\n    date: 2025-01-01\n'
        for order, rule in (("25M*", "ENV"), ("BC25-01*", "RISK-02"), ("BC25-0*", "LOC-01")))
    waivers = parse_waivers(text.encode(), "w.yaml", [*(r.id for r in rulebook.rules), *PORTFOLIO_RULE_IDS])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1780272000")  # 2026-06-01
        result = run(FILES, rulebook, directory=load_directory([SAMPLES / "fournisseurs.csv"]), waivers=waivers,
                     encode=lang)
    orders = list(result.orders)
    assert any(s.encoded for s in orders)
    assert {"PortfolioOrderFinding", "WaivedFinding"} <= {type(f).__name__ for s in orders for f in s.findings}
    return result, orders, lang


class _Odd:
    """A finding of a rule by id only, with a status no stage gives (read as fail)."""

    def __init__(self, rule: str, status: str):
        self.rule, self.status = rule, status


def _variants(orders, rule_ids):
    """Orders whose findings are not the rulebook's in order, or that repeat one of its rules."""
    rng = random.Random(7)
    out = []
    for s in orders[:40]:
        shuffled = list(s.findings)
        rng.shuffle(shuffled)
        out += [dataclasses.replace(s, findings=shuffled), dataclasses.replace(s, findings=s.findings[1:]),
                dataclasses.replace(s, findings=[*s.findings, _Odd(rule_ids[3], "odd")]),
                dataclasses.replace(s, findings=[*s.findings, _Odd(rule_ids[5], "pass")], encoded=None)]
    return out


def test_statuses_are_the_findings(scored):
    result, orders, _ = scored
    layout = RuleStatuses(result.rulebook.rules)
    n = len(result.rulebook.rules)
    for s in orders:
        statuses, rest = layout.of(s)
        assert statuses == tuple(f.status for f in s.findings[:n]) and rest == s.findings[n:]
        assert layout.letters(s) == "".join(STATUS_LETTER.get(f.status, "f") for f in s.findings[:n])
    for s in _variants(orders, layout.ids)[::4]:
        assert layout.of(s) is None and layout.letters(s) is None


def test_report_rows_are_the_plain_rows(scored):
    result, orders, lang = scored
    builder = PayloadBuilder(result, lang)
    for s in [*orders, *_variants(orders, builder.layout.ids)]:
        rule_pos = builder.rule_pos
        letters, messages = ["-"] * len(builder.rules), []  # "-": a rule with no finding (RISK-02 unflagged)
        for f in s.findings:
            pos = rule_pos[f.rule]
            letters[pos] = STATUS_LETTER.get(f.status, "f")
            if f.status in ("fail", "waived"):
                messages += [pos, f.message(lang)]
        got = builder.row(s)
        table = builder.table.values()  # rows carry the numbers of their messages in the page's table
        shown = [table[v] if k % 2 else v for k, v in enumerate(got[11])]
        assert got[10] == "".join(letters) and shown == messages, s.order.id
        orjson.dumps(got)


def test_a_message_is_read_from_the_json_only_as_it_ends(scored):
    """An engine finding's JSON ending otherwise than with its message: the message is made afresh."""
    result, orders, lang = scored
    builder = PayloadBuilder(result, lang)
    s = next(s for s in orders if s.encoded and any(f.status == "fail" for f in s.findings))
    pos = next(i for i, f in enumerate(s.findings) if f.status == "fail" and type(f).__name__ == "Finding")
    for broken in (b'{"rule":"X","message":null}', b'{"rule":"X"}', b'{"rule":"X","message":"no","more":1}'):
        done = list(s.encoded[1])
        done[pos] = broken
        other = dataclasses.replace(s, encoded=(lang, tuple(done)))
        messages = builder.row(other)[11]
        number = messages[2 * messages[::2].index(pos) + 1]
        assert builder.table.values()[number] == s.findings[pos].message(lang)


def _plain_figures(result, orders):
    """The figures with every order read a finding at a time (the definition the pending sums keep)."""
    agg = Aggregate(result.rulebook)
    agg.rules._add_verdicts = lambda scored, s, amount: False
    for s in orders:
        agg.add(s)
    return agg.result()


@pytest.mark.parametrize("pending", [1, 7, 4096])
def test_figures_are_the_plain_figures(scored, pending, monkeypatch):
    result, orders, _ = scored
    monkeypatch.setattr(aggregate_rules, "_PENDING", pending)
    layout = RuleStatuses(result.rulebook.rules)
    mixed = list(orders)
    for i, extra in enumerate(_variants(orders, layout.ids)):
        mixed.insert(3 * i % len(mixed), extra)
    no_amount = [dataclasses.replace(s, order=s.order.model_copy(update={"amount": None})) for s in orders[:9]]
    for batch in (orders, mixed, [*no_amount, *orders]):
        agg = Aggregate(result.rulebook)
        for s in batch:
            agg.add(s)
        fast = agg.result()
        rule_statuses.forget()
        plain = _plain_figures(result, batch)
        # Sums compared through their JSON: equal floats, to the last bit.
        assert orjson.dumps(fast) == orjson.dumps(plain)
        assert agg.result() == fast  # read twice, the same
