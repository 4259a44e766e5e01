"""Plain, JSON-ready records of a run: the one place that turns orders and findings into dicts.

Every writer (JSON, CSV, HTML view models) starts from these records, so a field added here shows up
the same way everywhere, and each output stays a formatting concern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procurement.model import Order, Rejection, Source, Warning_
from procurement.pipeline import ScoredOrder

_ORDER_SKIP = {"source", "warnings", "origins"}


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def source_dict(source: Source) -> dict[str, object]:
    out: dict[str, object] = {"file": source.file, "sheet": source.sheet, "row": source.row}
    if source.path:
        out["path"] = source.path
    if source.merged_rows:
        out["merged_rows"] = list(source.merged_rows)
    return out


def warning_dict(w: Warning_, lang: str) -> dict[str, object]:
    return {
        "code": w.code,
        "field": w.field,
        "column": w.column,
        "value": w.value,
        "message": w.message_en if lang == "en" else w.message_fr,
    }


def order_data(order: Order) -> dict[str, object]:
    """The order's known values (unknown ones are left out, never written as a default)."""
    return {
        name: _plain(value)
        for name, value in order
        if name not in _ORDER_SKIP and value is not None
    }


def finding_dict(finding: Any, lang: str, origins: dict[str, str] | None = None) -> dict[str, object]:
    """The finding, with the origin of each value its evidence shows (input file, register, reference)."""
    out = finding.to_dict(lang)
    origins = origins or {}
    for row in out["evidence"]:
        if row.get("actual") is not None:
            row["origin"] = _origin(row["field"], origins)
    return out


def _origin(field: str, origins: dict[str, str]) -> str:
    """Where a value came from; a location derived from a register row names that row too."""
    origin = origins.get(field, "order")
    if field.startswith("supplier_") and origin.startswith("reference:"):
        base = origins.get("supplier_commune") or origins.get("supplier_postcode") or ""
        if base.startswith("directory:"):
            origin = f"{origin} <- {base}"
    return origin


def order_record(scored: ScoredOrder, lang: str) -> dict[str, object]:
    order = scored.order
    return {
        "id": order.id,
        "source": source_dict(order.source),
        "scores": scored.scores.to_dict(),
        "findings": [finding_dict(f, lang, order.origins) for f in scored.findings],
        "warnings": [warning_dict(w, lang) for w in order.warnings],
        "data": order_data(order),
        "origins": dict(order.origins),
    }


def rejection_record(rejection: Rejection, lang: str) -> dict[str, object]:
    return {
        "source": source_dict(rejection.source),
        "code": rejection.code,
        "field": rejection.field,
        "column": rejection.column,
        "value": rejection.value,
        "message": rejection.message(lang),
    }
