"""Reading and scoring a `check` workbook: its two sheets, each bid tied to its consultation.

The consultation sheet is read and scored like any order against the pre-award rules (legal, risk, kpi);
the bids sheet the same way against the pre-award indicators only, each bid of nature `offre` taking from
its consultation what describes the purchase (INHERITED) when it does not say it. Why a bid inherits and
never the bidder's traits: see `procurement.check`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from procurement.check_result import CheckResult
from procurement.errors import InputError
from procurement.model import Rejection, Warning_
from procurement.pipeline import Run, ScoredOrder, check_balance, generated_at, process
from procurement.read.base import Cell, RawRecord, ReadOptions

TENDER_SHEETS = ("consultation", "tender", "consultations", "tenders")
BID_SHEETS = ("offres", "bids", "offre", "bid")
# What a bid takes from its consultation when it does not say otherwise: the purchase, not the bid.
INHERITED = ("object", "cpv", "procedure", "launch_date", "place_code", "place_type", "buyer_name", "buyer_siret")


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(s.lower().split())


def find_sheets(path: Path) -> tuple[str, str]:
    """The names of the consultation and bids sheets (either language, any case or accents)."""
    from procurement.read.xlsx_reader import check_archive

    where = str(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise InputError(
            "check lit le classeur de « procurement template » (.xlsx), avec ses feuilles « Consultation » et "
            "« Offres »",
            "check reads the workbook of 'procurement template' (.xlsx), with its 'Tender' and 'Bids' sheets",
            where=where,
        )
    if not path.is_file():
        raise InputError("fichier introuvable", "file not found", where=where)
    check_archive(path, where)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        wb.close()
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise InputError(f"classeur illisible ({type(exc).__name__})", f"unreadable workbook ({exc})",
                         where=where) from None
    folded = {_fold(n): n for n in names}
    tender = next((folded[k] for k in TENDER_SHEETS if k in folded), None)
    bids = next((folded[k] for k in BID_SHEETS if k in folded), None)
    if tender is None or bids is None:
        listed = ", ".join(f"« {n} »" for n in names)
        raise InputError(
            f"feuilles « Consultation » et « Offres » attendues (classeur de « procurement template ») ; "
            f"feuilles du classeur : {listed}",
            f"sheets 'Tender' and 'Bids' expected (workbook of 'procurement template'); the workbook's sheets: "
            f"{listed}",
            where=where,
        )
    return tender, bids


def _code(value: object) -> str | None:
    from procurement.parse import ParseError, parse_code

    try:
        return parse_code(value)
    except ParseError:
        return None


def _warning(code: str, fr: str, en: str, value: object = None) -> Warning_:
    return Warning_(code=code, field="tender_id", value=None if value is None else str(value),
                    message_fr=fr, message_en=en)


def _bid_records(records: Iterable[RawRecord | Rejection], tenders: dict[str, tuple[RawRecord, Any]],
                 sheet: str, attached: dict[tuple[str | None, int | None], str | None],
                 refused: dict[str, int | None] | None = None,
                 taken: dict[tuple[str | None, int | None], tuple[str, ...]] | None = None
                 ) -> Iterator[RawRecord | Rejection]:
    """Bid records as the pipeline will read them: nature `offre`, linked to a tender, its context inherited.
    `refused`: ids of the consultations rejected, with their row: a bid citing one is told so, never
    attached to another consultation nor said to cite one that does not exist. `taken` receives, per
    bid row, the fields it inherited (check.json names them rather than repeating their values)."""
    refused = refused or {}
    taken = {} if taken is None else taken
    only = next(iter(tenders)) if len(tenders) == 1 else None
    for record in records:
        if isinstance(record, Rejection):
            yield record
            continue
        cells = record.cells
        cells.setdefault("nature", Cell("-", "offre"))
        given = _code(cells["tender_id"].value) if "tender_id" in cells else None
        if given is not None and given in tenders:
            tender_id: str | None = given
        elif given is not None and given in refused:
            tender_id = None
            row = refused[given]
            where_fr, where_en = (f" (ligne {row})", f" (row {row})") if row is not None else ("", "")
            record.warnings.append(_warning(
                "unattached_bid",
                f"offre non rattachée : la consultation « {given} »{where_fr} a été rejetée ; corrigez-la "
                "(voir les lignes rejetées) puis relancez la vérification",
                f"bid not attached: tender '{given}'{where_en} was rejected; fix it (see the rejected rows) and "
                "run the check again", given))
        elif only is not None:
            tender_id = only
            if given is None:
                cells["tender_id"] = Cell("-", only)
            else:
                record.warnings.append(_warning(
                    "unknown_tender",
                    f"consultation « {given} » absente de la feuille « {sheet} » : offre rattachée à la seule "
                    f"consultation, « {only} »",
                    f"tender '{given}' not in the '{sheet}' sheet: bid attached to the only tender, '{only}'",
                    given))
        else:
            tender_id = None
            record.warnings.append(_warning(
                "unattached_bid",
                f"offre non rattachée : consultation « {given or ''} » introuvable dans la feuille « {sheet} »",
                f"bid not attached: tender '{given or ''}' not found in the '{sheet}' sheet", given))
        if tender_id is not None:
            raw, order = tenders[tender_id]
            names = tuple(name for name in INHERITED
                          if name not in cells and name in raw.cells and getattr(order, name) is not None)
            for name in names:
                source = raw.cells[name]
                cells[name] = Cell(f"{sheet}!{source.column}", source.value)
            if names:
                taken[(record.source.sheet, record.source.row)] = names
        attached[(record.source.sheet, record.source.row)] = tender_id
        yield record


def _scoped(book: Any, kinds: tuple[str, ...]) -> Any:
    rules = [r for r in book.rules if "pre_award" in r.source.scopes and r.kind in kinds]
    return book.replace_rules(rules, dict(book.selection))


def run_check(path: Path, rulebook: Any, *, fail_on: str = "legal", options: dict[str, object] | None = None,
              directory: Any = None, waivers: Any = None) -> CheckResult:
    """Read and score the workbook: the consultation against pre-award rules, the bids against pre-award KPIs.

    `directory` (a supplier register, `procurement.directory.load_directory`) is joined to every row before
    enrichment; `waivers` (a `WaiverSet`, `procurement.waivers.load_waivers`) wraps the findings it covers.
    """
    from procurement.read import read_file
    from procurement.waivers import run_date

    path = Path(path)
    tender_sheet, bid_sheet = find_sheets(path)
    tender_book = _scoped(rulebook, ("legal", "risk", "kpi"))
    bid_book = _scoped(rulebook, ("kpi",))
    stamp = generated_at()
    today = run_date()  # SOURCE_DATE_EPOCH-aware, once per run: waivers expire on the run's day
    used = dict(options or {})
    gain: dict[str, int] = {}

    info, records = read_file(path, ReadOptions(sheet=tender_sheet), "xlsx")
    raw_tenders = list(records)
    orders: list[ScoredOrder] = []
    rejected: list[Rejection] = []
    process(raw_tenders, tender_book, {}, orders, rejected, directory, gain, waivers, today)
    tender_run = Run([info], orders, rejected, tender_book, used, stamp, directory, {}, waivers, today)
    check_balance(tender_run)
    if not orders:
        reasons = "; ".join(r.message("fr") for r in rejected[:3])
        reasons_en = "; ".join(r.message("en") for r in rejected[:3])
        raise InputError(
            f"aucune consultation lisible dans la feuille « {tender_sheet} »" + (f" : {reasons}" if reasons else ""),
            f"no readable tender in the '{tender_sheet}' sheet" + (f": {reasons_en}" if reasons_en else ""),
            where=str(path),
        )
    by_row = {(r.source.sheet, r.source.row): r for r in raw_tenders if isinstance(r, RawRecord)}
    tenders: dict[str, tuple[RawRecord, Any]] = {}
    for scored in orders:
        raw = by_row[(scored.order.source.sheet, scored.order.source.row)]
        first = tenders.setdefault(scored.order.id, (raw, scored.order))[1]
        if first is not scored.order:  # two lots under one id: the bids can only go to the first
            scored.order.warnings = (*scored.order.warnings, Warning_(
                code="duplicate_tender", field="id", value=scored.order.id, message_fr=
                f"identifiant déjà pris par la consultation de la ligne {first.source.row} : les offres qui le "
                "citent y sont rattachées ; donnez à chaque consultation ou lot son propre identifiant",
                message_en=f"identifier already used by the tender on row {first.source.row}: bids citing it go to "
                "that one; give each tender or lot an identifier of its own"))
    refused = {}
    for r in rejected:
        raw = by_row.get((r.source.sheet, r.source.row))
        code = _code(raw.cells["id"].value) if raw is not None and "id" in raw.cells else None
        if code is not None and code not in tenders:
            refused.setdefault(code, r.source.row)

    info_b, records_b = read_file(path, ReadOptions(sheet=bid_sheet), "xlsx")
    links: dict[tuple[str | None, int | None], str | None] = {}
    taken: dict[tuple[str | None, int | None], tuple[str, ...]] = {}
    bid_orders: list[ScoredOrder] = []
    bid_rejected: list[Rejection] = []
    process(_bid_records(records_b, tenders, tender_sheet, links, refused, taken), bid_book, {}, bid_orders,
            bid_rejected, directory, gain, waivers, today)
    bid_run = Run([info_b], bid_orders, bid_rejected, bid_book, used, stamp, directory, {}, waivers, today)
    check_balance(bid_run)
    attached = {i: links.get((s.order.source.sheet, s.order.source.row)) for i, s in enumerate(bid_orders)}
    rejected_to = {i: links.get((r.source.sheet, r.source.row)) for i, r in enumerate(bid_rejected)}
    inherited = {i: taken[(s.order.source.sheet, s.order.source.row)] for i, s in enumerate(bid_orders)
                 if (s.order.source.sheet, s.order.source.row) in taken}
    return CheckResult(path, tender_run, bid_run, attached, fail_on, used, directory, dict(sorted(gain.items())),
                       waivers, today, rejected_to, inherited)
