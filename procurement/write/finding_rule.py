"""What explaining a rule's findings reads, resolved once per rule (`FindingParts` keeps one per rule)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import orjson

from procurement.rulebook.book import FAIL, INSUFFICIENT, PASS
from procurement.write.finding_pattern import RulePattern
from procurement.write.finding_rows import ORIGIN_BASES


class RuleParts:
    """What explaining a rule's findings reads, resolved once: getters of the key parts of its
    conditions, of the values its messages show and of their origins, its measures, its JSON heads,
    and its findings' entries (see `FindingParts.finding_json`)."""

    __slots__ = ("condition", "entries", "heads", "id", "key_get", "measure_get", "measure_names", "measures_keyed",
                 "origin_get", "pattern", "shown", "templated", "texts")

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
        # Everything a finding's JSON and texts depend on but its measures: conditions, shown values, and the
        # order's format, which a missing field's message names when the format cannot carry it
        # (engine.Finding.not_carried): kept apart, or a spreadsheet order met the DECP wording.
        fmt = ("uncarried",) if "uncarried" in slots else ()
        keyed = tuple(dict.fromkeys((*condition, *shown, *fmt)))
        self.key_get = None if self.condition is None or self.shown is None else _getter(keyed, slots)
        # Measures among those values: the whole JSON is kept, none is encoded per finding.
        self.measures_keyed = self.measure_get is not None and set(rule.measure) <= set(keyed)
        self.entries: dict[tuple, list] = {}
        self.pattern = RulePattern(rule, slots) if self.condition is not None else None
        # (status, pattern) -> (each row's text up to its value and its field's kind, missing fields' cell)
        self.texts: dict[tuple, tuple[list, object]] = {}


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
