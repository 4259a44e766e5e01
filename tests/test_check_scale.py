"""`procurement check` on a tender with 300 bids and 2 KB texts (tests/data/check/many_bids.py).

A buyer with hundreds of bids needs a page whose comparison does not grow sideways with the bids, and a
check.json that says each thing once: before, the table had one column per bid (37,000 px for 300 bids)
and each bid weighed 36 KB in check.json, most of it copies — every rule's advice and legal basis per
failed rule, the consultation's texts inherited by every bid, the bidder's name again in every finding's
evidence, each message in three copies. These tests pin what replaced that, and that nothing a reader
or a program needs was lost with the copies.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from html import unescape
from pathlib import Path

import pytest

from procurement.check_page import CLIP

ROOT = Path(__file__).resolve().parents[1]
BIDS, SIZE = 300, 2000


def _many_bids():
    spec = importlib.util.spec_from_file_location("check_many_bids", ROOT / "tests" / "data" / "check" / "many_bids.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_many_bids", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    from procurement.check import check_data, run_check, write_check
    from procurement.commands import load_rules

    base = tmp_path_factory.mktemp("many")
    workbook = _many_bids().build(base / "consultation.xlsx", BIDS, SIZE)
    result = run_check(workbook, load_rules(None, [], []))
    json_path, html_path = write_check(result, base / "out", "fr")
    raw = json_path.read_text(encoding="utf-8")
    assert json.loads(raw) == json.loads(json.dumps(check_data(result, "fr")))  # what was written is check_data
    return result, json.loads(raw), raw, html_path.read_text(encoding="utf-8")


def test_each_bid_says_its_texts_once(big):
    _, data, raw, _ = big
    (tender,) = data["tenders"]
    assert len(tender["bids"]) == BIDS
    for bid in tender["bids"]:
        text = json.dumps(bid, ensure_ascii=False)
        name = json.dumps(bid["supplier"], ensure_ascii=False)
        assert text.count(name[1:-1]) == 1, bid["id"]  # not in data, not in any finding's evidence
        assert json.dumps(tender["data"]["object"], ensure_ascii=False)[1:-1] not in text
        assert json.dumps(tender["data"]["buyer_name"], ensure_ascii=False)[1:-1] not in text
        # What is left besides the name: the bid's values, scores and verdicts (36 KB a bid before).
        assert len(text.encode()) - len(name.encode()) < 4000, (bid["id"], len(text))
    assert len(raw.encode()) < 8_000 * BIDS


def test_nothing_a_program_needs_was_dropped(big):
    """Every bid's values, verdicts and rule texts can be read back from check.json as they were computed (a
    missing value named by its cell, as on the page: `check_labels`)."""
    from procurement.check_labels import Sheet
    from procurement.write.records import order_data

    result, data, _, _ = big
    (tender,) = data["tenders"]
    by_id = {s.order.id: s for s in result.bid_run.orders}
    rules = data["rules"]
    sheet = Sheet.of(data, 1)
    for bid in tender["bids"]:
        scored = by_id[bid["id"]]
        row = scored.order.source.row
        # The bid's values: its own, its bidder's name, and those it took from its consultation.
        values = {**{n: tender["data"][n] for n in bid["inherited"]}, **bid["data"], "supplier_name": bid["supplier"]}
        assert values == order_data(scored.order), bid["id"]
        assert bid["inherited"] == ["object", "cpv", "launch_date", "place_code", "buyer_name"]
        # Each verdict, with its message where the rule applies and the conditions that decided it.
        findings = {f["rule"]: f for f in bid["findings"]}
        assert {r: f["status"] for r, f in findings.items()} == {f.rule: f.status for f in scored.findings}
        for f in scored.findings:
            if f.status != "not_applicable":
                message = f.message("fr", lambda name, row=row: sheet.label(name, "fr", row))
                assert findings[f.rule]["message"] == message and findings[f.rule]["evidence"]
        assert bid["failed"] == [f.rule for f in scored.findings if f.status == "fail"]
        # A failed rule's title, advice and legal basis: once, in `rules`.
        for rule in bid["failed"]:
            assert rules[rule]["title"] and rules[rule]["advice"] and rules[rule]["legal_ref"]
    assert list(rules) == data["meta"]["rules"]["tender"]  # every bid rule is a pre-award rule of the tender
    assert rules["CARB-02"]["kind"] == "kpi" and rules["CARB-02"]["chantiers"] == [2]


def test_the_comparison_has_a_row_per_bid_and_clips_long_names(big):
    _, data, _, html = big
    table = html[html.index('<table class="comparison">'):html.index("</table>", html.index('class="comparison"'))]
    head, body = table[:table.index("<tbody>")], table[table.index("<tbody>"):]
    # One row per bid, in order; the columns are the declared values and the chantiers, not the bids.
    assert re.findall(r'<tr data-bid="(P\d+)">', body) == [f"P{i:03d}" for i in range(1, BIDS + 1)]
    assert "data-bid" not in head and head.count("<th") < 25
    names = [unescape(n) for n in re.findall(r'</a><br><span class="muted">(.*?)</span>', body)]
    assert len(names) == BIDS
    bids = data["tenders"][0]["bids"]
    for name, bid in zip(names, bids, strict=True):
        assert len(name) <= CLIP + 1 and name.endswith("…"), name
        assert bid["supplier"].startswith(name[:-1].rstrip(" ,;:.-")[:40])
    # The whole name is in the bid's details, which the row links to.
    for i in (1, 7, 300):
        detail = html[html.index(f'id="bid-1-{i}"'):]
        detail = detail[:detail.index("</h4>")]
        assert unescape(detail).count(bids[i - 1]["supplier"]) == 1, i
        assert f'<a href="#bid-1-{i}">P{i:03d}</a>' in body
    # The heading clips the consultation's object; the facts table gives it whole.
    heading = html[html.index('<h2 id="h-tender-1"'):html.index("</h2>", html.index('<h2 id="h-tender-1"'))]
    assert len(unescape(heading)) < 2 * CLIP + 200
    assert data["tenders"][0]["data"]["object"] in unescape(html)


def test_hostile_names_stay_text(big):
    _, _, _, html = big
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>gras</b>" not in html and "&lt;b&gt;gras&lt;/b&gt;" in html
    # "&amp;" typed in a cell is read as "&" (entities are decoded on reading: procurement.parse.text), and
    # printed escaped.
    assert "coopérative &amp; collective" in html and "coopérative & collective" not in html
    assert '=HYPERLINK(&#34;http://x&#34;,&#34;clic&#34;)' in html
