"""Reading and scoring a `check` workbook: its two sheets, each bid tied to its consultation.

The consultation sheet is read and scored like any order against the pre-award rules (legal, risk, kpi);
the bids sheet the same way against the pre-award indicators only, each bid of nature `offre` taking from
its consultation what describes the purchase (`check_inherit.INHERITED`), the consultation's value
prevailing over a bid's own. Why a bid inherits and never the bidder's traits: see `procurement.check`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from procurement.check_inherit import cpv_unsaid, inherit
from procurement.check_result import IGNORED_ROWS, CheckResult, UnreadColumn, first_rows, sheet_columns
from procurement.errors import InputError
from procurement.i18n import counted
from procurement.model import Rejection, Warning_
from procurement.pipeline import Run, ScoredOrder, check_balance, generated_at, process
from procurement.read.base import Cell, RawRecord, ReadOptions

TENDER_SHEETS = ("consultation", "tender", "consultations", "tenders")
BID_SHEETS = ("offres", "bids", "offre", "bid")


# Dashes a keyboard or a word processor puts in a reference ("2026‑RES‑014" with non-breaking hyphens).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(s.lower().split())


def tender_key(text: str) -> str:
    """A consultation reference as it may be retyped on the bids sheet: case, spacing and dashes aside, so
    that "2026-res-014" finds "2026-RES-014" (only when one consultation answers to it)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_DASHES).casefold().split())


