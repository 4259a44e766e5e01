"""Command line: a thin layer that parses options, calls the library and maps errors to exit codes.

Exit status: 0 = done (no finding at or above --fail-on), 1 = findings at or above --fail-on,
2 = usage, input or rulebook error, reported as one line without a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from procurement import __version__
from procurement.cli_support import guarded
from procurement.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

LANG_OPTION = click.option(
    "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
    help="Langue des rapports et messages / language of reports and messages.",
)
FAIL_LEVELS = ("never", "legal", "risk", "kpi")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="procurement")
def main() -> None:
    """Contrôle des achats publics au regard du plan « Relance et Renouveau » de la Métropole
    Aix-Marseille-Provence et du droit de la commande publique.

    Exemple : procurement score commandes.xlsx --out rapports/
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier de sortie (créé si besoin).")
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Référentiel YAML (par défaut : rules/relance-renouveau.yaml).")
@click.option("--sheet", help="Feuille à lire dans un classeur (nom ou numéro ; par défaut la première).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Fichier YAML « en-tête: champ » pour des colonnes non reconnues.")
@click.option("--input-format", "forced_format",
              help="Forcer le format d'entrée (xlsx, csv, decp-json, decp-csv, ocds).")
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["json", "jsonl", "csv", "xlsx", "html", "summary"]),
              help="Sorties à écrire (répétable ; par défaut json, csv, xlsx, html, summary).")
@click.option("--suppliers", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Référentiel fournisseurs (xlsx ou csv, répétable) : complète les commandes par SIRET.")
@click.option("--waivers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Dérogations acceptées (YAML, voir docs/waivers.md) : les constats couverts sont marqués "
                   "« dérogation » avec leur justification.")
@click.option("--select", multiple=True, help="Ne garder que ces règles (code ou préfixe, ex. ENV, SOC-01).")
@click.option("--ignore", multiple=True, help="Écarter ces règles (code ou préfixe).")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="never", show_default=True,
              help="Sortir avec le statut 1 si une règle de ce niveau ou plus grave échoue.")
@click.option("--per-order", is_flag=True, help="Écrire aussi une page par commande dans DIR/orders/.")
@click.option("--quiet", "-q", is_flag=True, help="N'afficher que les erreurs.")
@LANG_OPTION
def score(files, out_dir, rules_path, sheet, mapping, forced_format, formats, suppliers, waivers, select, ignore,
          fail_on, per_order, quiet, lang):
    """Évaluer des commandes, marchés ou offres (xlsx, csv, DECP) et écrire les résultats.

    Écrit dans DIR : results.json, results.csv, results.xlsx, report.html, summary.html et rejected.csv
    (results.jsonl avec --format jsonl ; une page par commande avec --per-order).

    Exemple : procurement score samples/commandes-2025.xlsx --out reports/commandes
    """
    from procurement.commands import ScoreRequest, run_score

    with guarded(lang):
        code = run_score(ScoreRequest(
            files=list(files), out_dir=out_dir, rules_path=rules_path, sheet=sheet, mapping=mapping,
            forced_format=forced_format, select=list(select), ignore=list(ignore), fail_on=fail_on,
            quiet=quiet, lang=lang, formats=list(formats) or None, suppliers=list(suppliers), waivers=waivers,
            per_order=per_order,
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

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "main"]
