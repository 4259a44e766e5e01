"""Click's own usage errors as one line in the user's language, and the --help option's own help text.

Click prints a usage error as four English lines (usage, "Try ... --help", "Error: ..."), whatever the
language: a missing file, a `--lang de`, a mistyped command. The top-level group (`UsageGroup`) turns every
`click.UsageError` raised while parsing or dispatching into one line in the style of the tool's other
errors (`erreur: FILES : fichier « x.xlsx » introuvable ; voir procurement score --help`), exit status 2.

The language is the help's (`cli_support.help_lang`): `--lang` on the command line, else PROCUREMENT_LANG,
else the locale. A usage error is read before --lang is parsed and sends the user to --help, so it speaks
the language of that help.

Why not click's gettext catalogue: click translates through the process-wide default gettext domain,
chosen by the locale, and its message ids change between versions. The line is built here from the
exception's attributes (which parameter, which option, which command) and, for the reason itself,
from click's English message matched against the templates click formats it with (`_TEMPLATES`, click's
own message ids). A message that matches none (a newer click's wording) is kept as click wrote it, on
the same one line: nothing click said is lost.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Sequence
from typing import Any

import click

from procurement.cli_support import error_text, help_lang, tr

HELP_NAMES = ("-h", "--help")
_ARGV_KEY = "procurement.argv"
# Present since click 8.2: `procurement rules` without a subcommand prints its help through this error.
_HELP_NOT_ERROR: tuple[type[Exception], ...] = tuple(
    cls for cls in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if cls is not None)

_KINDS = {"fr": {"file": "fichier", "directory": "dossier", "path": "chemin"},
          "en": {"file": "file", "directory": "directory", "path": "path"}}

# (click's message id, French, English). Placeholders are click's; {kind}, {allowed}, {number} and {commands}
# are added by `_values`. Values shown between quotes by click ({x!r}) are given here unquoted. The first
# template that matches wins, so a narrower one comes before a wider one ("is not a valid ..." before
# "is not {choice}").
_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("{name} {filename!r} does not exist.", "{kind} « {filename} » introuvable", "{kind} '{filename}' not found"),
    ("{name} {filename!r} is a file.", "« {filename} » est un fichier, un dossier est attendu",
     "'{filename}' is a file, a directory is expected"),
    ("{name} {filename!r} is a directory.", "« {filename} » est un dossier, un fichier est attendu",
     "'{filename}' is a directory, a file is expected"),
    ("{name} {filename!r} is not readable.", "{kind} « {filename} » illisible (droit de lecture refusé)",
     "{kind} '{filename}' cannot be read (permission denied)"),
    ("{name} {filename!r} is not writable.", "{kind} « {filename} » protégé en écriture",
     "{kind} '{filename}' is not writable"),
    ("{name} {filename!r} is not executable.", "{kind} « {filename} » non exécutable",
     "{kind} '{filename}' is not executable"),
    ("{value!r} is not a valid {number_type}.", "« {value} » n'est pas {number}",
     "'{value}' is not {number}"),
    ("{value!r} is not one of {choices}.", "valeur « {value} » refusée, choix possibles : {allowed}",
     "invalid value '{value}', choose from: {allowed}"),
    ("{value!r} is not {choice}.", "valeur « {value} » refusée, choix possibles : {allowed}",
     "invalid value '{value}', choose from: {allowed}"),
    ("{value} is not in the range {range}.", "{value} hors des valeurs permises ({range})",
     "{value} is out of the allowed range ({range})"),
    ("Option {name!r} requires an argument.", "l'option {name} attend une valeur", "option {name} needs a value"),
    ("Option {name!r} requires {nargs} arguments.", "l'option {name} attend {nargs} valeurs",
     "option {name} needs {nargs} values"),
    ("Option {name!r} does not take a value.", "l'option {name} ne prend pas de valeur",
     "option {name} does not take a value"),
    ("Argument {name!r} takes {nargs} values.", "l'argument {name} prend {nargs} valeurs",
     "argument {name} takes {nargs} values"),
    ("Got unexpected extra argument ({args})", "argument en trop : {args}", "unexpected extra argument: {args}"),
    ("Got unexpected extra arguments ({args})", "arguments en trop : {args}", "unexpected extra arguments: {args}"),
    ("Missing command.", "sous-commande manquante, au choix : {commands}", "missing command, one of: {commands}"),
    ("No such command {name!r}.", "commande inconnue « {name} »", "no such command '{name}'"),
)
_NO_SUCH_COMMAND = "No such command {name!r}."  # click.NoSuchCommand's message before click 8.4 made it a class
_QUOTED = r"'.*'|\".*\""


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\{\w+(?:!r)?\})", msgid):
        field = re.fullmatch(r"\{(\w+)(!r)?\}", piece)
        parts.append(f"(?P<{field[1]}>{_QUOTED if field[2] else '.+?'})" if field else re.escape(piece))
    return re.compile("".join(parts), re.S)


_COMPILED = tuple((_pattern(msgid), fr, en, msgid) for msgid, fr, en in _TEMPLATES)


def _unquote(text: str) -> str:
    """'x' or "x" as click's `repr` wrote it, back to x."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip("'\"")
    return value if isinstance(value, str) else text