def find_sheets(path: Path, heads: dict[str, list[tuple[object, ...]]] | None = None) -> tuple[str, str]:
    """The names of the consultation and bids sheets (either language, any case or accents). `heads` receives
    the first non-blank rows of both, read in the same opening of the workbook: where each column is."""
    from procurement.read.xlsx_reader import check_archive

    where = str(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise InputError(
            "check lit le classeur de « procurement template » (.xlsx), avec ses feuilles « Consultation » et "
            "« Offres »",
            "check reads the workbook of “procurement template” (.xlsx), with its “Tender” and “Bids” sheets",
            where=where,
        )
    if not path.is_file():
        raise InputError("fichier introuvable", "file not found", where=where)
    check_archive(path, where)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise InputError(f"classeur illisible ({type(exc).__name__})", f"unreadable workbook ({exc})",
                         where=where) from None
    folded = {_fold(n): n for n in names}
    tender = next((folded[k] for k in TENDER_SHEETS if k in folded), None)
    bids = next((folded[k] for k in BID_SHEETS if k in folded), None)
    try:
        for name in (tender, bids) if heads is not None else ():
            if name is not None:
                heads[name] = first_rows(wb[name])
    except Exception:  # a damaged sheet: the reader reports it in its own words
        pass
    finally:
        wb.close()
    if tender is None or bids is None:
        raise InputError(
            f"feuilles « Consultation » et « Offres » attendues (classeur de « procurement template ») ; "
            f"feuilles du classeur : {', '.join(f'« {n} »' for n in names)}",
            f"sheets “Tender” and “Bids” expected (workbook of “procurement template”); the workbook's sheets: "
            f"{', '.join(f'“{n}”' for n in names)}",
            where=where,
        )
    return tender, bids


def _code(value: object) -> str | None:
    from procurement.parse import ParseError, parse_code

    try:
        return parse_code(value)
    except ParseError:
        return None


def _warning(code: str, fr: str, en: str, value: object = None, column: str | None = None) -> Warning_:
    return Warning_(code=code, field="tender_id", column=column, value=None if value is None else str(value),
                    message_fr=fr, message_en=en)


def _quoted(ids: Iterable[str], lang: str, limit: int = 5) -> str:
    """Up to `limit` references, quoted and joined as a sentence says them ("« A », « B » ou « C »")."""
    items = list(ids)
    shown = [f"« {i} »" if lang == "fr" else f"“{i}”" for i in items[:limit]]
    if len(items) > limit:
        return ", ".join(shown) + ", …"
    last = " ou " if lang == "fr" else " or "
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + last + shown[-1]


def _unattached(given: str | None, tenders: Iterable[str], sheet: str, bid_sheet: str, column: str | None,
                nameless: tuple[int | None, ...] = (), marker: str | None = None) -> Warning_:
    """Why a bid is attached to no consultation, and what to type: the blank or unknown cell by its column;
    for an unknown reference, a close one (a stricter cut-off than `did_you_mean`'s: references look alike,
    "2026-TRX-003" and "2026-RES-014" are 0.67 apart) or the rejected consultation rows without an id.
    `marker`: the text of a cell read as "not given" (« NC », « - »), which is quoted, not called blank."""
    ids = list(tenders)
    if given is None and marker is not None:
        return _warning(
            "unattached_bid",
            f"offre non rattachée : « {marker} », colonne {column}, n'est pas une référence de consultation ; "
            f"indiquez la consultation de l'offre ({_quoted(ids, 'fr')})",
            f"bid not attached: “{marker}”, column {column}, is not a tender reference; give the bid's tender "
            f"({_quoted(ids, 'en')})",
            marker, column)
    if given is None and column is None:
        return _warning(
            "unattached_bid",
            f"offre non rattachée : la feuille « {bid_sheet} » n'a pas de colonne « Consultation » ; ajoutez-la et "
            f"indiquez-y la consultation de chaque offre ({_quoted(ids, 'fr')})",
            f"bid not attached: the “{bid_sheet}” sheet has no “Tender” column; add it and give each bid its "
            f"tender ({_quoted(ids, 'en')})")
    if given is None:
        return _warning(
            "unattached_bid",
            f"offre non rattachée : colonne {column} vide ; indiquez la consultation de l'offre "
            f"({_quoted(ids, 'fr')})",
            f"bid not attached: column {column} is blank; give the bid's tender ({_quoted(ids, 'en')})",
            None, column)
    close = difflib.get_close_matches(given, ids, n=1, cutoff=0.85)
    rows = ", ".join(str(r) for r in nameless)
    hint_fr = (f" ; vouliez-vous dire « {close[0]} » ?" if close else
               f" ; la consultation de la ligne {rows}, sans identifiant, a été rejetée" if rows else "")
    hint_en = (f"; did you mean “{close[0]}”?" if close else
               f"; the tender on row {rows}, without an identifier, was rejected" if rows else "")
    return _warning(
        "unattached_bid",
        f"offre non rattachée : consultation « {given} », colonne {column or 'Consultation'}, introuvable dans la "
        f"feuille « {sheet} »{hint_fr}",
        f"bid not attached: tender “{given}”, column {column or 'Tender'}, not found in the “{sheet}” sheet{hint_en}",
        given, column)


def _bid_records(records: Iterable[RawRecord | Rejection], tenders: dict[str, tuple[RawRecord, Any]],
                 sheet: str, attached: dict[tuple[str | None, int | None], str | None],
                 refused: dict[str, int | None] | None = None,
                 taken: dict[tuple[str | None, int | None], tuple[str, ...]] | None = None,
                 column: str | None = None, bid_sheet: str = "Offres", nameless: tuple[int | None, ...] = ()
                 ) -> Iterator[RawRecord | Rejection]:
    """Bid records as the pipeline will read them: nature `offre`, linked to a tender, its context inherited.
    `refused`: ids of the consultations rejected, with their row: a bid citing one is told so, never
    attached to another consultation nor said to cite one that does not exist. `taken` receives, per
    bid row, the fields it inherited (check.json names them rather than repeating their values). `column`
    names the bids sheet's « Consultation » column ("R (Consultation)"), for the messages; `nameless`, the
    rows of the consultations rejected without an identifier. A reference
    retyped in another case or with other dashes finds its consultation when only one answers to it."""
    refused = refused or {}
    taken = {} if taken is None else taken
    only = next(iter(tenders)) if len(tenders) == 1 else None
    keys: dict[str, list[str]] = {}
    for known in (*tenders, *refused):
        if known not in keys.setdefault(tender_key(known), []):
            keys[tender_key(known)].append(known)
    for record in records:
        if isinstance(record, Rejection):
            yield record
            continue
        cells = record.cells
        cells.setdefault("nature", Cell("-", "offre"))
        given = _code(cells["tender_id"].value) if "tender_id" in cells else None
        where = cells["tender_id"].column if "tender_id" in cells else column
        # « NC », « ND », « - »: typed, but no reference (parse.blank); said as typed, never as a blank cell
        raw = cells["tender_id"].value if "tender_id" in cells else None
        marker = (" ".join(raw.split()) or None) if given is None and isinstance(raw, str) else None
        if given is not None and given not in tenders and given not in refused:
            same = keys.get(tender_key(given), [])
            if len(same) == 1:
                record.warnings.append(_warning(
                    "tender_id_retyped", f"« {given} » lu comme la consultation « {same[0]} »",
                    f"“{given}” read as the tender “{same[0]}”", given, where))
                given = same[0]
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
                f"bid not attached: tender “{given}”{where_en} was rejected; fix it (see the rejected rows) and "
                "run the check again", given, where))
        elif only is not None:
            tender_id = only
            if given is None:
                cells["tender_id"] = Cell("-", only)
                if marker is not None:
                    record.warnings.append(_warning(
                        "unknown_tender",
                        f"« {marker} », colonne {where}, n'est pas une référence de consultation : offre rattachée "
                        f"à la seule consultation, « {only} »",
                        f"“{marker}”, column {where}, is not a tender reference: bid attached to the only tender, "
                        f"“{only}”", marker, where))
            else:
                record.warnings.append(_warning(
                    "unknown_tender",
                    f"consultation « {given} » absente de la feuille « {sheet} » : offre rattachée à la seule "
                    f"consultation, « {only} »",
                    f"tender “{given}” not in the “{sheet}” sheet: bid attached to the only tender, “{only}”",
                    given, where))
        else:
            tender_id = None
            record.warnings.append(_unattached(given, tenders, sheet, bid_sheet, where, nameless, marker))
        if tender_id is not None:
            names = inherit(record, *tenders[tender_id], sheet, bid_sheet)
            if names:
                taken[(record.source.sheet, record.source.row)] = names
        attached[(record.source.sheet, record.source.row)] = tender_id
        yield record


