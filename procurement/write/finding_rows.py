"""The rows of a finding's evidence as results.json and results.xlsx show them, and the keys that keep
them: which conditions decided a verdict, where each value came from, a value's stand-in in a key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from procurement.engine import jsonable
from procurement.fields import FIELDS_BY_NAME
from procurement.rulebook.book import INSUFFICIENT

# Values that stand for themselves in a key (see key_part): equal ones print alike (a date is never
# equal to a datetime).
_PLAIN = frozenset({type(None), str, int, bool, dt.date})
EVIDENCE_KEYS = ("part", "field", "op", "expected", "actual", "result")
ORIGIN_BASES = ("supplier_commune", "supplier_postcode")  # what `origin` reads besides the field itself


def key_part(value: object) -> object:
    """A hashable stand-in for a value that keeps apart what prints apart (1 and 1.0, 1.0 and True)."""
    t = type(value)
    if value is None or t in _PLAIN:
        return value
    if t is float and value and value == value:  # equal floats print alike, but for 0.0 and -0.0 (and nan)
        return (float, value)
    return (t, repr(value) if isinstance(value, Decimal | float | tuple | list) else value)


def hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def origin(field: str, origins: dict[str, str]) -> str:
    """Where a value came from; a location derived from a register row names that row too."""
    where = origins.get(field, "order")
    if field.startswith("supplier_") and where.startswith("reference:"):
        base = origins.get("supplier_commune") or origins.get("supplier_postcode") or ""
        if base.startswith("directory:"):
            where = f"{where} <- {base}"
    return where


def decisive(evidence: list[dict[str, Any]], status: str, missing: list[str] | tuple[str, ...] | None = None
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
    return _once(kept or evidence)


def _once(rows: list) -> list:
    """Each row once: a rule that tests one threshold under several date windows (PROC-02's « montant
    < 25 000 € » in three branches) showed it as many times, 16 rows for a pass where 7 differ. Equal rows
    are equal for every order of a rule (same field, test and value), so the kept positions are the
    rule's, as `finding_pattern` needs."""
    out: list = []
    for row in rows:
        if row not in out:
            out.append(row)
    return out


def decisive_rows(rows: list[tuple], status: str, missing: Any = None) -> list[tuple]:
    """`decisive` over evidence tuples (EVIDENCE_KEYS order), without a dict per row."""
    if status == "not_applicable":
        kept = [r for r in rows if r[0] in ("validity", "applies_when") and r[5] is False]
    elif status == "fail":
        kept = [r for r in rows if r[0] in ("require", "portfolio") and r[5] is False]
    elif status == "insufficient_data":
        kept = [r for r in rows if r[5] is None and (not missing or r[1] in missing)]
    else:
        kept = [r for r in rows if r[0] == "require" and r[5] is True]
    return _once(kept or rows)


def decisive_evidence(f: Any, origins: dict[str, str]) -> list[dict[str, Any]]:
    """The evidence rows of results.json's compact finding: the decisive conditions, JSON-ready, each
    value known with its origin."""
    status = f.status
    evidence = []
    for row in decisive(f.evidence, status, f.missing if status == INSUFFICIENT else None):
        row = {k: jsonable(v) for k, v in row.items()}
        if row.get("actual") is not None:
            row["origin"] = origin(row["field"], origins)
        evidence.append(row)
    return evidence


def evidence_texts(rows: list[tuple], missing: Any, lang: str, heads: dict | None = None,
                   actuals: dict | None = None) -> tuple[object, object]:
    """(evidence as text, missing fields' headers) as results.xlsx's rule sheets show them, as cell
    values; `rows` are evidence tuples in EVIDENCE_KEYS order, `heads` and `actuals` see describe_evidence."""
    from procurement.rulebook.examples import describe_evidence
    from procurement.write.xlsx_cells import cell_value

    evidence = describe_evidence(rows, lang, heads, actuals)
    names = ", ".join(FIELDS_BY_NAME[m].header(lang) if m in FIELDS_BY_NAME else m for m in missing)
    return cell_value(evidence), cell_value(names) or None
