"""What check's texts said to a buyer in the tool's words (review of check.json, the page and the terminal).

- check.json's messages named a missing value by its field code (« Considérations environnementales
  (env_considerations) »), where the page names its column and cell (« Considérations environnementales
  (cellule L2) »); a waived « données insuffisantes » kept the code on the page too.
- The terminal's line counted the indicators not met (« 3 indicateurs non atteints ») and the rows rejected of
  the consultations and of the bids as one figure; the page too (« (consultation et offres) »). Each now says
  what concerns the consultations, then what concerns the bids.
- The page's « Lignes rejetées » table said the column twice: in its « Colonne » cell and again at the start
  of the « Motif » (« H (Montant HT) | cent mille | colonne H (Montant HT) : « cent mille » n'est pas… »).
- A warning about a value every bid takes from its consultation (a place code without its type) was repeated
  under every bid.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.data.check_s9 import workbook as W

# The school-catering tender without its « Considérations environnementales » (ENV-10, ENV-11 and ENV-01 lack
# it) and the office-supplies one without its procedure (PROC-02 lacks it); P03 cites the catering tender and
# declares no meat-and-fish share (EGA-05 lacks it); P04 cites no tender, so it has no CPV (its food
# indicators lack it).
# (Its environmental weight, 0, would otherwise say there is no environmental criterion: ENV-10 would fail.)
TENDERS = [{k: v for k, v in W.TENDERS[0].items() if k not in ("env_considerations", "env_weight")}, W.TENDERS[2]]
BIDS = [W.BIDS[0], W.BIDS[1], W.BIDS[3],
        {"id": "P04", "supplier_name": "Orphelin", "amount": 1000, "tender_id": "2026-XXX-999"}]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("texts")
    workbook = W.build(base / "c.xlsx", TENDERS, BIDS)
    return {lang: W.check(workbook, base / lang, "--lang", lang) for lang in ("fr", "en")}


def _strings(data: object, path: str = "") -> list[tuple[str, str]]:
    """Every text of check.json with where it is, keys aside."""
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(data, list):
        return [s for i, v in enumerate(data) for s in _strings(v, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_json_messages_name_columns_not_field_codes(runs, lang):
    from procurement.fields import FIELDS_BY_NAME

    _, data, _ = runs[lang]
    codes = re.compile(r"\((" + "|".join(map(re.escape, FIELDS_BY_NAME)) + r")\)")
    leaks = [(p, s) for p, s in _strings(data) if p.rsplit(".", 1)[-1].startswith("message") and codes.search(s)]
    assert leaks == [], leaks[:5]
    food, office = data["tenders"]
    env10 = next(f for f in food["legal"] if f["rule"] == "ENV-10")
    cell = "cellule" if lang == "fr" else "cell"
    column = W.letter("env_considerations", "Consultation")
    # the machine-readable list keeps the codes; both empty cells that would decide are named (the weight: > 0
    # passes, 0 fails, since rulebook 1.3.10)
    assert env10["missing"] == ["env_considerations", "env_weight"]
    assert f"{W.header_of('env_considerations')} ({cell} {column}2)" in env10["message"], env10["message"]
    weight = W.letter("env_weight", "Consultation")
    assert env10["message"].endswith(f"{W.header_of('env_weight')} ({cell} {weight}2)"), env10["message"]
    full = next(f for f in food["findings"] if f["rule"] == "ENV-10")
    assert full["message"] == env10["message"]
    assert f"(cellule {column}2)" in full["message_fr"] and f"(cell {column}2)" in full["message_en"]
    proc = next(f for f in office["legal"] if f["rule"] == "PROC-02")
    assert proc["message"].endswith(f"{W.header_of('procedure')} ({cell} {W.letter('procedure', 'Consultation')}3)")
    # A bid names its own row, on the bids sheet; a bid attached to nothing names the column it has not.
    p01 = next(b for b in food["bids"] if b["id"] == "P01")
    ega = next(f for f in p01["findings"] if f["rule"] == "EGA-05")
    assert ega["message"].endswith(f"({cell} {W.letter('meat_fish_egalim_share')}2)"), ega["message"]
    (p04,) = [b for b in data["unattached_bids"] if b["id"] == "P04"]
    no_cpv = [f["message"] for f in p04["findings"] if f.get("missing") == ["cpv"]]
    absent = ("aucune colonne dans la feuille « Offres »" if lang == "fr" else
              "no column in the \u201cOffres\u201d sheet")
    assert no_cpv and all(m.endswith(f"{W.header_of('cpv', lang)} ({absent})") for m in no_cpv), no_cpv


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_and_check_json_say_the_same_message(runs, lang):
    _, data, html = runs[lang]
    page = W.text(html)
    for finding in data["tenders"][0]["legal"]:
        if finding["status"] == "insufficient_data":
            assert W.text(finding["message"]) in page, finding["message"]


def _checked_with_waiver(tmp_path, monkeypatch, order: str, rule: str, justification: str):
    """The review's workbook checked on 2026-10-01 with one waiver, granted by Mme Martin on 2026-09-01."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790812800")  # 2026-10-01
    waivers = tmp_path / "w.yaml"
    waivers.write_text(f'waivers:\n  - order: "{order}"\n    rule: {rule}\n    justification: {justification}\n'
                       "    author: Mme Martin\n    date: 2026-09-01\n", encoding="utf-8")
    workbook = W.build(tmp_path / "c.xlsx", TENDERS, BIDS)
    return W.check(workbook, tmp_path / "o", "--waivers", str(waivers))


