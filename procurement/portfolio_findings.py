"""Portfolio verdicts (RISK-02, possible splitting) shown on each order they concern.

`procurement.portfolio` judges a batch, not an order. An auditor looking at one order must still see
that it belongs to a group whose sum crosses a threshold; so each order of a flagged group receives a
finding that behaves like an engine finding (rule, status, evidence, message, legal basis), and its
scores are recomputed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from procurement.portfolio import RULES, PortfolioFinding
from procurement.rulebook.schema import LegalRef, Text
from procurement.rulebook.select import matches


@dataclass(frozen=True, slots=True)
class _Source:
    why: Text
    advice: Text
    legal_ref: tuple[LegalRef, ...]


@dataclass(frozen=True, slots=True)
class PortfolioRule:
    """The parts of a compiled rule that reports read: identity, tags, texts and legal basis."""

    id: str
    kind: str
    severity: str
    weight: float
    chantiers: tuple[int, ...]
    title: Text
    source: _Source
    measure: tuple[str, ...] = ()


def portfolio_rule(rule_id: str) -> PortfolioRule:
    meta = RULES[rule_id]
    return PortfolioRule(
        id=rule_id,
        kind=meta["kind"],
        severity=meta["severity"],
        weight=1.0,
        chantiers=tuple(meta["chantiers"]),
        title=Text(**meta["title"]),
        source=_Source(
            why=Text(**meta["why"]),
            advice=Text(**meta["advice"]),
            legal_ref=tuple(LegalRef(**ref) for ref in meta["legal_ref"]),
        ),
    )


# Where the evidence's value comes from: the sum of the group's amounts, not the order's own amount (the
# writers' default origin, "order", said the group's total was read on the order).
GROUP_SUM_ORIGIN = "computed:group_sum(amount)"


class PortfolioOrderFinding:
    """One order's share of a portfolio finding, with the group as evidence."""

    __slots__ = ("compiled", "group", "order_id")

    def __init__(self, group: PortfolioFinding, rule: PortfolioRule, order_id: str):
        self.group, self.compiled, self.order_id = group, rule, order_id

    rule = property(lambda self: self.compiled.id)
    status = property(lambda self: self.group.status)
    kind = property(lambda self: self.compiled.kind)
    severity = property(lambda self: self.compiled.severity)
    chantiers = property(lambda self: self.compiled.chantiers)
    weight = property(lambda self: self.compiled.weight)
    missing: tuple[str, ...] = ()

    @property
    def evidence(self) -> list[dict[str, Any]]:
        """The comparison that made the group: its sum against the threshold, and what it gives (true for
        a flagged group: the risk is that the sum reaches the threshold, not a condition that failed)."""
        g = self.group
        return [{
            "part": "portfolio", "field": "amount", "op": "group_sum_gte", "expected": g.threshold,
            "actual": g.total, "result": g.total >= g.threshold, "origin": GROUP_SUM_ORIGIN,
        }]

    @property
    def measures(self) -> dict[str, Any]:
        g = self.group
        # The group by its key and size, not its order ids: listed in every order of a group of n orders,
        # the ids would make the output grow as n² (27 GB of results.json for a million orders). The group
        # itself, with its orders, is in the run's `portfolio` (results.json), found by these keys.
        return {"group_size": g.count, "group_total": g.total, "threshold": g.threshold, "buyer": g.buyer,
                "cpv_class": g.cpv_class, "contract_type": g.contract_type, "year": g.year, "level": g.level}

    def message(self, lang: str = "fr") -> str:
        return self.group.message(lang)

    @property
    def message_fr(self) -> str:
        return self.message("fr")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "order": self.order_id, "rule": self.rule, "kind": self.kind, "severity": self.severity,
            "chantiers": list(self.chantiers), "weight": self.weight, "status": self.status,
            "message_fr": self.message_fr, "message_en": self.message_en, "evidence": self.evidence,
            "missing": [], "measures": self.measures,
        }
        if lang is not None:
            out["message"] = self.message(lang)
        return out


PORTFOLIO_RULE_IDS = tuple(RULES)


def selected_splitting(rulebook: Any) -> bool:
    """Whether RISK-02 runs: a rule left out by --select/--ignore is not run."""
    return is_selected(rulebook, "RISK-02")


def is_selected(rulebook: Any, rule_id: str) -> bool:
    """Whether a portfolio rule runs with this rulebook and its --select/--ignore (as they match ids)."""
    selection = getattr(rulebook, "selection", None) or {}
    select, ignore = selection.get("select") or [], selection.get("ignore") or []
    if any(matches(s, rule_id) for s in ignore):
        return False
    return not select or any(matches(s, rule_id) for s in select)
