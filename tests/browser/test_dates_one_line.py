"""Dates and references on one line in a 390 px window (English review).

Chromium breaks a line after a hyphen: check.html's legal table read « … launched from 2026-08- » above
« 21 », an order page's notification date « 2024-07- » above « 01 », the summary's « PROC- » above « 01 ».
A cell that is a date or a reference, and a date within a sentence, now stay whole (`views.common.NOWRAP`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from procurement.views.order import order_file_name
from tests.data.check_s9 import workbook as W

# The lines each element's text takes, and each ISO date within a text: one number per date.
_LINES = """(selector) => {
    const lines = range => new Set([...range.getClientRects()].filter(r => r.width > 0)
        .map(r => Math.round(r.top))).size;
    const out = [];
    for (const el of document.querySelectorAll(selector)) {
        const whole = document.createRange();
        whole.selectNodeContents(el);
        out.push([el.textContent.trim(), lines(whole)]);
    }
    return out;
}"""
_DATES = """() => {
    const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement || node.parentElement.offsetParent === null) continue;
        for (const m of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            out.push([m[0], new Set([...range.getClientRects()].filter(r => r.width > 0)
                .map(r => Math.round(r.top))).size]);
        }
    }
    return out;
}"""


def _narrow(open_page: Any, path: Path) -> Any:
    w = open_page(path)
    w.page.set_viewport_size({"width": 390, "height": 900})
    return w


@pytest.fixture(scope="module")
def check_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("dates")
    W.check(W.build(base / "c.xlsx", lang="en"), base / "en", "--lang", "en")
    return base / "en" / "check.html"


def test_the_check_pages_dates_are_each_on_one_line(open_page, check_page):
    w = _narrow(open_page, check_page)
    facts = dict(w.page.evaluate(_LINES, "table.facts td"))
    assert facts["2026-09-15"] == 1, facts  # the launch date, a cell of its own
    dates = w.page.evaluate(_DATES)
    assert len(dates) > 10  # the legal table's titles and findings say when a rule applies
    assert [d for d, lines in dates if lines > 1] == []
    assert w.page.evaluate("() => document.documentElement.scrollWidth") == 390
    w.clean()


def test_an_order_pages_dates_and_the_summarys_rule_ids_are_each_on_one_line(open_page, site):
    run = site["run"]
    scored = next(s for s in run.orders if s.order.launch_date and s.order.notification_date)
    w = _narrow(open_page, site["dir"] / "en" / "orders" / order_file_name(scored))
    cells = dict(w.page.evaluate(_LINES, "dl.identity dd"))
    for day in (scored.order.launch_date, scored.order.notification_date):
        assert cells[day.isoformat()] == 1, cells
    assert [d for d, lines in w.page.evaluate(_DATES) if lines > 1] == []
    w.clean()
    w = _narrow(open_page, site["summary_en"])
    ids = [(text, lines) for text, lines in w.page.evaluate(_LINES, 'tbody th[scope="row"]')
           if re.fullmatch(r"[A-Z]{2,5}-\d{2,3}", text)]
    assert len(ids) > 10 and [text for text, lines in ids if lines > 1] == [], ids
    w.clean()


def test_order_pages_fit_a_narrow_window(open_page, site):
    # A legal reference's long link widened an order page to 911 px in a 390 px window, and an evidence
    # table to 456 px (English review): links break anywhere, an evidence table scrolls within its box.
    run = site["run"]
    widths = {}
    for scored in run.orders[:30]:
        w = _narrow(open_page, site["dir"] / "en" / "orders" / order_file_name(scored))
        widths[scored.order.id] = w.page.evaluate("() => document.documentElement.scrollWidth")
        w.clean()
    assert widths and {k: v for k, v in widths.items() if v > 390} == {}
