"""A rule's verdicts by the pattern of its conditions' results, for the evidence results.json shows.

Why: results.json shows the conditions that decided a verdict, not all of them. Keyed by every value the
rule's conditions read, nine findings in ten of some rules were explained afresh (PROC-03 reads the
launch date and the amount: 1,990 keys for 1,991 findings in 20,000 orders), while their decisive
evidence took a handful of forms (8). Which rows are decisive, and the missing fields, follow from the
leaves' results and the validity window's alone (`CompiledRule.explain` decides on nothing else); the
rows' JSON then depends on the values of those rows only. So the evidence is kept by (status, pattern,
values of the decisive rows), and a rule is explained only for a pattern not met yet.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from procurement.write.finding_rows import decisive_rows

PATTERNS_LIMIT = 1024  # patterns kept per rule (a bound, whatever the rule)


class RulePattern:
    """The leaves of a rule as `explain` evaluates them, and what each pattern of results decides."""

    __slots__ = ("_known", "leaves", "since", "slot", "until", "windowed")

    def __init__(self, rule: Any, slots: dict[str, int]):
        self.leaves: list[tuple[int, Any, bool]] = []  # (slot, predicate, sees unknown)
        for node in (rule.applies, rule.require):
            if node is not None:
                self._walk(node)
        self.since, self.until = rule.source.since, rule.source.until
        self.windowed = bool(self.since or self.until)
        self.slot = slots
        # (status, pattern) -> (its rows with the slot of each value instead of the value, getter of the
        # decisive rows' values)
        self._known: dict[tuple, tuple[tuple, Any]] = {}

    def _walk(self, node: Any) -> None:
        children = getattr(node, "children", None)
        if children is None:
            self.leaves.append((node.i, node.pred, node.sees_unknown))
        else:
            for child in children:
                self._walk(child)

    def pattern(self, vals: tuple) -> tuple:
        """Each leaf's result as `explain` gives it, then the window's and which reference date it read."""
        key = [None if (v := vals[i]) is None and not unknown else pred(v) for i, pred, unknown in self.leaves]
        if self.windowed:
            first = vals[0]
            ref = first if first is not None else vals[1]
            since, until = self.since, self.until
            key.append(None if ref is None else (since is None or ref >= since) and (until is None or ref <= until))
            key.append(first is None)
        return tuple(key)

    def known(self, f: Any, status: str, pattern: tuple) -> tuple[Any, Any] | None:
        """(evidence rows of `f`, getter of its decisive rows' values from the value tuple or its key
        parts), the rows made from what the first finding with this status and pattern explained (the
        same rows: each row's value is read at its field's slot); None if the rule's rows are not
        those (a value read elsewhere than its field's slot: `explain` is then asked each time)."""
        key = (status, pattern)
        known = self._known.get(key)
        if known is None:
            rows = f.evidence_rows()
            vals, slot = f.vals, self.slot
            if not all(r[1] in slot and r[4] is vals[slot[r[1]]] for r in rows):
                return None
            kept = decisive_rows(rows, status, f.missing if status == "insufficient_data" else None, f.compiled)
            positions = tuple(slot[r[1]] for r in kept)
            if len(positions) > 1:
                get = itemgetter(*positions)
            elif positions:
                i = positions[0]
                get = lambda seq: (seq[i],)  # noqa: E731
            else:
                get = lambda seq: ()  # noqa: E731
            if len(self._known) >= PATTERNS_LIMIT:
                self._known.clear()
            self._known[key] = (tuple((p, n, o, e, slot[n], r) for p, n, o, e, _a, r in rows), get)
            return rows, get
        vals = f.vals
        return [(p, n, o, e, vals[i], r) for p, n, o, e, i, r in known[0]], known[1]
