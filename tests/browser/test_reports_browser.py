"""The three HTML pages in a real Chromium: they load offline and clean, the explorer filters, sorts, searches
and expands, hostile cells stay text, and axe-core finds no serious or critical accessibility violation."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from procurement import i18n
from procurement.views.order import order_file_name

from .conftest import load_bench, wait_render

PAGES = ["report_fr", "report_en", "summary_fr", "summary_en", "order_fr", "order_en"]


def _path(site: dict[str, Any], name: str) -> Path:
    if name.startswith("order_"):
        lang = name[-2:]
        hostile = next(s for s in site["run"].orders if "<" in (s.order.buyer_name or ""))
        return site["dir"] / lang / "orders" / order_file_name(hostile)
    return site[name]


def _count(page: Any) -> int:
    text = page.text_content("#status-line") or ""
    digits = text.split(" ")[0].replace("\u202f", "").replace(",", "")
    return int(digits)


def _choose(page: Any, selector: str, value: str) -> None:
    before = page.get_attribute("body", "data-renders")
    page.select_option(selector, value)
    wait_render(page, before)


def _type(page: Any, selector: str, value: str) -> None:
    before = page.get_attribute("body", "data-renders")
    page.fill(selector, value)
    wait_render(page, before)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(site, open_page, name):
    w = open_page(_path(site, name))
    w.page.wait_for_timeout(100)
    w.clean()
    assert w.page.locator("h1").count() == 1
    assert w.page.get_attribute("html", "lang") == name[-2:]
    # Provenance footer: tool, rulebook sha256, input sha256.
    footer = w.page.text_content("footer") or ""
    assert "procurement" in footer and site["run"].rulebook.sha256 in footer
    assert site["run"].inputs[0].sha256 in footer


def test_counts_reconcile_and_filters_work(site, open_page):
    run = site["run"]
    w = open_page(site["report_fr"])
    page = w.page
    assert _count(page) == len(run.orders)
    header = page.text_content("header") or ""
    c = run.counts
    assert c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]
    assert f"{c['rows_read']} lignes lues = {c['orders']} commandes évaluées + {c['rejected']}" in header

    any_fail = sum(1 for s in run.orders if any(f.status == "fail" for f in s.findings))
    _choose(page, "#f-status", "fail")
    assert _count(page) == any_fail
    legal_fail = sum(1 for s in run.orders if s.scores.legal_failures)
    _choose(page, "#f-kind", "legal")
    assert _count(page) == legal_fail
    _choose(page, "#f-kind", "")
    _choose(page, "#f-rule", "SOC-01")
    soc_fail = sum(1 for s in run.orders for f in s.findings if f.rule == "SOC-01" and f.status == "fail")
    assert _count(page) == soc_fail
    _choose(page, "#f-rule", "")
    _choose(page, "#f-status", "")
    _choose(page, "#f-chantier", "4")  # any rule of chantier 4 that applies (not "not applicable")
    ch4 = sum(1 for s in run.orders if any(4 in f.chantiers and f.status != "not_applicable" for f in s.findings))
    assert _count(page) == ch4
    _choose(page, "#f-chantier", "")

    buyer = run.orders[0].order.buyer_name
    value = page.eval_on_selector("#f-buyer", "(el, name) => [...el.options].find(o => o.text === name).value", buyer)
    _choose(page, "#f-buyer", value)
    assert _count(page) == sum(1 for s in run.orders if s.order.buyer_name == buyer)
    _choose(page, "#f-buyer", "")

    _type(page, "#f-supplier", "fournisseur 00")
    assert _count(page) == sum(1 for s in run.orders if "fournisseur 00" in (s.order.supplier_name or "").lower())
    w.clean()


def test_sorting_by_amount_both_ways(site, open_page):
    w = open_page(site["report_fr"])
    page = w.page
    amounts = sorted((s.order.amount for s in site["run"].orders if s.order.amount is not None), reverse=True)
    before = page.get_attribute("body", "data-renders")
    page.click("th[data-sort=amount] button")
    wait_render(page, before)
    assert page.get_attribute("th[data-sort=amount]", "aria-sort") == "descending"
    first = page.text_content("#rows tr:first-child td.num") or ""
    assert first.startswith(i18n.fmt_money(amounts[0], "fr"))
    before = page.get_attribute("body", "data-renders")
    page.click("th[data-sort=amount] button")
    wait_render(page, before)
    assert page.get_attribute("th[data-sort=amount]", "aria-sort") == "ascending"
    first = page.text_content("#rows tr:first-child td.num") or ""
    assert first.startswith(i18n.fmt_money(amounts[-1], "fr"))
    w.clean()


def test_search_finds_an_order_by_id_and_expands_it(site, open_page):
    target = site["run"].orders[123].order
    w = open_page(site["report_fr"])
    page = w.page
    _type(page, "#q", target.id)
    assert _count(page) == 1
    assert page.text_content("#rows tr:first-child th") == target.id
    button = page.locator("#rows button.toggle").first
    button.focus()
    before = page.get_attribute("body", "data-renders")
    page.keyboard.press("Enter")  # keyboard use of the expander
    wait_render(page, before)
    assert page.get_attribute("#rows button.toggle", "aria-expanded") == "true"
    details = page.text_content("#rows tr.details") or ""
    assert "ENV-01" in details and "synthetique.xlsx" in details
    link = page.get_attribute("#rows tr.details a", "href") or ""
    assert link.startswith("orders/") and link.endswith(".html")
    w.clean()


@pytest.mark.parametrize(("lang", "one", "many"), [("fr", "commande sur", "commandes sur"),
                                                    ("en", "order of", "orders of")])
def test_the_status_line_agrees_with_its_count(site, open_page, lang, one, many):
    """« 0 commande sur 300 », « 1 commande », « 2 commandes »; « 0 orders of 300 », « 1 order », « 2 orders »:
    the script picks the words as i18n.plural does, never « commande(s) »."""
    orders = site["run"].orders
    total = i18n.fmt_number(len(orders), lang)
    names = [(s.order.supplier_name or "").lower() for s in orders]
    two = next(p for p in (f"fournisseur {i:03d}" for i in range(1000)) if sum(p in n for n in names) == 2)
    w = open_page(site[f"report_{lang}"])
    page = w.page
    assert page.text_content("#status-line") == f"{total} {many} {total}"
    _type(page, "#f-supplier", two)
    assert page.text_content("#status-line") == f"2 {many} {total}"
    _type(page, "#f-supplier", "")
    _type(page, "#q", orders[123].order.id)
    assert page.text_content("#status-line") == f"1 {one} {total}"
    _type(page, "#q", "no order holds this text")
    assert page.text_content("#status-line") == f"0 {one if lang == 'fr' else many} {total}"
    w.clean()


def test_hostile_cells_are_text_everywhere(site, open_page):
    w = open_page(site["report_fr"])
    page = w.page
    _type(page, "#q", "<script>alert(1)</script>")
    assert _count(page) > 0
    before = page.get_attribute("body", "data-renders")
    page.locator("#rows button.toggle").first.click()
    wait_render(page, before)
    body = page.text_content("#rows") or ""
    assert "<script>alert(1)</script>" in body
    _type(page, "#q", "<img src=x onerror=alert(1)>")
    assert _count(page) > 0
    assert "<img src=x onerror=alert(1)>" in (page.text_content("#rows") or "")
    # the rejected row's value is shown as text too
    assert "<script>alert(1)</script>" in (page.text_content("#h-rejected + div") or "")
    assert page.locator("img").count() == 0
    # our data blocks (tables, orders, table of values) and our script, nothing injected
    assert page.locator("script").count() == 4
    assert page.locator('script[type="application/json"]').count() == 3
    for name in ("summary_fr", "order_fr"):
        other = open_page(_path(site, name))
        assert other.page.locator("img").count() == 0
        assert other.page.locator("script").count() == 0
        assert "<script>alert(1)</script>" in (other.page.text_content("body") or "") or name == "summary_fr"
        other.clean()
    page.wait_for_timeout(200)
    w.clean()  # no dialog fired


def test_summary_shows_hostile_buyer_as_text(site, open_page):
    w = open_page(site["summary_fr"])
    text = w.page.text_content("#h-buyers ~ div") or ""
    assert any(h in text for h in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                   "</script><script>alert(2)</script>"))
    assert w.page.locator("svg[role=img]").count() >= 6
    for svg in w.page.locator("svg[role=img]").all():
        assert svg.get_attribute("aria-labelledby")
    w.clean()


def test_js_formats_match_python(site, open_page):
    for lang in ("fr", "en"):
        w = open_page(site[f"report_{lang}"])
        for value in (0, 1234567.891, -5.5, 999.999, 40000):
            js = w.page.evaluate("v => window.procurementFormats.fmtMoney(v)", value)
            assert js == i18n.fmt_money(value, lang), (lang, value)
        assert w.page.evaluate("d => window.procurementFormats.fmtDate(d)", "2025-12-31") == i18n.fmt_date(
            __import__("datetime").date(2025, 12, 31), lang)


@pytest.mark.parametrize("name", [*PAGES[::2], "report_expanded"])
def test_no_serious_accessibility_violation(site, open_page, name):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-core comes with the dev dependency axe-playwright-python")
    w = open_page(_path(site, name.replace("_expanded", "_fr")))
    if name == "report_expanded":
        before = w.page.get_attribute("body", "data-renders")
        w.page.locator("#rows button.toggle").first.click()
        wait_render(w.page, before)
    results = axe.Axe().run(w.page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad


def test_summary_prints_on_a4(site, open_page, tmp_path):
    """The page's own print stylesheet (`@page { size: A4 }`) sets the sheet: the PDF is asked for in US Letter
    and the page's size preferred. Asked for in A4, it was A4 whatever the stylesheet said."""
    import re

    w = open_page(site["summary_fr"])
    pdf = w.page.pdf(format="Letter", prefer_css_page_size=True, print_background=False)
    assert pdf[:4] == b"%PDF"
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)  # not the page tree's « /Type /Pages »
    boxes = [tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
    assert len(pages) > 3 and len(boxes) == len(pages), (len(pages), boxes)
    a4 = (0, 0, 595, 842)  # 210 x 297 mm in points (Letter is 612 x 792)
    assert all(box == a4 for box in boxes), boxes
    w.clean()


@pytest.mark.slow
def test_100k_order_report_opens_and_filters_smoothly(open_page, tmp_path):
    from procurement.write.html_report import write_html

    run = load_bench().synthetic_run(100_000)
    report = write_html(run, tmp_path, "fr")
    start = time.perf_counter()
    w = open_page(report)
    w.page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    _choose(w.page, "#f-status", "fail")
    filtered = time.perf_counter() - start
    start = time.perf_counter()
    _type(w.page, "#q", run.orders[54_321].order.id)
    searched = time.perf_counter() - start
    print(f"\n100k report: {report.stat().st_size / 1e6:.1f} MB, open {opened:.2f} s, filter {filtered:.2f} s, "
          f"search {searched:.2f} s")
    assert _count(w.page) >= 1
    assert opened < 15 and filtered < 2 and searched < 3
    w.clean()


def test_long_texts_are_clipped_in_tables_whole_in_tooltips(site, open_page):
    w = open_page(site["report_fr"])
    page = w.page
    _type(page, "#q", "tres longue")
    assert _count(page) > 0
    cells = page.locator("#rows td[title]")
    assert cells.count() > 0
    first = cells.first
    shown, whole = first.text_content() or "", first.get_attribute("title") or ""
    assert len(shown) == 160 and shown.endswith("\u2026") and len(whole) > 10_000 and whole.startswith(shown[:-1])
    w.clean()
    s = open_page(site["summary_fr"])
    names = s.page.locator("#h-buyers ~ div th[title]")
    assert names.count() >= 1 and len(names.first.text_content() or "") == 160
    s.clean()


def test_a_report_split_over_many_data_elements_reads_them_all(site, open_page, tmp_path, monkeypatch):
    """A large batch's rows and table of values go into several script elements (one element of hundreds
    of MB is more than a browser can read as a string); with tiny elements and a tiny look-up of values
    (cleared every three), every order is still there with its own object, fail messages and missing
    fields."""
    from procurement.views import embedded
    from procurement.views.common import field_label
    from procurement.write.html_report import write_html

    monkeypatch.setattr(embedded, "ELEMENT_BYTES", 4_000)
    monkeypatch.setattr(embedded, "TABLE_LIMIT", 3)
    run = site["run"]
    report = write_html(run, tmp_path, "fr")
    w = open_page(report)
    page = w.page
    assert page.locator('script[type="application/json"].orders').count() > 10
    assert page.locator('script[type="application/json"].table').count() > 1
    assert _count(page) == len(run.orders)
    failing = [s for s in run.orders if any(f.status == "fail" for f in s.findings) and s.scores.missing]
    for scored in (failing[0], failing[len(failing) // 2], failing[-1]):
        _type(page, "#q", scored.order.id)
        before = page.get_attribute("body", "data-renders")
        page.locator("#rows button.toggle").first.click()
        wait_render(page, before)
        row = " ".join((page.text_content("#rows tr:first-child") or "").split())
        assert " ".join((scored.order.object or "")[:100].split()) in row
        details = " ".join((page.text_content("#rows tr.details") or "").split())
        for f in scored.findings:
            if f.status == "fail":
                assert " ".join(f.message("fr").split()) in details, (scored.order.id, f.rule)
        for fields in scored.scores.missing.values():
            assert all(" ".join(field_label(name, "fr").split()) in details for name in fields)
    w.clean()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_expanded_order_puts_a_colon_as_its_language_does(site, open_page, lang):
    """The explorer's own labels: "Source: file" in English, « Origine : fichier » (no-break space) in French."""
    run = site["run"]
    scored = next(s for s in run.orders if any(f.status == "fail" for f in s.findings) and s.scores.missing)
    w = open_page(site[f"report_{lang}"])
    page = w.page
    _type(page, "#q", scored.order.id)
    before = page.get_attribute("body", "data-renders")
    page.locator("#rows button.toggle").first.click()
    wait_render(page, before)
    details = page.text_content("#rows tr.details") or ""
    if lang == "en":
        assert "Source: " in details and "Missing data: " in details
        assert "Source\u00a0:" not in details and "Missing data\u00a0:" not in details
    else:
        assert "Origine\u00a0: " in details and "Origine : " not in details
    w.clean()
