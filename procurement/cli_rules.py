"""`procurement rules ...`: list, explain, validate and test rulebooks, and publish their JSON Schema.

A thin layer, as the rest of the CLI: options are parsed here, the work is done by
`procurement.rulebook`. French by default, English with `procurement rules --lang en ...`; --help
follows the user's language (`cli_support.help_lang`).
Exit status: 0 = fine; 1 = `rules test` found an example that fails; 2 = the rulebook (or a
selector) is invalid, reported as `file:line:col: message` lines without a traceback.
The Markdown catalogue is written by `cli_rules_catalogue`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from procurement import cli_rules_portfolio as portfolio
from procurement import i18n
from procurement.cli_rules_catalogue import CATALOGUE_WORDS, field_kind
from procurement.cli_rules_catalogue import catalogue_text as catalogue_text
from procurement.cli_support import error_text, guarded, help_text, say, tr
from procurement.errors import EXIT_FINDINGS, EXIT_OK, ProcurementError
from procurement.portfolio_rules import RULES as PORTFOLIO_RULES
from procurement.rulebook import (
    CompiledRulebook,
    default_rulebook_path,
    json_schema,
    load_rulebook,
    run_examples,
    select,
)
from procurement.rulebook.examples import describe_evidence
from procurement.rulebook.operators import did_you_mean
from procurement.rulebook.render import choice_value, format_value, note_text
from procurement.typography import colon

WORDS = {
    "fr": {"id": "Code", "kind": "Type", "chantiers": "Chantiers", "title": "Titre", "rules": "règles",
           "why": "Pourquoi", "legal": "Base légale", "applies": "S'applique si", "always": "toujours",
           "require": "Exige", "message": "Message en cas d'échec", "advice": "Conseil", "examples": "Exemples",
           "severity": "gravité", "weight": "poids", "scope": "étape", "imperatives": "impératifs",
           "validity": "Validité", "from": "à partir du", "until": "jusqu'au", "recalled": "de mémoire, à vérifier",
           "ok": "valide", "examples_count": "exemples", "passed": "réussis", "failed": "en échec",
           "no_examples": "règles sans exemple", "measure": "Valeurs rapportées",
           "unknown_rule": "règle inconnue « {id} »", "written": "Schéma écrit dans {path}"},
    "en": {"id": "Id", "kind": "Kind", "chantiers": "Chantiers", "title": "Title", "rules": "rules",
           "why": "Why", "legal": "Legal basis", "applies": "Applies when", "always": "always",
           "require": "Requires", "message": "Message on failure", "advice": "Advice", "examples": "Examples",
           "severity": "severity", "weight": "weight", "scope": "stage", "imperatives": "imperatives",
           "validity": "Validity", "from": "from", "until": "until", "recalled": "recalled, to be checked",
           "ok": "valid", "examples_count": "examples", "passed": "passed", "failed": "failed",
           "no_examples": "rules without examples", "measure": "Reported values",
           "unknown_rule": "unknown rule '{id}'", "written": "Schema written to {path}"},
}
RULES_OPTION = click.option(
    "--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
    help=tr("Référentiel YAML (par défaut : rules/relance-renouveau.yaml).",
            "YAML rulebook (default: rules/relance-renouveau.yaml)."),
)


def _lang(ctx: click.Context) -> str:
    return (ctx.find_object(dict) or {}).get("lang", "fr")


def _words(ctx: click.Context) -> dict[str, str]:
    return WORDS[_lang(ctx)]


def _fail(ctx: click.Context, err: ProcurementError) -> None:
    """One `erreur:` line (`error:` in English) and status 2, as every other command prints its errors."""
    lang = _lang(ctx)
    say(error_text(err.message(lang), lang), err=True)
    ctx.exit(err.exit_code)


def _load(ctx: click.Context, path: Path | None, **kwargs: Any) -> CompiledRulebook:
    try:
        return load_rulebook(path or default_rulebook_path(), **kwargs)
    except ProcurementError as err:
        _fail(ctx, err)
        raise  # unreachable: ctx.exit raises


@click.group("rules", context_settings={"help_option_names": ["-h", "--help"]}, help=help_text(
    "Lister, expliquer, valider et tester les règles d'un référentiel, écrire son catalogue et le JSON Schema "
    "du format des référentiels.\n\n"
    "--lang se place avant la sous-commande.",
    "List, explain, validate and test the rules of a rulebook, write its catalogue and the JSON Schema of the "
    "rulebook format.\n\n"
    "--lang goes before the subcommand.",
    ("procurement rules explain ENV-10", "procurement rules list --select ENV"),
    ("procurement rules --lang en explain ENV-10", "procurement rules --lang en list --select ENV"),
))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help=tr("Langue des messages (français par défaut, quelle que soit la langue de cette aide).",
                      "Language of messages (French by default, whatever the language of this help)."))
@click.pass_context
def rules(ctx: click.Context, lang: str) -> None:
    """The `procurement rules` group: keeps --lang for its subcommands."""
    ctx.ensure_object(dict)["lang"] = lang


@rules.command("list", help=help_text(
    "Tableau des règles : code, type, chantiers, titre.", "Table of the rules: id, kind, chantiers, title.",
    ("procurement rules list --select ENV --select SOC-01",),
    ("procurement rules --lang en list --select ENV --select SOC-01",),
))
@RULES_OPTION
@click.option("--select", multiple=True,
              help=tr("Ne garder que ces règles (code ou préfixe, ex. ENV, SOC-01 ; répétable).",
                      "Keep only these rules (id or prefix, e.g. ENV, SOC-01; repeatable)."))
@click.option("--ignore", multiple=True, help=tr("Écarter ces règles (code ou préfixe ; répétable).",
                                                 "Leave out these rules (id or prefix; repeatable)."))
@click.pass_context
def list_(ctx: click.Context, rules_path: Path | None, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """Print the table of the rules."""
    lang, w = _lang(ctx), _words(ctx)
    book = _load(ctx, rules_path)
    if select or ignore:
        try:
            book = _select(book, select, ignore)
        except ProcurementError as err:
            _fail(ctx, err)
    # RISK-02 as `procurement score` runs it: beside the rulebook, unless --select/--ignore leave it out
    extra = portfolio.portfolio_ids(book)
    rows = [(r.id, i18n.label(r.kind, lang), ",".join(map(str, r.chantiers)), getattr(r.title, lang))
            for r in book.rules] + portfolio.list_rows(extra, lang)
    header = (w["id"], w["kind"], w["chantiers"], w["title"])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)][:3]
    click.echo(f"{book.id} {book.version} — {_count(len(book.rules), w['rules'], lang)} (sha256 {book.sha256[:12]})"
               + portfolio.list_header_suffix(extra, lang))
    for row in (header, *rows):
        say("  ".join(str(v).ljust(n) for v, n in zip(row[:3], widths, strict=True)) + "  " + row[3])
    for line in portfolio.list_note(extra, lang):
        say(line)


def _select(book: CompiledRulebook, chosen: tuple[str, ...], dropped: tuple[str, ...]) -> CompiledRulebook:
    """As `procurement score` selects: a selector may name a portfolio rule (RISK-02)."""
    return select(book, select=list(chosen), ignore=list(dropped), also=PORTFOLIO_RULES)


@rules.command(help=help_text(
    "Expliquer une règle : pourquoi, base légale, conditions, conseil, exemples.",
    "Explain a rule: why, legal basis, conditions, advice, examples.",
    ("procurement rules explain ENV-10",), ("procurement rules --lang en explain ENV-10",),
))
@click.argument("rule_id")
@RULES_OPTION
@click.pass_context
def explain(ctx: click.Context, rule_id: str, rules_path: Path | None) -> None:
    """Explain one rule."""
    lang, w = _lang(ctx), _words(ctx)
    book = _load(ctx, rules_path)
    wanted = rule_id.strip().upper()
    if wanted not in book and wanted in PORTFOLIO_RULES:  # RISK-02: run by `procurement score`, not in the YAML
        for line in portfolio.explain_lines(wanted, lang, _wrap, w):
            say(line)
        return
    if wanted not in book:
        ids = [r.id for r in book.rules] + [i for i in PORTFOLIO_RULES if i not in book]
        msg = w["unknown_rule"].format(id=rule_id) + did_you_mean(wanted, ids, lang)
        _fail(ctx, ProcurementError(msg))
    for line in explain_lines(book, wanted, lang):
        say(line)


def explain_lines(book: CompiledRulebook, rule_id: str, lang: str) -> list[str]:
    """The text of `rules explain`, as lines (also used by tests and docs)."""
    w, c = WORDS[lang], colon(lang)  # « Validité : ... » (no-break space) in French, "Validity: ..." in English
    rule = book.rule(rule_id)
    src = rule.source
    tags = [i18n.label(rule.kind, lang), f"{w['severity']} {i18n.label(rule.severity, lang)}",
            f"{w['weight']} {rule.weight:g}",
            f"{w['chantiers']} " + ", ".join(map(str, rule.chantiers))]
    if src.imperatives:
        tags.append(f"{w['imperatives']} " + ", ".join(i18n.label(i, lang) for i in src.imperatives))
    tags.append(f"{w['scope']} " + ", ".join(i18n.label(s, lang) for s in src.scopes))
    out = [f"{rule.id} — {getattr(src.title, lang)}", "  " + " · ".join(tags), ""]
    if src.since or src.until:
        parts = [f"{w['from']} {format_value(src.since, None, lang)}" if src.since else "",
                 f"{w['until']} {format_value(src.until, None, lang)}" if src.until else ""]
        out += [f"{w['validity']}{c}" + " ".join(p for p in parts if p), ""]
    out += [f"{w['why']}", *_wrap(getattr(src.why, lang)), ""]
    if src.legal_ref:
        out.append(w["legal"])
        for ref in src.legal_ref:
            bits = [ref.text, f"art. {ref.article}" if ref.article else "",
                    format_value(ref.date, None, lang) if ref.date else ""]
            recalled = f" ({w['recalled']})" if ref.confidence == "recalled" else ""
            out.append("  - " + ", ".join(b for b in bits if b) + recalled)
            if ref.url:
                out.append(f"    {ref.url}")
        out.append("")
    out.append(w["applies"])
    out += [f"  {line}" for line in (rule.applies.describe(lang) if rule.applies else [w["always"]])]
    out += ["", w["require"], *[f"  {line}" for line in rule.require.describe(lang)], ""]
    out += [w["message"], *_wrap(getattr(src.message, lang)), ""]
    if rule.measure:
        out += [f"{w['measure']}{c}" + ", ".join(rule.measure), ""]
    out += [w["advice"], *_wrap(getattr(src.advice, lang)), ""]
    if src.examples:
        out.append(w["examples"])
        for ex in src.examples:
            order = ", ".join(f"{k}={choice_value(v, k, field_kind(k), lang)}" for k, v in ex.order.items())
            if ex.format:  # read from DECP or OCDS (schema.Example)
                order = f"format={ex.format.upper()}" + (f", {order}" if order else "")
            out.append(f"  - {i18n.label(ex.expect, lang)}{c}{order or '{}'}")
            if ex.note:
                out.append(f"      {note_text(ex.note, lang)}")
    return out


def _count(n: int, plural: str, lang: str) -> str:
    """'0 règle', '1 règle', '4 règles'; '0 rules', '1 rule' (the word loses its final s in the singular,
    which French uses for 0 too: i18n.plural)."""
    return i18n.counted(n, plural[:-1], plural, lang)


def _wrap(text: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), width, initial_indent="  ", subsequent_indent="  ")


@rules.command(help=help_text(
    "Vérifier un référentiel : champs, opérateurs, valeurs, tables, exemples (statut 2 si invalide).",
    "Check a rulebook: fields, operators, values, tables, examples (status 2 if invalid).",
    ("procurement rules validate rules/relance-renouveau.yaml",),
    ("procurement rules --lang en validate rules/relance-renouveau.yaml",),
))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, file: Path) -> None:
    """Validate a rulebook."""
    lang, w = _lang(ctx), _words(ctx)
    book = _load(ctx, file)
    examples = sum(len(r.examples) for r in book.rules)
    click.echo(f"{file}: {w['ok']} — {_count(len(book.rules), w['rules'], lang)}, "
               f"{_count(examples, w['examples_count'], lang)}, "
               f"sha256 {book.sha256}")


@rules.command("test", help=help_text(
    "Exécuter les exemples des règles ; statut 1 si l'un ne donne pas le résultat annoncé.",
    "Run the examples of the rules; status 1 if one does not give the expected result.",
    ("procurement rules test rules/relance-renouveau.yaml -v",),
    ("procurement rules --lang en test rules/relance-renouveau.yaml -v",),
))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help=tr("Afficher chaque exemple.", "Print every example."))
@click.pass_context
def test_(ctx: click.Context, file: Path, verbose: bool) -> None:
    """Run the rulebook's examples."""
    lang, w = _lang(ctx), _words(ctx)
    book = _load(ctx, file, check_examples=False)
    results = run_examples(book)
    click.echo(f"{book.id} {book.version}: {_count(len(results), w['examples_count'], lang)}")
    by_rule: dict[str, list[Any]] = {}
    for r in results:
        by_rule.setdefault(r.rule, []).append(r)
    for rule_id, items in by_rule.items():
        marks = "".join("." if r.ok else "F" for r in items)
        click.echo(f"{rule_id} {marks}")
        if verbose:
            for r in items:
                click.echo(f"    {r.number}: {r.expect} -> {r.got} {describe_evidence(r.evidence, lang)}")
    failed = [r for r in results if not r.ok]
    for r in failed:
        assert r.problem is not None
        click.echo("", err=True)
        say(r.problem.message(lang), err=True)
    without = [r.id for r in book.rules if not r.examples]
    if without:
        click.echo(f"{len(without)} {w['no_examples']}{colon(lang)}{', '.join(without)}")
    click.echo(f"{len(results) - len(failed)} {w['passed']}, {len(failed)} {w['failed']}")
    ctx.exit(EXIT_FINDINGS if failed else EXIT_OK)


