"""`procurement template FILE.xlsx`: write the buyer's workbook (one consultation, its bids).

A thin layer: `procurement.template` builds the workbook. Refuses to overwrite an existing file unless
--force, because the file it would replace is most likely a workbook the buyer has already filled in.
Exit status: 0 = written; 2 = usage error (existing file, not .xlsx, directory not writable).
"""

from __future__ import annotations

from pathlib import Path

import click

from procurement.cli_support import guarded, help_text, tr

TEMPLATE_HELP = help_text(
    "Écrire le classeur de l'acheteur : feuilles « Consultation » et « Offres » à remplir, avec listes "
    "déroulantes et contrôles de saisie, puis à vérifier avec `procurement check`.\n\n"
    "Refuse de remplacer un fichier existant sans --force.",
    "Write the buyer's workbook: “Consultation” and “Offres” sheets (“Tender” and “Bids” with --lang en) "
    "to fill in, with dropdown lists and input checks, then to check with `procurement check`.\n\n"
    "Refuses to replace an existing file without --force.",
    ("procurement template consultation.xlsx", "procurement check consultation.xlsx --out verification/"),
    ("procurement template tender.xlsx --lang en", "procurement check tender.xlsx --out checks/ --lang en"),
)


@click.command("template", help=TEMPLATE_HELP)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help=tr("Remplacer le fichier s'il existe.", "Overwrite the file if it exists."))
@click.option("--quiet", "-q", is_flag=True, help=tr("N'afficher que les erreurs.", "Print errors only."))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help=tr("Langue des feuilles, en-têtes et listes (français par défaut, quelle que soit la langue "
                      "de cette aide).",
                      "Language of the sheets, headers and lists (French by default, whatever the language of "
                      "this help)."))
def template(file: Path, force: bool, quiet: bool, lang: str) -> None:
    """Write the buyer's workbook (its help is TEMPLATE_HELP, French or English)."""
    from procurement.errors import InputError

    with guarded(lang):  # one line and status 2 on errors (disk full, not writable), 130 on Ctrl-C
        if file.suffix.lower() != ".xlsx":
            raise InputError("le classeur doit avoir l'extension .xlsx", "the workbook must have the .xlsx extension",
                             where=str(file))
        if file.exists() and not force:
            raise InputError("le fichier existe déjà (ajoutez --force pour le remplacer)",
                             "the file already exists (add --force to replace it)", where=str(file))
        if not file.parent.exists():
            raise InputError("dossier introuvable", "directory not found", where=str(file.parent))
        from procurement.template import write_template

        write_template(file, lang)
    if not quiet:
        if lang == "en":
            click.echo(f"Workbook written: {file} (fill in the “Tender” and “Bids” sheets, then run "
                       f"procurement check {file} --out DIR --lang en)")
        else:
            click.echo(f"Classeur écrit : {file} (remplissez les feuilles « Consultation » et « Offres », puis "
                       f"lancez procurement check {file} --out DOSSIER)")