def _match(message: str) -> tuple[str, str, str, dict[str, str]] | None:
    """(click's message id, French, English, values) of the template `message` was made from, or None."""
    for pattern, fr, en, msgid in _COMPILED:
        found = pattern.fullmatch(message.strip())
        if found:
            quoted = set(re.findall(r"\{(\w+)!r\}", msgid))
            return msgid, fr, en, {k: _unquote(v) if k in quoted else v for k, v in found.groupdict().items()}
    return None


def _values(found: dict[str, str], lang: str, param: click.Parameter | None, ctx: click.Context | None
            ) -> dict[str, str]:
    values = dict(found)
    values["kind"] = _KINDS[lang].get(found.get("name", "").lower(), found.get("name", "").lower())
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices is not None:
        values["allowed"] = ", ".join(map(str, choices))
    else:
        values["allowed"] = ", ".join(_unquote(c.strip()) for c in
                                      (found.get("choices") or found.get("choice") or "").split(","))
    number = found.get("number_type", "")  # "integer", "float", "integer range" (click.IntRange)...
    whole = number.startswith("integer")
    values["number"] = ("a whole number" if whole else "a number") if lang == "en" else (
        "un nombre entier" if whole else "un nombre")
    if ctx is not None and isinstance(ctx.command, click.Group):
        values["commands"] = ", ".join(ctx.command.list_commands(ctx))
    else:
        values["commands"] = ""
    return values


