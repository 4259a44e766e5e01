"""What check's summary and page said too little of (new-user review, round 10).

- A consultation launched on 15/09/2026 with « Considérations environnementales » left empty: ENV-10 and
  ENV-11 came out « données insuffisantes », yet the Synthèse, the terminal line and check.json's verdict
  all said « 0 obligation légale non respectée »; only the tender's section, lower down, said otherwise.
- A bid citing no known consultation was counted by the terminal (« 6 offres ») but not by the Synthèse
  (« 5 offres comparées »).
- A legal reference recalled from memory (`confidence: recalled`) was shown as a plain reference, where
  results.xlsx marks it « [cité de mémoire, à vérifier] ».
- A bid without the SIRET of its bidder got « Rien ne manque »: the SIRET joins the bid to --suppliers and
  identifies the holder in the DECP publication.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.test_check import BIDS, FURNITURE, TENDER, _check, _fill, _load, _template

NBSP, NNBSP = "\u00a0", "\u202f"
NO_ENV = {k: v for k, v in TENDER.items()
          if k not in ("Considérations environnementales", "Pondération critère environnemental (%)")}
# Four bids for the food consultation, one for the furniture one, one citing a reference that is neither
# (« 2026-RES-071 » for « 2026-RES-017 »: a typo the page answers with « vouliez-vous dire »).
REVIEW_BIDS = [*({**b, "Consultation": "2026-RES-017"} for b in BIDS[:4]),
               {"Identifiant": "M01", "Fournisseur": "Bureau Sud", "SIRET fournisseur": "35600000000048",
                "Montant HT": 280_000, "Part réemploi/recyclé (%)": 40, "Émissions déclarées (kgCO2e)": 30_000,
                "Consultation": "2026-MOB-004"},
               {"Identifiant": "P06", "Fournisseur": "Primeurs du Rhône", "SIRET fournisseur": "35600000000048",
                "Montant HT": 1_120_000, "Consultation": "2026-RES-071"}]


def _text(html: str) -> str:
    body = html[html.index("<body>"):] if "<body>" in html else html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).replace(NBSP, " ").replace(NNBSP, " ").split())


def _summary(html: str) -> str:
    start = html.index('<ul class="summary">')
    return html[start:html.index("</ul>", start)]


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    base = tmp_path_factory.mktemp("s10")
    workbook = _fill(_template(base / "c.xlsx"), [NO_ENV, FURNITURE], REVIEW_BIDS)
    out = {}
    for lang in ("fr", "en"):
        result = _check(str(workbook), "--out", str(base / lang), "--lang", lang)
        out[lang] = (result, _load(base / lang), (base / lang / "check.html").read_text(encoding="utf-8"))
    return workbook, out


def test_legal_obligations_left_unchecked_for_want_of_data_are_in_the_verdict(review):
    _, out = review
    result, data, _ = out["fr"]
    (food, _furniture) = data["tenders"]
    statuses = {f["rule"]: f["status"] for f in food["legal"]}
    assert statuses["ENV-10"] == statuses["ENV-11"] == "insufficient_data"  # the empty environmental cell
    verdict = data["verdict"]
    assert verdict["failures"]["legal"] == 0
    assert verdict["insufficient_data"] == {"legal": 2, "risk": 0}
    assert verdict["insufficient_data_rules"] == [
        {"tender": "2026-RES-017", "rule": "ENV-10", "kind": "legal"},
        {"tender": "2026-RES-017", "rule": "ENV-11", "kind": "legal"}]
    # Not a failure: the exit status stays what --fail-on says (docs/buyer.md, « Statut de sortie »).
    assert verdict["exit_status"] == 0 and result.exit_code == 0, result.output


def test_the_terminal_line_names_them(review):
    _, out = review
    fr, en = out["fr"][0].output, out["en"][0].output
    assert ("0 obligation légale non respectée, 0 risque, 0 indicateur non atteint ; 2 obligations légales non "
            "vérifiables (données manquantes) : ENV-10, ENV-11. Offres : ") in fr, fr
    assert ("0 legal obligations not met, 0 risks, 0 indicators not met; 2 legal obligations unverifiable (missing "
            "data): ENV-10, ENV-11. Bids: ") in en, en


def test_the_summary_at_the_top_of_the_page_names_them(review):
    _, out = review
    _, _, html = out["fr"]
    summary = _text(_summary(html))
    assert "2 obligations légales non vérifiables (données manquantes) : ENV-10, ENV-11" in summary, summary
    assert "0 obligation légale non respectée" in summary
    # The item links to the consultation's legal table, where the missing cell is named.
    item = next(li for li in _summary(html).split("<li")[1:] if "ENV-10" in li)
    anchor = re.search(r'href="#([^"]+)"', item)
    assert anchor and f'id="{anchor.group(1)}"' in html
    section = html[html.index(f'id="{anchor.group(1)}"'):]
    assert 'data-rule="ENV-10" data-status="insufficient_data"' in section[:section.index("</table>")]
    # ... and the exit line says they do not change the exit status.
    assert "ne changent pas le statut de sortie" in _text(html)
    _, _, html_en = out["en"]
    assert "2 legal obligations unverifiable (missing data): ENV-10, ENV-11" in _text(_summary(html_en))


def test_one_unverifiable_obligation_takes_the_singular(tmp_path):
    """« 1 obligation légale non vérifiable », "1 legal obligation unverifiable": without its launch date, the
    consultation leaves the stand-alone rulebook's one legal rule (LEG-01, from 2026-08-21) unchecked."""
    from tests.test_check import RULES

    tender = {k: v for k, v in TENDER.items() if k != "Date de lancement"}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], BIDS[:1])
    result = _check(str(workbook), "--out", str(tmp_path / "o"), "--rules", str(RULES))
    assert "; 1 obligation légale non vérifiable (données manquantes) : LEG-01. Offres" in result.output, result.output
    html = (tmp_path / "o" / "check.html").read_text(encoding="utf-8")
    assert "1 obligation légale non vérifiable (données manquantes) : LEG-01" in _text(_summary(html))
    en = _check(str(workbook), "--out", str(tmp_path / "e"), "--rules", str(RULES), "--lang", "en")
    assert "; 1 legal obligation unverifiable (missing data): LEG-01. Bids" in en.output, en.output


