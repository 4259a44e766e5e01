"""The statuses of an order's findings, read once per order for every output of the writing pass.

Why: results.csv, report.html and the batch figures each want an order's status for every rule of the
rulebook. Asked finding by finding (`f.rule`, a property, then a dict per order), that was about a
third of each of their `add`s at 100,000 orders × 35 rules. The engine gives an order's findings in the
rulebook's order (`CompiledRulebook.plan`), then the findings the batch adds (RISK-02), so the statuses
of the first findings are the rulebook's, position for position, once their rules are checked to be the
rulebook's own objects; and the sinks of one pass, fed the same order one after the other, share the
answer (the last order's is kept).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

# One letter per status (report.html's rows, the figures' columns); another status reads as "f".
STATUS_LETTER = {"pass": "p", "fail": "f", "not_applicable": "n", "insufficient_data": "i", "waived": "w"}
_LETTERS_LIMIT = 20_000  # patterns of statuses kept with their letters (a bound, not a tuning)

# The last answer: [order, rules, (statuses, rest) or None, letters or None]. Holding the order keeps
# its identity its own.
_last: list[Any] = [None, None, None, None]
# The statuses of an order -> their letters: patterns repeat over a batch (5,700 in 20,000 orders of
# the bench data), and one string object per pattern hashes once.
_letters: dict[tuple[str, ...], str] = {}


class RuleStatuses:
    """`of(scored)` and `letters(scored)` for the rules of one rulebook (its `rules`, in their order)."""

    def __init__(self, rules: Any):
        self.rules = rules
        self.compiled = list(rules)
        self.n = len(self.compiled)
        self.ids = [r.id for r in self.compiled]
        # Two rules of one id would make "the status of a rule" depend on which finding comes last.
        self.usable = len(set(self.ids)) == self.n

    def of(self, scored: Any) -> tuple[tuple[str, ...], list[Any]] | None:
        """(the status of each rule, in the rulebook's order; the findings after them), or None when the
        order's first findings are not the rulebook's rules in its order (the caller then reads each
        finding)."""
        last = _last
        if last[0] is scored and last[1] is self.rules:
            return last[2]
        findings, n = scored.findings, self.n
        answer = None
        if self.usable and len(findings) >= n:
            head = findings[:n] if len(findings) > n else findings
            try:  # list comprehensions: in CPython 3.11 a slot read there is faster than attrgetter's
                same = [f.compiled for f in head] == self.compiled
            except AttributeError:  # a finding without a compiled rule (tests build such)
                same = False
            if same:
                answer = (tuple([f.status for f in head]), findings[n:])
        last[0], last[1], last[2], last[3] = scored, self.rules, answer, None
        return answer

    def letters(self, scored: Any) -> str | None:
        """`of(scored)`'s statuses as letters (STATUS_LETTER), one per rule of the rulebook, or None."""
        layout = self.of(scored)
        if layout is None:
            return None
        last = _last
        if last[3] is not None:
            return last[3]
        statuses = layout[0]
        letters = _letters.get(statuses)
        if letters is None:
            if len(_letters) >= _LETTERS_LIMIT:
                _letters.clear()
            letters = _letters[statuses] = "".join(map(STATUS_LETTER.get, statuses, repeat("f")))
        last[3] = letters
        return letters


def forget() -> None:
    """Drop the last answer (tests that change an order's findings in place)."""
    _last[0] = _last[1] = _last[2] = _last[3] = None
