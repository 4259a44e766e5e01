"""What every command shares: turning any failure into one line and an exit status, and the language of --help.

A user who presses Ctrl-C, whose disk fills up, or whose file is refused gets one sentence and a
non-zero status, never a Python traceback. Outputs are written atomically (`write/safe.py`), so an
interrupted run leaves the previous complete files, or none.

`--help` speaks the user's language: French by default, English with `--lang en` on the command line
(`procurement rules --lang en --help`), else when PROCUREMENT_LANG=en or the locale (LC_ALL, LC_MESSAGES,
LANG) is English. Only the help follows the locale: reports and messages stay French unless `--lang en`
is given, whatever the locale.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from procurement.errors import EXIT_USAGE, ProcurementError, os_error_message

EXIT_INTERRUPTED = 130
HELP_LANGS = ("fr", "en")
_FRENCH_SPACE = re.compile(r"(?<=«) | (?=[:;!?»])")  # spaces a line must not break at, in French


def asked_lang(argv: list[str]) -> str | None:
    """The language a command line asks for (`--lang en`, `--lang=fr`; the last one), None without one.

    Why read before click parses: help texts are made when the CLI modules are imported (click prints a
    command's help as it was declared), so `procurement rules --lang en --help` printed French help on a
    French system, the --lang given beside --help being parsed too late to count."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg[7:] if arg.startswith("--lang=") else ""
        if value.strip().lower() in HELP_LANGS:
            found = value.strip().lower()
    return found


def help_lang(argv: list[str] | None = None) -> str:
    """The language of `--help`: "en" or "fr".

    The command line's `--lang` (`argv`, by default this process's arguments); otherwise PROCUREMENT_LANG
    when set to fr or en; otherwise "en" when the first of LC_ALL, LC_MESSAGES, LANG that is set (not empty)
    starts with "en" (en_GB.UTF-8, en_US...); otherwise "fr".
    """
    asked = asked_lang(sys.argv[1:] if argv is None else argv)
    if asked is not None:
        return asked
    forced = os.environ.get("PROCUREMENT_LANG", "").strip().lower()
    if forced in HELP_LANGS:
        return forced
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


def tr(fr: str, en: str) -> str:
    """The French or English help text, following `help_lang()` (read when the CLI modules are imported).

    French text gets non-breaking spaces inside « » and before : ; ! ? so that click never wraps a line
    between a word and its punctuation.
    """
    if help_lang() == "en":
        return en
    return _FRENCH_SPACE.sub("\u00a0", fr)


def help_text(fr: str, en: str, fr_examples: tuple[str, ...], en_examples: tuple[str, ...]) -> str:
    """A command's --help in the user's language, ending with its examples ("Exemple :" / "Example:").

    Paragraphs are separated by blank lines; the examples are a block click prints as written (no rewrapping,
    so that a command can be copied as is).
    """
    def block(word: str, lines: tuple[str, ...]) -> str:
        return f"\n\n\b\n{word}\n" + "\n".join(f"  {line}" for line in lines)

    return tr(fr + block("Exemple :" if len(fr_examples) == 1 else "Exemples :", fr_examples),
              en + block("Example:" if len(en_examples) == 1 else "Examples:", en_examples))


# C0 and C1 control characters (but tab and newline), and the bidirectional overrides: shown as \x1b,
# \u202e..., never sent as they are to a terminal, where ESC sequences retitle the window or clear it.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)} | {
    c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def say(text: str, err: bool = False) -> None:
    """click.echo of a text that may quote a file (a cell, a sheet's name, an id in results.json): its
    control characters are printed visibly, not obeyed by the terminal."""
    click.echo(text.translate(_CONTROLS), err=err)


def error_text(text: str, lang: str) -> str:
    """The one line every command prints for an error: « erreur: … », "error: …"."""
    return f"{'error' if lang == 'en' else 'erreur'}: {text}"


def _say(lang: str, fr: str, en: str) -> None:
    say(error_text(en if lang == "en" else fr, lang), err=True)


def _sigterm_as_interrupt(signum, frame) -> None:  # pragma: no cover - exercised through a subprocess test
    raise KeyboardInterrupt


@contextmanager
def guarded(lang: str) -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    except ValueError:  # not in the main thread (e.g. some test runners)
        previous = None
    try:
        yield
    except ProcurementError as err:
        say(error_text(err.message(lang), lang), err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        _say(lang, "interrompu : les fichiers de sortie complets précédents sont conservés, aucun fichier "
                   "partiel n'est écrit", "interrupted: previous complete output files are kept, no partial "
                   "file is written")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:
        message = os_error_message(exc, lang)
        _say(lang, message, message)
        sys.exit(EXIT_USAGE)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