def _name_columns(rejected: list[Rejection], labels: dict[str, str]) -> None:
    """Give a rejection its column when the check knows it and the reader could not (a blank identifier)."""
    for i, r in enumerate(rejected):
        if r.column is None and r.field in labels:
            rejected[i] = r.model_copy(update={"column": labels[r.field]})


def _name_duplicates(orders: list[ScoredOrder], column: str | None) -> None:
    """A repeated identifier by the sheet and row that has it first (the pipeline says "file.xlsx:2", which
    names neither the sheet nor what to do); a repeated consultation keeps only its own warning. A copy
    (`duplicate_order`: same amount and date too) gets the same advice: a check has no summary to count
    it once in, and two rows under one identifier cannot be told apart on the page."""
    from procurement.order_identity import DUPLICATE_ORDER, order_key

    repeated = ("duplicate_id", DUPLICATE_ORDER)
    first: dict[int, Any] = {}
    for scored in orders:
        order = scored.order
        earlier = first.setdefault(order_key(order), order.source)
        if earlier is order.source or not any(w.code in repeated for w in order.warnings):
            continue
        kept = [w for w in order.warnings if w.code not in repeated]
        if not any(w.code == "duplicate_tender" for w in kept):
            sheet, row = earlier.sheet, earlier.row
            kept.append(Warning_(
                code="duplicate_id", field="id", column=column, value=order.id,
                message_fr=f"identifiant « {order.id} » déjà pris par la ligne {row} de la feuille « {sheet} » ; les "
                           "deux lignes sont évaluées, donnez à chacune son propre identifiant",
                message_en=f"identifier “{order.id}” already used on row {row} of the “{sheet}” sheet; both rows are "
                           "scored, give each its own identifier"))
        order.warnings = tuple(kept)


