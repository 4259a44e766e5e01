"""The one-way flow: read -> validate -> enrich -> evaluate -> score, as a library call.

`run()` is what the CLI calls and what a Python user can call directly. It accounts for every input
row: each becomes a scored order, a rejection, or (DECP tabular exports only) a row merged into the
order it duplicates; `Run.counts` states the balance and `check_balance` enforces it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procurement import __version__
from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order, Rejection, Warning_
from procurement.read import read_file
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.reference import cpv_known
from procurement.scoring import score_order
from procurement.validate import validate
from procurement.waivers import apply_waivers, run_date


@dataclass(slots=True)
class ScoredOrder:
    order: Order
    findings: list[Any]
    scores: Any
    original: dict[str, object] | None = None


@dataclass(slots=True)
class Run:
    inputs: list[InputInfo]
    orders: list[ScoredOrder]
    rejected: list[Rejection]
    rulebook: Any
    options: dict[str, object] = field(default_factory=dict)
    generated_at: str = ""
    directory: Any = None  # procurement.directory.Directory, when --suppliers was given
    # Per rule: orders the supplier register made evaluable (insufficient data without it).
    directory_gain: dict[str, int] = field(default_factory=dict)
    waivers: Any = None  # procurement.waivers.WaiverSet, when --waivers was given
    today: dt.date | None = None  # the run's day, for waiver expiry
    portfolio: list[Any] = field(default_factory=list)  # batch-level findings (procurement.portfolio)

    @property
    def counts(self) -> dict[str, int]:
        merged = sum(len(s.order.source.merged_rows) for s in self.orders)
        return {
            "rows_read": sum(i.rows_read for i in self.inputs),
            "orders": len(self.orders),
            "rejected": len(self.rejected),
            "merged": merged,
        }


def generated_at() -> str:
    """The run's timestamp; SOURCE_DATE_EPOCH fixes it so that two runs give identical files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat()


def check_balance(run: Run) -> None:
    c = run.counts
    if c["rows_read"] != c["orders"] + c["rejected"] + c["merged"]:
        raise AssertionError(f"row accounting broken: {c}")


def _dedupe_warning(order: Order, where: str) -> Order:
    warning = Warning_(
        code="duplicate_id",
        field="id",
        value=order.id,
        message_fr=f"identifiant déjà vu ({where}) : les deux lignes sont évaluées",
        message_en=f"identifier already seen ({where}): both rows are scored",
    )
    return order.model_copy(update={"warnings": (*order.warnings, warning)})


def _gain(before: list[Any], after: list[Any], gain: dict[str, int]) -> None:
    was_missing = {f.rule for f in before if f.status == "insufficient_data"}
    for f in after:
        if f.rule in was_missing and f.status != "insufficient_data":
            gain[f.rule] = gain.get(f.rule, 0) + 1


def process(records: Iterable[RawRecord | Rejection], rulebook: Any, seen: dict[str, str],
            orders: list[ScoredOrder], rejected: list[Rejection], directory: Any = None,
            gain: dict[str, int] | None = None, waivers: Any = None, today: dt.date | None = None) -> None:
    for record in records:
        if isinstance(record, Rejection):
            rejected.append(record)
            continue
        result = validate(record, cpv_known)
        if isinstance(result, Rejection):
            rejected.append(result)
            continue
        order = result
        # Ids are unique per buyer only (DECP): two buyers may both have a contract "2025-001".
        key = f"{order.buyer_siret or order.buyer_name or ''}\x1f{order.id}"
        first = seen.get(key)
        if first is not None:
            if not any(w.code == "duplicate_id" for w in order.warnings):
                order = _dedupe_warning(order, first)
        else:  # only where it was, not the order: memory must not hold every order twice
            seen[key] = f"{order.source.file}:{order.source.row or order.source.path}"
        if directory is not None:
            joined = directory.join(order)
            if joined is not order and gain is not None:
                _gain(evaluate(enrich(order), rulebook), evaluate(enrich(joined), rulebook), gain)
            order = joined
        order = enrich(order)
        findings = evaluate(order, rulebook)
        if waivers is not None:  # accepted exceptions: wrapped as "waived", never dropped
            findings = apply_waivers(order, findings, waivers, today or run_date())
        orders.append(ScoredOrder(order, findings, score_order(findings, rulebook), record.original))


def _reported(records: Iterable[RawRecord | Rejection], info: InputInfo, name: str, progress: Any
              ) -> Iterable[RawRecord | Rejection]:
    for i, record in enumerate(records, 1):
        if not i & 511:
            progress.update(name, info.rows_read, info.rows_estimate)
        yield record


def run(
    paths: Sequence[Path],
    rulebook: Any,
    *,
    read_options: ReadOptions | None = None,
    forced_format: str | None = None,
    options: dict[str, object] | None = None,
    directory: Any = None,
    waivers: Any = None,
    progress: Any = None,
) -> Run:
    """Score every row of every input against a compiled rulebook (and a WaiverSet, when given)."""
    inputs: list[InputInfo] = []
    orders: list[ScoredOrder] = []
    rejected: list[Rejection] = []
    seen: dict[str, str] = {}
    gain: dict[str, int] = {}
    today = run_date()  # SOURCE_DATE_EPOCH-aware, once per run: waivers expire on the run's day
    for path in paths:
        info, records = read_file(Path(path), read_options, forced_format)
        inputs.append(info)
        if progress is not None:
            records = _reported(records, info, Path(path).name, progress)
        process(records, rulebook, seen, orders, rejected, directory, gain, waivers, today)
    if progress is not None:
        progress.close()
    from procurement.portfolio_findings import attach_portfolio

    portfolio = attach_portfolio(orders, rulebook, waivers, today)
    result = Run(inputs, orders, rejected, rulebook, dict(options or {}), generated_at(), directory,
                 dict(sorted(gain.items())), waivers, today, portfolio)
    check_balance(result)
    return result


def meta(run: Run) -> dict[str, object]:
    """The provenance block repeated in every output: enough to reproduce the run."""
    return {
        "tool": "procurement",
        "version": __version__,
        "generated_at": run.generated_at,
        "rulebook": run.rulebook.meta(),
        "inputs": [
            {
                "path": info.path,
                "format": info.format,
                "sha256": info.sha256,
                "sheet": info.sheet,
                "header_row": info.header_row,
                "rows_read": info.rows_read,
                "columns": info.columns,
                "ignored_columns": info.ignored_columns,
                "notes": info.notes,
            }
            for info in run.inputs
        ],
        "counts": run.counts,
        "options": run.options,
        **(
            {"directory": {**run.directory.summary(), "rules_made_evaluable": run.directory_gain}}
            if run.directory is not None
            else {}
        ),
        **({"waivers": run.waivers.report(run.today)} if run.waivers is not None else {}),
    }
