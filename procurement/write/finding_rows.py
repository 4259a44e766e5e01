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
from procurement.rulebook.compiler import AllNode, NotNode

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


def decisive(evidence: list[dict[str, Any]], status: str, missing: list[str] | tuple[str, ...] | None = None,
             rule: Any = None) -> list[dict[str, Any]]:
    """The conditions that decided a verdict: what made the rule not applicable, what failed, what was
    unknown, or what held for a pass (`decisive_rows`). Falls back to all conditions when none stands out."""
    rows = [tuple(e.get(k) for k in EVIDENCE_KEYS) for e in evidence]
    by_row = {id(r): e for r, e in zip(rows, evidence, strict=True)}
    return [by_row[id(r)] for r in decisive_rows(rows, status, missing, rule)]


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


def decisive_rows(rows: list[tuple], status: str, missing: Any = None, rule: Any = None) -> list[tuple]:
    """`decisive` over evidence tuples (EVIDENCE_KEYS order), without a dict per row. With the compiled
    `rule`, a pass, a fail or a rule not applicable keeps only the rows of the branches that decided it
    (`_deciding`)."""
    if rule is not None and status in ("pass", "fail", "not_applicable"):
        kept = _deciding(rows, status, rule)
        if kept is not None:
            return _once(kept or rows)
    if status == "not_applicable":
        kept = [r for r in rows if r[0] in ("validity", "applies_when") and r[5] is False]
    elif status == "fail":
        kept = [r for r in rows if r[0] in ("require", "portfolio") and r[5] is False]
    elif status == "insufficient_data":
        kept = [r for r in rows if r[5] is None and (not missing or r[1] in missing)]
    else:
        kept = [r for r in rows if r[0] == "require" and r[5] is True]
    return _once(kept or rows)


def _deciding(rows: list[tuple], status: str, rule: Any) -> list[tuple] | None:
    """The rows that decided a verdict, read along the rule's tree: an `any` that holds is shown by its
    first branch that holds, not by every true condition of its other branches (PROC-02 passed on
    « lancement non renseigné » and « notification entre 2020 et 2026 » taken from windows it was not
    judged under); an `all` that fails by its failing parts only. None when the rows do not follow the
    tree (then the flat choice above stands)."""
    if status == "not_applicable":
        windows = [r for r in rows if r[0] == "validity" and r[5] is False]
        if windows:
            return windows
        part, tree, want = "applies_when", getattr(rule, "applies", None), False
    else:
        part, tree, want = "require", getattr(rule, "require", None), status == "pass"
    if tree is None:
        return None
    own = [r for r in rows if r[0] == part]
    keep: list[int] = []
    try:
        result, end = _walk(tree, [r[5] for r in own], 0, False, keep)
    except (IndexError, AttributeError):
        return None
    if end != len(own) or result is not want:
        return None
    return [own[i] for i in keep]


def _walk(node: Any, results: list, i: int, flipped: bool, keep: list[int]) -> tuple[bool | None, int]:
    """(the node's result as its rows read it, next row) with the rows deciding it added to `keep`. Rows
    under a `not` are already negated (compiler.LeafNode), so a `not` swaps `all` and `any` (De Morgan)."""
    children = getattr(node, "children", None)
    if children is None:  # a leaf: its row
        keep.append(i)
        return results[i], i + 1
    if isinstance(node, NotNode):
        return _walk(children[0], results, i, not flipped, keep)
    every = isinstance(node, AllNode) != flipped
    parts: list[tuple[bool | None, list[int]]] = []
    for child in children:
        own: list[int] = []
        r, i = _walk(child, results, i, flipped, own)
        parts.append((r, own))
    found = [r for r, _ in parts]
    if every:
        result = False if False in found else (None if None in found else True)
    else:
        result = True if True in found else (None if None in found else False)
    if result is True and not every:
        keep += next(own for r, own in parts if r is True)  # the first branch that holds
    else:
        for r, own in parts:
            if r is result:
                keep += own
    return result, i


def decisive_evidence(f: Any, origins: dict[str, str]) -> list[dict[str, Any]]:
    """The evidence rows of results.json's compact finding: the decisive conditions, JSON-ready, each
    value known with its origin."""
    status = f.status
    evidence = []
    missing = f.missing if status == INSUFFICIENT else None
    for row in decisive(f.evidence, status, missing, getattr(f, "compiled", None)):
        row = {k: jsonable(v) for k, v in row.items()}
        if row.get("actual") is not None and "origin" not in row:  # RISK-02 names its own
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
