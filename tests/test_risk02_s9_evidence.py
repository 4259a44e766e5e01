"""RISK-02's evidence on each order says what the comparison gives: the group's sum reaches the threshold,
so the row is true (it read `false` whatever the sum, and the order pages showed « faux »)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.portfolio import PortfolioFinding
from procurement.portfolio_findings import PortfolioOrderFinding, portfolio_rule

DATA = Path(__file__).resolve().parent / "data" / "risk02_s9"


def _group(total: float, status: str = "fail") -> PortfolioFinding:
    return PortfolioFinding(rule="RISK-02", buyer="Direction SI", cpv_class="30213", contract_type="fournitures",
                            year=2025, level="dispensation", threshold=40000, total=total,
                            order_ids=("BC-1", "BC-2"), amounts=(total / 2, total / 2), status=status)


@pytest.mark.parametrize(("total", "result"), [(105000, True), (40000, True), (39999.99, False)])
def test_the_evidence_row_is_the_comparison(total, result):
    (row,) = PortfolioOrderFinding(_group(total), portfolio_rule("RISK-02"), "BC-1").evidence
    assert (row["op"], row["expected"], row["actual"], row["result"]) == ("group_sum_gte", 40000, total, result)


def test_results_json_and_the_order_pages_say_the_sum_reaches_the_threshold(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(DATA / "split.csv"), "--out", str(out), "--per-order",
                                       "--format", "json", "--format", "html"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = [f["evidence"] for o in doc["orders"] for f in o["findings"] if f["rule"] == "RISK-02"]
    assert rows and all(r == [{**r[0], "result": True}] and r[0]["actual"] >= r[0]["expected"] for r in rows)
    pages = sorted((out / "orders").glob("BC-*.html"))
    assert len(pages) == 6
    for page in pages:
        html = page.read_text(encoding="utf-8")
        article = html[html.index('id="f-RISK-02"'):]
        article = article[:article.index("</article>")]
        assert 'class="r-true">vrai<' in article and "r-false" not in article, page.name
