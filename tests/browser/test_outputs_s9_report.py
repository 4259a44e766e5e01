"""report.html in Chromium: an opened order shows, beside each fail message, the legal basis of its rule,
read from the rules table the page carries once (views/batch.py), links and "recalled" mark included.
The order is one of tests/data/outputs_s9/fractionnement.csv, in two RISK-02 groups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procurement.cli import main

from .conftest import wait_render

DATA = Path(__file__).resolve().parents[1] / "data" / "outputs_s9" / "fractionnement.csv"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("legal-report")
    made = {}
    for lang in ("fr", "en"):
        made[lang] = base / lang
        result = CliRunner().invoke(main, ["score", str(DATA), "--out", str(made[lang]), "--lang", lang,
                                           "--format", "json", "--format", "html", "--quiet"])
        assert result.exit_code in (0, 1), result.output + str(result.exception)
    return made


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_opened_order_shows_the_legal_basis_beside_its_fail_message(reports, open_page, lang):
    w = open_page(reports[lang] / "report.html")
    page: Any = w.page
    page.wait_for_selector("body[data-ready='1']")
    before = page.get_attribute("body", "data-renders")
    page.fill("#q", "BC25-S01")
    wait_render(page, before)
    assert page.locator("#rows button.toggle").count() == 1
    page.click("#rows button.toggle")
    item = page.locator("#rows tr.details li", has_text="RISK-02")
    item.wait_for()
    basis = item.locator("div.legal")
    word = "Legal basis: " if lang == "en" else "Fondement\u00a0: "
    assert basis.count() == 1 and basis.inner_text().startswith(word)
    links = basis.locator("a")
    assert links.count() == 4  # RISK-02's four references, each with its link
    assert links.first.get_attribute("href").startswith("https://www.legifrance.gouv.fr/")
    assert links.first.get_attribute("rel") == "noopener noreferrer external"
    assert links.first.get_attribute("title")  # the note, as the tooltip
    assert basis.locator("em").count() == 0  # no reference of RISK-02 is recalled since rulebook 1.3.13
    # Beside each message, and only there: one per rule failed (or waived) on the order.
    doc = json.loads((reports[lang] / "results.json").read_text(encoding="utf-8"))
    order = next(o for o in doc["orders"] if o["id"] == "BC25-S01")
    failed = {f["rule"] for f in order["findings"] if f["status"] in ("fail", "waived")}
    assert page.locator("#rows tr.details div.legal").count() == len(failed) >= 1
    w.clean()  # no console error, no dialog, no request leaving the page
