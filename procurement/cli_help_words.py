"""Click's own words in a French --help: « Utilisation : », « Commandes », « par défaut : », « obligatoire »,
and the value placeholders (TEXTE, ENTIER, FICHIER, DOSSIER).

Why a formatter: click writes these through its HelpFormatter (the usage prefix, the section titles and
each option's line), so a formatter that rewrites them reaches every command, whatever click version
formats the help, without touching click's gettext domain (which follows the locale, process-wide).
Each command gets it through its own context class (`french_help`), set by the walk that gives every
command its translated --help option (`cli_usage.translate_help_options`). English help is left as click
writes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

# click's placeholders of a value (a type's name, upper-cased) and their French words
_PLACEHOLDERS = {"INTEGER RANGE": "ENTIER", "FLOAT RANGE": "NOMBRE", "TEXT": "TEXTE", "INTEGER": "ENTIER",
                 "FLOAT": "NOMBRE", "FILE": "FICHIER", "DIRECTORY": "DOSSIER", "PATH": "CHEMIN",
                 "FILENAME": "FICHIER", "BOOLEAN": "BOOLÉEN", "COMMAND": "COMMANDE", "ARGS": "ARGUMENTS"}
_PLACEHOLDER = re.compile(r"\b(" + "|".join(sorted(_PLACEHOLDERS, key=len, reverse=True)) + r")\b")
# click adds the colon: a no-break space before it, as French typography wants (« Commandes : »)
_SECTIONS = {"Commands": "Commandes\u00a0", "Options": "Options\u00a0", "Arguments": "Arguments\u00a0"}
# The bracket click appends to an option's help: [default: fr; required], [env var: X], [x>=1]
_EXTRAS = (("default: ", "par défaut\u00a0: "), ("env var: ", "variable d'environnement\u00a0: "),
           ("required", "obligatoire"))


def placeholders(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


def option_help(text: str) -> str:
    """An option's help with click's bracket of extras in French (the help itself is ours, already French)."""
    head, sep, extras = text.rpartition("[")
    if not sep or not extras.endswith("]"):
        return text
    for english, french in _EXTRAS:
        extras = extras.replace(english, french)
    return head + sep + extras


class FrenchFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, placeholders(args), "Utilisation\u00a0: " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(_SECTIONS.get(name, name)):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(placeholders(term), option_help(text)) for term, text in rows], col_max, col_spacing)


class FrenchContext(click.Context):
    formatter_class = FrenchFormatter


def french_help(command: Any) -> None:
    """`command` formats its help with the French formatter (an attribute of the command: click creates
    its context from `command.context_class`)."""
    command.context_class = FrenchContext
