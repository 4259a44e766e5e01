"""The one-way flow: read -> validate -> enrich -> evaluate -> score, as a library call.

`run()` is what the CLI calls and what a Python user can call directly. It accounts for every input
row: each becomes a scored order, a rejection, or (DECP only) a row merged into the order or the
rejection it duplicates (a contract's other rows or earlier versions); `Run.counts` states the
balance and `check_balance` enforces it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from procurement import __version__
from procurement.errors import InputError
from procurement.ledger import Ledger
from procurement.model import Order, Rejection, Warning_
from procurement.order_identity import DUPLICATE_ORDER, copy_key, order_key
from procurement.parallel import score_stream
from procurement.portfolio import SplittingDetector
from procurement.provenance import build_digests
from procurement.read import choose_reader, read_file
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.rulebook.book import STATUSES
from procurement.scorer import ChunkResult, Context, score_record
from procurement.spool import Spool
from procurement.store import Members, OrderStore
from procurement.waivers import apply_waivers, run_date


@dataclass(slots=True)
class ScoredOrder:
    order: Order
    findings: list[Any]
    scores: Any
    original: dict[str, object] | None = None
    # (language, the JSON of the first findings) when a worker already encoded them (procurement.scorer);
    # findings the whole batch adds later (RISK-02) are encoded when written.
    encoded: tuple[str, tuple[bytes, ...]] | None = None
    # (language, (message, evidence, missing) of each finding for results.xlsx, None if not applicable),
    # likewise computed by a worker (procurement.write.xlsx_rows.FindingTexts).
    texts: tuple[str, tuple[Any, ...]] | None = None


@dataclass(slots=True)
class Run:
    inputs: list[InputInfo]
    orders: Sequence[ScoredOrder]  # a list, or an OrderStore replayed from disk
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
    merged: int | None = None  # DECP rows merged into orders and rejections, counted while streaming

    def rules(self) -> list[Any]:
        """The rulebook's rules, then any other rule a finding names (RISK-02, added over the batch)."""
        rules = list(self.rulebook.rules)
        known = {r.id for r in rules}
        if isinstance(self.orders, OrderStore):  # replaying every order to learn this would cost a pass
            if self.orders.portfolio_rule is not None:
                rules.append(self.orders.portfolio_rule)
            return rules
        for scored in self.orders:
            for f in scored.findings:
                if f.rule not in known:
                    known.add(f.rule)
                    rules.append(f.compiled)
        return rules

    def statuses(self) -> list[str]:
        """The statuses orders were counted under: the engine's four, then any a later stage added (waived)."""
        out = list(STATUSES)
        if isinstance(self.orders, OrderStore):
            return out + [s for s in self.orders.statuses if s not in out]
        for scored in self.orders:
            for status in scored.scores.counts:
                if status not in out:
                    out.append(status)
        return out

    @property
    def counts(self) -> dict[str, int]:
        merged = self.merged
        if merged is None:  # a rejected contract's other rows are merged into its rejection
            merged = sum(len(s.order.source.merged_rows) for s in self.orders) + rejected_merged(self.rejected)
        return {
            "rows_read": sum(i.rows_read for i in self.inputs),
            "orders": len(self.orders),
            "rejected": len(self.rejected),
            "merged": merged,
        }


def rejected_merged(rejected: Any) -> int:
    """The rows merged into rejections: a DECP contract whose current version is rejected (a negative
    amount) took its other rows and earlier versions with it, and the balance failed on them."""
    return sum(len(r.source.merged_rows) for r in rejected)


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


def dedupe_warning(order: Order, where: str, copy: bool = False) -> Order:
    """The warning on a later row of an id. A copy (same amount and date too: one order read twice) is
    `duplicate_order`, which the summary counts once (`procurement.aggregate`) and which replaces the
    reader's own `duplicate_id`; another row of the id is `duplicate_id`, counted like any order."""
    if copy:
        warning = Warning_(
            code=DUPLICATE_ORDER,
            field="id",
            value=order.id,
            message_fr=f"copie de la commande lue en {where} (même acheteur, identifiant, montant et date) : "
                       "évaluée, mais comptée une seule fois dans la synthèse",
            message_en=f"copy of the order read at {where} (same buyer, id, amount and date): scored, but "
                       "counted once in the summary",
        )
        kept = tuple(w for w in order.warnings if w.code != "duplicate_id")
        return order.model_copy(update={"warnings": (*kept, warning)})
    warning = Warning_(
        code="duplicate_id",
        field="id",
        value=order.id,
        message_fr=f"identifiant déjà vu ({where}), avec un autre montant ou une autre date : les deux lignes "
                   "sont évaluées et comptées",
        message_en=f"identifier already seen ({where}), with another amount or date: both rows are scored and "
                   "counted",
    )
    return order.model_copy(update={"warnings": (*order.warnings, warning)})


