"""`procurement rules ...`: list, explain, validate and test rulebooks, and publish their JSON Schema.

A thin layer, as the rest of the CLI: options are parsed here, the work is done by
`procurement.rulebook`. French by default, English with `procurement rules --lang en ...`; --help
follows the user's language (`cli_support.help_lang`).
Exit status: 0 = fine; 1 = `rules test` found an example that fails; 2 = the rulebook (or a
selector) is invalid, reported as `file:line:col: message` lines without a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from procurement import i18n
from procurement.cli_support import help_text, tr
from procurement.errors import EXIT_FINDINGS, EXIT_OK, ProcurementError
from procurement.fields import FIELDS_BY_NAME
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
from procurement.rulebook.render import format_value

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
    click.echo(err.message(_lang(ctx)), err=True)
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
    rows = [(r.id, i18n.label(r.kind, lang), ",".join(map(str, r.chantiers)), getattr(r.title, lang))
            for r in book.rules]
    header = (w["id"], w["kind"], w["chantiers"], w["title"])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)][:3]
    click.echo(f"{book.id} {book.version} — {_count(len(book.rules), w['rules'])} (sha256 {book.sha256[:12]})")
    for row in (header, *rows):
        click.echo("  ".join(str(v).ljust(n) for v, n in zip(row[:3], widths, strict=True)) + "  " + row[3])


def _select(book: CompiledRulebook, chosen: tuple[str, ...], dropped: tuple[str, ...]) -> CompiledRulebook:
    return select(book, select=list(chosen), ignore=list(dropped))


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
    if wanted not in book:
        ids = [r.id for r in book.rules]
        msg = w["unknown_rule"].format(id=rule_id) + did_you_mean(wanted, ids, lang)
        click.echo(msg, err=True)
        ctx.exit(2)
    for line in explain_lines(book, wanted, lang):
        click.echo(line)


def explain_lines(book: CompiledRulebook, rule_id: str, lang: str) -> list[str]:
    """The text of `rules explain`, as lines (also used by tests and docs)."""
    w = WORDS[lang]
    rule = book.rule(rule_id)
    src = rule.source
    tags = [i18n.label(rule.kind, lang), f"{w['severity']} {rule.severity}", f"{w['weight']} {rule.weight:g}",
            f"{w['chantiers']} " + ", ".join(map(str, rule.chantiers))]
    if src.imperatives:
        tags.append(f"{w['imperatives']} " + ", ".join(i18n.label(i, lang) for i in src.imperatives))
    tags.append(f"{w['scope']} " + ", ".join(src.scopes))
    out = [f"{rule.id} — {getattr(src.title, lang)}", "  " + " · ".join(tags), ""]
    if src.since or src.until:
        parts = [f"{w['from']} {format_value(src.since, None, lang)}" if src.since else "",
                 f"{w['until']} {format_value(src.until, None, lang)}" if src.until else ""]
        out += [f"{w['validity']} : " + " ".join(p for p in parts if p), ""]
    out += [f"{w['why']}", *_wrap(getattr(src.why, lang)), ""]
    if src.legal_ref:
        out.append(w["legal"])
        for ref in src.legal_ref:
            bits = [ref.text, f"art. {ref.article}" if ref.article else "",
                    format_value(ref.date, None, lang) if ref.date else "",
                    f"({w['recalled']})" if ref.confidence == "recalled" else ""]
            out.append("  - " + ", ".join(b for b in bits if b))
            if ref.url:
                out.append(f"    {ref.url}")
        out.append("")
    out.append(w["applies"])
    out += [f"  {line}" for line in (rule.applies.describe(lang) if rule.applies else [w["always"]])]
    out += ["", w["require"], *[f"  {line}" for line in rule.require.describe(lang)], ""]
    out += [w["message"], *_wrap(getattr(src.message, lang)), ""]
    if rule.measure:
        out += [f"{w['measure']} : " + ", ".join(rule.measure), ""]
    out += [w["advice"], *_wrap(getattr(src.advice, lang)), ""]
    if src.examples:
        out.append(w["examples"])
        for ex in src.examples:
            order = ", ".join(f"{k}={format_value(v, _kind(k), lang)}" for k, v in ex.order.items())
            out.append(f"  - {i18n.label(ex.expect, lang)} : {order or '{}'}")
            if ex.note:
                out.append(f"      {ex.note}")
    return out


def _count(n: int, plural: str) -> str:
    """'1 règle', '4 règles' ('rules', 'exemples', 'examples' lose their final s when n is 1)."""
    return f"{n} {plural[:-1] if n == 1 else plural}"


def _kind(name: str) -> Any:
    f = FIELDS_BY_NAME.get(name)
    return f.kind if f else None


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
    w = _words(ctx)
    book = _load(ctx, file)
    examples = sum(len(r.examples) for r in book.rules)
    click.echo(f"{file}: {w['ok']} — {_count(len(book.rules), w['rules'])}, {_count(examples, w['examples_count'])}, "
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
    click.echo(f"{book.id} {book.version}: {_count(len(results), w['examples_count'])}")
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
        click.echo(r.problem.message(lang), err=True)
    without = [r.id for r in book.rules if not r.examples]
    if without:
        click.echo(f"{len(without)} {w['no_examples']} : {', '.join(without)}")
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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(CATALOGUE_WORDS[lang]["written"].format(path=out), err=True)


def _display_path(path: Path) -> str:
    """The rulebook's path relative to the working directory when inside it (stable in a checkout)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).name


