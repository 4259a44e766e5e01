"""What check's texts said to a buyer in the tool's words (review of check.json, the page and the terminal).

- check.json's messages named a missing value by its field code (« Considérations environnementales
  (env_considerations) »), where the page names its column and cell (« Considérations environnementales
  (cellule L2) »); a waived « données insuffisantes » kept the code on the page too.
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