def _reason(message: str, lang: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
    """Click's message for a reason, in `lang`; as click wrote it (on one line) when no template fits."""
    found = _match(message)
    if found is None:
        return " ".join(message.split()).rstrip(".")
    _, fr, en, values = found
    return (en if lang == "en" else fr).format(**_values(values, lang, param, ctx))


def _subject(err: click.BadParameter) -> str:
    """The parameter an error is about: `--out`, `FILES` (click's hint, unquoted)."""
    hint = err.param_hint
    if hint is not None:
        return hint if isinstance(hint, str) else " / ".join(hint)
    param = err.param
    if param is None:
        return ""
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return param.human_readable_name


def _suggest(names: Sequence[str] | None, lang: str, quoted: bool = True) -> str:
    """' (did you mean 'x'?)', as `rulebook.operators.did_you_mean` words it; option names go unquoted."""
    if not names:
        return ""
    if lang == "en":
        return " (did you mean " + " or ".join(f"'{n}'" if quoted else n for n in names) + "?)"
    return " (vouliez-vous dire " + " ou ".join(f"« {n} »" if quoted else n for n in names) + " ?)"


def _no_such_command(err: click.UsageError, name: str, lang: str) -> str:
    ctx = err.ctx
    known = ctx.command.list_commands(ctx) if ctx is not None and isinstance(ctx.command, click.Group) else []
    close = getattr(err, "possibilities", None) or difflib.get_close_matches(name, known)
    if close:
        tail = _suggest(sorted(close), lang)
    elif known:
        tail = f" (commands: {', '.join(known)})" if lang == "en" else f" (commandes : {', '.join(known)})"
    else:
        tail = ""
    return (f"no such command '{name}'" if lang == "en" else f"commande inconnue « {name} »") + tail


def describe(err: click.UsageError, lang: str) -> str:
    """What went wrong, in `lang`, on one line, without the "erreur: " prefix nor the pointer to --help."""
    ctx = err.ctx
    if isinstance(err, click.NoSuchOption):
        name = err.option_name
        what = f"no such option {name}" if lang == "en" else f"option inconnue {name}"
        return what + _suggest(err.possibilities, lang, quoted=False)
    command_name = getattr(err, "command_name", None)  # click.NoSuchCommand, click 8.4 and later
    if command_name is None:
        found = _match(err.message)
        if found is not None and found[0] == _NO_SUCH_COMMAND:
            command_name = found[3]["name"]
    if command_name is not None:
        return _no_such_command(err, command_name, lang)
    if isinstance(err, click.MissingParameter):
        subject = _subject(err)
        kind = err.param_type or (err.param.param_type_name if err.param is not None else "parameter")
        if lang == "en":
            text = f"missing {kind} {subject}".rstrip()
        else:
            text = {"option": f"option {subject} manquante", "argument": f"argument {subject} manquant"}.get(
                kind, f"paramètre {subject} manquant")
        choices = getattr(getattr(err.param, "type", None), "choices", None)
        if choices is not None:
            allowed = ", ".join(map(str, choices))
            text += f" (choose from: {allowed})" if lang == "en" else f" (choix possibles : {allowed})"
        if err.message:
            text += (": " if lang == "en" else " : ") + _reason(err.message, lang, err.param, ctx)
        return text
    if isinstance(err, click.BadParameter):
        subject = _subject(err)
        reason = _reason(err.message, lang, err.param, ctx)
        if not subject:
            return reason
        return f"{subject}: {reason}" if lang == "en" else f"{subject} : {reason}"
    return _reason(err.message, lang, None, ctx)


def usage_line(err: click.UsageError, lang: str) -> str:
    """The whole line: `erreur: … ; voir procurement score --help` (`error: …; see …` in English)."""
    text = describe(err, lang)
    ctx = err.ctx
    if ctx is not None and ctx.command.add_help_option and ctx.help_option_names:
        help_name = max(ctx.help_option_names, key=len)
        text += (f"; see {ctx.command_path} {help_name}" if lang == "en"
                 else f" ; voir {ctx.command_path} {help_name}")
    return error_text(text, lang)


class OneLineUsageError(click.UsageError):
    """A usage error already put into one line (`message`, in `lang`); shown without click's usage lines."""

    def __init__(self, message: str, lang: str, ctx: click.Context | None = None) -> None:
        super().__init__(message, ctx)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        click.echo(self.message, file=file, err=file is None)


def one_line(err: click.UsageError, argv: list[str]) -> click.UsageError:
    if isinstance(err, (OneLineUsageError, *_HELP_NOT_ERROR)):
        return err
    lang = help_lang(argv)
    return OneLineUsageError(usage_line(err, lang), lang, err.ctx)


class UsageGroup(click.Group):
    """The top-level group: usage errors of any command below it become one line (`one_line`).

    Both the group's own parsing (`make_context`) and everything under it (`invoke`: the subcommand's
    name, its options, a nested group's) are covered; click's standalone mode then prints the error
    with `OneLineUsageError.show` and exits with status 2, as it does for its own.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        argv = list(args)  # click consumes `args` while parsing
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as err:
            raise one_line(err, argv) from err
        ctx.meta[_ARGV_KEY] = argv
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            raise one_line(err, ctx.meta.get(_ARGV_KEY, [])) from err


def translate_help_options(command: click.Command) -> None:
    """Give `command` and every command below it a -h/--help option whose own help is in the help's language.

    Click's automatic help option says "Show this message and exit." in English; an explicit one, declared
    with the same names, replaces it (click adds its own only for names no parameter uses)."""
    if not any(set(HELP_NAMES) & set(p.opts) for p in command.params):
        click.help_option(*HELP_NAMES, help=tr("Afficher cette aide et quitter.", "Show this message and exit."))(
            command)
    if help_lang() != "en":  # click's own words too: « Utilisation : », « Commandes », « par défaut »
        from procurement.cli_help_words import french_help

        french_help(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help_options(sub)
