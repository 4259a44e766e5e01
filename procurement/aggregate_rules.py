"""The batch figures' counts and amounts by rule and status, and the missing fields by rule: the part
of `procurement.aggregate` that reads every verdict, apart so that each module stays short.

Why pending orders: an order's statuses come as one string of letters (`procurement.rule_statuses`,
read once per order for every output of the pass); 4,096 orders of them make a block whose slices are
the rules' columns, counted by `bytes.count` and summed by `reduce` in C, where adding a finding at a
time in Python was most of the figures' time (35 findings an order). A rule's amount for a status is
still the float sum of its orders' amounts in the orders' order, to the last bit.

Counts are of ORDERS: an order has one status per rule. RISK-02 gives an order one finding per group
of possible splitting it is in; an order in two groups was counted twice (99 "orders" for 87). Several
findings of one rule on one order count once, under the worst of their statuses (`WORST`).

Waivers are never hidden: a waived finding counts under "waived", and `waived_from` says, by rule, how
many orders' waived findings were failures and how many lacked data (what the waiver covered), and
`waived_legal` how many orders have legal failures that were all waived (so are not among the orders
with a legal failure).
"""

from __future__ import annotations

from collections import Counter
from functools import reduce
from itertools import compress
from operator import add
from typing import Any

from procurement.rule_statuses import STATUS_LETTER, RuleStatuses
from procurement.rulebook.book import FAIL, INSUFFICIENT
from procurement.scoring import WAIVED, WORST

_PENDING = 4096  # orders whose statuses wait to be summed (a bound on memory, not a tuning)


