"""What each CLI command does, as plain functions the CLI and the tests call.

Kept apart from `cli.py` so that click stays a thin parsing layer and heavy imports (openpyxl, jinja2)
happen only when a command actually runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from procurement.errors import EXIT_FINDINGS, EXIT_OK
from procurement.pipeline import Run, run
from procurement.read.base import ReadOptions
from procurement.read.mapping import load_mapping

FAIL_ORDER = {"legal": ("legal",), "risk": ("legal", "risk"), "kpi": ("legal", "risk", "kpi")}


def load_rules(rules_path: Path | None, select: list[str], ignore: list[str]):
    from procurement.rulebook import default_rulebook_path, load_rulebook, select_rules

    rulebook = load_rulebook(rules_path or default_rulebook_path())
    if select or ignore:
        rulebook = select_rules(rulebook, select=select, ignore=ignore)
    return rulebook


def exit_code(result: Run, fail_on: str) -> int:
    kinds = FAIL_ORDER.get(fail_on)
    if not kinds:
        return EXIT_OK
    for scored in result.orders:
        for f in scored.findings:
            if f.status == "fail" and f.kind in kinds:
                return EXIT_FINDINGS
    return EXIT_OK


def summary_line(result: Run, out_dir: Path, lang: str) -> str:
    c = result.counts
    merged = c["merged"]
    if lang == "en":
        text = f"{c['rows_read']} rows read: {c['orders']} orders scored, {c['rejected']} rejected"
        text += f", {merged} merged" if merged else ""
        return text + f". Reports in {out_dir}/"
    text = f"{c['rows_read']} lignes lues : {c['orders']} commandes évaluées, {c['rejected']} rejetées"
    text += f", {merged} fusionnées" if merged else ""
    return text + f". Rapports dans {out_dir}/"


def run_score(*, files: list[Path], out_dir: Path, rules_path: Path | None, sheet: str | None,
              mapping: Path | None, forced_format: str | None, select: list[str], ignore: list[str],
              fail_on: str, quiet: bool, lang: str, formats: list[str] | None = None,
              suppliers: list[Path] | None = None) -> int:
    from procurement.write import registry
    from procurement.write.rejected_csv import write_rejected

    offered = registry.available()
    formats = [f for f in (formats or registry.DEFAULT_FORMATS) if f in offered]
    rulebook = load_rules(rules_path, select, ignore)
    options = ReadOptions(sheet=sheet, mapping=load_mapping(mapping) if mapping else None)
    used = {
        "rules": str(rules_path) if rules_path else None, "sheet": sheet,
        "mapping": str(mapping) if mapping else None, "format": forced_format,
        "select": select, "ignore": ignore, "lang": lang, "fail_on": fail_on, "formats": formats,
    }
    directory = None
    if suppliers:
        from procurement.directory import load_directory

        directory = load_directory(suppliers)
        used["suppliers"] = [str(p) for p in suppliers]
    result = run(files, rulebook, read_options=options, forced_format=forced_format, options=used,
                 directory=directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in formats:
        registry.writer(name)(result, out_dir, lang)
    write_rejected(result, out_dir, lang)
    if not quiet:
        click.echo(summary_line(result, out_dir, lang))
    return exit_code(result, fail_on)



