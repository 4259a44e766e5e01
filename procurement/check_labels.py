"""A value of a `check` workbook as the buyer finds it: by its column's header and its cell, never by the tool's
field name ("Montant HT (cellule G3)", not "amount").

Apart from the page (`check_page`) because check.json's messages (`check_json`) name a missing value the
same way: the page once rewrote them and check.json kept "Considérations environnementales
(env_considerations)", the engine's words for a batch whose columns it does not know.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from procurement.check_inherit import INHERITED
from procurement.check_words import WORDS
from procurement.fields import FIELDS_BY_NAME


def header(name: str, lang: str) -> str:
    """A field as the template names it: a derived one names the columns it comes from."""
    from procurement.enrich import DERIVED_FROM

    text = FIELDS_BY_NAME[name].header(lang) if name in FIELDS_BY_NAME else name
    sources = DERIVED_FROM.get(name)
    if sources:
        named = ", ".join(FIELDS_BY_NAME[f].header(lang) for f in sources)
        text += f" (deduced from: {named})" if lang == "en" else f" (déduit de : {named})"
    return text


class Sheet:
    """A sheet as the buyer sees it, to name a missing value by its header and its cell ("Montant HT (cellule
    G3)"), or the unread column that should have held it, rather than by the tool's field name.

    `columns`: field -> its column ("G (Montant HT)", check.json's `meta.columns`); `unread`: the columns not
    read, as check.json's `meta.unread_columns` (dicts with sheet, column, header, field, duplicate_of)."""

    def __init__(self, name: str, columns: dict[str, str], unread: Iterable[dict[str, Any]]) -> None:
        self.name = name
        self.columns = columns
        self.unread = {u["field"]: u for u in unread if u["sheet"] == name and u["field"] and not u["duplicate_of"]}
        self.tender: tuple[Sheet, int | None] | None = None  # see `of_bids_of`

    def of_bids_of(self, tender_sheet: Sheet, tender_row: int | None) -> Sheet:
        """This bids sheet for the bids of one consultation: a value a bid takes from its consultation
        (`check_inherit.INHERITED`) and for which the bids sheet has no column is named by the consultation's
        cell (« Code CPV (cellule F2 de la feuille « Consultation ») »), where the buyer types it, not as
        missing from the bids sheet."""
        sheet = copy.copy(self)
        sheet.tender = (tender_sheet, tender_row)
        return sheet

    @classmethod
    def of(cls, data: dict[str, Any], index: int) -> Sheet:
        """The consultation sheet (0) or the bids sheet (1) of check.json's data."""
        inputs = data["meta"]["inputs"]
        name = str(inputs[index]["sheet"]) if len(inputs) > index else ""
        return cls(name, data["meta"].get("columns", {}).get(name, {}), data["meta"].get("unread_columns", []))

    def label(self, name: str, lang: str, row: int | None = None, sheet_named: bool = False) -> str:
        """`sheet_named`: the cell is said with its sheet's name (a bid's value typed on the consultation's)."""
        t = WORDS["en" if lang == "en" else "fr"]
        column = self.columns.get(name)
        if not column and self.tender is not None and name in INHERITED:
            tender, tender_row = self.tender
            return tender.label(name, lang, tender_row, sheet_named=True)
        if column:  # "G (Montant HT)": the header the buyer typed, and the cell on the row
            letter, _, typed = column.partition(" (")
            if not row:
                return typed[:-1]
            cell = (t["cell_in"].format(cell=f"{letter}{row}", sheet=self.name) if sheet_named
                    else t["cell"].format(cell=f"{letter}{row}"))
            return f"{typed[:-1]} ({cell})"
        text = header(name, lang)
        if name in self.unread:
            u = self.unread[name]
            return f"{text} ({t['unread_for'].format(column=u['column'], header=u['header'])})"
        if name in FIELDS_BY_NAME and not FIELDS_BY_NAME[name].derived and self.name:
            return f"{text} ({t['absent'].format(sheet=self.name)})"
        return text
