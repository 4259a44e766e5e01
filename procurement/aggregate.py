"""Portfolio figures of a run, computed incrementally: `Aggregate.add(scored)` per order, then `.result()`.

Why incremental: a batch may hold hundreds of thousands of orders, read as a stream. The aggregator keeps
running sums only; its memory grows with the number of rules, buyers, months and CPV divisions (bounded
tables), never with the number of orders (the counts by rule wait for up to 4,096 orders to be summed
in C: procurement/aggregate_rules.py). `result()` returns plain JSON-ready data with codes, not
labels: the view models format it in the report's language.

About amounts: every amount here is the *notified* amount excl. VAT ("montant notifié"), as the input
gives it. For a framework agreement (accord-cadre) DECP and most exports give the MAXIMUM amount, not
what was spent, and its call-offs may also be in the batch: the result keeps framework amounts apart
(`totals.amount_framework`) so that a page can say so next to every spend figure.

Targets are measured from the orders' own fields (considerations, supplier status, CPV), not from rule
verdicts; their values come from the rulebook's `targets` (TARGET_KEYS) or DEFAULTS, `origin` says which,
and each counts the natures its words name (contracts, or spend): procurement/aggregate_targets.py.

Each order is counted once: a later copy of an order (same buyer, id, amount and date: the
`duplicate_order` warning the pipeline puts on every copy after the first) is set aside from every
figure and counted apart (`totals.duplicate_rows`, `duplicate_amount`), so that a file exported twice
does not double the figures; the page says how many rows were set aside. A later row of an id with
another amount or date (`duplicate_id`) is another order (lines of one purchase order, a reused or
placeholder id) and is counted. Every row is still scored and listed in the other outputs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from procurement.aggregate_places import (  # noqa: F401  (re-exported: views and tests name them here)
    DISTANCE_BANDS,
    LOCATION_BANDS,
    PlaceTallies,
    distance_band,
)
from procurement.aggregate_rules import RuleTallies
from procurement.aggregate_targets import (  # noqa: F401  (re-exported: tests and callers name them here)
    CONTRACT_NATURES,
    DEFAULT_TRANSPORT_CPV,
    DEFAULTS,
    ENV_YES,
    ESS_STATUSES,
    RATE_MIN_COVERAGE,
    RATE_MIN_EVALUATED,
    SOCIAL_YES,
    SPEND_NATURES,
    TARGET_KEYS,
    TRANSPORT_TABLES,
    TargetTallies,
    _unit_factor,
    not_notified,
    rate_withheld,
    resolve_targets,
    transport_prefixes,
)
from procurement.order_identity import DUPLICATE_ORDER  # the warning on every later copy of an order
from procurement.rulebook.book import FAIL, INSUFFICIENT, NOT_APPLICABLE, PASS

STATUSES = (PASS, FAIL, NOT_APPLICABLE, INSUFFICIENT, "waived")  # waived: set by procurement.waivers

CHANTIERS = tuple(range(1, 9))
UNKNOWN = "unknown"


@lru_cache(maxsize=4096)
def _month(date: Any) -> str:
    """A date's month, formatted once per date (strftime was a tenth of `Aggregate.add`)."""
    return date.strftime("%Y-%m") if date is not None else UNKNOWN



def _share(part: float, whole: float) -> float | None:
    return None if not whole else part / whole


class _Row:
    """Running sums of one line of a breakdown (a buyer, a month, a band...)."""

    __slots__ = ("amount", "comp_n", "comp_sum", "legal_fail_orders", "legal_fails", "orders", "score_n", "score_sum",
                 "verdicts")

    def __init__(self) -> None:
        self.orders = self.score_n = self.legal_fails = self.legal_fail_orders = self.verdicts = self.comp_n = 0
        self.amount = self.score_sum = self.comp_sum = 0.0

    def add(self, amount: float | None, s: Any, legal_fails: int) -> None:
        """`s`: the order's OrderScore. Its verdicts and completeness are kept beside its score: a buyer's
        0 / 100 resting on one rule per order (PROC-02 alone on essential data, as CARB-02 was until
        rulebook 1.3.5) read as a buyer failing everything."""
        self.orders += 1
        self.amount += amount or 0.0
        if s.overall is not None:
            self.score_sum += s.overall
            self.score_n += 1
            self.verdicts += s.counts.get(PASS, 0) + s.counts.get(FAIL, 0)
        if s.completeness is not None:
            self.comp_sum += s.completeness
            self.comp_n += 1
        self.legal_fails += legal_fails
        self.legal_fail_orders += 1 if legal_fails else 0

    def to_dict(self) -> dict[str, Any]:
        return {"orders": self.orders, "amount": self.amount,
                "score": None if not self.score_n else self.score_sum / self.score_n, "orders_scored": self.score_n,
                "verdicts": self.verdicts,
                "verdicts_per_order": None if not self.score_n else self.verdicts / self.score_n,
                "completeness": None if not self.comp_n else self.comp_sum / self.comp_n,
                "completeness_orders": self.comp_n,
                "legal_fails": self.legal_fails, "legal_fail_orders": self.legal_fail_orders}


