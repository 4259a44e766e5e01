"""`procurement rules`: list, explain, validate, test, schema; French by default, English with --lang en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli_rules import catalogue_text, rules, schema_text
from procurement.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "rules" / "relance-renouveau.yaml"
BOOK = load_rulebook(DEFAULT)
N_RULES = len(BOOK.rules)
N_EXAMPLES = sum(len(r.examples) for r in BOOK.rules)
N_ENV10 = len(BOOK.rule("ENV-10").examples)


def invoke(*args: str):
    return CliRunner().invoke(rules, list(args), catch_exceptions=False)


def test_list_default_rulebook_in_french_and_english():
    result = invoke("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(f"relance-renouveau {BOOK.version} — {N_RULES} règles (sha256 ")
    assert lines[1].split() == ["Code", "Type", "Chantiers", "Titre"]
    assert any(line.split()[:4] == ["ENV-10", "obligation", "légale", "2,6,7"] for line in lines)
    result = invoke("--lang", "en", "list", "--select", "ENV", "--rules", str(DEFAULT))
    n_env = sum(r.id.startswith("ENV-") for r in BOOK.rules)
    assert f"{n_env} rules" in result.output and "legal obligation" in result.output and "SOC-01" not in result.output


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
                  "Exige", "Conseil", "Exemples", "données insuffisantes\u00a0: notification_date=15/10/2026"):
        assert words in out
    out = invoke("--lang", "en", "explain", "LOC-01").output
    assert "Laboratori Bruneau" in out and "Why" in out
    assert "Supplier location band [supplier_band] = Aix-Marseille-Provence Metropolis" in out  # a code by its label


def test_explain_unknown_rule():
    result = CliRunner().invoke(rules, ["explain", "TRANS-10"])
    assert result.exit_code == 2 and "règle inconnue « TRANS-10 » (vouliez-vous dire « TRANS-01 » ?)" in result.output


def test_validate_ok_and_invalid(tmp_path, monkeypatch):
    result = invoke("validate", str(DEFAULT))
    assert result.exit_code == 0 and f"valide — {N_RULES} règles, {N_EXAMPLES} exemples" in result.output
    monkeypatch.chdir(tmp_path)
    bad = DEFAULT.read_text(encoding="utf-8").replace("value: [clause, criterion, reserved]",
                                                      "value: [clause, critrion, reserved]")
    Path("bad.yaml").write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(rules, ["--lang", "en", "validate", "bad.yaml"])
    assert result.exit_code == 2
    line = bad[: bad.index("critrion")].count("\n") + 1
    assert result.output.startswith(f"error: bad.yaml:{line}:")
    assert "SOC-01: value 'critrion' is not valid for field social_considerations" in result.output
    assert "did you mean 'criterion'?" in result.output


@pytest.mark.parametrize(("args", "expected"), [
    (["validate", "missing.yaml"], "erreur: missing.yaml: fichier introuvable\n"),
    (["--lang", "en", "validate", "missing.yaml"], "error: missing.yaml: file not found\n"),
    (["test", "missing.yaml"], "erreur: missing.yaml: fichier introuvable\n"),
    (["explain", "TRANS-10"], "erreur: règle inconnue « TRANS-10 » (vouliez-vous dire « TRANS-01 » ?)\n"),
    (["--lang", "en", "list", "--select", "ENX"], "error: --select ENX: no rule matches (did you mean 'ENV'?)\n"),
], ids=["validate", "validate-en", "test", "explain", "list"])
def test_errors_are_one_erreur_line_as_in_the_other_commands(tmp_path, monkeypatch, args, expected):
    """Were printed without the `erreur:` prefix, and a missing file as `fichier illisible : No such file or
    directory` (the system's English in a French message)."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(rules, args)
    assert result.exit_code == 2
    assert result.stderr == expected


@pytest.mark.parametrize("command", ["catalogue", "schema"])
def test_writing_under_a_file_or_into_a_read_only_folder_is_one_line_and_status_2(tmp_path, monkeypatch, command):
    """Was a FileExistsError / PermissionError traceback and status 1."""
    import errno

    from procurement.write import safe

    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("", encoding="utf-8")
    result = CliRunner().invoke(rules, [command, "--out", "afile/x.md"])
    assert result.exit_code == 2
    assert result.stderr == "erreur: « afile » est un fichier, pas un dossier\n"
    result = CliRunner().invoke(rules, ["--lang", "en", command, "--out", "afile/x.md"])
    assert result.stderr == "error: “afile” is a file, not a folder\n"

    def refused(*args, dir=None, **kwargs):  # root ignores permission bits: the system's refusal, simulated
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(dir).resolve() / ".x.md.8vxm5bij.tmp"))

    Path("ro").mkdir()
    monkeypatch.setattr(safe.tempfile, "mkstemp", refused)
    result = CliRunner().invoke(rules, [command, "--out", "ro/x.md"])
    assert result.exit_code == 2
    assert result.stderr == "erreur: le dossier « ro » n'est pas accessible en écriture (droits insuffisants)\n"
    assert list(Path("ro").iterdir()) == []


