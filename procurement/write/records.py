"""Plain, JSON-ready records of a run: the one place that turns orders and findings into dicts.

Every writer (JSON, CSV, HTML view models) starts from these records, so a field added here shows up
the same way everywhere, and each output stays a formatting concern.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from procurement.engine import Finding, jsonable
from procurement.model import Order, Rejection, Source, Warning_
from procurement.pipeline import ScoredOrder, meta
from procurement.rulebook.book import REFERENCE_FIELDS, message_fields

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
    if compact and type(finding) is Finding:
        return _compact_engine_finding(finding, lang, origins or {})
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


def _compact_engine_finding(finding: Finding, lang: str, origins: dict[str, str]) -> dict[str, object]:
    """`finding_dict(compact=True)` for an engine finding, without building what compaction drops (the
    other language's message, the evidence rows that did not decide): the same dict, 4x faster."""
    status = finding.status
    rows = decisive(finding.evidence, status, finding.missing if status == "insufficient_data" else None)
    evidence = []
    for row in rows:
        row = {k: jsonable(v) for k, v in row.items()}
        if row.get("actual") is not None:
            row["origin"] = _origin(row["field"], origins)
        evidence.append(row)
    out: dict[str, object] = {"rule": finding.rule, "status": status, "evidence": evidence}
    if finding.missing:
        out["missing"] = list(finding.missing)
    measures = finding.measures
    if measures:
        out["measures"] = {k: jsonable(v) for k, v in measures.items()}
    out["message"] = finding.message(lang)
    return out


def _key_part(value: object) -> object:
    """A hashable stand-in for a value that keeps apart what prints apart (1 and 1.0, 1.0 and True)."""
    if value is None or type(value) in (str, int, bool):
        return value
    return (type(value), repr(value) if isinstance(value, Decimal | float | tuple | list) else value)


class FindingMemo:
    """Whatever a writer derives from an engine finding alone, computed once per distinct verdict.

    A finding's message, evidence and measures depend only on its rule, its status and the values of the
    fields the rule reads (its conditions, its message templates, its measures, the reference dates of
    its validity window); `key` is that tuple, and `extra` what else the derived value depends on (the
    origin of those values, for results.json). A finding of another kind (waived, portfolio) has no key
    and is derived afresh. The memo is cleared when full, so memory stays bounded.
    """

    LIMIT = 20_000  # entries; a million unique verdicts would otherwise hold gigabytes

    def __init__(self, rules: Any, derive: Any):
        self.derive = derive
        self.cache: dict[tuple, Any] = {}
        self.reads: dict[str, tuple[str, ...]] = {}
        for rule in rules:
            names = [*rule.condition_fields(), *message_fields(rule), *rule.measure]
            if rule.source.since or rule.source.until:
                names += REFERENCE_FIELDS
            self.reads[rule.id] = tuple(dict.fromkeys(names))

    def key(self, f: Any) -> tuple | None:
        reads = self.reads.get(f.rule) if type(f) is Finding else None
        if reads is None:
            return None
        try:
            key = (f.rule, f.status, *(_key_part(f.value(name)) for name in reads))
            hash(key)
        except (KeyError, TypeError):  # a field outside the value tuple, an unhashable value: no shortcut
            return None
        return key

    def __call__(self, f: Any, *extra: Any) -> Any:
        key = self.key(f)
        if key is None:
            return self.derive(f, *extra)
        key += extra
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            hit = self.cache[key] = self.derive(f, *extra)
        return hit


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


def batch_meta(run: Any, lang: str) -> dict[str, object]:
    """The `meta` block of results.json and results.jsonl: the run's provenance and each rule's tags."""
    return {**meta(run), "rules": rules_meta(run, lang)}


def rules_meta(run: Any, lang: str) -> dict[str, dict[str, object]]:
    """Each rule's tags once, for the compact findings of batch outputs (portfolio rules included)."""
    rules = run.rules()
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


class OrderJson:
    """`orjson.dumps(order_record(scored, lang, compact=True))`, byte for byte, with each engine finding's
    JSON taken from a `FindingMemo` (most verdicts of a batch repeat: same rule, status and values), or
    from `scored.encoded` when the workers already encoded the order's findings (`findings()`): a
    finding's JSON depends on the finding alone, so it holds even when the batch later adds findings
    (RISK-02) or a warning (duplicate id) to the order."""

    def __init__(self, rules: Any, lang: str):
        import orjson

        self.lang, self.dumps = lang, orjson.dumps
        self.memo = FindingMemo(rules, self._finding)

    def _finding(self, f: Any, origins: tuple[tuple[str, str | None], ...]) -> bytes:
        return self.dumps(finding_dict(f, self.lang, dict(origins), compact=True))

    def findings(self, scored: ScoredOrder) -> list[bytes]:
        order, dumps, lang, memo = scored.order, self.dumps, self.lang, self.memo
        origins = order.origins
        done: tuple[bytes, ...] = ()
        if scored.encoded is not None and scored.encoded[0] == lang:
            done = scored.encoded[1]
        findings = list(done)
        for f in scored.findings[len(done):]:
            if f.status == "not_applicable":
                findings.append(b'{"rule":' + dumps(f.rule) + b',"status":"not_applicable"}')
                continue
            reads = memo.reads.get(f.rule, ())
            shown = tuple((n, origins.get(n)) for n in (*reads, *_ORIGIN_BASES) if n in origins)
            findings.append(memo(f, shown) if type(f) is Finding else dumps(finding_dict(f, lang, origins, True)))
        return findings

    def __call__(self, scored: ScoredOrder) -> bytes:
        order, dumps, lang = scored.order, self.dumps, self.lang
        origins = order.origins
        findings = self.findings(scored)
        return b"".join((
            b'{"id":', dumps(order.id), b',"source":', dumps(source_dict(order.source)),
            b',"scores":', dumps(scored.scores.to_dict()), b',"findings":[', b",".join(findings),
            b'],"warnings":', dumps([warning_dict(w, lang) for w in order.warnings]),
            b',"data":', dumps(order_data(order)), b',"origins":', dumps(dict(origins)), b"}",
        ))


_ORIGIN_BASES = ("supplier_commune", "supplier_postcode")  # what `_origin` reads besides the field itself


def rejection_record(rejection: Rejection, lang: str) -> dict[str, object]:
    return {
        "source": source_dict(rejection.source),
        "code": rejection.code,
        "field": rejection.field,
        "column": rejection.column,
        "value": rejection.value,
        "message": rejection.message(lang),
    }
