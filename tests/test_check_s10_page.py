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
    return [_text(r) for r in re.findall(r'<span class="ref">(.*?)</span>(?=[\u00a0\u202f];|; |</td>)', row)]


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
    # articles L2124-1, R2124-1 verified (rulebook 1.3.11) and the annex XIV list of specific services, its
    # last reference, from memory.
    refs = legal["PROC-03"]["legal_ref"]
    assert refs[0]["confidence"] == "verified" and refs[-1]["confidence"] == "recalled"
    basis = _basis(html, "PROC-03")
    assert len(basis) == len(refs), basis
    for ref, text in zip(refs, basis, strict=True):
        assert text.endswith(mark) == (ref["confidence"] == "recalled"), (ref, text)
    assert basis[0] == "Code de la commande publique, art. L2124-1, R2124-1"
    assert basis[-1].startswith("Directive 2014/24/UE, annexe XIV") and basis[-1].endswith(mark)
    # ENV-10's references: none is marked since rulebook 1.3.13 (the concession article L3124-5, recalled from
    # 1.3.6, now read in two amendments).
    env10 = legal["ENV-10"]["legal_ref"]
    basis = _basis(html, "ENV-10")
    assert [mark in t for t in basis] == [ref["confidence"] == "recalled" for ref in env10]
    assert [ref["article"] for ref in env10 if ref["confidence"] == "recalled"] == []
    # The words are results.xlsx's (procurement.write.xlsx_legal), brackets included.
    from procurement.write.xlsx_legal import words

    assert mark == f"[{words(lang)['recalled']}]"


SIRET = "35600000000048"
# A bid that gives every value the indicators read and meets them all (tests/test_check.py's P01), under
# the stand-alone rulebook: what it lacks is only what identifies its bidder.
COMPLETE = {k: v for k, v in BIDS[0].items() if k not in ("SIRET fournisseur", "Code postal fournisseur")}


@pytest.fixture(scope="module")
def identities(tmp_path_factory):
    from tests.test_check import RULES

    base = tmp_path_factory.mktemp("s10-identity")
    bids = [{**COMPLETE, "Identifiant": "P01", "SIRET fournisseur": SIRET},  # nothing missing
            {**COMPLETE, "Identifiant": "P02"},  # no SIRET
            {**COMPLETE, "Identifiant": "P03", "Pays fournisseur": "IT", "Fournisseur": "Ortofrutta Srl"},
            {k: v for k, v in COMPLETE.items() if k != "Fournisseur"}
            | {"Identifiant": "P04", "SIRET fournisseur": SIRET}]  # no name
    workbook = _fill(_template(base / "c.xlsx"), [TENDER], bids)
    out = {}
    for lang in ("fr", "en"):
        result = _check(str(workbook), "--out", str(base / lang), "--rules", str(RULES), "--lang", lang)
        out[lang] = (result, _load(base / lang), (base / lang / "check.html").read_text(encoding="utf-8"))
    return out


def _details(html: str, bid: str) -> str:
    start = html.index(f'<div class="bid" data-bid="{bid}"')
    return _text(html[start:html.index("</div>", start)])


def test_a_bid_without_the_siret_of_its_bidder_lacks_it(identities):
    result, data, html = identities["fr"]
    bids = {b["id"]: b for b in data["tenders"][0]["bids"]}
    # Each bid meets every indicator: P02 used to read « Rien ne manque ».
    assert all(not b["failed"] and not b["missing"] and not b["not_declared"] for b in bids.values()), bids
    assert {k: b["identity_missing"] for k, b in bids.items()} == {
        "P01": [], "P02": ["supplier_siret"],
        # A bidder established in Italy has no SIRET (DECP names it by another identifier): not asked.
        "P03": [],
        "P04": ["supplier_name"]}
    assert "Rien ne manque" in _details(html, "P01") and "Rien ne manque" in _details(html, "P03")
    p02 = _details(html, "P02")
    assert "Rien ne manque" not in p02
    assert ("SIRET fournisseur (cellule C3) (identité du candidat : rapprochement avec le référentiel "
            "fournisseurs (--suppliers), publication des données essentielles (DECP))") in p02, p02
    assert "Fournisseur (cellule B5) (identité du candidat)" in _details(html, "P04")
    # In the comparison's « Ce que l'offre ne renseigne pas » column too.
    row = html[html.index('<tr data-bid="P02">'):]
    assert "SIRET fournisseur" in _text(row[row.index('<td class="lacks">'):row.index("</tr>")])
    # Not a rule: no verdict, no score, no exit status moved by it (LEG-01 fails on the tender: 1 as before).
    assert {**bids["P02"]["scores"], "order": "P01"} == bids["P01"]["scores"]
    assert data["verdict"]["failures"] == {"legal": 1, "risk": 0, "kpi": 0} and result.exit_code == 1
    # The bidder's location is never asked for, nor shown: P01..P04 have no postcode, and none is missing.
    assert "Code postal fournisseur" not in _text(html)


def test_the_english_page_asks_for_the_siret_in_english(identities):
    _, _, html = identities["en"]
    p02 = _details(html, "P02")
    assert "Nothing is missing" not in p02
    assert ("SIRET fournisseur (cell C3) (bidder's identity: matching with the supplier directory (--suppliers), "
            "publication of the essential data (DECP))") in p02, p02