def test_test_command_passes_on_the_default_rulebook():
    result = invoke("test", str(DEFAULT))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == f"{N_EXAMPLES} réussis, 0 en échec"
    assert f"ENV-10 {'.' * N_ENV10}\n" in result.output
    result = invoke("--lang", "en", "test", "-v", str(DEFAULT))
    assert result.output.splitlines()[-1] == f"{N_EXAMPLES} passed, 0 failed"


def test_test_command_reports_failures_with_exit_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "order: {launch_date: 2026-09-01, nature: marche, env_considerations: [clause]}",
        "order: {launch_date: 2026-09-01, nature: marche, env_considerations: [criterion]}",
    )
    Path("book.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(rules, ["--lang", "en", "test", "book.yaml"])  # output: stdout and stderr
    assert result.exit_code == 1
    assert f"ENV-10 ..F{'.' * (N_ENV10 - 3)}\n" in result.output  # its third example since the rulebook 1.3.25
    assert f"{N_EXAMPLES - 1} passed, 1 failed" in result.output
    assert "ENV-10, example 3: expected fail, got pass" in result.output


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


def test_list_shows_every_chantier_and_every_legal_text():
    out = invoke("list").output
    table = out.splitlines()[2:]
    rows = [line.split() for line in table[:table.index("")]]  # the note on RISK-02 follows a blank line
    cells = [next(cell for cell in row[1:] if cell[0].isdigit()) for row in rows]  # the chantiers column
    chantiers = {int(c) for cell in cells for c in cell.split(",")}
    assert chantiers == set(range(1, 9))
    for rule_id in ("ENV-10", "ENV-11", "ENV-13", "SOC-10", "PROC-01", "PROC-02", "PROC-03", "PROC-04", "DECP-01",
                    "EGA-01", "EGA-02", "EGA-03", "AGEC-01", "RISK-01"):
        assert any(row[0] == rule_id for row in rows), rule_id


def test_catalogue_to_stdout_and_file(tmp_path, monkeypatch):
    result = invoke("catalogue")
    assert result.exit_code == 0 and result.output.startswith("# Catalogue des règles — ")
    assert "### ENV-10 — Critère d'attribution environnemental" in result.output and "### RISK-02" in result.output
    monkeypatch.chdir(ROOT)
    out = tmp_path / "c.md"
    result = invoke("--lang", "en", "catalogue", "--out", str(out))
    assert result.exit_code == 0 and "Catalogue written to" in result.output
    assert out.read_text(encoding="utf-8") == catalogue_text(BOOK, "en", source="rules/relance-renouveau.yaml")


def test_catalogue_of_another_rulebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("small.yaml").write_text(
        "id: small\nversion: 0.1.0\ntitle: {fr: Petit, en: Small}\nrules:\n"
        "  - id: ABC-01\n    title: {fr: Montant connu, en: Amount known}\n"
        "    message: {fr: 'Montant {amount}', en: 'Amount {amount}'}\n    chantiers: [4]\n    kind: kpi\n"
        "    severity: info\n    require: {field: amount, op: gte, value: 0}\n"
        "    why: {fr: Parce que, en: Because}\n    advice: {fr: Renseignez-le, en: Fill it in}\n",
        encoding="utf-8")
    text = invoke("--lang", "en", "catalogue", "--rules", "small.yaml").output
    assert "Generated from `small.yaml`" in text and "### ABC-01 — Amount known" in text
    assert "**Data needed** (the fields its conditions read): `amount` (Amount excl. VAT)." in text
    assert "- **4. Social link, inclusion, education, insertion**: ABC-01" in text
    assert "## Tables" not in text and "## Portfolio targets" not in text


@pytest.mark.parametrize("command", ["list", "explain", "validate", "test", "schema", "catalogue"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and len(result.output) > 80
