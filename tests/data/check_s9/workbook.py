"""A buyer's workbook for the check_s9 tests: `procurement template`'s workbook, filled by field name.

Filled by header (the template's header of each field, in the workbook's language), never by column
letter, so that the tests follow the template when its columns move. `edit` changes the saved workbook the
way a buyer does (a renamed header, a column added on the right, a blank cell).

The scenario (`TENDERS`, `BIDS`) is the reviewer's (/tmp/rev9b/build_main.py), cut down: a school-catering
tender, a works tender above the European threshold, an office-supplies tender, and their bids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

TENDERS: list[dict[str, Any]] = [
    {"id": "2026-RES-014", "buyer_name": "Direction de l'éducation", "nature": "Marché",
     "object": "Fourniture de repas pour la restauration scolaire (cantines)", "procedure": "Procédure adaptée",
     "cpv": "55523100", "amount": 180_000, "launch_date": dt.date(2026, 9, 15), "place_code": "13001", "lots": 1,
     "env_considerations": "Clause environnementale", "social_considerations": "Clause sociale",
     "insertion_hours": 350, "award_criteria": "Prix 60 %, valeur technique 40 %", "price_weight": 60,
     "env_weight": 0},
    {"id": "2026-TRX-003", "buyer_name": "Direction des bâtiments", "nature": "Marché",
     "object": "Réhabilitation lourde du groupe scolaire Saint-Louis", "procedure": "Procédure adaptée",
     "cpv": "45214200", "amount": 6_200_000, "launch_date": dt.date(2026, 10, 1), "place_code": "13015", "lots": 4,
     "env_considerations": "Clause environnementale", "award_criteria": "Prix 50 %, valeur technique 50 %",
     "price_weight": 50, "env_weight": 0},
    {"id": "2026-FOU-021", "buyer_name": "Direction de la logistique", "nature": "Marché",
     "object": "Fournitures de bureau", "cpv": "30192000", "amount": 85_000, "launch_date": dt.date(2026, 3, 2),
     "place_code": "13100", "lots": 1, "env_considerations": "Pas de considération environnementale",
     "social_considerations": "Pas de considération sociale", "award_criteria": "Prix 100 %", "price_weight": 100,
     "env_weight": 0},
]
BIDS: list[dict[str, Any]] = [
    {"id": "P01", "supplier_name": "Les Cuisines de Provence", "amount": 172_500, "delivery_km": 35,
     "intermediaries": 1, "organic_share": 25, "egalim_share": 60, "origin_france": 80, "origin_eu": 95,
     "insertion_hours": 400, "tender_id": "2026-RES-014"},
    {"id": "P02", "supplier_name": "Sodexa Restauration", "amount": 165_000, "delivery_km": 310,
     "intermediaries": 2, "organic_share": 22, "egalim_share": 60, "declared_emissions": 12_000,
     "origin_france": 50, "origin_eu": 90, "insertion_hours": 350, "tender_id": "2026-RES-014"},
    {"id": "B01", "supplier_name": "BTP Méditerranée", "amount": 5_950_000, "recycled_share": 30,
     "declared_emissions": 850_000, "insertion_hours": 12_000, "tender_id": "2026-TRX-003"},
    {"id": "F01", "supplier_name": "Bureau Plus", "amount": 79_800, "recycled_share": 45, "tender_id": "2026-FOU-021"},
]
SHEETS = {"fr": ("Consultation", "Offres"), "en": ("Tender", "Bids")}


def header_of(field: str, lang: str = "fr") -> str:
    from procurement.fields import FIELDS_BY_NAME

    return FIELDS_BY_NAME[field].header(lang)


def column_of(ws: Any, header: str) -> int:
    """The 1-based column of a header on the first row."""
    return next(c.column for c in ws[1] if c.value == header)


def letter(field: str, sheet: str = "Offres", lang: str = "fr") -> str:
    """The column letter of a field in the template's sheet, as the buyer sees it (the template may move it)."""
    from openpyxl.utils import get_column_letter

    from procurement.template import build_template

    return get_column_letter(column_of(build_template(lang)[sheet], header_of(field, lang)))


def build(path: Path, tenders: list[dict[str, Any]] | None = None, bids: list[dict[str, Any]] | None = None,
          lang: str = "fr", edit: Callable[[Any], None] | None = None) -> Path:
    """The template written to `path`, filled with the rows given (field -> value), then `edit`ed."""
    import openpyxl

    from procurement.template import write_template

    write_template(path, lang)
    wb = openpyxl.load_workbook(path)
    for sheet, rows in zip(SHEETS[lang], (TENDERS if tenders is None else tenders, BIDS if bids is None else bids),
                           strict=True):
        ws = wb[sheet]
        for r, row in enumerate(rows, start=2):
            for name, value in row.items():
                cell = ws.cell(row=r, column=column_of(ws, header_of(name, lang)), value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    if edit is not None:
        edit(wb)
    wb.save(path)
    return path


def check(workbook: Path, out: Path, *args: str) -> tuple[Any, dict[str, Any], str]:
    """`procurement check` on the workbook: the CLI result, check.json and check.html."""
    import json

    from click.testing import CliRunner

    from procurement.cli import main

    result = CliRunner().invoke(main, ["check", str(workbook), "--out", str(out), *args])
    assert result.exit_code in (0, 1), result.output
    data = json.loads((out / "check.json").read_text(encoding="utf-8"))
    return result, data, (out / "check.html").read_text(encoding="utf-8")


def text(html: str) -> str:
    """The page's text, spaces of every kind as one: what a buyer reads (a date kept on one line is in a span
    that is no word's end)."""
    html = re.sub(r'<span class="nowrap">([^<]*)</span>', r"\1", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ").replace("\u202f", " ").split())
