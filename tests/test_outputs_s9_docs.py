"""What the README and docs/exports.md say of the outputs is what the outputs hold.

The review found the README promising report.html's orders « avec ses preuves » (the page carries fail
messages and missing fields, not the evidence tables) and results.json findings « … et base légale » (given
nowhere in results.json), and rejected.csv holding 17 rows against meta.counts.rejected = 9 with nothing
saying why (the supplier register's rejected rows follow the inputs').
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _outputs_rows() -> dict[str, str]:
    """The README's table of the auditor's files: file -> what it says of it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `") and line.count("|") >= 3:
            name, what = line.split("|")[1:3]
            rows[name.strip()] = what.strip()
    return rows


def test_the_readme_says_what_report_html_shows():
    report = _outputs_rows()["`report.html`"]
    assert "avec ses preuves" not in report
    assert "base légale" in report and "données manquantes" in report
    assert "--per-order" in report  # where the evidence tables are


def test_the_readme_puts_the_legal_basis_where_results_json_has_it():
    results = _outputs_rows()["`results.json`"]
    assert "et base légale)" not in results
    assert "`meta.rules`" in results and "base légale" in results


def test_rejected_csv_reconciles_with_results_json_as_documented(tmp_path):
    inputs = [str(SAMPLES / "commandes-2025.xlsx"), str(SAMPLES / "commandes-2025.csv")]
    result = CliRunner().invoke(main, ["score", *inputs, "--suppliers", str(SAMPLES / "fournisseurs.csv"),
                                       "--out", str(tmp_path), "--format", "json", "--quiet"])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    with (tmp_path / "rejected.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    inputs, register = doc["meta"]["counts"]["rejected"], len(doc["directory_rejected"])
    assert inputs and register
    assert len(rows) == inputs + register
    assert {r[0] for r in rows[inputs:]} == {"fournisseurs.csv"}
    assert "fournisseurs.csv" not in {r[0] for r in rows[:inputs]}
    exports = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert "## `rejected.csv`" in exports and "`directory_rejected`" in exports
    assert "directory_rejected" in _outputs_rows()["`rejected.csv`"]
