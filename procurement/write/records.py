"""Plain, JSON-ready records of a run: the one place that turns orders and findings into dicts.

Every writer (JSON, CSV, HTML view models) starts from these records, so a field added here shows up
the same way everywhere, and each output stays a formatting concern.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orjson import OPT_NON_STR_KEYS, OPT_PASSTHROUGH_DATETIME

from procurement.engine import Finding, jsonable
from procurement.model import Order, Rejection, Source, Warning_
from procurement.pipeline import ScoredOrder, meta
from procurement.portfolio_findings import PortfolioOrderFinding
from procurement.write.finding_parts import FindingParts
from procurement.write.finding_rows import decisive, decisive_evidence
from procurement.write.finding_rows import origin as _origin

_ORDER_SKIP = {"source", "warnings", "origins", "uncarried"}
_GROUPS_LIMIT = 4096  # RISK-02 groups whose findings' JSON is kept (a bound, not a tuning)


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _plain_or_fail(value: object) -> object:
    """orjson's `default` for an order's dates (tuples it writes as lists): as `order_data` gives them."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


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
        if row.get("actual") is not None and "origin" not in row:  # RISK-02 names its own
            row["origin"] = _origin(row["field"], origins)
    if compact:
        for key in RULE_KEYS:
            out.pop(key, None)
        waived = out.get("waived")
        status = waived["original_status"] if isinstance(waived, dict) else out["status"]
        out["evidence"] = decisive(out["evidence"], status, out.get("missing"), getattr(finding, "compiled", None))
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


def batch_rules(run: Any) -> list[Any]:
    """The rules every batch output lists, in this order: the rulebook's, then those the batch adds
    (RISK-02, when a group was flagged), each id once. One list for results.json's meta, the columns of
    results.csv and results.xlsx and the workbook's rule sheets: an auditor reconciling them finds the
    same rules everywhere (RISK-02 was once counted in the totals of results.csv but given no column)."""
    out, seen = [], set()
    for rule in run.rules():
        if rule.id not in seen:
            seen.add(rule.id)
            out.append(rule)
    return out


def added_rules(run: Any) -> list[Any]:
    """`batch_rules` beyond the rulebook's: rules the batch decides (RISK-02), whose findings come after
    the engine's and may be several for one order (one per group flagged)."""
    own = {r.id for r in run.rulebook.rules}
    return [r for r in batch_rules(run) if r.id not in own]


def legal_ref(rule: Any) -> list[dict[str, object]]:
    """A rule's legal references as results.json gives them (the rulebook's `legal_ref` keys, dates in
    ISO): an auditor must be able to check a verdict against its text without the rulebook at hand."""
    source = getattr(rule, "source", None)
    refs = getattr(source, "legal_ref", None) or ()
    return [ref.model_dump(mode="json", exclude_none=True) for ref in refs]


def rules_meta(run: Any, lang: str) -> dict[str, dict[str, object]]:
    """Each rule's tags and legal basis once, for the compact findings of batch outputs (portfolio rules
    included): once per rule, never per finding (100,000 orders × 35 findings)."""
    return {
        r.id: {
            "title": r.title.en if lang == "en" else r.title.fr,
            "kind": r.kind, "severity": r.severity, "chantiers": list(r.chantiers), "weight": r.weight,
            "legal_ref": legal_ref(r),
        }
        for r in batch_rules(run)
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
        # The JSON of a source up to its row, by (file, sheet): a batch has few of them.
        self._source_heads: dict[tuple[str, str | None], bytes] = {}
        # A RISK-02 finding's JSON by its group (id -> (group, rule, {origins of its evidence: JSON})):
        # the orders of a group share it but for the origin of the amount; explained afresh, it was
        # a fifth of results.json's time.
        self._groups: dict[int, tuple[Any, Any, tuple[str, ...], dict[tuple[str, ...], bytes]]] = {}

    def findings(self, scored: ScoredOrder) -> list[bytes]:
        origins = scored.order.origins
        done: tuple[bytes, ...] = ()
        if scored.encoded is not None and scored.encoded[0] == self.lang:
            done = scored.encoded[1]
        findings = list(done)
        rest = scored.findings[len(done):]
        if rest:
            findings += self.parts.findings_json(rest, origins, lambda f: self._other_json(f, origins))
        return findings

    def _other_json(self, f: Any, origins: dict[str, str]) -> bytes:
        if type(f) is PortfolioOrderFinding:
            return self._group_json(f, origins)
        return self.dumps(finding_dict(f, self.lang, origins, True))

    def _group_json(self, f: PortfolioOrderFinding, origins: dict[str, str]) -> bytes:
        """`dumps(finding_dict(f, lang, origins, True))`, which depends on the finding's group and rule
        and on the origins of the fields its evidence shows, nothing else of the order."""
        group, rule = f.group, f.compiled
        entry = self._groups.get(id(group))
        if entry is None or entry[0] is not group or entry[1] is not rule:
            if len(self._groups) >= _GROUPS_LIMIT:
                self._groups.clear()
            fields = tuple(row["field"] for row in f.evidence)
            entry = self._groups[id(group)] = (group, rule, fields, {})
        key = tuple(_origin(field, origins) for field in entry[2])
        done = entry[3].get(key)
        if done is None:
            done = entry[3][key] = self.dumps(finding_dict(f, self.lang, origins, True))
        return done

    def _source(self, source: Source) -> bytes:
        if source.path or source.merged_rows:
            return self.dumps(source_dict(source))
        key = (source.file, source.sheet)
        head = self._source_heads.get(key)
        if head is None:
            head = self._source_heads[key] = (b'{"file":' + self.dumps(source.file) + b',"sheet":'
                                              + self.dumps(source.sheet) + b',"row":')
        row = source.row
        return head + (b"null}" if row is None else b"%d}" % row)

    def __call__(self, scored: ScoredOrder) -> bytes:
        order, dumps, sc = scored.order, self.dumps, scored.scores
        fields = order.__dict__  # what iterating the model yields (extra fields are forbidden)
        warnings = order.warnings
        return b"".join((
            b'{"id":', dumps(order.id), b',"source":', self._source(order.source),
            b',"scores":', dumps({
                "order": sc.order_id, "overall": sc.overall, "by_chantier": sc.by_chantier,
                "completeness": sc.completeness, "completeness_by_chantier": sc.completeness_by_chantier,
                "counts": sc.counts, "counts_by_kind": sc.counts_by_kind, "legal_failures": sc.legal_failures,
                "missing": sc.missing}, option=OPT_NON_STR_KEYS),
            b',"findings":[', b",".join(self.findings(scored)),
            b'],"warnings":', dumps([warning_dict(w, self.lang) for w in warnings]) if warnings else b"[]",
            b',"data":', dumps({k: v for k, v in fields.items() if v is not None and k not in _ORDER_SKIP},
                               default=_plain_or_fail, option=OPT_PASSTHROUGH_DATETIME),
            b',"origins":', dumps(fields["origins"]), b"}",
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