def test_a_waived_missing_value_is_named_by_its_cell(tmp_path, monkeypatch):
    _, data, html = _checked_with_waiver(tmp_path, monkeypatch, "2026-RES-014", "ENV-10", "Marché de défense.")
    env10 = next(f for f in data["tenders"][0]["legal"] if f["rule"] == "ENV-10")
    assert env10["status"] == "waived"
    column = W.letter("env_considerations", "Consultation")
    assert f"(cellule {column}2)" in env10["message"], env10["message"]
    assert "(env_considerations)" not in html
    assert json.dumps(data, ensure_ascii=False).count("(env_considerations)") == 0


# ---- a rejected row's reason -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rejected(tmp_path_factory):
    """A launch date that is no date (the consultation is rejected) and a text in a bid's amount."""
    base = tmp_path_factory.mktemp("rejected")
    tenders = [*TENDERS,
               {"id": "2026-BAD-001", "object": "Date illisible", "launch_date": "32/13/2026", "amount": 1000}]
    bids = [dict(W.BIDS[0], amount="cent mille"), W.BIDS[1]]
    workbook = W.build(base / "c.xlsx", tenders, bids)
    return {lang: W.check(workbook, base / lang, "--lang", lang) for lang in ("fr", "en")}


def _rejected_rows(html: str) -> list[list[str]]:
    """The cells of the page's « Lignes rejetées » table, row by row."""
    table = html[html.index('id="h-rejected"'):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    return [[W.text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in table.split("</tr>")[:-1]]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_rejected_rows_reason_names_its_column_once(rejected, lang):
    result, data, html = rejected[lang]
    rows = _rejected_rows(html)
    date, amount = W.letter("launch_date", "Consultation"), W.letter("amount")
    assert [r[1] for r in rows] == [f"{date} (Date de lancement)", f"{amount} (Montant HT)"], rows
    for _where, column, value, reason in rows:
        assert column not in reason, (column, reason)  # in its own cell, beside the reason
        assert reason.startswith(f"« {value} »" if lang == "fr" else f"“{value}”"), reason
    # Where the message stands alone, it still says its column, once: check.json, the tender's section,
    # the section of the consultation not checked and the terminal.
    for r in data["rejected"]:
        assert r["message"].count(r["column"]) == 1, r["message"]
    page = W.text(html)
    said = "colonne" if lang == "fr" else "column"
    assert f"{said} {amount} (Montant HT)" in page and page.count(f"{amount} (Montant HT)") == 2  # section, table
    assert result.output.count(f"{date} (Date de lancement)") == 1, result.output


# ---- the terminal's counts: the consultations' and the bids' apart ------------------------------------------


def _summary(html: str) -> str:
    start = html.index('<ul class="summary">')
    return W.text(html[start:html.index("</ul>", start)])


def test_the_terminal_says_the_consultations_and_the_bids_apart(rejected):
    """« 3 indicateurs non atteints » and « 2 lignes rejetées » summed the consultations' and the bids': the
    office-supplies consultation meets neither ENV-01 nor SOC-01, bid P02 is no short chain (FOOD-02); the
    consultation 2026-BAD-001 and bid P01 are rejected."""
    result, data, html = rejected["fr"]
    line = result.stdout
    assert line.startswith("Consultations : 2 vérifiées, 1 non vérifiée (ligne rejetée) ; 0 obligation légale non "
                           "respectée, 0 risque, 2 indicateurs non atteints ; "), line
    assert ". Offres : 1 comparée, 1 rejetée (ligne à corriger) ; 1 indicateur non atteint. Page : " in line, line
    by_part = data["verdict"]["by_part"]
    assert by_part["tender"] == {"failures": {"legal": 0, "risk": 0, "kpi": 2}, "waived": 0, "rejected": 1,
                                 "ignored": 0}
    assert by_part["bids"] == {"failures": {"legal": 0, "risk": 0, "kpi": 1}, "waived": 0, "rejected": 1, "ignored": 0}
    assert data["verdict"]["failures"]["kpi"] == 3 and data["verdict"]["rejected"] == 2  # the totals stay
    # The page's summary says the same figures, in the same words.
    summary = _summary(html)
    for said in ("2 indicateurs de consultation non atteints", "2 consultations vérifiées",
                 "1 consultation non vérifiée (ligne rejetée)", "1 offre comparée",
                 "1 offre rejetée (ligne à corriger)", "1 indicateur d'offre non atteint"):
        assert said in summary, (said, summary)
    assert "consultation et offres" not in summary and "lignes rejetées" not in summary

    result, _, html = rejected["en"]
    line = result.stdout
    assert line.startswith("Tenders: 2 checked, 1 not checked (row rejected); 0 legal obligations not met, 0 risks, "
                           "2 indicators not met; "), line
    assert ". Bids: 1 compared, 1 rejected (row to fix); 1 indicator not met. Page: " in line, line
    summary = _summary(html)
    for said in ("2 tender indicators not met", "1 bid rejected (row to fix)", "1 bid indicator not met"):
        assert said in summary, (said, summary)


def test_waived_findings_are_counted_where_they_are(tmp_path, monkeypatch):
    result, data, html = _checked_with_waiver(tmp_path, monkeypatch, "P02", "FOOD-02", "Livraison groupée.")
    assert data["verdict"]["by_part"]["bids"]["waived"] == 1 and data["verdict"]["by_part"]["tender"]["waived"] == 0
    assert "non atteints, 0 constat couvert par une dérogation ; " in result.stdout, result.stdout
    assert "; 0 indicateur non atteint, 1 constat couvert par une dérogation. Page" in result.stdout, result.stdout
    summary = _summary(html)
    assert "0 constat de consultation couvert par une dérogation" in summary
    assert "1 constat d'offre couvert par une dérogation" in summary


@pytest.mark.parametrize("lang, said", [("fr", ". Offres : aucune. Page : "), ("en", ". Bids: none. Page: ")])
def test_a_workbook_without_bids_says_so(tmp_path, lang, said):
    workbook = W.build(tmp_path / "c.xlsx", TENDERS[1:], [])
    result, _, _ = W.check(workbook, tmp_path / "o", "--lang", lang)
    assert said in result.stdout, result.stdout


# ---- a warning about the consultation's cell, said once ------------------------------------------------------


def test_a_warning_about_an_inherited_value_is_said_on_the_consultation_only(tmp_path):
    """The catering consultation's place « 13001 » has no type: its warning (INSEE code of Aix or postcode of
    Marseille?) was repeated under every bid, which takes the place from its consultation, and asked the buyer to
    fix a column the bids sheet does not have; with 300 bids, 300 copies."""
    workbook = W.build(tmp_path / "c.xlsx", W.TENDERS[:1], W.BIDS[:2])
    _, data, html = W.check(workbook, tmp_path / "o")
    (tender,) = data["tenders"]
    assert [w["code"] for w in tender["warnings"]] == ["ambiguous_place"]
    for bid in tender["bids"]:
        assert "place_code" in bid["inherited"]
        assert not any(w["code"] == "ambiguous_place" for w in bid["warnings"]), bid["warnings"]
    assert W.text(html).count("code de lieu 13001 sans type") == 1


def test_a_value_a_bid_takes_from_its_consultation_is_named_by_the_consultations_cell(tmp_path):
    """A consultation without its CPV: each bid's CIRC-01, FOOD-01... said « Code CPV (aucune colonne dans la
    feuille « Offres ») », on the page and in check.json, though the value goes in the consultation's cell
    (session 16 review)."""
    tender = {k: v for k, v in W.TENDERS[0].items() if k != "cpv"}
    for lang, words in (("fr", "cellule {cell} de la feuille « Consultation »"),
                        ("en", "cell {cell} of the \u201cConsultation\u201d sheet")):
        workbook = W.build(tmp_path / f"{lang}.xlsx", [tender], [W.BIDS[0]])
        _, data, html = W.check(workbook, tmp_path / lang, "--lang", lang)
        cell = words.format(cell=f"{W.letter('cpv', 'Consultation')}2")
        (bid,) = data["tenders"][0]["bids"]
        lacking = [f["message"] for f in bid["findings"] if "cpv" in f.get("missing", [])]
        assert lacking and all(m.endswith(f"({cell})") for m in lacking), lacking
        page = W.text(html)
        assert f"({cell})" in page and "Offres »)" not in page and "Offres” sheet)" not in page


def test_a_total_row_is_counted_as_ignored_not_as_a_row_to_fix(tmp_path):
    """A « Total » row under the consultations or the bids: its reason says « pas une commande », yet the terminal
    counted it as « 1 non vérifiée (ligne rejetée) » or « 1 rejetée (ligne à corriger) » (session 16 review)."""
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"id": "Total"}],
                       [W.BIDS[0], {"id": "Total", "amount": 1000}])
    result, data, html = W.check(workbook, tmp_path / "o")
    assert "Consultations : 1 vérifiée, 1 ligne ignorée (total ou note) ;" in result.output, result.output
    assert "Offres : 1 comparée, 0 rejetée (ligne à corriger), 1 ligne ignorée (total ou note) ;" in result.output
    parts = data["verdict"]["by_part"]
    assert [(parts[p]["rejected"], parts[p]["ignored"]) for p in ("tender", "bids")] == [(0, 1), (0, 1)]
    assert data["unchecked_tenders"] == [] and len(data["rejected"]) == 2  # still listed, with their reason
    assert "2 lignes ignorées (totaux ou notes, ni consultations ni offres)" in W.text(html)


def test_a_note_in_the_id_column_is_ignored_but_a_begun_consultation_is_checked(tmp_path):
    """A note typed alone in the id column (« Note : les montants sont HT ») was checked as a consultation
    « Note:lesmontantssontHT » whose every indicator lacked data; a reference typed alone (« AO 2026 lot 2 »)
    is a consultation begun, and the page lists what it lacks (8d8bd15)."""
    workbook = W.build(tmp_path / "c.xlsx",
                       [W.TENDERS[0], {"id": "Note : les montants sont HT"}, {"id": "AO 2026 lot 2"}],
                       [W.BIDS[0], {"id": "Montants en euros hors taxes"}])
    result, data, _ = W.check(workbook, tmp_path / "o")
    assert "Consultations : 2 vérifiées, 1 ligne ignorée (total ou note) ;" in result.output, result.output
    assert "Offres : 1 comparée, 0 rejetée (ligne à corriger), 1 ligne ignorée (total ou note) ;" in result.output
    assert [t["id"] for t in data["tenders"]] == ["2026-RES-014", "AO2026lot2"]
    notes = [r for r in data["rejected"] if r["code"] == "no_order_data"]
    assert len(notes) == 2 and "une note, pas une ligne de données" in notes[0]["message"], notes
