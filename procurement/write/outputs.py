"""Every output of `procurement score`, written in ONE pass over the scored orders.

Why one pass: a streaming run keeps its orders pickled on disk (`procurement.store`), and each pass
rebuilds every order; the writers therefore take the orders one at a time (`add`) and complete their
file at the end (`finish`). The figures of the report and the summary (`procurement.aggregate`) are
computed in the same pass. The files are renamed into place together, only when every output is
complete (write/safe.py's `all_or_nothing`): an interrupted or failed run leaves the previous outputs,
never a half-written one nor a mix of old and new files.
"""

from __future__ import annotations

import importlib
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from procurement.pipeline import Run

# Output name -> "module:class" of its sink (see module docstring); the signature is
# `Sink(run, out_dir, lang, stack)` with `add(scored)` and `finish()`.
SINKS: dict[str, str] = {
    "json": "procurement.write.json_writer:JsonSink",
    "jsonl": "procurement.write.jsonl_writer:JsonlSink",
    "csv": "procurement.write.results_csv:CsvSink",
    "xlsx": "procurement.write.results_xlsx:XlsxSink",
    "html": "procurement.write.html_report:ReportSink",
    "summary": "procurement.write.html_summary:SummarySink",
}
NEEDS_FIGURES = {"html", "summary"}


def _sink_class(name: str) -> Any:
    module, _, attr = SINKS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def _make(names: list[str], run: Run, out_dir: Path, lang: str, share: Any = None) -> Any:
    """`share`: the rule sheets of results.xlsx that the parent makes (xlsx_shared.Share), if any."""
    def make(stack: ExitStack) -> list[Any]:
        return [_order_pages(run, out_dir, lang, stack) if n == "orders"
                else _sink_class(n)(run, out_dir, lang, stack, share=share) if n == "xlsx" and share is not None
                else _sink_class(n)(run, out_dir, lang, stack)
                for n in names]
    return make


def _share(run: Run, here: list[str], forked: list[list[str]]) -> Any:
    """The rule sheets the parent makes for the forked process writing results.xlsx (xlsx_shared.py),
    when that process has more to do than the parent; else None."""
    from procurement.write.forked import rule_share
    from procurement.write.results_xlsx import choose_writer

    group = next((g for g in forked if "xlsx" in g), None)
    if group is None or choose_writer(len(run.orders)) != "fast":
        return None
    fraction = rule_share(here, group)
    if fraction <= 0:
        return None
    from procurement.write.xlsx_shared import Share, choose_rules

    rules = choose_rules(run, fraction)
    return Share(rules) if rules else None


def _order_pages(run: Run, out_dir: Path, lang: str, stack: ExitStack) -> Any:
    from procurement.write.html_order import OrderPagesSink

    return OrderPagesSink(run, out_dir, lang, stack)


def _replay(run: Run, names: list[str]) -> Any:
    """The run's orders for a pass writing `names`: what the workers prepared for other outputs (the
    findings' JSON, the workbook's texts) is left undecoded."""
    from procurement.store import OrderStore

    orders = run.orders
    if not isinstance(orders, OrderStore):
        return orders
    unread = [part for part, readers in (("encoded", {"json", "jsonl", "html"}), ("texts", {"xlsx"}),
                                         ("original", {"xlsx"})) if not readers & set(names)]
    return orders.without(*unread)


def write_outputs(run: Run, out_dir: Path, lang: str, formats: list[str], per_order: bool = False,
                  progress: Any = None, jobs: int = 1) -> list[Path]:
    """Write `formats` (names of procurement.write.registry) and rejected.csv into `out_dir`.

    With `jobs` above 1 and a large batch, some outputs are written by forked processes at the same
    time (`procurement.write.forked`); the files are the same.
    """
    from procurement.write import registry
    from procurement.write.forked import Children, plan
    from procurement.write.rejected_csv import write_rejected
    from procurement.write.safe import all_or_nothing

    out_dir.mkdir(parents=True, exist_ok=True)
    names = [name for name in formats if name in SINKS] + (["orders"] if per_order else [])
    total = len(run.orders)
    forked = plan(names, jobs, total)
    here = [n for n in names if not any(n in g for g in forked)]
    share = _share(run, here, forked)
    # Every file, the forked writers' too, is renamed into place at the end of `all_or_nothing`, or none is.
    with Children() as children:
        with all_or_nothing() as outputs:
            if per_order:  # an earlier run's pages of orders no longer in the input go with the commit
                from procurement.views.order import PAGE_NAME
                from procurement.write.html_order import ORDERS_DIR

                outputs.sweep(out_dir / ORDERS_DIR, PAGE_NAME)
            with ExitStack() as stack:
                if share is not None:
                    stack.callback(share.close)  # once the forked writers are done with its files (or given up)
                for group in forked:
                    children.start(_make(group, run, out_dir, lang, share), _replay(run, group))
                if share is not None:
                    share.forked()
                sinks = dict(zip(here, _make(here, run, out_dir, lang)(stack), strict=True))
                agg = None
                adds = [sink.add for name, sink in sinks.items() if name != "summary"]
                rule_sheets = None
                if share is not None:
                    from procurement.write.xlsx_shared import RuleSheetsSink

                    rule_sheets = RuleSheetsSink(run, out_dir, lang, stack, share)
                    adds.append(rule_sheets.add)
                if NEEDS_FIGURES & set(sinks):
                    from procurement.aggregate import Aggregate

                    agg = Aggregate(run.rulebook)
                    adds.append(agg.add)
                for done, scored in enumerate(_replay(run, here + (["xlsx"] if share is not None else [])), 1):
                    for add in adds:
                        add(scored)
                    if progress is not None and not done & 511:
                        progress.update("→ " + out_dir.name, done, total)
                if progress is not None:
                    progress.close()
                figures = agg.result() if agg is not None else None
                if rule_sheets is not None:
                    rule_sheets.finish()  # before waiting for the forked writers: one of them waits for these
                done_by = {name: sink.finish(figures) if name in NEEDS_FIGURES else sink.finish()
                           for name, sink in sinks.items()}
                for group, (paths, pending) in zip(forked, children.finished(), strict=True):
                    done_by.update(zip(group, paths, strict=True))
                    outputs.adopt(pending)
            written = [done_by[n] for n in names]
            # Formats without a sink write in a pass of their own.
            for name in formats:
                if name not in SINKS:
                    written.append(registry.writer(name)(run, out_dir, lang))
            written.append(write_rejected(run, out_dir, lang))
        children.commit()
    return written
