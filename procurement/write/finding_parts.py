"""The explanation of a finding in pieces, each kept by the values it depends on.

Why pieces: a batch explains the same verdicts again and again, but rarely with all the same values.
ECO-01's evidence depends on the supplier's NAF code only, while its measures carry the order's amount:
keyed by every value the rule reads, nearly every finding was new (profile of 10,000 orders: 9 in 10
findings re-explained). Keyed piece by piece, the evidence (with its missing fields) is kept by the
condition values, else by the pattern of their results and the values of the decisive rows only
(`finding_pattern.py`: DECP-01 reads two dates and the amount, yet shows three forms of evidence in
20,000 orders); the message by the values its template shows, or, without a template, by the status
and missing fields; only the measures (a few values encoded by orjson) are made for each finding.
Above the pieces, findings of a rule with the same status, condition and message values and origins
share one entry (their JSON, whole or but the measures, their message and evidence texts): a verdict
met again costs one look-up.

One `FindingParts` serves results.json's finding JSON and results.xlsx's finding texts alike, so that a
worker renders a message once for both. Each cache is cleared when full: memory stays bounded.
"""

from __future__ import annotations

from typing import Any

import orjson

from procurement.engine import Finding, jsonable
from procurement.rulebook.book import FAIL, INSUFFICIENT, NOT_APPLICABLE, PASS, REFERENCE_FIELDS, message_fields
from procurement.rulebook.examples import row_head
from procurement.rulebook.render import format_kept, render_kept
from procurement.write.finding_pattern import PATTERNS_LIMIT
from procurement.write.finding_rows import (
    _PLAIN,
    EVIDENCE_KEYS,
    ORIGIN_BASES,
    decisive,
    decisive_evidence,
    decisive_rows,
    evidence_texts,
    hashable,
    key_part,
    origin,
)
from procurement.write.finding_rule import RuleParts
from procurement.write.xlsx_cells import cell_value

# What other modules import from here (the rows' helpers live in finding_rows.py).
__all__ = ["EVIDENCE_KEYS", "FindingParts", "decisive", "decisive_evidence", "evidence_texts", "key_part", "origin"]

# Entries per cache (a million unique verdicts would otherwise hold gigabytes). 100,000 orders from CSV:
# 20,000 and 4,096 per rule took each worker to 316 MB of RSS; 5,000 and 128, 120 MB (1M: docs/performance.md).
LIMIT = 5_000
ENTRY_LIMIT = 128  # entries per rule of `finding_json` (a rule whose verdicts never repeat churns only its own)