def process(records: Iterable[RawRecord | Rejection], rulebook: Any, orders: list[ScoredOrder],
            rejected: list[Rejection], directory: Any = None, gain: dict[str, int] | None = None,
            waivers: Any = None, today: dt.date | None = None) -> None:
    """Score records into `orders` and `rejected`, in memory: for small batches (a tender and its bids).
    Repeated ids and copies are found as the streaming run finds them (`Ledger.duplicates`), and warned of
    in the same words."""
    ctx = Context(rulebook, directory, waivers, today or run_date())
    ledger, start = Ledger(), len(orders)
    for record in records:
        if isinstance(record, Rejection):
            rejected.append(record)
            continue
        result = score_record(record, ctx, gain)
        if isinstance(result, Rejection):
            rejected.append(result)
            continue
        order, _raw, findings, scores = result
        # Ids are unique per buyer only (DECP): two buyers may both have a contract "2025-001".
        key, src = order_key(order), order.source
        ledger.add(key, copy_key(order, key), order.id, src.file, src.row, src.path,
                   any(w.code == "duplicate_id" for w in order.warnings))
        orders.append(ScoredOrder(order, findings, scores, record.original))
    for position, (where, copy) in ledger.duplicates().items():
        scored = orders[start + position]
        scored.order = dedupe_warning(scored.order, where, copy)


def _reported(records: Iterable[RawRecord | Rejection], info: InputInfo, name: str, progress: Any
              ) -> Iterable[RawRecord | Rejection]:
    for i, record in enumerate(records, 1):
        if not i & 511:
            progress.update(name, info.rows_read, info.rows_estimate)
        yield record


@dataclass(slots=True)
class _Tally:
    """What the parent process keeps while streaming: counters, and a few bytes of each order (`ledger`)."""

    ledger: Ledger = field(default_factory=Ledger)
    gain: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    statuses: list[str] = field(default_factory=list)


def _add(into: dict[Any, int], counts: dict[Any, int]) -> None:
    for k, v in counts.items():
        into[k] = into.get(k, 0) + v


def _absorb(chunk: ChunkResult, from_worker: bool, spool: Spool, rejected: list[Rejection], tally: _Tally,
            detector: SplittingDetector, ctx: Context) -> None:
    _add(tally.gain, chunk.gain)
    tally.statuses += [s for s in chunk.statuses if s not in tally.statuses]
    if from_worker:  # what a worker counted in its own copies of the waivers and the register
        if ctx.waivers is not None:
            _add(ctx.waivers.applied, chunk.applied)
            _add(ctx.waivers.blocked, chunk.blocked)
        if ctx.directory is not None:
            ctx.directory.enriched_orders += chunk.enriched
            _add(ctx.directory.filled, chunk.filled)
    for item in chunk.items:
        if isinstance(item, Rejection):
            rejected.append(item)
            tally.merged += len(item.source.merged_rows)
            continue
        position = tally.ledger.add(item.key, item.copy, item.id, item.file, item.row, item.path,
                                    item.has_duplicate_warning)
        tally.merged += item.merged
        if item.facts is not None:
            detector.add(item.facts, position)
        spool.append(item.blob)


def _refuse_repeated(paths: Sequence[Path]) -> None:
    """One file given twice (« x.csv x.csv », or « x.csv ./x.csv »): its copies share their file and row, so
    half the order pages overwrote the other half and the report linked both copies to one page, while
    every figure counted each order once. Said before anything is read."""
    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        key = os.path.normcase(os.path.realpath(path))
        first = seen.setdefault(key, path)
        if first is not path:
            if str(first) == str(path):
                raise InputError("fichier donné deux fois : donnez-le une seule fois", "file given twice: give it once",
                                 where=str(path))
            raise InputError(f"même fichier que « {first} » : donnez-le une seule fois",
                             f"same file as “{first}”: give it once", where=str(path))


def _refuse_repeated_sheets(path: Path, sheets: Sequence[str]) -> None:
    """One sheet asked for twice (« --sheet X --sheet X », or by name and by number): its two readings share
    file, sheet and row, as a file given twice does, so it is refused the same way, before anything is read.
    A --sheet the workbook lacks is left to its reader, which lists the sheets."""
    from procurement.read.xlsx_parts import sheet_names
    from procurement.read.xlsx_reader import pick_sheet

    names = sheet_names(path) or []
    seen: dict[str, str] = {}
    for wanted in sheets:
        try:
            title = pick_sheet(names, [True] * len(names), wanted, str(path))
        except InputError:
            title = wanted
        first = seen.get(title)
        seen.setdefault(title, wanted)
        if first is not None:
            same = first == wanted
            raise InputError(
                "feuille donnée deux fois" + ("" if same else f" (« {first} » et « {wanted} »)")
                + " : donnez-la une seule fois",
                "sheet given twice" + ("" if same else f" (“{first}” and “{wanted}”)") + ": give it once",
                where=f"{path} [{title}]")


