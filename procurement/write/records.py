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


# What a batch output states once per rule in `meta.rules` rather than in each of its findings.
RULE_KEYS = ("order", "kind", "severity", "chantiers", "weight", "message_fr", "message_en")


def finding_dict(finding: Any, lang: str, origins: dict[str, str] | None = None,
                 compact: bool = False) -> dict[str, object]:
    """The finding, with the origin of each value its evidence shows (input file, register, reference).

    `compact` (batch outputs): the rule's own tags live in meta.rules, the message is given in the run's
    language, the evidence keeps the conditions that decided the verdict, and a not-applicable verdict is
    its rule and status. Against 35 rules a full record weighs about 50 KB an order, 5 GB for 100,000.
    """
    if compact and finding.status == "not_applicable":
        # The rule does not concern the order: its conditions are in meta.rules' rulebook (`procurement
        # rules explain ID`) and on the order's page; repeating them for every order would be most of the file.
        return {"rule": finding.rule, "status": "not_applicable"}
    out = finding.to_dict(lang)
    origins = origins or {}
    for row in out["evidence"]:
        if row.get("actual") is not None:
            row["origin"] = _origin(row["field"], origins)
    if compact:
        for key in RULE_KEYS:
            out.pop(key, None)
        waived = out.get("waived")
        status = waived["original_status"] if isinstance(waived, dict) else out["status"]
        out["evidence"] = decisive(out["evidence"], status, out.get("missing"))
        for key in ("missing", "measures"):
            if not out.get(key):
                out.pop(key, None)
    return out


def decisive(evidence: list[dict[str, Any]], status: str, missing: list[str] | None = None
             ) -> list[dict[str, Any]]:
    """The conditions that decided a verdict: what made the rule not applicable, what failed, what was
    unknown, or what held for a pass. Falls back to all conditions when none stands out."""
    if status == "not_applicable":
        kept = [e for e in evidence if e.get("part") in ("validity", "applies_when") and e.get("result") is False]
    elif status == "fail":
        kept = [e for e in evidence if e.get("part") in ("require", "portfolio") and e.get("result") is False]
    elif status == "insufficient_data":  # only the unknowns that could change the verdict
        kept = [e for e in evidence if e.get("result") is None and (not missing or e.get("field") in missing)]
    else:
        kept = [e for e in evidence if e.get("part") == "require" and e.get("result") is True]
    return kept or evidence


def rules_meta(run: Any, lang: str) -> dict[str, dict[str, object]]:
    """Each rule's tags once, for the compact findings of batch outputs (portfolio rules included)."""
    rules = list(run.rulebook.rules)
    known = {r.id for r in rules}
    for scored in run.orders:
        for f in scored.findings:
            if f.rule not in known:
                known.add(f.rule)
                rules.append(f.compiled)
    return {
        r.id: {
            "title": r.title.en if lang == "en" else r.title.fr,
            "kind": r.kind, "severity": r.severity, "chantiers": list(r.chantiers), "weight": r.weight,
        }
        for r in rules
    }


def _origin(field: str, origins: dict[str, str]) -> str:
    """Where a value came from; a location derived from a register row names that row too."""
    origin = origins.get(field, "order")
    if field.startswith("supplier_") and origin.startswith("reference:"):
        base = origins.get("supplier_commune") or origins.get("supplier_postcode") or ""
        if base.startswith("directory:"):
            origin = f"{origin} <- {base}"
    return origin


def order_record(scored: ScoredOrder, lang: str, compact: bool = False) -> dict[str, object]:
    order = scored.order
    return {
        "id": order.id,
        "source": source_dict(order.source),
        "scores": scored.scores.to_dict(),
        "findings": [finding_dict(f, lang, order.origins, compact) for f in scored.findings],
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
