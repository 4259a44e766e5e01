"""check.html's legal references and what a bid lacks (new-user review, round 10).

- A legal reference recalled from memory (`confidence: recalled` in the rulebook: an article number not
  read in the text itself) was printed as a plain reference on the check page, where results.xlsx marks it
  « [cité de mémoire, à vérifier] ».
- A bid without its bidder's SIRET got « Rien ne manque ». The SIRET joins the bid to --suppliers and
  identifies the holder in the DECP publication; the page now asks for it, without making it a rule.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.test_check import BIDS, TENDER, _check, _fill, _load, _template

NBSP, NNBSP = "\u00a0", "\u202f"


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ").replace(NNBSP, " ").split())


def _row(html: str, rule: str) -> str:
    """The legal table's row of a rule."""
    start = html.index(f'<tr data-rule="{rule}"')
    return html[start:html.index("</tr>", start)]


def _basis(html: str, rule: str) -> list[str]:
    """The references of a rule's « Base » cell, one text each (a reference may hold a « ; » of its own)."""
    row = _row(html, rule)
    return [_text(r) for r in re.findall(r'<span class="ref">(.*?)</span>(?=\u00a0;|; |</td>)', row)]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    base = tmp_path_factory.mktemp("s10-page")
    workbook = _fill(_template(base / "c.xlsx"), [TENDER], BIDS[:4])
    out = {}
    for lang in ("fr", "en"):
        _check(str(workbook), "--out", str(base / lang), "--lang", lang)
        out[lang] = (_load(base / lang), (base / lang / "check.html").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recalled_references_are_marked_as_in_results_xlsx(pages, lang):
    data, html = pages[lang]
    mark = "[recalled, to be checked]" if lang == "en" else "[cité de mémoire, à vérifier]"
    (tender,) = data["tenders"]
    legal = {f["rule"]: f for f in tender["legal"]}
    # The Métropole's rulebook: PROC-03 (formalised procedure above the EU thresholds, a pass here) cites its
    # articles L2124-1, R2124-1 from memory and its annex of thresholds verified.
    refs = legal["PROC-03"]["legal_ref"]
    assert refs[0]["confidence"] == "recalled" and refs[1]["confidence"] == "verified"
    basis = _basis(html, "PROC-03")
    assert len(basis) == len(refs), basis
    for ref, text in zip(refs, basis, strict=True):
        assert text.endswith(mark) == (ref["confidence"] == "recalled"), (ref, text)
    assert basis[0] == f"Code de la commande publique, art. L2124-1, R2124-1 {mark}"
    # ENV-10's references are all verified: none is marked.
    assert not any(mark in t for t in _basis(html, "ENV-10"))
    # The words are results.xlsx's (procurement.write.xlsx_legal), brackets included.
    from procurement.write.xlsx_legal import words

    assert mark == f"[{words(lang)['recalled']}]"
