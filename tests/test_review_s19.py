"""Session 19's reviews: an English-speaking user's (`--lang en` throughout, the buyer's check included) and
an auditor's on real DECP data. Each test fails without its fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from procurement import i18n
from procurement.cli import main
from procurement.fields import FIELDS_BY_NAME

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> str:
    """The real command line, since the help's language is read from this process's arguments."""
    done = subprocess.run([sys.executable, "-m", "procurement", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_lang_before_the_command_is_accepted_and_passed_on():
    # The help says --lang given with --help sets its language; `procurement --lang en --help` was refused.
    assert "Score orders, contracts or bids" in _cli("--lang", "en", "--help")
    assert "Score orders, contracts or bids" in _cli("--help", "--lang", "en")
    out = CliRunner().invoke(main, ["--lang", "en", "rules", "explain", "ENV-10"]).output
    assert "legal obligation" in out and "obligation légale" not in out
    # The command's own --lang wins.
    out = CliRunner().invoke(main, ["--lang", "en", "rules", "--lang", "fr", "explain", "ENV-10"]).output
    assert "obligation légale" in out


def test_one_english_word_for_each_thing():
    assert i18n.label("chantier", "en") == "chantier"  # the pages' « Chantier 4 », where the diff said workstream
    assert "Métropole" not in i18n.label("region_sud", "en") and "Métropole" not in i18n.label("amp", "en")
    assert FIELDS_BY_NAME["place_in_amp"].en == "Performed in the Metropolis"
    assert FIELDS_BY_NAME["insertion_hours"].en == "Integration hours"  # as the template's comments say
    assert i18n.chantier_name(5, "en").startswith("€350M a year")


def test_the_english_diff_names_chantiers_and_the_directory_as_the_pages_do(tmp_path):
    sample = ROOT / "samples" / "commandes-2025.csv"
    a, b = tmp_path / "a", tmp_path / "b"
    runner = CliRunner()
    for out, extra in ((a, []), (b, ["--suppliers", str(ROOT / "samples" / "fournisseurs.csv")])):
        result = runner.invoke(main, ["score", str(sample), "--out", str(out), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
    out = runner.invoke(main, ["diff", str(a), str(b), "--lang", "en"]).output
    assert "workstream" not in out and "chantier 4 — " in out
    assert "Supplier directory" in out and "register" not in out
    assert json.loads((b / "results.json").read_text(encoding="utf-8"))["meta"]["directory"]