def _said_on_the_tender(bids: list[ScoredOrder], attached: dict[int, str | None],
                        inherited: dict[int, tuple[str, ...]], tenders: dict[str, tuple[RawRecord, Any]]) -> None:
    """A bid's warnings about a value it took from its consultation (a place code without its type), which the
    consultation says already: the consultation's cell is the one to fix, and each bid repeated it (300 bids,
    300 copies, asking for a column the bids sheet has not)."""
    for i, scored in enumerate(bids):
        names, tender_id = inherited.get(i, ()), attached.get(i)
        if not names or tender_id is None:
            continue
        said = {(w.code, w.field, w.value) for w in tenders[tender_id][1].warnings}
        order = scored.order
        order.warnings = tuple(w for w in order.warnings
                               if w.field not in names or (w.code, w.field, w.value) not in said)


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
    from procurement.template import BID_COLUMNS, TENDER_COLUMNS
    from procurement.waivers import run_date

    path = Path(path)
    heads: dict[str, list[tuple[object, ...]]] = {}
    tender_sheet, bid_sheet = find_sheets(path, heads)
    # The workbook's own language names the header a renamed column should get back.
    book_lang = "en" if _fold(tender_sheet) in ("tender", "tenders") else "fr"
    columns: dict[str, dict[str, str]] = {}
    unread: list[UnreadColumn] = []
    for sheet, template in ((tender_sheet, TENDER_COLUMNS), (bid_sheet, BID_COLUMNS)):
        columns[sheet], lost = sheet_columns(sheet, heads.get(sheet, []), tuple(c.field for c in template),
                                              book_lang)
        unread += lost
    tender_book = _scoped(rulebook, ("legal", "risk", "kpi"))
    bid_book = _scoped(rulebook, ("kpi",))
    stamp = generated_at()
    today = run_date()  # SOURCE_DATE_EPOCH-aware, once per run: waivers expire on the run's day
    used = dict(options or {})
    gain: dict[str, int] = {}

    info, records = read_file(path, ReadOptions(sheet=tender_sheet, reject_id_only=False), "xlsx")
    raw_tenders = list(records)
    orders: list[ScoredOrder] = []
    rejected: list[Rejection] = []
    process(raw_tenders, tender_book, orders, rejected, directory, gain, waivers, today)
    _name_columns(rejected, columns[tender_sheet])
    tender_run = Run([info], orders, rejected, tender_book, used, stamp, directory, {}, waivers, today)
    check_balance(tender_run)
    if not orders and not rejected:  # nothing typed under the headers (the template as written, or bids alone)
        bids = sum(1 for _ in read_file(path, ReadOptions(sheet=bid_sheet, reject_id_only=False), "xlsx")[1])
        with_fr = f" alors que la feuille « {bid_sheet} » a {counted(bids, 'offre', 'offres', 'fr')}" if bids else ""
        with_en = f", while the “{bid_sheet}” sheet has {counted(bids, 'bid', 'bids', 'en')}" if bids else ""
        raise InputError(
            f"la feuille « {tender_sheet} » n'a aucune ligne remplie{with_fr} : remplissez-y une ligne par "
            f"consultation (ou par lot) sous les en-têtes, au moins son identifiant, puis relancez la vérification",
            f"the “{tender_sheet}” sheet has no filled-in row{with_en}: fill in one row per tender (or lot) under "
            f"the headers, at least its identifier, then run the check again",
            where=str(path),
        )
    if not orders:
        reasons = "; ".join(r.message("fr") for r in rejected[:3])
        reasons_en = "; ".join(r.message("en") for r in rejected[:3])
        raise InputError(
            f"aucune consultation lisible dans la feuille « {tender_sheet} »" + (f" : {reasons}" if reasons else ""),
            f"no readable tender in the “{tender_sheet}” sheet" + (f": {reasons_en}" if reasons_en else ""),
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
    _name_duplicates(orders, columns[tender_sheet].get("id"))
    refused: dict[str, int | None] = {}
    unchecked: dict[int, str | None] = {}  # index in `rejected` -> the id of the consultation left unchecked
    for i, r in enumerate(rejected):
        if r.code in IGNORED_ROWS:  # a total line or a note: no consultation was left unchecked
            continue
        raw = by_row.get((r.source.sheet, r.source.row))
        code = _code(raw.cells["id"].value) if raw is not None and "id" in raw.cells else None
        unchecked[i] = code
        if code is not None and code not in tenders:
            refused.setdefault(code, r.source.row)

    info_b, records_b = read_file(path, ReadOptions(sheet=bid_sheet, reject_id_only=False), "xlsx")
    links: dict[tuple[str | None, int | None], str | None] = {}
    taken: dict[tuple[str | None, int | None], tuple[str, ...]] = {}
    bid_orders: list[ScoredOrder] = []
    bid_rejected: list[Rejection] = []
    bid_columns = columns[bid_sheet]
    nameless = tuple(rejected[i].source.row for i, code in unchecked.items() if code is None)
    process(_bid_records(records_b, tenders, tender_sheet, links, refused, taken, bid_columns.get("tender_id"),
                         bid_sheet, nameless), bid_book, bid_orders, bid_rejected, directory, gain, waivers, today)
    _name_columns(bid_rejected, bid_columns)
    _name_duplicates(bid_orders, bid_columns.get("id"))
    bid_run = Run([info_b], bid_orders, bid_rejected, bid_book, used, stamp, directory, {}, waivers, today)
    check_balance(bid_run)
    attached = {i: links.get((s.order.source.sheet, s.order.source.row)) for i, s in enumerate(bid_orders)}
    rejected_to = {i: links.get((r.source.sheet, r.source.row)) for i, r in enumerate(bid_rejected)}
    inherited = {i: taken[(s.order.source.sheet, s.order.source.row)] for i, s in enumerate(bid_orders)
                 if (s.order.source.sheet, s.order.source.row) in taken}
    _said_on_the_tender(bid_orders, attached, inherited, tenders)
    cpv_unsaid(bid_orders, attached, tenders)
    return CheckResult(path, tender_run, bid_run, attached, fail_on, used, directory, dict(sorted(gain.items())),
                       waivers, today, rejected_to, inherited, columns, unread, unchecked)