def test_several_tenders_each_name_their_unverifiable_rules(tmp_path):
    second = {**NO_ENV, "Identifiant": "2026-RES-018"}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [NO_ENV, second], [])
    result = _check(str(workbook), "--out", str(tmp_path / "o"))
    expected = ("4 obligations légales non vérifiables (données manquantes) : ENV-10, ENV-11 (2026-RES-017) ; "
                "ENV-10, ENV-11 (2026-RES-018)")
    assert expected in result.output, result.output
    html = (tmp_path / "o" / "check.html").read_text(encoding="utf-8")
    assert expected in _text(_summary(html))


def test_nothing_unverifiable_says_nothing_more(tmp_path):
    from tests.test_check import RULES

    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], BIDS[:1])
    result = _check(str(workbook), "--out", str(tmp_path / "o"), "--rules", str(RULES))
    assert "vérifiable" not in result.output
    data = _load(tmp_path / "o")
    assert data["verdict"]["insufficient_data"] == {"legal": 0, "risk": 0}
    assert data["verdict"]["insufficient_data_rules"] == []
    assert "vérifiable" not in _summary((tmp_path / "o" / "check.html").read_text(encoding="utf-8"))


def test_an_unverifiable_risk_is_said_after_the_obligations():
    """RISK-01 reads the award criteria: left blank, the risk cannot be judged; said on the terminal line too,
    after the obligations, each in its words."""
    from pathlib import Path
    from types import SimpleNamespace

    from procurement.check import summary_line

    run = SimpleNamespace(orders=[0], rejected=[])
    result = SimpleNamespace(
        tender_run=run, bid_run=SimpleNamespace(orders=[], rejected=[]), waivers=None, attached={},
        failures=lambda part=None: {"legal": 0, "risk": 0, "kpi": 0}, rejected=lambda part: (0, 0),
        insufficient=lambda: [("T1", "ENV-10", "legal"), ("T1", "RISK-01", "risk")])
    fr = summary_line(result, Path("o"), "fr")
    assert fr.startswith("Consultations : 1 vérifiée ; 0 obligation légale non respectée, 0 risque, "
                         "0 indicateur non atteint ; 1 obligation légale non vérifiable (données manquantes) : "
                         "ENV-10 ; 1 risque juridique non vérifiable (données manquantes) : RISK-01. Offres : "
                         "aucune. Page : "), fr
    en = summary_line(result, Path("o"), "en")
    assert "; 1 legal obligation unverifiable (missing data): ENV-10; 1 legal risk unverifiable (missing data): " \
           "RISK-01. Bids: none. Page: " in en, en


