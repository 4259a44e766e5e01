"""What check's texts said to a buyer in the tool's words (review of check.json, the page and the terminal).

- check.json's messages named a missing value by its field code (« Considérations environnementales
  (env_considerations) »), where the page names its column and cell (« Considérations environnementales
  (cellule L2) »); a waived « données insuffisantes » kept the code on the page too.
- The page's « Lignes rejetées » table said the column twice: in its « Colonne » cell and again at the start
  of the « Motif » (« H (Montant HT) | cent mille | colonne H (Montant HT) : « cent mille » n'est pas… »).
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
TENDERS = [{k: v for k, v in W.TENDERS[0].items() if k != "env_considerations"}, W.TENDERS[2]]
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
    assert env10["missing"] == ["env_considerations"]  # the machine-readable list keeps the codes
    assert env10["message"].endswith(f"{W.header_of('env_considerations')} ({cell} {column}2)"), env10["message"]
    full = next(f for f in food["findings"] if f["rule"] == "ENV-10")
    assert full["message"] == env10["message"]
    assert full["message_fr"].endswith(f"({'cellule'} {column}2)") and full["message_en"].endswith(f"(cell {column}2)")
    proc = next(f for f in office["legal"] if f["rule"] == "PROC-02")
    assert proc["message"].endswith(f"{W.header_of('procedure')} ({cell} {W.letter('procedure', 'Consultation')}3)")
    # A bid names its own row, on the bids sheet; a bid attached to nothing names the column it has not.
    p01 = next(b for b in food["bids"] if b["id"] == "P01")
    ega = next(f for f in p01["findings"] if f["rule"] == "EGA-05")
    assert ega["message"].endswith(f"({cell} {W.letter('meat_fish_egalim_share')}2)"), ega["message"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_and_check_json_say_the_same_message(runs, lang):
    _, data, html = runs[lang]
    page = W.text(html)
    for finding in data["tenders"][0]["legal"]:
        if finding["status"] == "insufficient_data":
            assert W.text(finding["message"]) in page, finding["message"]


def test_a_waived_missing_value_is_named_by_its_cell(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790812800")  # 2026-10-01
    waivers = tmp_path / "w.yaml"
    waivers.write_text('waivers:\n  - order: "2026-RES-014"\n    rule: ENV-10\n    justification: Marché de '
                       "défense.\n    author: Mme Martin\n    date: 2026-09-01\n", encoding="utf-8")
    workbook = W.build(tmp_path / "c.xlsx", TENDERS, BIDS)
    _, data, html = W.check(workbook, tmp_path / "o", "--waivers", str(waivers))
    env10 = next(f for f in data["tenders"][0]["legal"] if f["rule"] == "ENV-10")
    assert env10["status"] == "waived"
    column = W.letter("env_considerations", "Consultation")
    assert env10["message"].endswith(f"(cellule {column}2)"), env10["message"]
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
