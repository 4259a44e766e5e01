"""Every command's --help in the user's language, with an example (issue 6, item 6).

The help language is read when the CLI modules are imported, so each language runs in its own
subprocess: a small script walks the click group recursively and prints, as JSON, every command's
--help and its options. One subprocess per language keeps the test fast.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from procurement.cli_support import help_lang, help_text, tr

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARS = ("PROCUREMENT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")

WALK = r"""
import json, sys
import click
from click.testing import CliRunner
from procurement.cli import main

def walk(command, path):
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], [*path, name])

runner = CliRunner()
helps = []
for path, command in walk(main, []):
    result = runner.invoke(main, [*path, "--help"], prog_name="procurement")
    options = [{"name": max(p.opts, key=len), "help": p.help or "", "default": p.default if p.name == "lang" else None}
               for p in command.params if isinstance(p, click.Option)]
    helps.append({"path": path, "exit": result.exit_code, "help": result.output, "options": options,
                  "short": command.get_short_help_str()})
listing = runner.invoke(main, ["rules", "list", "--select", "ENV-10"]).output
json.dump({"helps": helps, "rules_list": listing}, sys.stdout)
"""

# Click's own words, printed as click prints them whatever the language.
CLICK_OWN = {"--help", "--version"}
# Words of one language that must not appear in the other's help (case-sensitive: click's metavars are
# upper case, e.g. DIRECTORY).
FRENCH_ONLY = ("Écrire", "Écrit", "fichier", "règles", "Exemple", "Langue", "dossier", "par défaut", "Afficher")
ENGLISH_ONLY = ("Example", "Write", "Language", "directory", "Print ", "rules of", "output", "(default:",
                "Show this message", "Show the version", "Usage:", "Commands:", "[default:", "required]", " TEXT ",
                " INTEGER", " DIRECTORY", " FILE ")


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    env.update(values)
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=_env(**env), capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)


@pytest.fixture(scope="module")
def helps() -> dict[str, dict]:
    """{"fr": ..., "en": ...}; the locale says the opposite language, to show PROCUREMENT_LANG wins."""
    out = {}
    for lang, locale in (("fr", "en_US.UTF-8"), ("en", "fr_FR.UTF-8")):
        proc = _run("-c", WALK, PROCUREMENT_LANG=lang, LANG=locale)
        assert proc.returncode == 0, proc.stderr
        out[lang] = json.loads(proc.stdout)
    return out


def _text(help_output: str) -> str:
    """French help uses non-breaking spaces before : ; » and after «: compare with plain spaces."""
    return help_output.replace("\u00a0", " ")


def _examples(text: str, lang: str) -> list[str]:
    word = r"Exemples? :" if lang == "fr" else r"Examples?:"
    match = re.search(rf"^  {word}\n((?:    .+\n)+)", text, flags=re.M)
    assert match, f"no example block in:\n{text}"
    return [line.strip() for line in match.group(1).splitlines()]


def test_every_command_is_walked(helps):
    paths = {" ".join(h["path"]) for h in helps["fr"]["helps"]}
    assert {"", "score", "check", "template", "diff", "rules", "rules list", "rules explain", "rules validate",
            "rules test", "rules catalogue", "rules schema"} <= paths
    assert paths == {" ".join(h["path"]) for h in helps["en"]["helps"]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_help_exits_0_with_an_example_of_its_command(helps, lang):
    for h in helps[lang]["helps"]:
        where = "procurement " + " ".join(h["path"])
        assert h["exit"] == 0, where
        text = _text(h["help"])
        assert text.startswith("Usage: procurement" if lang == "en" else "Utilisation : procurement"), where
        lines = _examples(text, lang)
        # An example runs this very command: its words appear in order (options may come between them).
        runs_it = [line for line in lines if line.startswith("procurement")
                   and _in_order(h["path"], line.split()[1:])]
        assert runs_it, f"{where}: no example runs it: {lines}"


def _in_order(words: list[str], tokens: list[str]) -> bool:
    it = iter(tokens)
    return all(word in it for word in words)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_option_has_help(helps, lang):
    for h in helps[lang]["helps"]:
        for option in h["options"]:
            assert option["help"].strip(), f"procurement {' '.join(h['path'])} {option['name']}: no help"
        assert h["short"], f"procurement {' '.join(h['path'])}: no short help in the group's listing"


def test_every_text_is_translated_and_not_mixed(helps):
    fr = {" ".join(h["path"]): h for h in helps["fr"]["helps"]}
    en = {" ".join(h["path"]): h for h in helps["en"]["helps"]}
    for path, h_fr in fr.items():
        h_en = en[path]
        assert h_fr["short"] != h_en["short"], path
        for o_fr, o_en in zip(h_fr["options"], h_en["options"], strict=True):
            assert o_fr["name"] == o_en["name"]
            if o_fr["name"] not in CLICK_OWN:
                assert o_fr["help"] != o_en["help"], f"{path} {o_fr['name']}: same help in both languages"
            for text in (o_fr["help"], o_en["help"]):
                assert " / " not in text, f"{path} {o_fr['name']}: mixed languages: {text}"


@pytest.mark.parametrize(("lang", "foreign"), [("en", FRENCH_ONLY), ("fr", ENGLISH_ONLY)])
def test_no_word_of_the_other_language(helps, lang, foreign):
    for h in helps[lang]["helps"]:
        text = _text(h["help"])
        for word in foreign:
            assert word not in text, f"procurement {' '.join(h['path'])} --help ({lang}) contains {word!r}"


def test_outputs_stay_french_whatever_the_help_language(helps):
    for lang in ("fr", "en"):
        for h in helps[lang]["helps"]:
            for option in h["options"]:
                if option["name"] == "--lang":  # the top level's passes its value on, else leaves theirs
                    assert option["default"] == ("fr" if h["path"] else None), (lang, h["path"])
        assert " — 1 règle (sha256 " in helps[lang]["rules_list"], lang


def test_the_locale_chooses_the_help_language_without_procurement_lang():
    english = _run("-m", "procurement", "--help", LANG="en_GB.UTF-8")
    assert english.returncode == 0 and "Examples:" in english.stdout and "Exemples" not in english.stdout
    french = _run("-m", "procurement", "--help", LANG="C.UTF-8")
    assert french.returncode == 0 and "Exemples\u00a0:" in french.stdout and "Examples" not in french.stdout


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "fr"),
    ({"LANG": "C.UTF-8"}, "fr"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    ({"LC_ALL": "", "LC_MESSAGES": "en_GB.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_ALL": "en", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"PROCUREMENT_LANG": "en", "LANG": "fr_FR.UTF-8"}, "en"),
    ({"PROCUREMENT_LANG": "FR", "LC_ALL": "en_US.UTF-8"}, "fr"),
    ({"PROCUREMENT_LANG": "de", "LANG": "en_US.UTF-8"}, "en"),
    ({"PROCUREMENT_LANG": "", "LANG": "en_US.UTF-8"}, "en"),
])
def test_help_lang(monkeypatch, env, expected):
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert help_lang() == expected


def test_tr_and_help_text(monkeypatch):
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROCUREMENT_LANG", "en")
    assert tr("Écrire « ceci » : oui", "Write 'this': yes") == "Write 'this': yes"
    assert help_text("Faire.", "Do.", ("procurement a",), ("procurement a", "procurement b")) == (
        "Do.\n\n\b\nExamples:\n  procurement a\n  procurement b")
    monkeypatch.setenv("PROCUREMENT_LANG", "fr")
    assert tr("Écrire « ceci » : oui", "Write 'this': yes") == "Écrire «\u00a0ceci\u00a0»\u00a0: oui"
    assert help_text("Faire.", "Do.", ("procurement a",), ("procurement a",)) == (
        "Faire.\n\n\b\nExemple\u00a0:\n  procurement a")