def _cache_put(cache: dict, key: tuple, value: Any) -> Any:
    if len(cache) >= LIMIT:
        cache.clear()
    cache[key] = value
    return value


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
            names = list(rule.condition_slots())  # with `reported`'s derived slots: they decide too
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
        self._parts: dict[str, RuleParts | None] = {}
        self._by_compiled: dict[Any, RuleParts | None] = {}  # the same, by compiled rule (no property call)
        self._not_applicable: dict[str, bytes] = {}  # a not-applicable finding's JSON, by rule
        self._messages: dict[tuple, tuple[str, bytes]] = {}  # text, and `,"message":...}` of the JSON
        self._evidence_json: dict[tuple, bytes] = {}
        self._by_pattern: dict[tuple, bytes] = {}  # the same, by the pattern of the conditions' results
        self._evidence_text: dict[tuple, tuple[object, object]] = {}
        self._heads_text: dict[tuple, tuple[object, str, Any]] = {}  # see describe_evidence
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
        self._explained_vals: tuple | None = None  # see _explained
        self._explained_kept: dict[Finding, tuple] = {}

    def kept(self) -> int:
        """Entries kept in the caches (tests: proof that verdicts were answered from them)."""
        return len(self._messages) + len(self._evidence_json) + len(self._evidence_text)

    def _rule(self, f: Finding) -> RuleParts | None:
        rid = f.compiled.id
        try:
            return self._parts[rid]
        except KeyError:
            rule = self._rules.get(rid)
            parts = None if rule is None else RuleParts(rule, f.slots, self._origin_index, self.condition[rid],
                                                         self.shown[rid], self.templated[rid])
            self._parts[rid] = self._by_compiled[f.compiled] = parts
            return parts

    def _value_keys(self, vals: tuple) -> tuple:
        """The key part of each value of an order, once for all its findings; an unhashable one is
        replaced by an object of its own (this order's keys then never match another's)."""
        if vals is not self._vals:
            plain = _PLAIN
            keys = tuple([v if type(v) in plain else key_part(v) for v in vals])
            try:
                hash(keys)
            except TypeError:
                keys = tuple(k if hashable(k) else object() for k in keys)
            self._vals, self._keys = vals, keys
        return self._keys

    def _set_origins(self, origins: dict[str, str]) -> tuple:
        """The origin of each field an evidence may show, once per order (None: none given)."""
        if origins is not self._origins:
            self._origins = origins
            self._origin_keys = tuple(map(origins.get, self._origin_index))
        return self._origin_keys

    def _memo(self, f: Finding) -> list[Any]:
        """What is kept on the finding, which the JSON and the texts both ask for: [this FindingParts,
        condition key or False, (message, its JSON), evidence texts, JSON up to its measures, whole JSON,
        results.xlsx's three cells (`cells`)]. Findings whose JSON and texts depend on the same values
        share one (`_make_entry`): what one of them learns (its evidence texts) is known to all."""
        memo = f.memo
        if memo is None or memo[0] is not self:
            parts = self._rule(f)
            get = None if parts is None else parts.condition
            key = False if get is None else (parts.id, f.status, get(self._value_keys(f.vals)))
            memo = f.memo = [self, key, None, None, None, None, None]
        return memo

    def _message(self, f: Finding) -> tuple[str, bytes]:
        """`f.message(lang)`; a template's message depends on the values it shows, another (the generic
        one) on the rule's title, the status and the missing fields only."""
        memo = self._memo(f)
        entry = memo[2]
        if entry is not None:
            return entry
        status = f.status
        parts = self._rule(f)
        if parts is not None and status in parts.templated:
            get = parts.shown
            key = None if get is None else (parts.id, status, get(self._value_keys(f.vals)))
        else:  # the missing fields, and which of them the order's format cannot carry (engine._NOT_CARRIED)
            key = None if parts is None else (parts.id, status, f.missing, f.not_carried)
        entry = None if key is None else self._messages.get(key)
        if entry is None:
            if parts is not None and status in parts.templated:  # `f.message(lang)`, values' texts kept
                rule = f.compiled
                lang = "en" if self.lang == "en" else "fr"
                template = (rule.message if status == FAIL else rule.message_pass)[lang]
                text = render_kept(template, f.vals, f.slots, lang, self._actuals_text)
            else:
                text = f.message(self.lang)
            entry = (text, b',"message":' + orjson.dumps(text) + b"}")
            if key is not None:
                _cache_put(self._messages, key, entry)
        memo[2] = entry
        return entry

    def message(self, f: Finding) -> str:
        return self._message(f)[0]

    def evidence_json(self, f: Finding, origins: dict[str, str]) -> bytes:
        """`,"evidence":[...]` (the decisive conditions, each value with its origin), then `,"missing":[...]`
        when some fields are missing: the middle of the finding's compact JSON. Kept by the values of the
        rule's conditions, else by the pattern of their results (`finding_pattern.py`)."""
        key = self._memo(f)[1]
        if not key:
            return self._make_evidence_json(f, origins)
        parts = self._rule(f)
        okey = parts.origin_get(self._set_origins(origins))  # type: ignore[union-attr]
        key = (key, okey)
        hit = self._evidence_json.get(key)
        if hit is None:
            rows, get, results = self._explained(f, parts)
            if get is None:
                hit = self._make_evidence_json(f, origins, rows)
            else:
                by = (parts.id, f.status, results, get(self._value_keys(f.vals)), okey)  # type: ignore[union-attr]
                hit = self._by_pattern.get(by)
                if hit is None:
                    hit = _cache_put(self._by_pattern, by, self._make_evidence_json(f, origins, rows))
            _cache_put(self._evidence_json, key, hit)
        return hit

    def _explained(self, f: Finding, parts: RuleParts | None) -> tuple[list[tuple], Any, tuple | None]:
        """`f`'s evidence rows; with the pattern of its conditions' results and a getter of its decisive
        rows' values when the rule's rows follow from that pattern (`finding_pattern.py`): then made
        without explaining the rule again."""
        vals = f.vals
        if vals is not self._explained_vals:  # kept for the order's findings: its JSON, then its texts
            self._explained_vals, self._explained_kept = vals, {}
        done = self._explained_kept.get(f)
        if done is not None:
            return done
        pattern = None if parts is None else parts.pattern
        known = results = None
        if pattern is not None:
            try:
                results = pattern.pattern(vals)
            except Exception:  # a condition that raises: `explain` says how, as it did before
                results = None
            if results is not None:
                known = pattern.known(f, f.status, results)
        done = (f.evidence_rows(), None, None) if known is None else (known[0], known[1], results)
        self._explained_kept[f] = done
        return done

    def _make_evidence_json(self, f: Finding, origins: dict[str, str], rows: list[tuple] | None = None) -> bytes:
        """`decisive_evidence` encoded, each row assembled from its condition's JSON kept by value."""
        status, missing = f.status, f.missing
        rows, cache, out = f.evidence_rows() if rows is None else rows, self._rows_json, []
        for row in decisive_rows(rows, status, missing if status == INSUFFICIENT else None, f.compiled):
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
        """`orjson.dumps(finding_dict(f, lang, origins, compact=True))` of an applicable engine finding.

        One look-up per finding where it can: findings of a rule with the same status, the same values
        of its conditions and messages and the same origins share one entry, which holds their JSON (all
        of it when the measures are among those values, else but the measures)."""
        parts = self._rule(f)
        if parts is None or parts.key_get is None or f.status not in parts.heads:
            return self._assemble(f, parts, origins)
        vals = f.vals
        keys = self._keys if vals is self._vals else self._value_keys(vals)
        key = (f.status, parts.key_get(keys), parts.origin_get(self._set_origins(origins)))
        entry = parts.entries.get(key)
        if entry is None:
            entry = self._make_entry(f, parts, origins, key)
        f.memo = entry
        whole = entry[5]
        return whole if whole is not None else entry[4] + self._measures(f, parts) + entry[2][1]

    def findings_json(self, findings: Any, origins: dict[str, str], other: Any) -> list[bytes]:
        """The JSON of each finding of an order: `finding_json` of an applicable engine finding (inlined:
        one look-up each), a not-applicable one's kept per rule, `other(f)` for any other finding."""
        okeys = self._set_origins(origins)
        by_compiled, na, dumps = self._by_compiled, self._not_applicable, orjson.dumps
        out: list[bytes] = []
        for f in findings:
            status = f.status
            if status == NOT_APPLICABLE:
                rid = f.compiled.id if type(f) is Finding else f.rule
                done = na.get(rid)
                if done is None:
                    done = na[rid] = b'{"rule":' + dumps(rid) + b',"status":"not_applicable"}'
                out.append(done)
                continue
            if type(f) is not Finding:
                out.append(other(f))
                continue
            parts = by_compiled.get(f.compiled)
            get = None if parts is None else parts.key_get
            if get is None or status not in parts.heads:  # type: ignore[union-attr]
                out.append(self.finding_json(f, origins))
                continue
            vals = f.vals
            key = (status, get(self._keys if vals is self._vals else self._value_keys(vals)), parts.origin_get(okeys))
            entry = parts.entries.get(key)
            if entry is None:
                entry = self._make_entry(f, parts, origins, key)
            f.memo = entry
            whole = entry[5]
            if whole is None:
                measures = parts.measure_get
                if measures is not None and parts.measure_names:  # `_measures`, inlined
                    try:  # the getter reads as many values as there are names
                        encoded = dumps(dict(zip(parts.measure_names, measures(vals), strict=False)))
                        whole = entry[4] + b',"measures":' + encoded + entry[2][1]
                    except TypeError:  # a value orjson does not know
                        whole = None
                if whole is None:
                    whole = entry[4] + self._measures(f, parts) + entry[2][1]
            out.append(whole)
        return out

    def _make_entry(self, f: Finding, parts: RuleParts, origins: dict[str, str], key: tuple) -> list[Any]:
        memo = self._memo(f)
        prefix = parts.heads[f.status] + self.evidence_json(f, origins)
        memo[4] = prefix
        if parts.measures_keyed:
            memo[5] = prefix + self._measures(f, parts) + self._message(f)[1]
        else:
            self._message(f)
        entries = parts.entries
        if len(entries) >= ENTRY_LIMIT:
            entries.clear()
        entries[key] = memo
        return memo

    def _measures(self, f: Finding, parts: RuleParts | None) -> bytes:
        """`,"measures":{...}`, or nothing when the rule has none."""
        if parts is None or parts.measure_get is None:
            measures = f.measures
        else:
            names = parts.measure_names
            measures = dict(zip(names, parts.measure_get(f.vals), strict=True)) if names else None
        if not measures:
            return b""
        try:  # dates and tuples encoded by orjson as jsonable() makes them (ISO text, arrays)
            return b',"measures":' + orjson.dumps(measures)
        except TypeError:  # a set, or another value orjson does not know
            return b',"measures":' + orjson.dumps({k: jsonable(v) for k, v in measures.items()})

    def _assemble(self, f: Finding, parts: RuleParts | None, origins: dict[str, str]) -> bytes:
        """`finding_json` piece by piece, for a rule whose values are not all in the value tuple."""
        head = None if parts is None else parts.heads.get(f.status)
        if head is None:
            head = b'{"rule":' + orjson.dumps(f.rule) + b',"status":' + orjson.dumps(f.status)
        return b"".join((head, self.evidence_json(f, origins), self._measures(f, parts), self._message(f)[1]))

    def cells(self, f: Finding) -> tuple[object, object, object]:
        """(message, evidence, missing fields) as results.xlsx's rule sheets' cells, one call: what
        `FindingTexts` makes of `message` and `evidence_text`, kept with the finding's entry."""
        memo = self._memo(f)
        done = memo[6]
        if done is None:
            done = memo[6] = (cell_value(self._message(f)[0]), *self.evidence_text(f))
        return done

    def evidence_text(self, f: Finding) -> tuple[object, object]:
        """(evidence as text, missing fields' headers) of results.xlsx's rule sheets, as cell values."""
        memo = self._memo(f)
        texts = memo[3]
        if texts is None:
            key = memo[1]
            texts = None if not key else self._evidence_text.get(key)
            if texts is None:
                texts = self._make_evidence_text(f)
                if key:
                    _cache_put(self._evidence_text, key, texts)
            memo[3] = texts
        return texts

    def _make_evidence_text(self, f: Finding) -> tuple[object, object]:
        """The deciding rows, as results.json gives them (`decisive_rows`): every condition evaluated made a
        cell of 56 conditions for a PROC-02 pass, most of them from branches it was not judged under."""
        parts = self._rule(f)
        rows, _get, results = self._explained(f, parts)
        status = f.status
        rows = decisive_rows(rows, status, f.missing if status == INSUFFICIENT else None, f.compiled)
        if results is None:
            return evidence_texts(rows, f.missing, self.lang, self._heads_text, self._actuals_text)
        # Rows of a known pattern: their texts up to each value are the pattern's, made once.
        shapes = parts.texts  # type: ignore[union-attr]
        shape = shapes.get((f.status, results))
        lang = self.lang
        if shape is None:
            if len(shapes) >= PATTERNS_LIMIT:
                shapes.clear()
            shape = shapes[f.status, results] = (
                [row_head(p, n, o, e, r, lang) for p, n, o, e, _a, r in rows], evidence_texts((), f.missing, lang)[1])
        kept = self._actuals_text
        text = "; ".join([head + format_kept(row[4], kind, lang, kept, name=row[1]) + ")"
                          for (head, kind), row in zip(shape[0], rows, strict=True)])
        return cell_value(text), shape[1]
