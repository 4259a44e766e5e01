"""`procurement rules`: list, explain, validate, test, schema; French by default, English with --lang en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli_rules import rules, schema_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "rules" / "relance-renouveau.yaml"


def invoke(*args: str):
    return CliRunner().invoke(rules, list(args), catch_exceptions=False)


def test_list_default_rulebook_in_french_and_english():
    result = invoke("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("relance-renouveau 0.1.0 — 4 règles (sha256 ")
    assert lines[1].split() == ["Code", "Type", "Chantiers", "Titre"]
    assert any(line.startswith("ENV-10  obligation légale  2,6,7") for line in lines)
    result = invoke("--lang", "en", "list", "--select", "ENV", "--rules", str(DEFAULT))
    assert "2 rules" in result.output and "legal obligation" in result.output and "SOC-01" not in result.output


def test_list_with_an_unknown_selector_exits_2():
    result = CliRunner().invoke(rules, ["--lang", "en", "list", "--select", "ENX"])
    assert result.exit_code == 2
    assert "--select ENX: no rule matches (did you mean 'ENV'?)" in result.output


def test_explain_shows_why_legal_basis_conditions_and_examples():
    result = invoke("explain", "env-10")
    assert result.exit_code == 0
    out = result.output
    for words in ("ENV-10 — Critère d'attribution environnemental", "Pourquoi", "Base légale", "L2152-7",
                  "https://www.legifrance.gouv.fr/", "S'applique si", "Date de lancement [launch_date] le 21/08/2026",
                  "Exige", "Conseil", "Exemples", "données insuffisantes : notification_date=15/10/2026"):
        assert words in out
    out = invoke("--lang", "en", "explain", "LOC-01").output
    assert "Laboratori Bruneau" in out and "Why" in out and "Supplier location band [supplier_band] = amp" in out


def test_explain_unknown_rule():
    result = CliRunner().invoke(rules, ["explain", "ENV-11"])
    assert result.exit_code == 2 and "règle inconnue « ENV-11 » (vouliez-vous dire « ENV-10 » ?)" in result.output


def test_validate_ok_and_invalid(tmp_path, monkeypatch):
    result = invoke("validate", str(DEFAULT))
    assert result.exit_code == 0 and "valide — 4 règles, 18 exemples" in result.output
    monkeypatch.chdir(tmp_path)
    bad = DEFAULT.read_text(encoding="utf-8").replace("value: [clause, criterion, reserved]",
                                                      "value: [clause, critrion, reserved]")
    Path("bad.yaml").write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(rules, ["--lang", "en", "validate", "bad.yaml"])
    assert result.exit_code == 2
    line = bad[: bad.index("critrion")].count("\n") + 1
    assert result.output.startswith(f"bad.yaml:{line}:")
    assert "SOC-01: value 'critrion' is not valid for field social_considerations" in result.output
    assert "did you mean 'criterion'?" in result.output
    result = CliRunner().invoke(rules, ["validate", "missing.yaml"])
    assert result.exit_code == 2 and "missing.yaml" in result.output


def test_test_command_passes_on_the_default_rulebook():
    result = invoke("test", str(DEFAULT))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "18 réussis, 0 en échec"
    assert "ENV-10 ......" in result.output
    result = invoke("--lang", "en", "test", "-v", str(DEFAULT))
    assert result.output.splitlines()[-1] == "18 passed, 0 failed"


def test_test_command_reports_failures_with_exit_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "order: {launch_date: 2026-09-01, nature: marche, env_considerations: [clause]}",
        "order: {launch_date: 2026-09-01, nature: marche, env_considerations: [criterion]}",
    )
    Path("book.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(rules, ["--lang", "en", "test", "book.yaml"])  # output: stdout and stderr
    assert result.exit_code == 1
    assert "ENV-10 .F...." in result.output
    assert "17 passed, 1 failed" in result.output
    assert "ENV-10, example 2: expected fail, got pass" in result.output


def test_schema_to_stdout_and_file(tmp_path):
    result = invoke("schema")
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "Rulebook"
    out = tmp_path / "s.json"
    assert invoke("schema", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_text()


def test_module_is_runnable():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "procurement.cli_rules", "list"], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.returncode == 0 and "ENV-01" in proc.stdout


@pytest.mark.parametrize("command", ["list", "explain", "validate", "test", "schema"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and len(result.output) > 80
