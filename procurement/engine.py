"""Evaluate orders against a compiled rulebook: a pure function from (order, rulebook) to findings.

Why pure: no I/O, no global state, nothing mutated — so a batch can be split across processes and
any verdict can be reproduced from the order and the rulebook's sha256. Reference data reaches the
engine only through the rulebook's compiled tables and the order's enriched fields.

Why findings are cheap to make and rich to read: on the hot path, a finding is the rule, its status and
the tuple of order values the rulebook reads (one `attrgetter` call per order, shared by all rules).
The evidence (each condition with expected value, actual value and result), the missing fields and the
rendered messages are derived from that tuple when first asked for — from the same values that
produced the status, so the explanation is the verdict's own, whatever happens to the order later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from procurement.fields import FIELDS_BY_NAME
from procurement.model import Order
from procurement.rulebook.book import FAIL, INSUFFICIENT, NOT_APPLICABLE, PASS, CompiledRule, CompiledRulebook
from procurement.rulebook.render import render, template_fields

# Messages for statuses the rule gives no template for. Filled by str.format with our own values only.
_GENERIC = {
    "fr": {PASS: "Conforme : {title}", NOT_APPLICABLE: "Non applicable : {title}",
           INSUFFICIENT: "Données manquantes pour évaluer « {title} » : {missing}"},
    "en": {PASS: "Passed: {title}", NOT_APPLICABLE: "Not applicable: {title}",
           INSUFFICIENT: "Missing data to evaluate “{title}”: {missing}"},
}
# After a missing field that the order's input format cannot carry (procurement/carriage.py: what a bidder or
# a supplier declares): the figure exists only with them, and must be collected, not looked for in the file.
# Said once after those fields, gathered last (one field, then several).
_NOT_CARRIED = {
    "fr": (" — le format {format} ne porte pas ce champ ; recueillez-le auprès du titulaire",
           " — le format {format} ne porte pas ces champs ; recueillez-les auprès du titulaire"),
    "en": (" — the {format} format does not carry this field; collect it from the supplier",
           " — the {format} format does not carry these fields; collect them from the supplier"),
}


class Finding:
    """The verdict of one rule on one order. Immutable; evidence and messages are computed on demand."""

    __slots__ = ("_book", "_explained", "_vals", "compiled", "memo", "status")

    def __init__(self, rule: CompiledRule, status: str, vals: tuple, book: CompiledRulebook):
        self.compiled = rule  # the compiled rule (titles, why, advice, legal_ref via .source)
        self.status = status
        self._vals = vals  # the order's values the rulebook reads, as they were when evaluated
        self._book = book
        self._explained: tuple | None = None
        self.memo: Any = None  # free for a writer to keep what it derived from this finding (write/finding_parts.py)

    @property
    def rule(self) -> str:
        return self.compiled.id

    @property
    def order_id(self) -> str:
        return self._vals[2]

    # The rule's tags, for grouping and scoring.
    @property
    def kind(self) -> str:
        return self.compiled.kind

    @property
    def severity(self) -> str:
        return self.compiled.severity

    @property
    def chantiers(self) -> tuple[int, ...]:
        return self.compiled.chantiers

    @property
    def weight(self) -> float:
        return self.compiled.weight

    def _explain(self) -> tuple:
        if self._explained is None:
            status, rows, missing = self.compiled.explain(self._vals)
            assert status == self.status, "fast path and explanation disagree"
            self._explained = (rows, missing)
        return self._explained

    @property
    def evidence(self) -> list[dict[str, Any]]:
        """Each condition evaluated: part (validity / applies_when / require), field, op, expected, actual, result.

        A condition under a `not` reads `not <op>` with the negated result (compiler.LeafNode): a row
        never reads against the verdict it explains."""
        return [{"part": p, "field": f, "op": o, "expected": e, "actual": a, "result": r}
                for p, f, o, e, a, r in self._explain()[0]]

    def evidence_rows(self) -> list[tuple]:
        """`evidence` as tuples (part, field, op, expected, actual, result), without a dict per row."""
        return self._explain()[0]

    @property
    def missing(self) -> tuple[str, ...]:
        """Fields whose knowledge could change an insufficient_data verdict (empty otherwise).

        An unknown value inside a part already decided (an `any` already true, an `all` already false) is
        not listed: knowing it could not change the verdict. Scoring asks it of every such verdict: the
        rule answers without building the evidence (`CompiledRule.missing`).
        """
        if self.status != INSUFFICIENT:
            return ()
        explained = self._explained
        return explained[1] if explained is not None else self.compiled.missing(self._vals)

    @property
    def not_carried(self) -> tuple[str | None, ...]:
        """For each missing field, the name of the order's input format when that format cannot carry it
        ("DECP", "OCDS": procurement/carriage.py), else None; () when none is. Why: « Données manquantes :
        Intermédiaires » sent a DECP user looking for a column their file cannot have."""
        i = self._book.uncarried_slot
        uncarried = self._vals[i] if i is not None and self.status == INSUFFICIENT else None
        if uncarried is None:
            return ()
        out = tuple(uncarried.format if m in uncarried.fields else None for m in self.missing)
        return out if any(out) else ()

    @property
    def measures(self) -> dict[str, Any]:
        slot = self._book.slot
        return {name: self._vals[slot[name]] for name in self.compiled.measure}

    @property
    def vals(self) -> tuple:
        """The order's values the rulebook reads, in the rulebook's slots (`slots`)."""
        return self._vals

    @property
    def slots(self) -> dict[str, int]:
        return self._book.slot

    def value(self, field: str) -> Any:
        return self._vals[self._book.slot[field]]

    def message(self, lang: str = "fr", label: Callable[[str], str] | None = None) -> str:
        """The finding in words. A missing field is named "Header (field)" (a batch's columns are its own), or
        by `label(field)` when the caller knows where the value goes (`check`: its column and cell)."""
        lang = "en" if lang == "en" else "fr"
        rule = self.compiled
        template = rule.message if self.status == FAIL else rule.message_pass if self.status == PASS else None
        if template is not None:
            slot, vals, parts = self._book.slot, self._vals, template[lang]
            values = {name: vals[slot[name]] for name in template_fields(parts)}
            return render(parts, values, lang)
        title = getattr(rule.title, lang)
        names = [label(m) if label else f"{FIELDS_BY_NAME[m].header(lang)} ({m})" for m in self.missing]
        formats = self.not_carried
        if formats:  # the fields the file has first, then those its format cannot carry, said once
            lacking = [n for n, f in zip(names, formats, strict=True) if f is not None]
            kept = [n for n, f in zip(names, formats, strict=True) if f is None]
            fmt = next(f for f in formats if f is not None)
            said = ", ".join(lacking) + _NOT_CARRIED[lang][len(lacking) > 1].replace("{format}", fmt)
            missing = ("; " if lang == "en" else " ; ").join(part for part in (", ".join(kept), said) if part)
        else:
            missing = ", ".join(names)
        return _GENERIC[lang][self.status].replace("{title}", title).replace("{missing}", missing)

    @property
    def message_fr(self) -> str:
        return self.message("fr")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready record (dates as ISO text, sets as lists); with `lang`, also `message` in it."""
        out = {
            "order": self.order_id,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "chantiers": list(self.chantiers),
            "weight": self.weight,
            "status": self.status,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "evidence": [{k: jsonable(v) for k, v in row.items()} for row in self.evidence],
            "missing": list(self.missing),
            "measures": {k: jsonable(v) for k, v in self.measures.items()},
        }
        if lang is not None:
            out["message"] = self.message(lang)
        return out

    def __repr__(self) -> str:
        return f"Finding({self.order_id!r}, {self.rule}, {self.status})"


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def evaluate(order: Order, rulebook: CompiledRulebook) -> list[Finding]:
    """One finding per rule of `rulebook`, in rulebook order. Never raises on a valid Order."""
    vals = rulebook.values(order)
    return [Finding(rule, status(vals), vals, rulebook) for rule, status in rulebook.plan]


def evaluate_many(orders: Iterable[Order], rulebook: CompiledRulebook) -> Iterator[tuple[Order, list[Finding]]]:
    """(order, findings) for each order, lazily: a stream of any length keeps constant memory."""
    values, plan = rulebook.values, rulebook.plan
    for order in orders:
        vals = values(order)
        yield order, [Finding(rule, status(vals), vals, rulebook) for rule, status in plan]
