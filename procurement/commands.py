"""What each CLI command does, as plain functions the CLI and the tests call.

Kept apart from `cli.py` so that click stays a thin parsing layer and heavy imports (openpyxl, jinja2)
happen only when a command actually runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from procurement.cli_support import say
from procurement.errors import EXIT_FINDINGS, EXIT_OK
from procurement.i18n import counted
from procurement.pipeline import Run, run
from procurement.read.base import ReadOptions
from procurement.read.mapping import load_mapping

FAIL_ORDER = {"legal": ("legal",), "risk": ("legal", "risk"), "kpi": ("legal", "risk", "kpi")}


def load_rules(rules_path: Path | None, select: list[str], ignore: list[str]):
    from procurement.rulebook import default_rulebook_path, load_rulebook, select_rules

    rulebook = load_rulebook(rules_path or default_rulebook_path(), cache=True)
    if select or ignore:
        from procurement.portfolio_rules import RULES as PORTFOLIO_RULES

        rulebook = select_rules(rulebook, select=select, ignore=ignore, also=PORTFOLIO_RULES)
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
    """The run's balance on the terminal, its nouns agreeing with their numbers (French: singular for 0
    and 1, "1 ligne lue : 1 commande évaluée, 0 rejetée"; English: singular for 1 only)."""
    c = result.counts
    merged = c["merged"]

    def n(count: int, one: str, many: str) -> str:
        return counted(count, one, many, lang)

    if lang == "en":
        text = (f"{n(c['rows_read'], 'row', 'rows')} read: {n(c['orders'], 'order', 'orders')} scored, "
                f"{c['rejected']} rejected")
        text += f", {merged} merged" if merged else ""
        return text + f". Reports in {out_dir}/"
    orders = n(c["orders"], "commande évaluée", "commandes évaluées")
    text = f"{n(c['rows_read'], 'ligne lue', 'lignes lues')} : {orders}, {n(c['rejected'], 'rejetée', 'rejetées')}"
    text += f", {n(merged, 'fusionnée', 'fusionnées')}" if merged else ""
    return text + f". Rapports dans {out_dir}/"


def sheet_lines(result: Run, lang: str) -> list[str]:
    """What the run says on the terminal of how it read its inputs (`input_notes`): the report pages say it
    too."""
    from procurement.input_notes import input_lines

    return input_lines(result.inputs, lang)


@dataclass(slots=True)
class ScoreRequest:
    """Everything `procurement score` was asked to do; the CLI fills it, tests may too."""

    files: list[Path]
    out_dir: Path
    rules_path: Path | None = None
    sheet: str | Sequence[str] | None = None  # several: each is read, as an input of its own
    mapping: Path | None = None
    forced_format: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "never"
    quiet: bool = False
    lang: str = "fr"
    formats: list[str] | None = None
    suppliers: list[Path] = field(default_factory=list)
    waivers: Path | None = None
    per_order: bool = False
    max_size_mb: int = 2048
    xlsx_reader: str | None = None  # "openpyxl" or "calamine"; None: automatic. Not in meta: same results.
    jobs: int = 0  # scoring processes; 0: one per core. Not recorded in meta: it does not change results.


def run_score(req: ScoreRequest) -> int:
    files, out_dir, rules_path, sheet, mapping = req.files, req.out_dir, req.rules_path, req.sheet, req.mapping
    forced_format, select, ignore, fail_on = req.forced_format, req.select, req.ignore, req.fail_on
    quiet, lang, formats, suppliers, waivers = req.quiet, req.lang, req.formats, req.suppliers, req.waivers
    from procurement.write import registry

    offered = registry.available()
    formats = [f for f in (formats or registry.DEFAULT_FORMATS) if f in offered]
    rulebook = load_rules(rules_path, select, ignore)
    limit = req.max_size_mb * 1024**2
    sheets = [sheet] if isinstance(sheet, str) else list(sheet or ())
    options = ReadOptions(sheet=sheets[0] if len(sheets) == 1 else None,
                          mapping=load_mapping(mapping) if mapping else None, max_bytes=limit,
                          max_uncompressed=limit, xlsx_engine=req.xlsx_reader)
    used = {
        "rules": str(rules_path) if rules_path else None, "sheet": sheets[0] if len(sheets) == 1 else (sheets or None),
        "mapping": str(mapping) if mapping else None, "format": forced_format,
        "select": select, "ignore": ignore, "lang": lang, "fail_on": fail_on, "formats": formats,
        "per_order": req.per_order,
    }
    directory = None
    if suppliers:
        from procurement.directory import load_directory

        directory = load_directory(suppliers)
        used["suppliers"] = [str(p) for p in suppliers]
    waiver_set = None
    if waivers:
        from procurement.waivers import load_waivers

        # Rule ids checked against the whole rulebook: a waiver for a rule left out by --select/--ignore
        # is not an error, only "stale" in this run.
        full = load_rules(rules_path, [], []) if (select or ignore) else rulebook
        from procurement.portfolio_findings import PORTFOLIO_RULE_IDS

        waiver_set = load_waivers(waivers, [*(r.id for r in full.rules), *PORTFOLIO_RULE_IDS])
        used["waivers"] = str(waivers)
    from procurement.parallel import default_jobs
    from procurement.progress import Progress

    jobs = req.jobs or default_jobs()
    result = run(files, rulebook, read_options=options, forced_format=forced_format, options=used,
                 directory=directory, waivers=waiver_set, progress=None if quiet else Progress(lang),
                 jobs=jobs, sheets=sheets if len(sheets) > 1 else (),
                 encode=lang if {"json", "jsonl"} & set(formats) else None,
                 texts=lang if "xlsx" in formats else None)
    from procurement.write.outputs import write_outputs

    write_outputs(result, out_dir, lang, formats, req.per_order, None if quiet else Progress(lang), jobs)
    if not quiet:
        say(summary_line(result, out_dir, lang))
        for line in sheet_lines(result, lang):
            say(line, err=True)
        if waiver_set is not None and result.today is not None:
            for line in waiver_set.messages(result.today, lang):
                say(line, err=True)
    return exit_code(result, fail_on)



