"""The explanation of a finding in pieces, each kept by the values it depends on.

Why pieces: a batch explains the same verdicts again and again, but rarely with all the same values.
ECO-01's evidence depends on the supplier's NAF code only, while its measures carry the order's amount:
keyed by every value the rule reads, nearly every finding was new (profile of 10,000 orders: 9 in 10
findings re-explained). Keyed piece by piece, the evidence (with its missing fields) is kept by the
condition values, the message by the values its template shows, and only the measures (a few values
encoded by orjson) are made for each finding.

One `FindingParts` serves results.json's finding JSON and results.xlsx's finding texts alike, so that a
worker renders a message once for both. Each cache is cleared when full: memory stays bounded.
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
from typing import Any

import orjson

from procurement.engine import Finding, jsonable
from procurement.fields import FIELDS_BY_NAME
from procurement.rulebook.book import FAIL, INSUFFICIENT, PASS, REFERENCE_FIELDS, message_fields

_PLAIN = frozenset({type(None), str, int, bool})  # values that stand for themselves in a key (see key_part)
LIMIT = 20_000  # entries per cache; a million unique verdicts would otherwise hold gigabytes
EVIDENCE_KEYS = ("part", "field", "op", "expected", "actual", "result")
ORIGIN_BASES = ("supplier_commune", "supplier_postcode")  # what `origin` reads besides the field itself
_ABSENT = object()  # in a key, a field without an origin


def key_part(value: object) -> object:
    """A hashable stand-in for a value that keeps apart what prints apart (1 and 1.0, 1.0 and True)."""
    if value is None or type(value) in (str, int, bool):
        return value
    return (type(value), repr(value) if isinstance(value, Decimal | float | tuple | list) else value)


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
    return kept or evidence


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
    return kept or rows


def _cache_put(cache: dict, key: tuple, value: Any) -> Any:
    if len(cache) >= LIMIT:
        cache.clear()
    cache[key] = value
    return value


class _RuleParts:
    """What explaining a rule's findings reads, resolved once: getters of the key parts of its
    conditions, of the values its messages show and of their origins, its measures, its JSON heads."""

    __slots__ = ("condition", "heads", "id", "measure_get", "measure_names", "origin_get", "shown", "templated")

    def __init__(self, rule: Any, slots: dict[str, int], origin_index: dict[str, int], condition: tuple[str, ...],
                 shown: tuple[str, ...], templated: frozenset[str]):
        self.id, self.templated = rule.id, templated
        # None: a field outside the value tuple, no shortcut
        self.condition = _getter(condition, slots)
        self.shown = _getter(shown, slots)
        self.origin_get = _getter((*condition, *ORIGIN_BASES), origin_index)
        self.measure_names = rule.measure
        self.measure_get = _getter(rule.measure, slots)
        rid = orjson.dumps(rule.id)
        self.heads = {s: b'{"rule":' + rid + b',"status":' + orjson.dumps(s) for s in (PASS, FAIL, INSUFFICIENT)}


def _getter(names: tuple[str, ...], index: dict[str, int]) -> Any:
    """A function from a sequence to the tuple of its items at the positions of `names` (None when a
    name has none)."""
    if not all(n in index for n in names):
        return None
    if len(names) > 1:
        return itemgetter(*(index[n] for n in names))
    if names:
        i = index[names[0]]
        return lambda seq: (seq[i],)
    return lambda seq: ()


class FindingParts:
    """Message, evidence JSON and evidence texts of engine findings, in one language, kept by key.

    Keys are made of each value's key part (`key_part`), computed once per order for all its values
    (the findings of an order share its value tuple), and picked per rule by an itemgetter."""

    def __init__(self, rules: Any, lang: str):
        self.lang = lang
        # Rule id -> value slots its evidence and missing fields depend on (its conditions, and the
        # reference dates of a validity window), and those its message templates read.
        self.condition: dict[str, tuple[str, ...]] = {}
        self.shown: dict[str, tuple[str, ...]] = {}
        self.templated: dict[str, frozenset[str]] = {}  # statuses whose message is the rule's template
        self._rules = {}
        for rule in rules:
            names = list(rule.condition_fields())
            if rule.source.since or rule.source.until:
                names += REFERENCE_FIELDS
            self.condition[rule.id] = tuple(dict.fromkeys(names))
            self.shown[rule.id] = tuple(message_fields(rule))
            self.templated[rule.id] = frozenset(
                s for s, t in ((FAIL, rule.message), (PASS, rule.message_pass)) if t is not None)
            self._rules[rule.id] = rule
        # The fields whose origin an evidence depends on, in the order of the per-order origin tuple.
        self._origin_index = {n: i for i, n in enumerate(dict.fromkeys(
            n for names in self.condition.values() for n in (*names, *ORIGIN_BASES)))}
        self._parts: dict[str, _RuleParts | None] = {}
        self._messages: dict[tuple, tuple[str, bytes]] = {}  # text, and `,"message":...}` of the JSON
        self._evidence_json: dict[tuple, bytes] = {}
        self._evidence_text: dict[tuple, tuple[object, object]] = {}
        self._heads_text: dict[tuple, tuple[object, str]] = {}  # see describe_evidence
        self._actuals_text: dict[tuple, str] = {}  # see describe_evidence
        # A condition row's JSON up to its result, shared by the rules and orders that evaluate the same
        # condition on the same value (the expected object kept beside it: the key holds its id).
        self._rows_json: dict[tuple, tuple[object, bytes]] = {}
        self._origins_json: dict[str, bytes] = {}
        # The last order seen: its value tuple and origins (held, so that their ids stay theirs), and
        # the key parts of its values and its origins.
        self._vals: tuple | None = None
        self._keys: tuple = ()
        self._origins: dict | None = None
        self._origin_keys: tuple = ()

    def kept(self) -> int:
        """Entries kept in the caches (tests: proof that verdicts were answered from them)."""
        return len(self._messages) + len(self._evidence_json) + len(self._evidence_text)

    def _rule(self, f: Finding) -> _RuleParts | None:
        rid = f.compiled.id
        try:
            return self._parts[rid]
        except KeyError:
            rule = self._rules.get(rid)
            parts = None if rule is None else _RuleParts(rule, f.slots, self._origin_index, self.condition[rid],
                                                         self.shown[rid], self.templated[rid])
            self._parts[rid] = parts
            return parts

    def _value_keys(self, vals: tuple) -> tuple:
        """The key part of each value of an order, once for all its findings; an unhashable one is
        replaced by an object of its own (this order's keys then never match another's)."""
        if vals is not self._vals:
            keys = []
            for v in vals:
                if type(v) not in _PLAIN:
                    v = key_part(v)
                    try:
                        hash(v)
                    except TypeError:
                        v = object()
                keys.append(v)
            self._vals, self._keys = vals, tuple(keys)
        return self._keys

    def _memo(self, f: Finding) -> list[Any]:
        """What is kept on the finding, which the JSON and the texts both ask for: [condition key or
        False, language of the message, (message, its JSON)]."""
        memo = f.memo
        if memo is None:
            parts = self._rule(f)
            get = None if parts is None else parts.condition
            key = False if get is None else (parts.id, f.status, get(self._value_keys(f.vals)))
            memo = f.memo = [key, None, None]
        return memo

    def condition_key(self, f: Finding) -> tuple | None:
        return self._memo(f)[0] or None

    def _message(self, f: Finding) -> tuple[str, bytes]:
        """`f.message(lang)`; a template's message depends on the values it shows, another on the missing
        fields (the conditions)."""
        memo = self._memo(f)
        if memo[1] == self.lang:
            return memo[2]
        status = f.status
        parts = self._rule(f)
        if parts is not None and status in parts.templated:
            get = parts.shown
            key = None if get is None else (parts.id, status, get(self._value_keys(f.vals)))
        else:
            key = memo[0] or None
        entry = None if key is None else self._messages.get(key)
        if entry is None:
            text = f.message(self.lang)
            entry = (text, b',"message":' + orjson.dumps(text) + b"}")
            if key is not None:
                _cache_put(self._messages, key, entry)
        memo[1], memo[2] = self.lang, entry
        return entry

    def message(self, f: Finding) -> str:
        return self._message(f)[0]

    def evidence_json(self, f: Finding, origins: dict[str, str]) -> bytes:
        """`,"evidence":[...]` (the decisive conditions, each value with its origin), then `,"missing":[...]`
        when some fields are missing: the middle of the finding's compact JSON."""
        key = self._memo(f)[0]
        if not key:
            return self._make_evidence_json(f, origins)
        if origins is not self._origins:
            self._origins = origins
            self._origin_keys = tuple(origins.get(n, _ABSENT) for n in self._origin_index)
        key = (key, self._rule(f).origin_get(self._origin_keys))  # type: ignore[union-attr]
        hit = self._evidence_json.get(key)
        return hit if hit is not None else _cache_put(self._evidence_json, key, self._make_evidence_json(f, origins))

    def _make_evidence_json(self, f: Finding, origins: dict[str, str]) -> bytes:
        """`decisive_evidence` encoded, each row assembled from its condition's JSON kept by value."""
        status, missing = f.status, f.missing
        rows, cache, out = f.evidence_rows(), self._rows_json, []
        for row in decisive_rows(rows, status, missing if status == INSUFFICIENT else None):
            part, name, op, expected, actual, result = row
            try:
                key = (part, name, op, id(expected), actual if type(actual) in _PLAIN else key_part(actual), result)
                hit = cache.get(key)
            except TypeError:  # an unhashable value: made afresh
                key, hit = None, None
            if hit is None or hit[0] is not expected:
                body = orjson.dumps(dict(zip(EVIDENCE_KEYS, map(jsonable, row), strict=True)))[:-1]
                if key is not None:
                    _cache_put(cache, key, (expected, body))
            else:
                body = hit[1]
            if actual is None:
                out.append(body + b"}")
            else:
                where = origin(name, origins)
                encoded = self._origins_json.get(where)
                if encoded is None:
                    encoded = _cache_put(self._origins_json, where, b',"origin":' + orjson.dumps(where) + b"}")
                out.append(body + encoded)
        evidence = b',"evidence":[' + b",".join(out) + b"]"
        return evidence + b',"missing":' + orjson.dumps(list(missing)) if missing else evidence

    def finding_json(self, f: Finding, origins: dict[str, str]) -> bytes:
        """`orjson.dumps(finding_dict(f, lang, origins, compact=True))` of an applicable engine finding."""
        parts = self._rule(f)
        head = None if parts is None else parts.heads.get(f.status)
        if head is None:
            head = b'{"rule":' + orjson.dumps(f.rule) + b',"status":' + orjson.dumps(f.status)
        if parts is None or parts.measure_get is None:
            measures = f.measures
        else:
            names = parts.measure_names
            measures = dict(zip(names, parts.measure_get(f.vals), strict=True)) if names else None
        if measures:
            try:  # dates and tuples encoded by orjson as jsonable() makes them (ISO text, arrays)
                encoded = b',"measures":' + orjson.dumps(measures)
            except TypeError:  # a set, or another value orjson does not know
                encoded = b',"measures":' + orjson.dumps({k: jsonable(v) for k, v in measures.items()})
        return b"".join((head, self.evidence_json(f, origins), encoded if measures else b"", self._message(f)[1]))

    def evidence_text(self, f: Finding) -> tuple[object, object]:
        """(evidence as text, missing fields' headers) of results.xlsx's rule sheets, as cell values."""
        key = self.condition_key(f)
        if key is None:
            return self._make_evidence_text(f)
        hit = self._evidence_text.get(key)
        return hit if hit is not None else _cache_put(self._evidence_text, key, self._make_evidence_text(f))

    def _make_evidence_text(self, f: Finding) -> tuple[object, object]:
        return evidence_texts(f.evidence_rows(), f.missing, self.lang, self._heads_text, self._actuals_text)


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
