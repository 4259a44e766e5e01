"""`procurement template FILE.xlsx`: write the buyer's workbook (one consultation, its bids).

A thin layer: `procurement.template` builds the workbook. Refuses to overwrite an existing file unless
--force, because the file it would replace is most likely a workbook the buyer has already filled in.
Exit status: 0 = written; 2 = usage error (existing file, not .xlsx, directory not writable).
"""

from __future__ import annotations

from pathlib import Path

import click

from procurement.cli_support import guarded


@click.command("template")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe / overwrite an existing file.")
@click.option("--quiet", "-q", is_flag=True, help="N'afficher que les erreurs / errors only.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Langue des en-têtes et des listes / language of headers and lists.")
def template(file: Path, force: bool, quiet: bool, lang: str) -> None:
    """Écrire le classeur de l'acheteur : feuilles « Consultation » et « Offres » à remplir, avec listes
    déroulantes et contrôles de saisie, puis à vérifier avec `procurement check`.

    Exemple : procurement template consultation.xlsx
    """
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
            click.echo(f"Workbook written: {file} (fill in the 'Tender' and 'Bids' sheets, then run "
                       f"procurement check {file} --out DIR --lang en)")
        else:
            click.echo(f"Classeur écrit : {file} (remplissez les feuilles « Consultation » et « Offres », puis "
                       f"lancez procurement check {file} --out DOSSIER)")