def _inputs(paths: Sequence[Path], options: ReadOptions | None, forced_format: str | None, sheets: Sequence[str]
            ) -> Iterator[tuple[Path, ReadOptions | None]]:
    """(file, read options) of each input: a workbook once per sheet asked for (`sheets`, the user's
    repeated --sheet), every other file once."""
    _refuse_repeated(paths)
    workbooks = [p for p in map(Path, paths) if len(sheets) > 1 and choose_reader(p, forced_format).name == "xlsx"]
    for path in workbooks:
        _refuse_repeated_sheets(path, sheets)
    names = Counter(Path(p).name for p in paths)
    for path in map(Path, paths):
        opened = options
        if names[path.name] > 1:  # a/x.csv and b/x.csv: their rows say which x.csv
            opened = replace(options or ReadOptions(), file_label=str(path))
        if path in workbooks:
            for sheet in sheets:
                yield path, replace(opened or ReadOptions(), sheet=sheet)
        else:
            yield path, opened


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
    jobs: int = 1,
    sheets: Sequence[str] = (),
    encode: str | None = None,
    texts: str | None = None,
) -> Run:
    """Score every row of every input against a compiled rulebook (and a WaiverSet, when given).

    Streams: records are scored in chunks (on `jobs` processes) and kept pickled in a spool, so memory
    does not grow with the input; `Run.orders` is an `OrderStore` that replays them for each writer.
    With `encode` (a language), the findings of each order's results.json record are encoded while
    scoring, on the workers, and kept with it (`ScoredOrder.encoded`); with `texts`, likewise the texts
    of results.xlsx's rule sheets (`ScoredOrder.texts`).
    """
    inputs: list[InputInfo] = []
    rejected: list[Rejection] = []
    today = run_date()  # SOURCE_DATE_EPOCH-aware, once per run: waivers expire on the run's day
    ctx = Context(rulebook, directory, waivers, today, encode, texts)
    spool, tally = Spool(), _Tally()
    from procurement.portfolio_findings import portfolio_rule, selected_splitting

    ledger = tally.ledger
    detector = SplittingDetector(ids=ledger.id, sources=ledger.source)
    for path, opened in _inputs(paths, read_options, forced_format, sheets):
        info, records = read_file(path, opened, forced_format)
        inputs.append(info)
        if progress is not None:
            records = _reported(records, info, path.name, progress)
        stream = score_stream(records, ctx, jobs)
        try:
            for chunk, from_worker in stream:
                _absorb(chunk, from_worker, spool, rejected, tally, detector, ctx)
        finally:  # an interruption stops the workers now, not when the generator is collected
            stream.close()
    if progress is not None:
        progress.close()
    spool.flush()
    store = OrderStore(spool, rulebook, waivers=waivers, today=today, duplicates=ledger.duplicates())
    splitting = selected_splitting(rulebook)
    portfolio = detector.findings() if splitting else []
    if splitting:  # listed even when no group was found: the outputs' rules and columns do not depend on the data
        store.portfolio_rule = portfolio_rule("RISK-02")
    if portfolio:
        store.portfolio = Members(portfolio, ledger)
        if waivers is not None:  # matches counted once, here; replays do not count
            from procurement.portfolio_findings import PortfolioOrderFinding

            for oid, groups in store.portfolio.by_order():
                kept = apply_waivers(oid, [PortfolioOrderFinding(g, store.portfolio_rule, oid) for g in groups],
                                     waivers, today)
                tally.statuses += [f.status for f in kept if f.status not in (*STATUSES, *tally.statuses)]
    store.statuses = tally.statuses
    result = Run(inputs, store, rejected, rulebook, dict(options or {}), generated_at(), directory,
                 dict(sorted(tally.gain.items())), waivers, today, portfolio, merged=tally.merged)
    check_balance(result)
    return result


def meta(run: Run) -> dict[str, object]:
    """The provenance block repeated in every output: enough to reproduce the run."""
    return {
        "tool": "procurement",
        "version": __version__,
        # The code and reference data that scored the batch, by digest (procurement/provenance.py).
        "build": build_digests(),
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