class Aggregate:
    """Running figures over scored orders. Feed with `add`; read with `result` (any time, repeatedly)."""

    def __init__(self, rulebook: Any) -> None:
        self.rulebook = rulebook
        self.rule_ids = [r.id for r in rulebook.rules]
        self.goals = TargetTallies(rulebook)
        self.targets = self.goals.targets
        self.n = self.amount_known = 0
        self.duplicates = [0, 0.0]  # later copies of an id set aside: [rows, amount]
        self.not_notified = [0, 0.0]  # consultations launched and not notified: [orders, estimated amount]
        # framework agreements notified: [orders, maximum amount]. A consultation for a framework agreement not
        # yet notified is among the consultations: counted in both, 5.1 M€ of the sample workbook were
        # subtracted twice by a reader of « dont accords-cadres » and « dont consultations non notifiées ».
        self.frameworks = [0, 0.0]
        self.amount = 0.0
        self.by_nature: dict[str, list[float]] = {}  # nature -> [orders, amount]
        self.score_sum = self.completeness_sum = 0.0
        self.score_n = self.completeness_n = 0
        self.legal_fail_orders, self.legal_fail_amount = 0, 0.0
        self.legal_fail_pending = 0  # of them, consultations not notified: their amounts are estimates
        # legal rules binding a year's purchases (`binds: year`, EGAlim's shares): an order failing one is
        # below the share, not in breach by itself, so it is counted apart from the legal failures: 30 of
        # the sample workbook's 38 « commandes avec un manquement légal » failed EGA-01..03 alone, while the
        # year's EGAlim share stood at 51.7 % (manager review, 2026-11-27).
        self.by_year_rules = frozenset(r.id for r in rulebook.rules if getattr(r.source, "binds", "order") == "year")
        self.below_share = [0, 0.0]  # orders whose only legal failures bind a year's purchases: [orders, amount]
        self.below_rules: set[str] = set()  # the rules those orders failed, which the page names
        # rule -> orders then amounts by status, and the missing fields of its insufficient verdicts
        # (procurement/aggregate_rules.py); `result()` reads them as rule_counts and rule_amounts.
        self.rules = RuleTallies(rulebook, STATUSES)
        self.rule_ids, self.tally, self.rule_missing = self.rules.rule_ids, self.rules.tally, self.rules.rule_missing
        self.extra = self.rules.extra  # rules named by findings but not in the rulebook (portfolio rules)
        self.rule_counts: dict[str, dict[str, int]] = {}
        self.rule_amounts: dict[str, dict[str, float]] = {}
        self.ch = {c: {"score_sum": 0.0, "score_n": 0, "wsum": 0.0, "wamount": 0.0, "comp_sum": 0.0, "comp_n": 0}
                   for c in CHANTIERS}
        self.places = PlaceTallies()  # where the money goes and what it emits
        self.buyers: dict[tuple[str, str | None], _Row] = {}  # (name, SIRET)
        self.months: dict[str, _Row] = {}

    # -----------------------------------------------------------------------------------------------------
    def add(self, scored: Any) -> None:
        o, s = scored.order, scored.scores
        amount = o.amount
        if o.warnings and any(w.code == DUPLICATE_ORDER for w in o.warnings):
            self.duplicates[0] += 1
            self.duplicates[1] += amount or 0.0
            return
        self.n += 1
        if amount is not None:
            self.amount += amount
            self.amount_known += 1
        nat = self.by_nature.setdefault(o.nature or UNKNOWN, [0, 0.0])
        nat[0] += 1
        nat[1] += amount or 0.0
        pending = not_notified(o)
        if pending:
            self.not_notified[0] += 1
            self.not_notified[1] += amount or 0.0
        elif o.nature == "accord_cadre":
            self.frameworks[0] += 1
            self.frameworks[1] += amount or 0.0
        if s.overall is not None:
            self.score_sum += s.overall
            self.score_n += 1
        if s.completeness is not None:
            self.completeness_sum += s.completeness
            self.completeness_n += 1
        legal_fails = len(s.legal_failures)
        if legal_fails and self.by_year_rules:
            legal_fails -= sum(1 for r in s.legal_failures if r in self.by_year_rules)
            if not legal_fails:
                self.below_share[0] += 1
                self.below_share[1] += amount or 0.0
                self.below_rules.update(s.legal_failures)
        if legal_fails:
            self.legal_fail_orders += 1
            self.legal_fail_amount += amount or 0.0
            self.legal_fail_pending += 1 if pending else 0
        self.rules.add(scored, s, amount)
        self._add_chantiers(s, amount)
        self.goals.add(o, amount, pending)
        self.places.add(o, amount, pending)
        buyer = (o.buyer_name or o.buyer_siret or UNKNOWN, o.buyer_siret)  # views.common.buyer_labels says why
        (self.buyers.get(buyer) or self.buyers.setdefault(buyer, _Row())).add(amount, s, legal_fails)
        month = _month(o.notification_date)
        (self.months.get(month) or self.months.setdefault(month, _Row())).add(amount, s, legal_fails)

    def _add_chantiers(self, s: Any, amount: float | None) -> None:
        by_chantier, completeness = s.by_chantier, s.completeness_by_chantier
        for c, acc in self.ch.items():
            score, comp = by_chantier.get(c), completeness.get(c)
            if score is not None:
                acc["score_sum"] += score
                acc["score_n"] += 1
                if amount:
                    acc["wsum"] += score * amount
                    acc["wamount"] += amount
            if comp is not None:
                acc["comp_sum"] += comp
                acc["comp_n"] += 1

    # -----------------------------------------------------------------------------------------------------
    def result(self) -> dict[str, Any]:
        self.rules.flush()
        n = len(STATUSES)
        self.rule_counts = {r: dict(zip(STATUSES, t[:n], strict=True)) for r, t in self.tally.items()}
        self.rule_amounts = {r: dict(zip(STATUSES, t[n:], strict=True)) for r, t in self.tally.items()}
        return {
            "totals": self._totals(),
            "rules": self._rules(),
            "chantiers": self._chantiers(),
            "targets": self.goals.result(),
            **self.places.result(self.amount),
            "buyers": sorted(({"buyer": k[0], "siret": k[1], **r.to_dict()} for k, r in self.buyers.items()),
                             key=lambda r: (-r["amount"], -r["orders"], r["buyer"], r["siret"] or "")),
            "months": [{"month": k, **self.months[k].to_dict()}
                       for k in sorted(self.months, key=lambda m: (m == UNKNOWN, m))],
            "coverage": self._coverage(),
        }

    def _totals(self) -> dict[str, Any]:
        fw = self.frameworks
        return {
            "orders": self.n,
            "amount": self.amount,
            "orders_with_amount": self.amount_known,
            "orders_without_amount": self.n - self.amount_known,
            "amount_framework": fw[1],
            "orders_framework": fw[0],
            "amount_excluding_framework": self.amount - fw[1],
            # consultations launched and not notified: their amounts are estimates (aggregate_targets)
            "orders_not_notified": self.not_notified[0],
            "amount_not_notified": self.not_notified[1],
            "by_nature": {k: {"orders": v[0], "amount": v[1]} for k, v in sorted(self.by_nature.items())},
            "score": None if not self.score_n else self.score_sum / self.score_n,
            "orders_scored": self.score_n,
            "completeness": None if not self.completeness_n else self.completeness_sum / self.completeness_n,
            "legal_fail_orders": self.legal_fail_orders,
            "legal_fail_amount": self.legal_fail_amount,
            "legal_fail_not_notified": self.legal_fail_pending,
            # orders failing only legal rules that bind a year's purchases (`binds: year`): not breaches
            "below_annual_share_orders": self.below_share[0],
            "below_annual_share_amount": self.below_share[1],
            "annual_share_rules": sorted(self.below_rules),
            # orders whose only legal failures were waived (they are not in legal_fail_orders): never hidden
            "waived_legal_orders": self.rules.waived_legal[0],
            "waived_legal_amount": self.rules.waived_legal[1],
            "duplicate_rows": self.duplicates[0],
            "duplicate_amount": self.duplicates[1],
        }

    def _rules(self) -> list[dict[str, Any]]:
        """Each rule's counts and amounts by status, its share passing (of the orders, of their amount) and
        what that share is measured on: `evaluated` (passing + failing) of the orders it `applies_to`
        (every status but not applicable), and `withheld`, why the share is not to be shown
        (`rate_withheld`; "flagged_only" for a portfolio rule, which gives a verdict to the orders it
        flags only: its share is 0 % by construction). The shares stay here as computed."""
        out = []
        for rid in self.rule_ids:
            c, a = self.rule_counts[rid], self.rule_amounts[rid]
            was = self.rules.waived_from.get(rid, (0, 0))
            evaluated = c[PASS] + c[FAIL]
            applies_to = sum(c.values()) - c[NOT_APPLICABLE]
            coverage = _share(evaluated, applies_to)
            out.append({"rule": rid, "counts": dict(c), "amounts": dict(a),
                        "waived_from": {FAIL: was[0], INSUFFICIENT: was[1]},
                        "pass_share": _share(c[PASS], evaluated),
                        "pass_amount_share": _share(a[PASS], a[PASS] + a[FAIL]),
                        "evaluated": evaluated, "applies_to": applies_to, "coverage": coverage,
                        "withheld": "flagged_only" if rid in self.extra else rate_withheld(evaluated, coverage)})
        return out

    def _chantiers(self) -> list[dict[str, Any]]:
        """Each chantier's scores, and its main gaps and successes. A gap is any rule of the chantier
        failing (a legal failure or a risk is a gap too: `kind` says which). A success is an indicator
        (kind `kpi`) passing: an indicator measures progress on the chantier, while a legal obligation or
        a risk rule that passes only says that nothing is wrong (PROC-03's formal procedures, RISK-01's
        absence of a geographic criterion were the « successes » of chantiers 1, 3 and 8)."""
        book = {r.id: r for r in self.rulebook.rules} | self.extra
        out = []
        for c, acc in self.ch.items():
            rules = [rid for rid in self.rule_ids if rid in book and c in book[rid].chantiers]
            fails = sorted((r for r in rules if self.rule_counts[r][FAIL]),
                           key=lambda r: (-self.rule_amounts[r][FAIL], -self.rule_counts[r][FAIL], r))
            passes = sorted((r for r in rules if self.rule_counts[r][PASS] and getattr(book[r], "kind", None) == "kpi"),
                            key=lambda r: (-self.rule_amounts[r][PASS], -self.rule_counts[r][PASS], r))
            out.append({
                "chantier": c,
                "rules": rules,
                "score": None if not acc["score_n"] else acc["score_sum"] / acc["score_n"],
                "score_spend_weighted": None if not acc["wamount"] else acc["wsum"] / acc["wamount"],
                "orders_scored": acc["score_n"],
                "completeness": None if not acc["comp_n"] else acc["comp_sum"] / acc["comp_n"],
                "drivers_fail": [{"rule": r, "kind": getattr(book[r], "kind", None),
                                  "orders": self.rule_counts[r][FAIL], "amount": self.rule_amounts[r][FAIL]}
                                 for r in fails[:3]],
                "drivers_pass": [{"rule": r, "kind": "kpi", "orders": self.rule_counts[r][PASS],
                                  "amount": self.rule_amounts[r][PASS]} for r in passes[:3]],
                "indicators": sum(1 for r in rules if getattr(book[r], "kind", None) == "kpi"),
            })
        return out

    def _coverage(self) -> list[dict[str, Any]]:
        out = []
        for rid in self.rule_ids:
            c = self.rule_counts[rid]
            total = sum(c.values())
            # A waived verdict counts as what it was: a failure was evaluated and applicable, missing data
            # stays missing (a waiver accepts a verdict, it brings no data: scoring.py). Counted as
            # evaluated and not applicable, PROC-02 read « 494 évaluées, 88 applicables » beside 87 + 1 + 405.
            from_fail, from_insufficient = self.rules.waived_from.get(rid, (0, 0))
            out.append({
                "rule": rid,
                "orders": total,
                "evaluated": c[PASS] + c[FAIL] + c[NOT_APPLICABLE] + from_fail,
                "applicable": c[PASS] + c[FAIL] + from_fail,
                "not_applicable": c[NOT_APPLICABLE],
                "insufficient": c[INSUFFICIENT] + from_insufficient,
                "missing": self.rule_missing[rid].most_common(),
            })
        return out


def aggregate(run: Any) -> dict[str, Any]:
    """The figures of a whole Run (convenience for writers holding a Run)."""
    agg = Aggregate(run.rulebook)
    for scored in run.orders:
        agg.add(scored)
    return agg.result()