@rules.command(help=help_text(
    "Écrire le catalogue des règles en Markdown : quoi, pourquoi, base légale, données, exemples.",
    "Write the rules catalogue in Markdown: what, why, legal basis, data, examples.",
    ("procurement rules catalogue --out catalogue-des-regles.md",),
    ("procurement rules --lang en catalogue --out docs/rules-catalogue.md",),
))
@RULES_OPTION
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help=tr("Fichier Markdown à écrire (par défaut : sortie standard).",
                      "Markdown file to write (default: standard output)."))
@click.pass_context
def catalogue(ctx: click.Context, rules_path: Path | None, out: Path | None) -> None:
    """Write the rules catalogue."""
    lang = _lang(ctx)
    path = rules_path or default_rulebook_path()
    book = _load(ctx, path)
    text = catalogue_text(book, lang, source=_display_path(path))
    if out is None:
        click.echo(text, nl=False)
        return
    _write(out, text, lang)
    click.echo(CATALOGUE_WORDS[lang]["written"].format(path=out), err=True)


def _write(out: Path, text: str, lang: str) -> None:
    """Written whole or not at all, and a path that cannot be written (a folder that is a file, not
    writable, a full disk) is one `erreur:` line and status 2, not a traceback."""
    from procurement.write.safe import atomic_path

    with guarded(lang), atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _display_path(path: Path) -> str:
    """The rulebook's path relative to the working directory when inside it (stable in a checkout)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).name


@rules.command(help=help_text(
    "Écrire le JSON Schema du format des référentiels (pour l'autocomplétion des éditeurs).",
    "Write the JSON Schema of the rulebook format (for autocompletion in editors).",
    ("procurement rules schema --out docs/rulebook.schema.json",),
    ("procurement rules schema --out docs/rulebook.schema.json",),
))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help=tr("Fichier à écrire (par défaut : sortie standard).", "File to write (default: standard output)."))
@click.pass_context
def schema(ctx: click.Context, out: Path | None) -> None:
    """Write the JSON Schema of rulebooks."""
    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    _write(out, text, _lang(ctx))
    click.echo(_words(ctx)["written"].format(path=out), err=True)


def schema_text() -> str:
    """The JSON Schema exactly as committed in docs/rulebook.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(rules(prog_name="procurement rules"))
