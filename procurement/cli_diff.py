"""`procurement diff OLD_DIR NEW_DIR`: what changed between two runs of `procurement score`.

Thin, as the rest of the CLI: the comparison is `procurement.diff`. Prints a summary (or, with
`--json`, the whole comparison) and writes NEW_DIR/diff.html (or `--out FILE`). Exit status 0 whatever
changed; 2 when a directory or its results.json cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from procurement.cli_support import guarded, help_text, say, tr
from procurement.errors import EXIT_OK

DIFF_HELP = help_text(
    "Comparer deux analyses : commandes ajoutées ou retirées, verdicts changés règle par règle, scores "
    "par chantier, données modifiées champ par champ, groupes de fractionnement possible (RISK-02) nouveaux, "
    "disparus ou modifiés, référentiel et fichiers d'entrée modifiés.\n\n"
    "OLD_DIR et NEW_DIR sont des dossiers écrits par « procurement score --out ». Affiche un résumé et "
    "écrit NEW_DIR/diff.html.",
    "Compare two runs: orders added or removed, verdicts changed rule by rule, scores per chantier, "
    "data changed field by field, groups of possible splitting (RISK-02) new, gone or changed, rulebook and "
    "input files changed.\n\n"
    "OLD_DIR and NEW_DIR are directories written by 'procurement score --out'. Prints a summary and "
    "writes NEW_DIR/diff.html.",
    ("procurement diff rapports/2025-11 rapports/2025-12",),
    ("procurement diff reports/2025-11 reports/2025-12 --lang en",),
)


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"]}, help=DIFF_HELP)
@click.argument("old_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help=tr("Page HTML à écrire (par défaut : NEW_DIR/diff.html).",
                      "HTML page to write (default: NEW_DIR/diff.html)."))
@click.option("--json", "as_json", is_flag=True,
              help=tr("Afficher la comparaison complète en JSON au lieu du résumé.",
                      "Print the whole comparison as JSON instead of the summary."))
@click.option("--quiet", "-q", is_flag=True, help=tr("N'afficher que les erreurs (la page est écrite).",
                                                     "Print errors only (the page is still written)."))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help=tr("Langue du résumé et de la page (français par défaut, quelle que soit la langue de cette "
                      "aide).",
                      "Language of the summary and page (French by default, whatever the language of this help)."))
def diff(old_dir: Path, new_dir: Path, out_file: Path | None, as_json: bool, quiet: bool, lang: str) -> None:
    """Compare two runs of `procurement score` (its help is DIFF_HELP, French or English)."""
    from procurement.diff import diff_dirs, summary_text, write_html

    with guarded(lang):  # one line and status 2 for unreadable runs, 130 for Ctrl-C, disk full...
        result = diff_dirs(old_dir, new_dir)
        page = write_html(result, out_file or new_dir / "diff.html", lang)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    elif not quiet:
        say(summary_text(result, lang, page))
    sys.exit(EXIT_OK)
