"""What a bid takes from its consultation: the values that describe the purchase, not the bid.

A bid answers its consultation: the CPV code, the procedure, the launch date or the place of performance
are the consultation's, whatever a bid's row says. A bid that said its own (a « Code CPV » column added to
the bids sheet, 45000000 under a food consultation 15800000) was once judged on it: the food indicators
became « sans objet » for that bid alone, which then looked flawless beside the others. The consultation's
value is now the one compared, and the bid's differing value is said on that bid, both cells named, so that
the buyer fixes whichever is wrong.

Apart from `check_read` (which ties each bid to its consultation) because comparing two values needs the
cell parsers and the page's words, and `check_read` is about reading the sheets.
"""

from __future__ import annotations

from typing import Any

from procurement.check_words import WORDS
from procurement.model import Warning_
from procurement.read.base import Cell, RawRecord

# What a bid takes from its consultation: the purchase, not the bid.
INHERITED = ("object", "cpv", "procedure", "launch_date", "place_code", "place_type", "buyer_name", "buyer_siret")
DIFFERS = "differs_from_tender"  # the code of the warning a bid gets when its own value is set aside

_UNREAD = object()  # a cell its parser refuses: a value, but none the consultation's can equal


def _read(name: str, value: object) -> object:
    """The value as the rules see it: None for a cell typed « NC » (nothing said), `_UNREAD` for one its
    parser refuses; a CPV code or a SIRET without its check digit or checksum flag."""
    from procurement.parse import ParseError
    from procurement.validate import PARSERS

    try:
        parsed = PARSERS[name][1](value)
    except ParseError:
        return _UNREAD
    return parsed[0] if isinstance(parsed, tuple) else parsed


def _key(value: object) -> object:
    """What two values must share to say the same thing: « Denrées  alimentaires » is « denrées alimentaires »."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def refines(name: str, own: object, tender: object) -> bool:
    """True when the bid's value is a more precise code of the consultation's own family: a CPV code under
    the consultation's (15810000, bread, under 15800000, food products; a lot's code under the contract's).
    Such a value says the same purchase more precisely, so the bid keeps it, silently: it cannot move the bid
    out of the consultation's type of purchase (a division, a group, a class are the code's first digits),
    and a finer code only lets the indicators of that finer purchase apply."""
    if name != "cpv" or not isinstance(own, str) or not isinstance(tender, str) or own == tender:
        return False
    family = tender.rstrip("0").ljust(2, "0")  # a division ending in 0 (90000000, 30000000) keeps its two digits
    return own.startswith(family)


def _cell(column: str, row: int | None) -> tuple[str, str]:
    """(header, cell) of a cell of column "T (Code CPV)" on a row: ("Code CPV", "T3")."""
    letter, _, typed = column.partition(" (")
    return (typed[:-1] or letter), f"{letter}{row or ''}"


def _shown(name: str, raw: object, read: object, lang: str) -> str:
    """A value as the page shows it (a date 15/09/2026, a procedure by its label); an unreadable one as typed."""
    from procurement.parse.errors import show
    from procurement.views.common import fmt_value

    return show(raw) if read is _UNREAD or read is None else fmt_value(read, name, lang)


def _differs(name: str, own: Cell, theirs: Cell, read: tuple[object, object], bid: RawRecord, tender: RawRecord,
             sheets: tuple[str, str]) -> Warning_:
    """The warning of a bid whose own value differs from its consultation's, both values and cells named."""
    from procurement.parse.errors import show

    tender_sheet, bid_sheet = sheets
    header, bid_cell = _cell(own.column, bid.source.row)
    tender_cell = _cell(theirs.column, tender.source.row)[1]
    texts = {}
    for lang in ("fr", "en"):
        cell_in = WORDS[lang]["cell_in"]
        # quoted: « Procédure Appel d'offres ouvert (cellule …) » ran the header into the value
        q = ("« ", " »") if lang == "fr" else ("“", "”")
        mine = f"{q[0]}{_shown(name, own.value, read[0], lang)}{q[1]} " \
               f"({cell_in.format(cell=bid_cell, sheet=bid_sheet)})"
        its = f"{q[0]}{_shown(name, theirs.value, read[1], lang)}{q[1]} " \
              f"({cell_in.format(cell=tender_cell, sheet=tender_sheet)})"
        texts[lang] = (f"{header} {mine} diffère de la valeur de la consultation, {its} : la consultation fait foi"
                       if lang == "fr" else f"{header} {mine} differs from the tender's, {its}: the tender prevails")
    return Warning_(code=DIFFERS, field=name, column=own.column, value=show(own.value),
                    message_fr=texts["fr"], message_en=texts["en"])


def inherit(record: RawRecord, tender: RawRecord, order: Any, tender_sheet: str, bid_sheet: str) -> tuple[str, ...]:
    """Give the bid `record` its consultation's values (`tender`, read as `order`) for the fields of INHERITED
    the consultation states; returns those fields. A bid's own value that says the same thing otherwise
    written (« 15 80 00 00 », « 15800000-2 ») or nothing (« NC ») is replaced silently; one that says another
    thing is replaced too, with a warning naming both values and both cells (`DIFFERS`), unless it refines
    the consultation's (`refines`). A field the consultation leaves blank keeps the bid's value: there is
    nothing to prevail."""
    cells, taken = record.cells, []
    for name in INHERITED:
        theirs = tender.cells.get(name)
        if theirs is None or getattr(order, name, None) is None:
            if name == "place_type" and "place_code" in taken:  # a code and its type go together: the
                cells.pop(name, None)  # bid's « Code département » beside the consultation's commune 13055
            continue
        own = cells.get(name)
        if own is not None:
            read = (_read(name, own.value), _read(name, theirs.value))
            if refines(name, *read):
                continue
            if read[0] is not None and _key(read[0]) != _key(read[1]):
                record.warnings.append(_differs(name, own, theirs, read, record, tender, (tender_sheet, bid_sheet)))
        cells[name] = Cell(f"{tender_sheet}!{theirs.column}", theirs.value)
        taken.append(name)
    return tuple(taken)


def cpv_unsaid(bids: list[Any], attached: dict[int, str | None], tenders: dict[str, tuple[RawRecord, Any]]) -> None:
    """Warn each bid of a consultation that gives no CPV code while its bids give several: each bid is then
    judged on its own code (a food indicator applies to one, not to another), which the page did not say.
    The consultation's code is the one to give (`inherit` then makes it every bid's)."""
    codes: dict[str, set[str]] = {}
    for i, scored in enumerate(bids):
        tender_id = attached.get(i)
        if tender_id is not None and scored.order.cpv and getattr(tenders[tender_id][1], "cpv", None) is None:
            codes.setdefault(tender_id, set()).add(scored.order.cpv)
    for i, scored in enumerate(bids):
        found = codes.get(attached.get(i) or "", set())
        if len(found) < 2 or not scored.order.cpv:
            continue
        listed = ", ".join(sorted(found))
        order = scored.order
        order.warnings = (*order.warnings, Warning_(
            code="cpv_differs_between_bids", field="cpv", value=order.cpv,
            message_fr=f"la consultation ne donne pas de code CPV et ses offres en donnent plusieurs ({listed}) : "
                       "chaque offre est jugée sur le sien ; indiquez le code CPV sur la feuille de la consultation",
            message_en=f"the tender gives no CPV code and its bids give several ({listed}): each bid is judged on "
                       "its own; give the CPV code on the tender's sheet"))