class RuleTallies:
    """rule -> [orders by status..., amounts by status...] (`statuses` order) in `tally`, the missing
    fields of its insufficient verdicts in `rule_missing`; `flush()` before reading them."""

    def __init__(self, rulebook: Any, statuses: tuple[str, ...]):
        self.statuses = statuses
        self.where = {s: i for i, s in enumerate(statuses)}
        self.fail_at = self.where[FAIL]  # a status unknown here counts as fail
        self.rule_ids = [r.id for r in rulebook.rules]
        # Flat lists: a finding is two list updates.
        self.tally = {r: [0] * len(statuses) + [0.0] * len(statuses) for r in self.rule_ids}
        self.rule_missing: dict[str, Counter[str]] = {r: Counter() for r in self.rule_ids}
        self.extra: dict[str, Any] = {}  # rules named by findings but not in the rulebook (portfolio rules)
        self.rank = {st: WORST.index(st) if st in WORST else 0 for st in statuses}
        self.waived_from: dict[str, list[int]] = {}  # rule -> [orders waived from fail, from insufficient data]
        self.waived_legal = [0, 0.0]  # orders whose legal failures were all waived: [orders, amount]
        # (letter, where its count is in a rule's list, bytes.translate table marking that letter's orders)
        self._cells = tuple((letter.encode(), self.where.get(status, self.fail_at),
                             bytes(int(chr(b) == letter) for b in range(256)))
                            for status, letter in STATUS_LETTER.items())
        # Orders whose first findings are the rulebook's rules in order (most of them): their letters
        # and amounts wait here (`_add_verdicts`, `flush`).
        self._layout = RuleStatuses(rulebook.rules)
        self._planned = frozenset(self._layout.ids)
        self._planned_tallies = [self.tally[rid] for rid in self._layout.ids]
        self._pending: list[str] = []
        self._amounts: list[float] = []

    def add(self, scored: Any, s: Any, amount: float | None) -> None:
        if not self._add_verdicts(scored, s, amount):
            self.flush()  # the pending orders first: a sum adds its amounts in the orders' order
            self._add_findings(scored.findings, s, amount)
        if s.counts.get(WAIVED):
            self._add_waived(scored.findings, s, amount)

    def _add_waived(self, findings: Any, s: Any, amount: float | None) -> None:
        """What the order's waived findings were (`waived_from`, `waived_legal`): orders with a waiver only."""
        seen = {f.rule for f in findings if f.status == FAIL}  # counted as failing (`WORST`), not as waived
        legal = False
        for f in findings:
            if f.status != WAIVED or f.rule in seen:
                continue
            seen.add(f.rule)
            was_fail = getattr(f, "original_status", FAIL) != INSUFFICIENT
            row = self.waived_from.get(f.rule) or self.waived_from.setdefault(f.rule, [0, 0])
            row[0 if was_fail else 1] += 1
            legal = legal or (was_fail and f.kind == "legal")
        if legal and not s.legal_failures:
            self.waived_legal[0] += 1
            self.waived_legal[1] += amount or 0.0

    def _add_verdicts(self, scored: Any, s: Any, amount: float | None) -> bool:
        """An order whose first findings are the rulebook's rules in order (False if not): their letters
        and its amount wait in `_pending` for `flush`; the findings after them are added now."""
        layout = self._layout
        letters = layout.letters(scored)
        if letters is None:
            return False
        rest = layout.of(scored)[1]  # type: ignore[index]
        if rest and not self._planned.isdisjoint(f.rule for f in rest):
            return False  # a second verdict of a rule whose first one is pending: one at a time, in order
        self._pending.append(letters)
        self._amounts.append(amount or 0.0)
        if len(self._amounts) >= _PENDING:
            self.flush()
        if rest:
            self._add_findings(rest, s, amount, missing=False)
        self._add_missing(s)
        return True

    def flush(self) -> None:
        """The pending orders (`_pending`, `_amounts`) counted and summed rule by rule, in C: a rule's
        letters over the orders are a slice of their bytes; a status's count is `bytes.count`, its amounts
        are picked by `compress` and added left to right by `reduce`, in the orders' order, so each sum
        is the float sum a finding at a time makes, to the last bit."""
        amounts = self._amounts
        if not amounts:
            return
        n, size, every = len(self.statuses), len(amounts), self._layout.n
        rows = "".join(self._pending).encode("ascii")
        for i, tally in enumerate(self._planned_tallies):
            column = rows[i::every]
            for letter, at, picks in self._cells:
                count = column.count(letter)
                if not count:
                    continue
                tally[at] += count
                chosen = amounts if count == size else compress(amounts, column.translate(picks))
                tally[at + n] = reduce(add, chosen, tally[at + n])
        self._pending.clear()
        amounts.clear()

    def _add_missing(self, s: Any) -> None:
        """The missing fields of the order's insufficient verdicts (already computed by scoring)."""
        missing_by_rule = self.rule_missing
        for rid, fields in s.missing.items():
            missing = missing_by_rule.get(rid)
            if missing is not None:
                for name in fields:  # Counter.update, without its checks of the argument's type
                    missing[name] += 1

    def _add_findings(self, findings: Any, s: Any, amount: float | None, missing: bool = True) -> None:
        """Each finding's status, and the missing fields of the order's insufficient verdicts unless
        `missing` is False (`_add_verdicts` adds them)."""
        table, where, fail_at, amount = self.tally, self.where, self.fail_at, amount or 0.0
        n, rank = len(self.statuses), self.rank
        statuses: dict[str, int] = {}  # rule -> where its status is counted: one status per rule and order
        for f in findings:
            rid = f.rule
            if rid not in table:  # a finding of a rule outside the rulebook: counted apart
                table[rid] = [0] * n + [0.0] * n
                self.rule_missing[rid] = Counter()
                self.rule_ids.append(rid)
                self.extra[rid] = f.compiled
            at = where.get(f.status, fail_at)
            before = statuses.get(rid)
            if before is None or rank[self.statuses[at]] < rank[self.statuses[before]]:
                statuses[rid] = at
        for rid, at in statuses.items():
            tally = table[rid]
            tally[at] += 1
            tally[at + n] += amount
        if missing:
            self._add_missing(s)
