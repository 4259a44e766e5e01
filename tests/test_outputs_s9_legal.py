"""The legal basis of each rule given with its verdicts in every batch output, once per rule.

A review found it only on the --per-order pages and in `procurement rules explain`, while the README said
results.json's findings carried it. Now: results.json and results.jsonl (meta.rules[id].legal_ref, in the
schema), results.xlsx (each rule sheet's first row; every reference with its link in « Lisez-moi »),
report.html (the rules table, shown beside each fail message: tests/browser/test_outputs_s9_report.py).
RISK-02 (portfolio_rules.py) included.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.portfolio_findings import portfolio_rule
from procurement.views.batch import ORDER_COLUMNS, payload
from procurement.write import results_schema
from procurement.write.results_schema import Results

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data" / "outputs_s9" / "fractionnement.csv"


def _refs(rule) -> list[dict]:
    return [ref.model_dump(mode="json", exclude_none=True) for ref in rule.source.legal_ref]


@pytest.fixture(scope="module")
def book():
    return load_rules(None, [], [])


@pytest.fixture(scope="module")
def outs(tmp_path_factory):
    base = tmp_path_factory.mktemp("legal")
    made = {}
    for lang in ("fr", "en"):
        made[lang] = base / lang
        result = CliRunner().invoke(main, [
            "score", str(DATA), str(SAMPLES / "commandes-2025.csv"), "--out", str(made[lang]), "--lang", lang,
            "--format", "json", "--format", "jsonl", "--format", "xlsx", "--format", "html", "--quiet"])
        assert result.exit_code in (0, 1), result.output + str(result.exception)
    return made


def test_results_json_gives_each_rules_legal_basis_once(outs, book):
    text = (outs["fr"] / "results.json").read_text(encoding="utf-8")
    doc = Results.model_validate_json(text)  # the schema's models accept it (no unknown key)
    rules = doc.meta.rules
    expected = {r.id: _refs(r) for r in book.rules}
    expected["RISK-02"] = _refs(portfolio_rule("RISK-02"))
    assert set(rules) == set(expected)
    for rid, refs in expected.items():
        assert refs, rid
        assert [r.model_dump(mode="json", exclude_none=True) for r in rules[rid].legal_ref] == refs, rid
    assert all(r["confidence"] == "verified" for r in expected["RISK-02"])  # R2121-2/5/6 read (1.3.13)
    # Once per rule: no finding repeats it.
    raw = json.loads(text)
    assert all("legal_ref" not in f for o in raw["orders"] for f in o["findings"])
    assert text.count('"legal_ref"') == len(expected)


def test_results_jsonl_meta_line_gives_it_too(outs):
    meta = json.loads((outs["en"] / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = json.loads((outs["en"] / "results.json").read_text(encoding="utf-8"))
    assert meta["type"] == "meta" and meta["rules"] == doc["meta"]["rules"]
    assert meta["rules"]["RISK-02"]["legal_ref"][0]["article"] == "R2121-1, R2121-4"


def test_the_published_schema_requires_the_legal_basis():
    schema = json.loads((ROOT / "docs" / "results.schema.json").read_text(encoding="utf-8"))
    rule = schema["$defs"]["RuleMeta"]
    assert "legal_ref" in rule["required"]
    ref = schema["$defs"][rule["properties"]["legal_ref"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(ref["properties"]) == {"text", "article", "date", "url", "confidence", "note"}
    assert ref["required"] == ["text", "confidence"]
    assert results_schema.main(["--check", str(ROOT / "docs" / "results.schema.json")]) == 0


def _label(ref: dict) -> str:
    return ref["text"] + (f", art. {ref['article']}" if ref.get("article") else "")


def test_each_rule_sheet_names_its_legal_basis_and_read_me_gives_the_links(outs):
    doc = json.loads((outs["fr"] / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(outs["fr"] / "results.xlsx")
    readme = [row for row in wb["Lisez-moi"].iter_rows(values_only=True)]
    listed = {(row[0], row[4]) for row in readme if row and row[0] in doc["meta"]["rules"]}
    for rid, meta in doc["meta"]["rules"].items():
        ws = wb[rid]
        heading = ws["F1"].value
        assert ws["A1"].value.startswith(rid) and heading.startswith("Fondement juridique : ")
        for ref in meta["legal_ref"]:
            assert _label(ref) in heading, (rid, ref)
            if ref.get("url"):
                assert (rid, ref["url"]) in listed, (rid, ref["url"])
        recalled = sum(ref["confidence"] == "recalled" for ref in meta["legal_ref"])
        assert heading.count("[cité de mémoire, à vérifier]") == recalled
        assert ws.freeze_panes == "A3"  # the heading stays in view
    en = openpyxl.load_workbook(outs["en"] / "results.xlsx")
    assert en["RISK-02"]["F1"].value.startswith("Legal basis: Code de la commande publique, art. R2121-1, R2121-4")


def test_report_gives_each_rules_legal_basis_once_in_its_rules_table(book, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    result = run([DATA], book)
    data = payload(result, "fr")
    rules = {r[0]: r for r in data["rules"]}
    assert "RISK-02" in rules and data["words"]["legal_basis"] == "Fondement"
    for rule in [*book.rules, portfolio_rule("RISK-02")]:
        refs = rules[rule.id][4]
        assert [r[0] for r in refs] == [_label(ref) for ref in _refs(rule)], rule.id
        assert [r[3] for r in refs] == [int(ref["confidence"] == "recalled") for ref in _refs(rule)]
        assert all(r[2] == "" or r[2].startswith(("https://", "http://")) for r in refs)
    # The orders' rows do not carry it: it is given once, in the rules table.
    assert all(len(o) == len(ORDER_COLUMNS) for o in data["orders"])
    assert not any("Code de la commande publique" in json.dumps(o, ensure_ascii=False) for o in data["orders"])
