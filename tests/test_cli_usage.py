"""Click's own usage errors: one line in the help's language, exit status 2, no usage block, no traceback.

README (« Options communes ») promises that a usage error exits 2 with one line and no Python trace; click
printed four English lines ("Usage: … / Try '… --help' … / Error: …"), even in French. `cli_usage`
rewrites them; these tests run the commands a user mistypes, in both languages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.cli_usage import describe, usage_line

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARS = ("PROCUREMENT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a file `orders.csv` and a folder `folder`; French unless a test says otherwise."""
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orders.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


def _line(*args: str) -> str:
    """The one line a usage error prints (on stderr), after checking status 2, one line, no usage block."""
    result = CliRunner().invoke(main, list(args), prog_name="procurement")
    assert result.exit_code == 2, (args, result.output)
    assert result.stdout == "", (args, result.stdout)
    err = result.stderr
    assert err.count("\n") == 1 and err.endswith("\n"), (args, err)
    assert "Usage:" not in err and "Traceback" not in err and "Try '" not in err and "Error:" not in err, err
    return err.rstrip("\n")


# (arguments, French facts, English facts): each fact must appear in the line.
CASES = [
    (["score", "nothere.xlsx", "--out", "x"],
     ["erreur: FILES : fichier « nothere.xlsx » introuvable", "procurement score --help"],
     ["error: FILES: file 'nothere.xlsx' not found", "procurement score --help"]),
    (["score", "folder", "--out", "x"],
     ["« folder » est un dossier, un fichier est attendu"], ["'folder' is a directory, a file is expected"]),
    (["score", "orders.csv", "--out", "orders.csv"],
     ["--out : « orders.csv » est un fichier, un dossier est attendu"],
     ["--out: 'orders.csv' is a file, a directory is expected"]),
    (["score", "orders.csv"], ["option --out manquante"], ["missing option --out"]),
    (["score", "orders.csv", "--out", "x", "--lang", "de"],
     ["--lang : valeur « de » refusée, choix possibles : fr, en"],
     ["--lang: invalid value 'de', choose from: fr, en"]),
    (["score", "orders.csv", "--out", "x", "--fail-on", "always"],
     ["--fail-on : valeur « always » refusée", "never, legal, risk, kpi"],
     ["--fail-on: invalid value 'always'", "never, legal, risk, kpi"]),
    (["score", "orders.csv", "--out", "x", "--format", "pdf"],
     ["--format : valeur « pdf » refusée", "json, jsonl, csv, xlsx, html, summary"],
     ["--format: invalid value 'pdf'", "json, jsonl, csv, xlsx, html, summary"]),
    (["score", "orders.csv", "--out", "x", "--max-size", "0"],
     ["--max-size : 0 hors des valeurs permises (x>=1)"], ["--max-size: 0 is out of the allowed range (x>=1)"]),
    (["score", "orders.csv", "--out", "x", "--max-size", "many"],
     ["--max-size : « many » n'est pas un nombre entier"], ["--max-size: 'many' is not a whole number"]),
    (["score", "orders.csv", "--out", "x", "--suppliers", "absent.csv"],
     ["--suppliers : fichier « absent.csv » introuvable"], ["--suppliers: file 'absent.csv' not found"]),
    (["score", "orders.csv", "--otu", "x"],
     ["option inconnue --otu (vouliez-vous dire --out"], ["no such option --otu (did you mean --out"]),
    (["scor", "orders.csv"],
     ["commande inconnue « scor » (vouliez-vous dire « score » ?)", "procurement --help"],
     ["no such command 'scor' (did you mean 'score'?)", "procurement --help"]),
    (["zzz"], ["commande inconnue « zzz » (commandes : check, diff, rules, score, template)"],
     ["no such command 'zzz' (commands: check, diff, rules, score, template)"]),
    (["check", "absent.xlsx", "--out", "x"], ["FILE : fichier « absent.xlsx » introuvable"],
     ["FILE: file 'absent.xlsx' not found"]),
    (["diff", "folder"], ["argument NEW_DIR manquant"], ["missing argument NEW_DIR"]),
    (["template", "a.xlsx", "extra"], ["argument en trop : extra"], ["unexpected extra argument: extra"]),
    (["rules", "--lang", "de", "list"], ["--lang : valeur « de » refusée", "procurement rules --help"],
     ["--lang: invalid value 'de'", "procurement rules --help"]),
    (["rules", "explain"], ["argument RULE_ID manquant", "procurement rules explain --help"],
     ["missing argument RULE_ID"]),
    (["score", "orders.csv", "--out"], ["erreur: l'option --out attend une valeur"],
     ["error: option --out needs a value"]),
]


