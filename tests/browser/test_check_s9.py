"""check.html at 390 px and in print, in Chromium (buyer review, round 9).

At 390 px the table of legal obligations (not in a scrolling box) made the page 708 px wide; in print (an A4
PDF) the comparison was cut on the right: « Complétude » cut mid-word, « Score global », « Indicateurs non
atteints » and « Ce que l'offre ne renseigne pas » missing from the PDF. Now a table of texts becomes one
block per row on a narrow window, and the printed comparison fits the sheet (headers of the value and score
columns on their side, smaller type).

The print test takes the widest comparison the rulebook can give: every declared value compared and every
chantier some bid indicator speaks about, each with a score.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest

from tests.data.check_s9 import workbook as W

A4_PRINTABLE = 718  # CSS px across an A4 sheet (794) less Chromium's default margins of about 1 cm a side


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from procurement.check_json import KEY_FIELDS
    from procurement.check_page import render_html

    w = W
    base = tmp_path_factory.mktemp("check-s9")
    workbook = w.build(base / "c.xlsx")
    out: dict[str, Any] = {}
    for lang in ("fr", "en"):
        w.check(workbook, base / lang, "--lang", lang)
        out[lang] = base / lang / "check.html"
    # The widest comparison: every value, every chantier a bid indicator can score, long figures.
    data = json.loads((base / "fr" / "check.json").read_text(encoding="utf-8"))
    tender = data["tenders"][0]
    n = len(tender["bids"])
    chantiers = sorted({c for r in data["meta"]["rules"]["bids"] for c in data["rules"][r]["chantiers"]})
    big = {"amount": 12_345_678.9, "delivery_km": 1234, "intermediaries": 3, "declared_emissions": 1_234_567,
           "insertion_hours": 12_345}
    tender["comparison"]["values"] = [{"field": f, "values": [big.get(f, 55.5) if i else None for i in range(n)]}
                                      for f in KEY_FIELDS]
    tender["comparison"]["chantiers"] = [{"chantier": c, "scores": [100.0] * n} for c in chantiers]
    for bid in tender["bids"]:
        bid["failed"] = [r for r in data["meta"]["rules"]["bids"][:3]]
    wide = base / "wide" / "check.html"
    wide.parent.mkdir()
    wide.write_text(render_html(data), encoding="utf-8")
    out["wide"], out["chantiers"] = wide, chantiers
    return out


def _headers(page: Any) -> list[str]:
    """Every header of every comparison, as the page prints it."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('table.comparison thead th'))
        .map(th => th.textContent.replace(/\\s+/g, ' ').trim())""")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_is_as_wide_as_a_390_px_window(open_page, pages, lang):
    w = open_page(pages[lang])
    page = w.page
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("() => document.documentElement.scrollWidth") == 390
    # The legal table reads as blocks, each cell under its column's name.
    label = page.evaluate("""() => getComputedStyle(document.querySelector('table.legal td[data-label]'), '::before')
        .content""")
    assert ("Statut" if lang == "fr" else "Status") in label
    w.clean()


def test_the_printed_comparison_fits_the_sheet_and_clips_nothing(open_page, pages):
    w = open_page(pages["wide"])
    page = w.page
    page.set_viewport_size({"width": A4_PRINTABLE, "height": 1123})
    page.emulate_media(media="print")
    assert len(pages["chantiers"]) >= 4  # the rulebook's bid indicators speak about several chantiers
    clipped = page.evaluate("""(width) => Array.from(document.querySelectorAll(
            'table.comparison th, table.comparison td, table.comparison .v'))
        .filter(e => e.getBoundingClientRect().right > width + 0.5 || e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent.trim().slice(0, 40))""", A4_PRINTABLE)
    assert clipped == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_PRINTABLE
    w.clean()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent (apt-get install poppler-utils)")
@pytest.mark.parametrize("name", ["fr", "wide"])
def test_every_comparison_header_is_in_the_pdf(open_page, pages, name, tmp_path):
    w = open_page(pages[name])
    headers = _headers(w.page)
    pdf = tmp_path / "page.pdf"
    w.page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    missing = [h for h in headers if re.sub(r"\s+", "", h) not in flat]
    assert headers and missing == [], missing
    w.clean()