CATALOGUE_WORDS = {
    "en": {"heading": "Rules catalogue", "generated": "Generated from `{source}` by `procurement rules --lang en "
           "catalogue` (or `python scripts/rules_catalogue.py`): do not edit by hand.",
           "summary": "Rulebook `{id}` version {version}: {rules} rules, {examples} examples.",
           "contents": "Contents", "by_chantier": "Rules by chantier", "targets": "Portfolio targets",
           "tables": "Tables", "rules": "Rules", "portfolio": "Portfolio rules",
           "portfolio_intro": "Evaluated over a whole batch by `procurement/portfolio.py`, not order by order: "
                              "the engine cannot see the other orders.",
           "what": "What it checks", "applies": "Applies when", "always": "always", "requires": "Requires",
           "window": "Validity (launch date, else notification date)", "message": "Message on failure",
           "why": "Why", "legal": "Legal basis", "basis": "Basis", "data": "Data needed",
           "data_note": "the fields its conditions read", "measured": "also reported",
           "advice": "Advice", "examples": "Examples", "expect": "Expected", "order": "Order", "note": "Note",
           "recalled": "recalled, to be checked", "verified": "verified", "kind": "Kind", "severity": "severity",
           "weight": "weight", "chantiers": "chantiers", "imperatives": "imperatives", "scope": "stage",
           "id": "Id", "title": "Title", "name": "Name", "value": "Value", "label": "Label", "source": "Source",
           "entries": "Entries", "from": "from", "until": "until", "thresholds": "Thresholds used",
           "level": "Level", "type": "Type", "period": "Period", "amount": "Threshold € HT",
           "confidence": "Confidence", "written": "Catalogue written to {path}", "none": "none", "colon": ":"},
    "fr": {"heading": "Catalogue des règles", "generated": "Généré depuis `{source}` par `procurement rules "
           "catalogue` (ou `python scripts/rules_catalogue.py`) : ne pas modifier à la main.",
           "summary": "Référentiel `{id}` version {version} : {rules} règles, {examples} exemples.",
           "contents": "Sommaire", "by_chantier": "Règles par chantier", "targets": "Objectifs de portefeuille",
           "tables": "Tables", "rules": "Règles", "portfolio": "Règles de portefeuille",
           "portfolio_intro": "Évaluées sur un lot entier par `procurement/portfolio.py`, pas commande par "
                              "commande : le moteur ne voit pas les autres commandes.",
           "what": "Ce qu'elle vérifie", "applies": "S'applique si", "always": "toujours", "requires": "Exige",
           "window": "Validité (date de lancement, sinon de notification)", "message": "Message en cas d'échec",
           "why": "Pourquoi", "legal": "Base légale", "basis": "Référence", "data": "Données nécessaires",
           "data_note": "les champs que lisent ses conditions", "measured": "également rapportés",
           "advice": "Conseil", "examples": "Exemples", "expect": "Attendu", "order": "Commande", "note": "Note",
           "recalled": "de mémoire, à vérifier", "verified": "vérifié", "kind": "Type", "severity": "gravité",
           "weight": "poids", "chantiers": "chantiers", "imperatives": "impératifs", "scope": "étape",
           "id": "Code", "title": "Titre", "name": "Nom", "value": "Valeur", "label": "Libellé", "source": "Source",
           "entries": "Entrées", "from": "à partir du", "until": "jusqu'au", "thresholds": "Seuils utilisés",
           "level": "Niveau", "type": "Type", "period": "Période", "amount": "Seuil € HT",
           "confidence": "Fiabilité", "written": "Catalogue écrit dans {path}", "none": "aucun", "colon": " :"},
}