@pytest.mark.parametrize(("args", "french", "_"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_french_by_default(files, args, french, _):
    line = _line(*args)
    assert line.startswith("erreur: "), line
    for fact in french:
        assert fact in line, (fact, line)


@pytest.mark.parametrize(("args", "_", "english"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_english_with_procurement_lang(files, monkeypatch, args, _, english):
    monkeypatch.setenv("PROCUREMENT_LANG", "en")
    line = _line(*args)
    assert line.startswith("error: "), line
    for fact in english:
        assert fact in line, (fact, line)


def test_the_language_is_the_help_s(files, monkeypatch):
    """--lang on the command line, else PROCUREMENT_LANG, else the locale: as --help."""
    assert _line("score", "nothere.xlsx", "--out", "x", "--lang", "en").startswith("error: FILES: file ")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert _line("score", "nothere.xlsx", "--out", "x").startswith("error: ")
    assert _line("score", "nothere.xlsx", "--out", "x", "--lang=fr").startswith("erreur: ")
    monkeypatch.setenv("PROCUREMENT_LANG", "fr")
    assert _line("score", "nothere.xlsx", "--out", "x").startswith("erreur: ")
    # A --lang that is itself the mistake does not choose the language.
    assert _line("score", "orders.csv", "--out", "x", "--lang", "de").startswith("erreur: --lang : ")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(files):
    locked = files / "locked.csv"
    locked.write_text("a\n1\n", encoding="utf-8")
    locked.chmod(0)
    try:
        assert "FILES : fichier « locked.csv » illisible (droit de lecture refusé)" in _line(
            "score", "locked.csv", "--out", "x")
    finally:
        locked.chmod(0o600)


def test_a_group_without_subcommand_still_prints_its_help(files):
    result = CliRunner().invoke(main, ["rules"], prog_name="procurement")
    assert "Utilisation\u00a0: procurement rules" in result.output and "erreur" not in result.output
    assert _line("rules", "--lang", "en") == (
        "error: missing command, one of: catalogue, explain, list, schema, test, validate; "
        "see procurement rules --help")


def test_a_message_no_template_knows_is_kept_on_one_line():
    ctx = click.Context(main, info_name="procurement")
    err = click.UsageError("Something click\nwill say one day.", ctx)
    assert usage_line(err, "fr") == "erreur: Something click will say one day ; voir procurement --help"
    assert usage_line(err, "en") == "error: Something click will say one day; see procurement --help"


def test_no_such_command_as_older_clicks_raise_it():
    """Before click 8.4 an unknown command was a plain UsageError: the suggestion is made here."""
    ctx = click.Context(main, info_name="procurement")
    assert describe(click.UsageError("No such command 'tempalte'.", ctx), "fr") == (
        "commande inconnue « tempalte » (vouliez-vous dire « template » ?)")


def test_as_a_user_runs_it():
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    done = subprocess.run([sys.executable, "-m", "procurement", "score", "nothere.xlsx", "--out", "x"], cwd=ROOT,
                          env={**env, "LANG": "C.UTF-8"}, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("erreur: FILES : fichier « nothere.xlsx » introuvable ; voir ")
    assert done.stderr.count("\n") == 1
