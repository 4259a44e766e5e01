"""check.html's words (buyer review, round 9): French typography, plurals, dates, and the sheet it names.

- 85 places had an ordinary space before « : ; % » or inside « » (at 390 px a line began with a colon), and
  a rule's "5 404 000 €" had ordinary spaces where computed amounts have narrow no-break ones. The page's
  typography is applied once, when it is rendered (`check_page.typo`), to the tool's and the rulebook's texts.
- « Rien ne manque et aucun indicateur n'est manqué »; « Généré le 2026-11-26T19:24:47+00:00 »; « 1 risques
  juridiques relevés ».
- The English page said « Fill them in on the 'Tender' sheet » of a workbook whose sheet is « Consultation »,
  and kept French spacing (« that is 60 %; »).
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.data.check_s9 import workbook as W

NBSP, NNBSP = "\u00a0", "\u202f"


def _raw_text(html: str) -> str:
    """The page's text as printed, its no-break spaces kept."""
    body = html[html.index("<body>"):]
    return unescape(re.sub(r"<[^>]+>", "\n", body))


def _nodes(html: str) -> list[str]:
    """Each text between two tags: a space there is the page's, never one a test put between two elements."""
    body = html[html.index("<body>"):]
    return [unescape(t) for t in re.findall(r">([^<]+)<", body) if t.strip()]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    base = tmp_path_factory.mktemp("s9-page")
    # P02's EGAlim share typed "0,6": the warning about a share read as a fraction, in both languages. F01
    # gives its bidder's SIRET, so that it lacks nothing (a bid without one lacks it: test_check_s10_page).
    bids = [W.BIDS[0], dict(W.BIDS[1], egalim_share="0,6"), W.BIDS[2], dict(W.BIDS[3], supplier_siret="35600000000048"),
            *W.BIDS[4:]]
    workbook = W.build(base / "c.xlsx", bids=bids)
    out = {}
    for lang in ("fr", "en"):
        _, data, html = W.check(workbook, base / lang, "--lang", lang)
        out[lang] = (data, html)
    return out


def test_french_spacing_everywhere_the_tool_writes(pages):
    _data, html = pages["fr"]
    text = _raw_text(html)
    # No ordinary (breakable) space before : ; ! ? », nor after «, nor between a number and its %.
    bad = [t for t in _nodes(html) if re.search(r" [:;!?»]|« |\d %", t)]
    assert bad == [], bad[:10]
    # Thousands in a rule's own text (PROC-04: "5 404 000 € HT") as in computed amounts: narrow no-break spaces.
    assert f"5{NNBSP}404{NNBSP}000{NNBSP}€" in text
    assert not re.search(r"\d \d{3}\b", text)
    # A reference, a link or a name from the workbook is printed as written.
    assert 'href="https://www.legifrance.gouv.fr/' in html


def test_sentences_plurals_and_dates(pages):
    data, html = pages["fr"]
    text = " ".join(_raw_text(html).replace(NBSP, " ").replace(NNBSP, " ").split())
    assert "aucun indicateur n'est manqué" not in text
    assert "Rien ne manque ; aucun indicateur non atteint." in text  # F01 lacks nothing and meets its indicators
    stamp = data["meta"]["generated_at"]
    assert stamp not in text and re.search(r"Généré le \d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC", text)
    counts = {label: int(n) for n, label in re.findall(r'<span class="n">(\d+)</span>([^<]+)</li>', html)}
    for label, n in counts.items():
        plural = label.split()[0].endswith("s")
        assert plural == (n >= 2), (n, label)


def test_the_english_page_names_the_workbooks_own_sheet_and_spaces_as_english_does(pages):
    _data, html = pages["en"]
    text = " ".join(_raw_text(html).split())
    assert "Fill them in on the \u201cConsultation\u201d sheet" in text and "Tender\u201d sheet" not in text
    assert "'" + "Consultation' sheet" not in text  # English quotes as the other English pages: “ ”
    bad = [t for t in _nodes(html) if re.search(r"\d[ \u00a0\u202f]%|[ \u00a0\u202f][:;](\s|$)", t)]
    assert bad == [], bad[:10]
    assert "that is 60%" in text  # validate.py's "that is 60 %" (a French space) is respaced on the page


def test_typo_leaves_times_links_and_ratios_alone():
    from procurement.typography import typo

    assert typo("Généré le 26/11/2026 19:24:47 UTC", "fr") == "Généré le 26/11/2026 19:24:47 UTC"
    assert typo("voir https://example.org/a?b=1", "fr") == "voir https://example.org/a?b=1"
    assert typo("seuil : 5 404 000 € ; part : 25 %", "fr") == (
        f"seuil{NBSP}: 5{NNBSP}404{NNBSP}000{NNBSP}€{NNBSP}; part{NBSP}: 25{NNBSP}%")
    assert typo("« Prix »", "fr") == f"«{NBSP}Prix{NBSP}»"
    assert typo("that is 60 %; if", "en") == "that is 60%; if"


def test_one_typography_for_the_check_page_and_the_summary():
    """The two pages had a `typo` each, drifted apart: « ; » took a no-break space on the check page and a narrow
    one on the summary; the summary respaced « (%) » and joined « 2025 123 » as thousands; the check page left
    « ! » and « ? » spaced in English."""
    from procurement import check_page
    from procurement.typography import typo
    from procurement.views import summary_words as summary_module
    from procurement.views.summary_words import summary_words

    assert check_page.typo is typo and summary_module.typo is typo  # one implementation, not two

    assert typo("part ; vu ! oui ?", "fr") == f"part{NNBSP}; vu{NNBSP}! oui{NNBSP}?"
    assert typo("Part bio (%)", "fr") == "Part bio (%)"
    link = "https://example.org/a%20b/2%2F3"  # percent-encoded bytes are not percentages
    assert typo(f"voir {link} : 25 %", "fr") == f"voir {link}{NBSP}: 25{NNBSP}%"
    assert typo("1 234 567,89 € et 1 234,5", "fr") == f"1{NNBSP}234{NNBSP}567,89{NNBSP}€ et 1{NNBSP}234,5"
    assert typo("en 2025 123 commandes, 1 234 567 €", "fr") == f"en 2025 123 commandes, 1{NNBSP}234{NNBSP}567{NNBSP}€"
    assert typo("really ! and ? or : and 5 %", "en") == "really! and? or: and 5%"
    assert summary_words("fr")["more_buyers_note"].count(f"{NNBSP};") == 1
