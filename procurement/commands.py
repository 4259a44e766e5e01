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
from procurement.i18n import counted, plural
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
    """What the run says of a workbook's sheets it did not read: the ones before the data (no header
    row) and the visible ones after it, which the user may have wanted too. Its words agree with the
    number of sheets named ("autre feuille non lue : T2", "other sheets not read: T2, T3")."""
    out = []
    for info in result.inputs:
        name = Path(info.path).name
        if skipped := info.sheets_skipped:
            n, names = len(skipped), ", ".join(skipped)
            out.append(f"{name}: {plural(n, 'sheet', 'sheets', lang)} without a header row skipped: {names}; "
                       f"read: {info.sheet}" if lang == "en" else
                       f"{name} : {plural(n, 'feuille', 'feuilles', lang)} sans ligne d'en-tête "
                       f"{plural(n, 'passée', 'passées', lang)} : {names} ; lu : {info.sheet}")
        if ignored := [n.split(":", 1)[1] for n in info.notes if n.startswith("sheet_ignored:")]:
            out.append(f"{name}: --sheet {ignored[0]} ignored, a {info.format} file has no sheets" if lang == "en"
                       else f"{name} : --sheet {ignored[0]} sans effet, un fichier {info.format} n'a pas de feuilles")
        if other := info.sheets_other:
            n, names = len(other), ", ".join(other)
            out.append(f"{name}: {plural(n, 'other sheet', 'other sheets', lang)} not read: {names} "
                       f"(--sheet, repeatable, to read them)" if lang == "en" else
                       f"{name} : {plural(n, 'autre feuille non lue', 'autres feuilles non lues', lang)} : {names} "
                       f"(--sheet, répétable, pour les lire)")
    return out


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



