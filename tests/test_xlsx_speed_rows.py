"""RowBuilder.rows finds each rule's status label and counts the findings on its one pass over an order's
findings; checked here against the plain way (a dict of the findings by rule, a Counter per rule), which
the first version used, on runs with waived and RISK-02 findings."""

from collections import Counter
from pathlib import Path

import pytest

from procurement import i18n
from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write.xlsx_rows import Columns, RowBuilder

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _plain_labels(builder: RowBuilder, scored, lang: str) -> list[object]:
    by_rule = {f.rule: f.status for f in scored.findings}
    return [None if by_rule.get(rid) is None else i18n.label(by_rule[rid], lang) for rid in builder.rules]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rows_match_the_plain_way(lang):
    from procurement.waivers import parse_waivers

    waivers = parse_waivers(b"waivers:\n  - order: '*'\n    rule: SOC\n    justification: Achat sur bourse.\n"
                            b"    author: M. Test\n    date: 2020-01-01\n", "w.yaml")
    r = run([SAMPLES / "commandes-2025.csv", SAMPLES / "decp-2024-bretagne.json"], load_rules(None, [], []),
            waivers=waivers)
    columns = Columns.discover(r)
    builder = RowBuilder(r, lang, columns)
    n_rules = len(builder.rules)
    expected_counts: dict[str, Counter] = {}
    statuses = set()
    room = [10] * n_rules
    for scored in r.orders:
        room_before = list(room)
        row, source, rule_rows = builder.rows(scored, True, room)
        assert source == builder.source(scored)
        for i, _ in rule_rows:
            room[i] -= 1
        for f in scored.findings:
            expected_counts.setdefault(f.rule, Counter())[f.status] += 1
            statuses.add(f.status)
        labels = _plain_labels(builder, scored, lang)
        assert row is not None
        at = len(row) - 2 - n_rules
        assert row[at:at + n_rules] == labels
        assert row == builder.results_row(scored, builder.source(scored))
        expected_rows = [(builder.rule_index[f.rule], (i18n.label(f.status, lang), *builder.texts(f)))
                         for f in scored.findings
                         if f.status != "not_applicable" and f.rule in builder.rule_index
                         and room_before[builder.rule_index[f.rule]] > 0]
        assert rule_rows == expected_rows
    assert {"waived", "not_applicable", "fail"} <= statuses
    assert "RISK-02" in expected_counts
    counts = builder.rule_counts
    assert list(counts) == list(expected_counts)
    for rid, c in counts.items():
        assert type(c) is Counter
        assert list(c.items()) == list(expected_counts[rid].items())