def _md(text: str) -> str:
    """One paragraph of Markdown: whitespace folded, table pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _anchor(rule_id: str, title: str) -> str:
    import re
    import unicodedata

    text = f"{rule_id} — {title}".lower()
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def catalogue_text(book: CompiledRulebook, lang: str = "en", source: str = "rules/relance-renouveau.yaml") -> str:
    """The Markdown catalogue of a rulebook: one section per rule, then the portfolio rules.

    Deterministic (no date, no absolute path), so that a test can compare it with the committed file.
    """
    from procurement import portfolio

    w = CATALOGUE_WORDS["en" if lang == "en" else "fr"]
    other = "fr" if lang == "en" else "en"
    examples = sum(len(r.examples) for r in book.rules)
    out: list[str] = [f"# {w['heading']} — {getattr(book.title, lang)}", "",
                      f"<!-- {w['generated'].format(source=source)} -->", "",
                      w["summary"].format(id=book.id, version=book.version, rules=len(book.rules), examples=examples),
                      ""]
    out += [f"## {w['contents']}", "", f"| {w['id']} | {w['kind']} | {w['chantiers'].capitalize()} | {w['title']} |",
            "|---|---|---|---|"]
    for r in book.rules:
        title = getattr(r.title, lang)
        out.append(f"| [{r.id}](#{_anchor(r.id, title)}) | {i18n.label(r.kind, lang)} | "
                   f"{', '.join(map(str, r.chantiers))} | {_md(title)} |")
    for rid, meta in portfolio.RULES.items():
        title = meta["title"][lang]
        out.append(f"| [{rid}](#{_anchor(rid, title)}) | {i18n.label(meta['kind'], lang)} | "
                   f"{', '.join(map(str, meta['chantiers']))} | {_md(title)} |")
    out += ["", f"## {w['by_chantier']}", ""]
    for c in range(1, 9):
        ids = [r.id for r in book.rules if c in r.chantiers]
        ids += [rid for rid, meta in portfolio.RULES.items() if c in meta["chantiers"]]
        out.append(f"- **{c}. {i18n.chantier_name(c, lang)}**{w['colon']} {', '.join(ids) or w['none']}")
    if book.targets:
        out += ["", f"## {w['targets']}", "", f"| {w['name']} | {w['value']} | {w['label']} | {w['source']} |",
                "|---|---|---|---|"]
        for name, t in book.targets.items():
            out.append(f"| `{name}` | {t.value:g} {t.unit} | {_md(getattr(t.label, lang))} | {_md(t.source)} |")
    own = sorted(_rulebook_table_names(book))
    if own:
        out += ["", f"## {w['tables']}", "", f"| {w['name']} | {w['entries']} |", "|---|---|"]
        out += [f"| `{name}` | {', '.join(sorted(book.tables[name]))} |" for name in own]
    out += ["", f"## {w['rules']}"]
    for r in book.rules:
        out += _rule_section(book, r, lang, other, w)
    out += ["", f"## {w['portfolio']}", "", w["portfolio_intro"]]
    for rid, meta in portfolio.RULES.items():
        out += _portfolio_section(rid, meta, lang, other, w)
    return "\n".join(out).rstrip() + "\n"


def _rulebook_table_names(book: CompiledRulebook) -> set[str]:
    """Tables written in the rulebook (not the built-in ones the compiler adds)."""
    from procurement.rulebook import builtin_tables

    builtin = builtin_tables()
    return {n for n, v in book.tables.items() if n not in builtin or builtin[n] != v}


def _ref_line(ref: Any, lang: str, w: dict[str, str]) -> str:
    bits = [ref.text, f"art. {ref.article}" if ref.article else "",
            format_value(ref.date, None, lang) if ref.date else ""]
    line = ", ".join(_md(b) for b in bits if b)
    if ref.url:
        line += f" — <{ref.url}>"
    line += f" — *{w['recalled'] if ref.confidence == 'recalled' else w['verified']}*"
    if ref.note:
        line += f". {_md(ref.note)}"
    return f"- {line}"


def _rule_section(book: CompiledRulebook, rule: Any, lang: str, other: str, w: dict[str, str]) -> list[str]:
    src = rule.source
    tags = [i18n.label(rule.kind, lang), f"{w['severity']} {rule.severity}", f"{w['weight']} {rule.weight:g}",
            f"{w['chantiers']} {', '.join(map(str, rule.chantiers))}"]
    if src.imperatives:
        tags.append(f"{w['imperatives']} " + ", ".join(i18n.label(i, lang) for i in src.imperatives))
    tags.append(f"{w['scope']} " + ", ".join(src.scopes))
    out = ["", f"### {rule.id} — {_md(getattr(src.title, lang))}", "", f"*{_md(getattr(src.title, other))}*", "",
           " · ".join(tags), "", f"**{w['what']}**", ""]
    if src.since or src.until:
        parts = [f"{w['from']} {format_value(src.since, None, lang)}" if src.since else "",
                 f"{w['until']} {format_value(src.until, None, lang)}" if src.until else ""]
        out += [f"{w['window']}{w['colon']} " + " ".join(p for p in parts if p), ""]
    applies = rule.applies.describe(lang) if rule.applies else [w["always"]]
    c = w["colon"]
    out += [f"{w['applies']}{c}", "", "```text", *applies, "```", "", f"{w['requires']}{c}", "", "```text",
            *rule.require.describe(lang), "```", "", f"{w['message']}{c} {_md(getattr(src.message, lang))}", "",
            f"**{w['why']}**", "", _md(getattr(src.why, lang)), ""]
    if src.legal_ref:
        out += [f"**{w['legal'] if rule.kind == 'legal' else w['basis']}**", ""]
        out += [_ref_line(ref, lang, w) for ref in src.legal_ref]
        out.append("")
    fields = list(rule.condition_fields())
    if src.since or src.until:
        fields = ["launch_date", "notification_date", *fields]
    fields = list(dict.fromkeys(fields))
    data = ", ".join(f"`{f}` ({_md(FIELDS_BY_NAME[f].header(lang))})" for f in fields)
    extra = [m for m in rule.measure if m not in fields]
    out += [f"**{w['data']}** ({w['data_note']}){c} {data}."]
    if extra:
        out[-1] += f" {w['measured'].capitalize()}{c} " + ", ".join(f"`{m}`" for m in extra) + "."
    out += ["", f"**{w['advice']}**", "", _md(getattr(src.advice, lang))]
    if src.examples:
        out += ["", f"**{w['examples']}**", "", f"| {w['expect']} | {w['order']} | {w['note']} |", "|---|---|---|"]
        for ex in src.examples:
            order = ", ".join(f"{k}={format_value(v, _kind(k), lang)}" for k, v in ex.order.items()) or "{}"
            out.append(f"| {i18n.label(ex.expect, lang)} | {_md(order)} | {_md(ex.note or '')} |")
    return out


def _portfolio_section(rule_id: str, meta: Any, lang: str, other: str, w: dict[str, str]) -> list[str]:
    from types import SimpleNamespace

    from procurement import portfolio

    tags = [i18n.label(meta["kind"], lang), f"{w['severity']} {meta['severity']}",
            f"{w['chantiers']} {', '.join(map(str, meta['chantiers']))}"]
    out = ["", f"### {rule_id} — {_md(meta['title'][lang])}", "", f"*{_md(meta['title'][other])}*", "",
           " · ".join(tags), "", f"**{w['why']}**", "", _md(meta["why"][lang]), "", f"**{w['legal']}**", ""]
    for ref in meta["legal_ref"]:
        date = ref.get("date")
        out.append(_ref_line(SimpleNamespace(text=ref["text"], article=ref.get("article"),
                                             date=_date(date) if date else None, url=ref.get("url"),
                                             confidence=ref["confidence"], note=ref.get("note")), lang, w))
    data = ", ".join(f"`{f}` ({_md(FIELDS_BY_NAME[f].header(lang))})" for f in meta["fields"])
    out += ["", f"**{w['data']}**{w['colon']} {data}.", "", f"**{w['thresholds']}**", "",
            f"| {w['level']} | {w['type']} | {w['period']} | {w['amount']} | {w['confidence']} |",
            "|---|---|---|---|---|"]
    for t in portfolio.threshold_table():
        period = f"{format_value(t.start, None, lang)} – {format_value(t.end, None, lang) if t.end else '…'}"
        confidence = w["recalled"] if t.confidence == "recalled" else w["verified"]
        out.append(f"| {t.level} | {t.contract_type} | {period} | {format_value(t.amount, None, lang)} | "
                   f"{confidence} |")
    out += ["", f"**{w['advice']}**", "", _md(meta["advice"][lang])]
    return out


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(_words(ctx)["written"].format(path=out), err=True)


def schema_text() -> str:
    """The JSON Schema exactly as committed in docs/rulebook.schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(rules(prog_name="procurement rules"))
