"""report.html and the order pages as an auditor reads them, in Chromium (audit of the batch report): the
explorer's counts read as words, never as an unagreed status label (« 6 non conforme »).

The batch: tests/data/outputs_s9/fractionnement.csv (ten orders in two RISK-02 groups), plus an order that
is in no group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procurement.cli import main

from .conftest import wait_render

DATA = Path(__file__).resolve().parents[1] / "data" / "outputs_s9" / "fractionnement.csv"
ALONE = ("BC25-X99;15/01/2025;Direction de la Culture;20005478100022;Location de scène;Bon de commande;"
         "Procédure adaptée;79952000;1200,00;Scènes du Sud SARL;;")

WAIVERS = """waivers:
  - order: "BC25-X99"
    rule: ENV-01
    justification: Location ponctuelle, sans considération environnementale possible
    author: M. Dupont, Direction de la commande publique
    date: 2026-01-15
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("audit-report")
    batch = base / "commandes.csv"
    batch.write_text(DATA.read_text(encoding="utf-8").rstrip("\n") + "\n" + ALONE + "\n", encoding="utf-8")
    waivers = base / "derogations.yaml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    made = {}
    for lang in ("fr", "en"):
        made[lang] = base / lang
        result = CliRunner().invoke(main, ["score", str(batch), "--out", str(made[lang]), "--lang", lang,
                                           "--per-order", "--waivers", str(waivers),
                                           "--format", "json", "--format", "html", "--quiet"])
        assert result.exit_code in (0, 1), result.output + str(result.exception)
    return made


def _search(page: Any, text: str) -> None:
    page.wait_for_selector("body[data-ready='1']")
    before = page.get_attribute("body", "data-renders")
    page.fill("#q", text)
    wait_render(page, before)


@pytest.mark.parametrize(("lang", "fails", "insufficient"), [
    ("fr", "× non conforme", "× données insuffisantes"),
    ("en", "× fail", "× insufficient data"),
])
def test_the_findings_column_counts_without_an_unagreed_label(reports, open_page, lang, fails, insufficient):
    """« 6 non conforme », « 1 données insuffisantes »: a status label after a count read as a typo; the
    column says « 6 × non conforme » as the opened order says « 31 × sans objet »."""
    w = open_page(reports[lang] / "report.html")
    _search(w.page, "BC25-S01")
    badges = [b.strip() for b in w.page.locator("#rows td .badge").all_inner_texts()]
    counted = [b for b in badges if b[:1].isdigit()]
    assert counted and all(" × " in b for b in counted), badges
    assert any(b.endswith(fails) for b in counted) and any(b.endswith(insufficient) for b in counted), badges
    w.clean()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_opened_order_shows_the_message_of_each_of_its_risk02_groups(reports, open_page, lang):
    """BC25-S01 is in two RISK-02 groups (dispensation and EU thresholds): keyed by rule, the explorer kept
    the last message and dropped the other group, which results.json and the order page both give."""
    import json

    doc = json.loads((reports[lang] / "results.json").read_text(encoding="utf-8"))
    order = next(o for o in doc["orders"] if o["id"] == "BC25-S01")
    risk02 = [f for f in order["findings"] if f["rule"] == "RISK-02"]
    assert len(risk02) == 2
    w = open_page(reports[lang] / "report.html")
    _search(w.page, "BC25-S01")
    w.page.click("#rows button.toggle")
    item = w.page.locator("#rows tr.details li", has_text="RISK-02")
    item.wait_for()
    shown = item.locator(":scope > div:not(.legal)").all_inner_texts()
    assert shown == [f["message"] for f in risk02]
    assert item.locator("div.legal").count() == 1  # the rule's legal basis, once
    w.clean()


@pytest.mark.parametrize("page_name", ["report", "order"])
def test_badges_keep_their_colour_in_print(reports, open_page, page_name):
    """A badge is white text on its status colour. Printed without background graphics (a browser's
    default), the colour went and the word was left pale grey on white (« non conforme » barely
    readable on the A4 report): badges print their colour whatever that setting."""
    folder = reports["fr"]
    path = folder / "report.html" if page_name == "report" else next((folder / "orders").glob("BC25-S01-*"))
    w = open_page(path)
    if page_name == "report":
        w.page.wait_for_selector("body[data-ready='1']")
    w.page.emulate_media(media="print")
    adjust = w.page.eval_on_selector_all(".badge", "els => els.map(e => getComputedStyle(e).printColorAdjust)")
    assert adjust and set(adjust) == {"exact"}, adjust
    w.clean()


def _choose(page: Any, selector: str, value: str) -> None:
    before = page.get_attribute("body", "data-renders")
    page.select_option(selector, value)
    wait_render(page, before)


def test_risk02_is_not_applicable_to_no_order_it_did_not_judge(reports, open_page):
    """RISK-02 judges only the orders it flags: BC25-X99, in no group, has no RISK-02 finding. The explorer
    wrote it « sans objet » for RISK-02: its opened row said one rule more « sans objet » than results.json,
    and « sans objet » + RISK-02 listed every unflagged order where the rules table counts none."""
    import json

    doc = json.loads((reports["fr"] / "results.json").read_text(encoding="utf-8"))
    order = next(o for o in doc["orders"] if o["id"] == "BC25-X99")
    assert "RISK-02" not in {f["rule"] for f in order["findings"]}
    na = order["scores"]["counts"]["not_applicable"]
    w = open_page(reports["fr"] / "report.html")
    _search(w.page, "BC25-X99")
    w.page.click("#rows button.toggle")
    w.page.locator("#rows tr.details").wait_for()
    assert w.page.locator("#rows tr.details p.note", has_text="×").inner_text() == f"{na} × sans objet"
    _search(w.page, "")
    _choose(w.page, "#f-rule", "RISK-02")
    flagged = sum(1 for o in doc["orders"] if any(f["rule"] == "RISK-02" for f in o["findings"]))
    assert w.page.text_content("#status-line").startswith(f"{flagged} commandes sur ")
    _choose(w.page, "#f-status", "not_applicable")
    assert w.page.text_content("#status-line").startswith("0 commande sur ")
    w.clean()


@pytest.mark.parametrize(("lang", "label"), [("fr", "1 × dérogation"), ("en", "1 × waived")])
def test_the_findings_column_shows_a_waiver(reports, open_page, lang, label):
    """Waivers are never hidden (docs/reports.md): the column counted failures and missing data only, so a
    waived finding left no trace in the list, and an order whose only failure was waived read « conforme »."""
    w = open_page(reports[lang] / "report.html")
    _search(w.page, "BC25-X99")
    badges = [b.strip() for b in w.page.locator("#rows td .badge").all_inner_texts()]
    assert label in badges, badges
    w.clean()
