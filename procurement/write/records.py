"""Plain, JSON-ready records of a run: the one place that turns orders and findings into dicts.

Every writer (JSON, CSV, HTML view models) starts from these records, so a field added here shows up
the same way everywhere, and each output stays a formatting concern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procurement.engine import Finding, jsonable
from procurement.model import Order, Rejection, Source, Warning_
from procurement.pipeline import ScoredOrder, meta
from procurement.write.finding_parts import FindingParts, decisive, decisive_evidence
from procurement.write.finding_parts import origin as _origin

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
    out: dict[str, object] = {"rule": finding.rule, "status": finding.status,
                              "evidence": decisive_evidence(finding, origins)}
    if finding.missing:
        out["missing"] = list(finding.missing)
    measures = finding.measures
    if measures:
        out["measures"] = {k: jsonable(v) for k, v in measures.items()}
    out["message"] = finding.message(lang)
    return out


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
    JSON assembled from pieces kept by `FindingParts` (verdicts repeat over a batch), or taken from
    `scored.encoded` when the workers already encoded the order's findings (`findings()`): a finding's
    JSON depends on the finding alone, so it holds even when the batch later adds findings (RISK-02) or a
    warning (duplicate id) to the order."""

    def __init__(self, rules: Any, lang: str, parts: FindingParts | None = None):
        import orjson

        self.lang, self.dumps = lang, orjson.dumps
        self.parts = parts if parts is not None else FindingParts(rules, lang)

    def findings(self, scored: ScoredOrder) -> list[bytes]:
        order, dumps, lang, parts = scored.order, self.dumps, self.lang, self.parts
        origins = order.origins
        done: tuple[bytes, ...] = ()
        if scored.encoded is not None and scored.encoded[0] == lang:
            done = scored.encoded[1]
        findings = list(done)
        for f in scored.findings[len(done):]:
            if f.status == "not_applicable":
                findings.append(b'{"rule":' + dumps(f.rule) + b',"status":"not_applicable"}')
            elif type(f) is Finding:
                findings.append(parts.finding_json(f, origins))
            else:
                findings.append(dumps(finding_dict(f, lang, origins, True)))
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


def rejection_record(rejection: Rejection, lang: str) -> dict[str, object]:
    return {
        "source": source_dict(rejection.source),
        "code": rejection.code,
        "field": rejection.field,
        "column": rejection.column,
        "value": rejection.value,
        "message": rejection.message(lang),
    }
