"""check.html in Chromium with 300 bids and 2 KB texts (tests/data/check/many_bids.py).

The page must stay usable at that size: the comparison as wide as its columns, not its bids (one column
per bid made it 37,000 px, close to a million with unbroken names), the bid column and the headers in view
while the buyer scrolls the table, long names clipped with the whole name one link away, and no part of
the page wider than the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_check_scale import _many_bids  # the 300-bid tender's generator, loaded once for both files

WIDTH = 1280


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from procurement.check import run_check, write_check
    from procurement.commands import load_rules

    book = load_rules(None, [], [])
    base = tmp_path_factory.mktemp("check-browser")
    out = {}
    for name, bids in (("many", 300), ("few", 3)):
        workbook = _many_bids().build(base / f"{name}.xlsx", bids, 2000)
        out[name] = write_check(run_check(workbook, book), base / name, "fr")[1]
    return out


def _geometry(page: Any) -> dict[str, float]:
    return page.evaluate("""() => {
        const box = document.querySelector('.scroll'), table = box.querySelector('table.comparison');
        const r = e => e.getBoundingClientRect();
        return {table: table.scrollWidth, rows: table.tBodies[0].rows.length, box: r(box).width,
                page: document.documentElement.scrollWidth, boxLeft: r(box).left, boxTop: r(box).top,
                firstLeft: r(table.tBodies[0].rows[0].cells[0]).left, headTop: r(table.tHead).top,
                bodyWidth: document.body.clientWidth};
    }""")


def test_the_comparison_is_as_wide_as_its_columns_not_its_bids(open_page, pages):
    many = open_page(pages["many"])
    few = open_page(pages["few"])
    g, g3 = _geometry(many.page), _geometry(few.page)
    assert g["rows"] == 300 and g3["rows"] == 3
    # The same columns for 3 bids and for 300: the same width, give or take a wrapped header.
    assert g["table"] <= 2 * WIDTH, g
    assert abs(g["table"] - g3["table"]) < 100, (g, g3)
    # Nothing on the page is wider than the window: the table scrolls inside its own box.
    assert g["page"] <= WIDTH and g["box"] <= WIDTH, g
    many.clean()
    few.clean()


def test_the_bid_column_and_the_headers_stay_in_view_while_scrolling(open_page, pages):
    w = open_page(pages["many"])
    page = w.page
    page.locator(".scroll").scroll_into_view_if_needed()
    before = _geometry(page)
    page.evaluate("() => { const s = document.querySelector('.scroll'); s.scrollLeft = 10000; s.scrollTop = 5000; }")
    page.wait_for_timeout(50)
    after = _geometry(page)
    assert page.evaluate("() => document.querySelector('.scroll').scrollTop") > 1000  # it did scroll
    # The first row's bid cell scrolled up out of the box, but stuck to its left edge; the header to its top.
    assert abs(after["firstLeft"] - after["boxLeft"]) <= 2 and abs(before["firstLeft"] - before["boxLeft"]) <= 2
    assert abs(after["headTop"] - after["boxTop"]) <= 2, after
    row = page.locator("table.comparison tbody tr").nth(120)
    row.scroll_into_view_if_needed()
    cell = row.locator("th").bounding_box()
    box = page.locator(".scroll").bounding_box()
    assert cell is not None and box is not None and abs(cell["x"] - box["x"]) <= 2
    w.clean()


def test_a_clipped_name_links_to_the_whole_name(open_page, pages):
    w = open_page(pages["many"])
    page = w.page
    row = page.locator('table.comparison tbody tr[data-bid="P007"]')
    shown = row.locator("th span").inner_text()
    assert shown.endswith("…") and len(shown) <= 61
    # An unbroken run of 2,000 characters wraps inside the bid column.
    cell = row.locator("th").bounding_box()
    assert cell is not None and cell["width"] < 20 * 16
    row.locator("a").click()
    detail = page.locator("#bid-1-7")
    title = detail.locator("h4").inner_text()
    assert "SOCIETE0007" in title and title.count("X") == 2000 - len("SOCIETE0007")
    top = detail.bounding_box()
    assert top is not None and -2 <= top["y"] < 900  # the link scrolled the details into view
    w.clean()


def test_no_serious_accessibility_violation(open_page, pages):
    """The scrolled table is a focusable, labelled region: a keyboard user can scroll it (axe-core's
    scrollable-region-focusable, which the page failed before). The 3-bid page has the same structure as
    the 300-bid one, which axe takes 18 s to go through."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-core comes with the dev dependency axe-playwright-python")
    w = open_page(pages["few"])
    results = axe.Axe().run(w.page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
