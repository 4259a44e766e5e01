"""Command line: a thin layer that parses options, calls the library and maps errors to exit codes.

Exit status: 0 = done (no finding at or above --fail-on), 1 = findings at or above --fail-on,
2 = usage, input or rulebook error, reported as one line without a traceback (click's own usage errors
too: `cli_usage.UsageGroup`).
Help texts are `tr(French, English)`: --help follows the user's language (`cli_support.help_lang`),
outputs stay French unless --lang en.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from procurement import __version__
from procurement.cli_support import guarded, help_text, tr
from procurement.cli_usage import UsageGroup, translate_help_options
from procurement.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

LANG_OPTION = click.option(
    "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
    help=tr("Langue des rapports et messages (français par défaut, quelle que soit la langue de cette aide).",
            "Language of reports and messages (French by default, whatever the language of this help)."),
)
FAIL_LEVELS = ("never", "legal", "risk", "kpi")

MAIN_HELP = help_text(
    "Contrôle des achats publics au regard du plan « Relance et Renouveau » de la Métropole "
    "Aix-Marseille-Provence et du droit de la commande publique.\n\n"
    "Rapports et messages en français, en anglais avec --lang en. Cette aide suit la langue du système "
    "(LC_ALL, LC_MESSAGES, LANG) ; PROCUREMENT_LANG=fr ou en la fixe, de même que --lang donné avec --help.",
    "Checks public procurement against the “Relance et Renouveau” plan of the Aix-Marseille-Provence "
    "Metropolis and French public procurement law.\n\n"
    "Reports and messages are in French, in English with --lang en. This help follows the system's "
    "language (LC_ALL, LC_MESSAGES, LANG); PROCUREMENT_LANG=fr or en sets it, and so does --lang given with "
    "--help.",
    (
        "procurement score commandes.xlsx --out rapports/",
        "procurement template consultation.xlsx",
        "procurement rules explain ENV-10",
    ),
    (
        "procurement score orders.xlsx --out reports/ --lang en",
        "procurement template tender.xlsx --lang en",
        "procurement rules --lang en explain ENV-10",
    ),
)
SCORE_HELP = help_text(
    "Évaluer des commandes, marchés ou offres (xlsx, csv, DECP, OCDS) et écrire les résultats.\n\n"
    "Écrit dans le dossier --out : results.json, results.csv, results.xlsx, report.html, summary.html et "
    "rejected.csv (results.jsonl avec --format jsonl ; une page par commande avec --per-order).",
    "Score orders, contracts or bids (xlsx, csv, DECP, OCDS) and write the results.\n\n"
    "Writes to the --out directory: results.json, results.csv, results.xlsx, report.html, summary.html "
    "and rejected.csv (results.jsonl with --format jsonl; one page per order with --per-order).",
    (
        "procurement score samples/commandes-2025.xlsx --out rapports/commandes",
        "procurement score commandes.csv --out rapports/ --select ENV --fail-on legal",
    ),
    (
        "procurement score samples/commandes-2025.xlsx --out reports/orders --lang en",
        "procurement score orders.csv --out reports/ --select ENV --fail-on legal",
    ),
)


@click.group(cls=UsageGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=MAIN_HELP)
@click.version_option(__version__, prog_name="procurement",
                      help=tr("Afficher la version et quitter.", "Show the version and exit."))
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help=tr("Langue de la commande qui suit, si elle ne la donne pas elle-même "
                      "(procurement --lang en score ...).",
                      "Language of the command that follows, unless it gives its own "
                      "(procurement --lang en score ...)."))
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """The `procurement` command group (its help is MAIN_HELP, French or English). A `--lang` before the
    command is its default `--lang`: MAIN_HELP says --lang given with --help sets the help's language, and
    `procurement --lang en --help` was refused as an unknown option."""
    if lang is not None:
        ctx.default_map = {name: {"lang": lang} for name in main.commands}


@main.command(help=SCORE_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=tr("Dossier de sortie (créé si besoin).", "Output directory (created if needed)."))
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Référentiel YAML (par défaut : rules/relance-renouveau.yaml).",
                      "YAML rulebook (default: rules/relance-renouveau.yaml)."))
@click.option("--sheet", multiple=True,
              help=tr("Feuille à lire dans un classeur (nom ou numéro ; répétable pour en lire plusieurs ; par "
                      "défaut la première qui a une ligne d'en-tête).",
                      "Sheet to read in a workbook (name or number; repeatable to read several; default: the "
                      "first one with a header row)."))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Fichier YAML « en-tête: champ » pour des colonnes non reconnues.",
                      "YAML file of 'header: field' lines for columns that are not recognised."))
@click.option("--input-format", "forced_format",
              help=tr("Forcer le format d'entrée (xlsx, csv, decp-json, decp-csv, ocds).",
                      "Force the input format (xlsx, csv, decp-json, decp-csv, ocds)."))
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["json", "jsonl", "csv", "xlsx", "html", "summary"]),
              help=tr("Sorties à écrire (répétable ; par défaut json, csv, xlsx, html, summary).",
                      "Outputs to write (repeatable; default: json, csv, xlsx, html, summary)."))
@click.option("--suppliers", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Référentiel fournisseurs (xlsx ou csv, répétable) : complète les commandes par SIRET.",
                      "Supplier directory (xlsx or csv, repeatable): completes the orders by SIRET."))
@click.option("--waivers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Dérogations acceptées (YAML, voir docs/waivers.md) : les constats couverts sont marqués "
                      "« dérogation » avec leur justification.",
                      "Accepted waivers (YAML, see docs/waivers.md): the findings they cover are marked as "
                      "waived, with their justification."))
@click.option("--select", multiple=True,
              help=tr("Ne garder que ces règles (code ou préfixe, ex. ENV, SOC-01 ; répétable).",
                      "Keep only these rules (id or prefix, e.g. ENV, SOC-01; repeatable)."))
@click.option("--ignore", multiple=True, help=tr("Écarter ces règles (code ou préfixe ; répétable).",
                                                 "Leave out these rules (id or prefix; repeatable)."))
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="never", show_default=True,
              help=tr("Sortir avec le statut 1 si une règle de ce niveau ou plus grave échoue.",
                      "Exit with status 1 if a rule of this level or a more serious one fails."))
@click.option("--per-order", is_flag=True,
              help=tr("Écrire aussi une page par commande, dans orders/ du dossier de sortie.",
                      "Also write one page per order, in orders/ of the output directory."))
@click.option("--max-size", "max_size_mb", type=click.IntRange(1), default=2048, show_default=True,
              help=tr("Taille maximale d'un fichier d'entrée, et d'un classeur une fois décompressé, en Mo.",
                      "Largest input file, and largest workbook once uncompressed, in MB."))
@click.option("--xlsx-reader", "xlsx_reader", type=click.Choice(["auto", "openpyxl", "calamine"]), default="auto",
              show_default=True,
              help=tr("Lecteur des classeurs .xlsx : calamine (rapide) au-delà de 1 Mo en automatique, openpyxl "
                      "en deçà. Les deux donnent les mêmes résultats.",
                      "Reader of .xlsx workbooks: calamine (fast) above 1 MB when automatic, openpyxl below. "
                      "Both give the same results."))
@click.option("--jobs", "-j", type=click.IntRange(0), default=0,
              help=tr("Processus d'évaluation en parallèle (0, par défaut : un par cœur). Le résultat est le même "
                      "quel que soit ce nombre.",
                      "Scoring processes in parallel (0, the default: one per core). The result is the same "
                      "whatever the number."))
@click.option("--quiet", "-q", is_flag=True, help=tr("N'afficher que les erreurs.", "Print errors only."))
@LANG_OPTION
def score(files, out_dir, rules_path, sheet, mapping, forced_format, formats, suppliers, waivers, select, ignore,
          fail_on, per_order, max_size_mb, xlsx_reader, jobs, quiet, lang):
    """Score orders and write the results (its help is SCORE_HELP, French or English)."""
    from procurement.commands import ScoreRequest, run_score

    with guarded(lang):
        code = run_score(ScoreRequest(
            files=list(files), out_dir=out_dir, rules_path=rules_path, sheet=sheet, mapping=mapping,
            forced_format=forced_format, select=list(select), ignore=list(ignore), fail_on=fail_on,
            quiet=quiet, lang=lang, formats=list(formats) or None, suppliers=list(suppliers), waivers=waivers,
            per_order=per_order, max_size_mb=max_size_mb, jobs=jobs,
            xlsx_reader=None if xlsx_reader == "auto" else xlsx_reader,
        ))
    sys.exit(code)


# Commands living in their own modules (`module`, `attribute`); a module not yet written is skipped.
SUBCOMMANDS = (
    ("procurement.cli_rules", "rules"),
    ("procurement.cli_check", "check"),
    ("procurement.cli_template", "template"),
    ("procurement.cli_diff", "diff"),
)


def _attach_subcommands() -> None:
    import importlib
    import importlib.util

    for module, attribute in SUBCOMMANDS:
        if importlib.util.find_spec(module) is None:
            continue
        main.add_command(getattr(importlib.import_module(module), attribute))


_attach_subcommands()
translate_help_options(main)  # "-h, --help  Afficher cette aide et quitter." in French help

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "main"]
