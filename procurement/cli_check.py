"""`procurement check FILE --out DIR`: a consultation and its bids, checked before award.

A thin layer: `procurement.check` reads, scores and writes. Heavy modules (openpyxl, jinja2, the
rulebook) are imported only once the command runs, so that `--help` stays instant.
Exit status: 0 = no failed rule at or above --fail-on (default: legal); 1 = at least one;
2 = usage, input or rulebook error, reported as one line without a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from procurement.cli_support import guarded, help_text, say, tr

FAIL_LEVELS = ("never", "legal", "risk", "kpi")


CHECK_HELP = help_text(
    "Vérifier une consultation et ses offres avant attribution (classeur de `procurement template`).\n\n"
    "Lit les feuilles « Consultation » (obligations légales, risques, indicateurs de la consultation) et "
    "« Offres » (indicateurs de chaque offre), ou « Tender » et « Bids » d'un classeur en anglais. Écrit "
    "dans le dossier --out check.html (les offres côte à côte par chantier, ce qui manque à chacune, les "
    "constats sur la consultation) et check.json. L'attribution suit les seuls critères publiés : ces "
    "indicateurs éclairent l'acheteur.",
    "Check a tender and its bids before award (workbook of `procurement template`).\n\n"
    "Reads the “Consultation” sheet (legal obligations, risks, indicators of the tender) and the “Offres” "
    "sheet (indicators of each bid), or “Tender” and “Bids” in an English workbook. Writes to the --out "
    "directory check.html (the bids side by side per chantier, what each one lacks, the findings on the "
    "tender) and check.json. Award follows the published criteria only: these indicators inform the "
    "buyer.",
    (
        "procurement check consultation.xlsx --out verification/",
        "procurement check consultation.xlsx --out verification/ \\",
        "  --suppliers fournisseurs.csv --waivers derogations.yaml",
    ),
    (
        "procurement check tender.xlsx --out checks/ --lang en",
        "procurement check tender.xlsx --out checks/ --lang en \\",
        "  --suppliers suppliers.csv --waivers waivers.yaml",
    ),
)


@click.command("check", help=CHECK_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help=tr("Dossier de sortie (créé si besoin) : check.html et check.json.",
                      "Output directory (created if needed): check.html and check.json."))
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Référentiel YAML (par défaut : rules/relance-renouveau.yaml).",
                      "YAML rulebook (default: rules/relance-renouveau.yaml)."))
@click.option("--select", multiple=True,
              help=tr("Ne garder que ces règles (code ou préfixe, ex. ENV, SOC-01 ; répétable).",
                      "Keep only these rules (id or prefix, e.g. ENV, SOC-01; repeatable)."))
@click.option("--ignore", multiple=True, help=tr("Écarter ces règles (code ou préfixe ; répétable).",
                                                 "Leave out these rules (id or prefix; repeatable)."))
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="legal", show_default=True,
              help=tr("Sortir avec le statut 1 si une règle de ce niveau ou plus grave échoue.",
                      "Exit with status 1 if a rule of this level or a more serious one fails."))
@click.option("--suppliers", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Référentiel fournisseurs (CSV ou XLSX, par SIRET) : complète le nom des candidats qui ne "
                      "donnent que leur SIRET ; leur localisation n'est jamais comparée. Répétable.",
                      "Supplier directory (CSV or XLSX, by SIRET): fills in the name of bidders who give only "
                      "their SIRET; their location is never compared. Repeatable."))
@click.option("--waivers", "waivers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=tr("Fichier YAML de dérogations acceptées (voir docs/waivers.md) : les constats couverts sont "
                      "affichés « dérogation » avec leur justification et ne comptent plus pour --fail-on.",
                      "YAML file of accepted waivers (see docs/waivers.md): the findings they cover are shown as "
                      "waived, with their justification, and no longer count for --fail-on."))
@click.option("--quiet", "-q", is_flag=True, help=tr("N'afficher que les erreurs.", "Print errors only."))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help=tr("Langue de la page et des messages (français par défaut, quelle que soit la langue de "
                      "cette aide).",
                      "Language of the page and messages (French by default, whatever the language of this "
                      "help)."))
def check(file: Path, out_dir: Path, rules_path: Path | None, select: tuple[str, ...], ignore: tuple[str, ...],
          fail_on: str, suppliers: tuple[Path, ...], waivers_path: Path | None, quiet: bool, lang: str) -> None:
    """Check a tender and its bids before award (its help is CHECK_HELP, French or English)."""
    with guarded(lang):  # one line and status 2 on input errors, 130 on Ctrl-C, no partial file
        _import_openpyxl_without_numpy()
        from procurement.check import notes, run_check, summary_line, write_check
        from procurement.commands import load_rules

        rulebook = load_rules(rules_path, list(select), list(ignore))
        options: dict[str, object] = {"rules": str(rules_path) if rules_path else None, "select": list(select),
                                      "ignore": list(ignore), "fail_on": fail_on, "lang": lang}
        directory = None
        if suppliers:
            from procurement.directory import load_directory

            directory = load_directory(list(suppliers))
            options["suppliers"] = [str(p) for p in suppliers]
        waiver_set = None
        if waivers_path is not None:
            from procurement.portfolio_findings import PORTFOLIO_RULE_IDS
            from procurement.waivers import load_waivers

            # Rule ids checked against the whole rulebook: a waiver for a rule left out by --select/--ignore
            # (or not run before award) is not an error, only "stale" in this run. So is one for RISK-02,
            # which `score` runs over a batch: the waivers file is the one `score` reads.
            full = load_rules(rules_path, [], []) if (select or ignore) else rulebook
            waiver_set = load_waivers(waivers_path, [*(r.id for r in full.rules), *PORTFOLIO_RULE_IDS])
            options["waivers"] = str(waivers_path)
        result = run_check(file, rulebook, fail_on=fail_on, options=options, directory=directory,
                           waivers=waiver_set)
        write_check(result, out_dir, lang)
    if not quiet:
        say(summary_line(result, out_dir, lang))
        for line in notes(result, lang):
            say(line, err=True)
        if waiver_set is not None and result.today is not None:
            for line in waiver_set.messages(result.today, lang):
                say(line, err=True)
    sys.exit(result.exit_status())


def _import_openpyxl_without_numpy() -> None:
    """Import openpyxl as it is on a machine without numpy, in this short-lived command only.

    openpyxl imports numpy whenever it is installed (pandas brings it in the development environment),
    only to recognise numpy numbers as cell values when writing: 0.05 to 0.1 s of a `check` that only
    reads a workbook. The numbers it reads are the same either way (tests compare the files written).
    Nothing is done if either module is already imported (tests, a library caller), and numpy stays
    importable afterwards.
    """
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail: openpyxl's NUMPY = False
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]