def test_bids_attached_to_no_consultation_are_counted_in_the_summary(review):
    """The terminal said « 6 offres », the Synthèse « 5 offres comparées » and nothing of the sixth, P06,
    whose « 2026-RES-071 » is no consultation (listed lower down, with « vouliez-vous dire »)."""
    _, out = review
    result, data, html = out["fr"]
    # The terminal line says it too, in the count of bids (it summed them with the bids compared).
    assert "Offres : 5 comparées, 1 rattachée à aucune consultation, 0 rejetée (ligne à corriger)" in result.output
    assert "Bids: 5 compared, 1 attached to no tender, 0 rejected (rows to fix)" in out["en"][0].output
    assert data["verdict"]["bids"] == 5 and data["verdict"]["unattached_bids"] == 1
    summary = _text(_summary(html))
    assert "5 offres comparées" in summary and "1 offre rattachée à aucune consultation" in summary, summary
    # The count links to the section that lists them, which says what to type.
    item = next(li for li in _summary(html).split("<li")[1:] if "aucune consultation" in li)
    anchor = re.search(r'href="#([^"]+)"', item)
    assert anchor and f'id="{anchor.group(1)}"' in html
    start = html.index(f'id="{anchor.group(1)}"')
    section = _text(html[html.index(">", start) + 1:])
    assert section.startswith("Offres non rattachées à une consultation")
    assert "P06" in section and "vouliez-vous dire « 2026-RES-017 »" in section
    _, _, html_en = out["en"]
    assert "1 bid attached to no tender" in _text(_summary(html_en))


def test_several_unattached_bids_take_the_plural(tmp_path):
    bids = [{**b, "Consultation": "2026-RES-099"} for b in BIDS[:3]] + [{**BIDS[3], "Consultation": "2026-RES-017"}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER, FURNITURE], bids)
    _check(str(workbook), "--out", str(tmp_path / "o"))
    summary = _text(_summary((tmp_path / "o" / "check.html").read_text(encoding="utf-8")))
    assert "1 offre comparée" in summary and "3 offres rattachées à aucune consultation" in summary, summary
    line = _check(str(workbook), "--out", str(tmp_path / "o")).output
    assert "Offres : 1 comparée, 3 rattachées à aucune consultation, " in line, line


def test_an_unattached_bids_unmet_indicators_are_shown_where_they_are_counted(tmp_path):
    """English review: P06, attached to no consultation, failed CIRC-01 (a 5 % recycled share). The Synthèse and
    the terminal said « 3 bid indicators not met » and --fail-on kpi failed on it, but the page listed only
    P02's two: P06's section showed its attachment warning alone."""
    bids = [*REVIEW_BIDS[:-1], {**REVIEW_BIDS[-1], "Part réemploi/recyclé (%)": 5}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [NO_ENV, FURNITURE], bids)
    for lang, heading in (("fr", "Indicateurs non atteints (comptés dans la synthèse"),
                          ("en", "Indicators not met (counted in the summary")):
        result = _check(str(workbook), "--out", str(tmp_path / lang), "--lang", lang, "--fail-on", "kpi")
        data, html = _load(tmp_path / lang), (tmp_path / lang / "check.html").read_text(encoding="utf-8")
        counted = data["verdict"]["by_part"]["bids"]["failures"]["kpi"]
        assert counted == 3 and result.exit_code == 1, result.output
        # every unmet bid indicator the count rests on is on the page: in a comparison or in P06's section
        section = html[html.index('id="unattached"'):html.index('id="h-rejected"')]
        assert _text(section).count("CIRC-01") == 1 and heading in _text(section), _text(section)
        shown = re.findall(r'<ul class="tight failed">(.*?)</ul>', html)
        assert sum(item.count("<li>") for item in shown) == counted, shown
