"""Run the examples written in rules: small orders with the outcome each rule must give.

Why examples are checked at load time: they are how a buyer reading a rule sees what it means, and
how someone changing a threshold finds out what else changed. An example that no longer gives its
stated outcome makes the rulebook invalid (exit status 2), with the conditions that decided it:
`expected pass, got fail — require: env_considerations contains_any Environmental criterion -> false
(Environmental clause)` (an enumeration's codes by their labels).
`procurement rules test` runs the same function and prints a pytest-like summary instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from procurement.carriage import EXAMPLE_FORMATS
from procurement.fields import FIELDS_BY_NAME
from procurement.model import Order
from procurement.rulebook.book import CompiledRule, CompiledRulebook
from procurement.rulebook.operators import did_you_mean
from procurement.rulebook.problems import Problem
from procurement.rulebook.render import choice_value, format_kept, format_value

_WORDS = {"fr": {True: "vrai", False: "faux", None: "inconnu"}, "en": {True: "true", False: "false", None: "unknown"}}
_STATUS_FR = {"pass": "conforme (pass)", "fail": "non conforme (fail)", "not_applicable": "non applicable",
              "insufficient_data": "données insuffisantes"}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    number: int  # 1-based, as a person counts
    where: str
    expect: str
    got: str | None  # None when the example order itself is invalid
    evidence: list[tuple] = field(default_factory=list)
    problem: Problem | None = None  # the order is invalid, or the outcome differs

    @property
    def ok(self) -> bool:
        return self.problem is None


def row_head(part: str, name: str, op: str, expected: Any, result: bool | None, lang: str) -> tuple[str, Any]:
    """(a row's text up to its value, the field's kind): 'require: amount lt 40000 -> false ('."""
    kind = FIELDS_BY_NAME[name].kind if name in FIELDS_BY_NAME else None
    exp = "" if expected is None else " " + (format_value(expected, None, lang) if op == "in_table"  # a table's name
                                             else choice_value(expected, name, kind, lang))
    return f"{part}: {name} {op}{exp} -> {_WORDS['fr' if lang == 'fr' else 'en'][result]} (", kind


def describe_evidence(rows: list[tuple], lang: str, heads: dict[tuple, tuple[object, str, Any]] | None = None,
                      actuals: dict[tuple, str] | None = None) -> str:
    """'require: env_considerations contains_any Environmental criterion -> false (Environmental clause)';
    rows joined by '; '.

    `heads`: a dict kept by the caller across findings, for the part of a row before its value (the
    condition with its expected value and its result, formatted once: a table of 70 words otherwise is
    each time), with the field's kind. It is keyed by the expected object's id, the object kept beside
    its text so that the id stays its own.
    `actuals`: another, for the actual values as formatted (an order's amount is read by several rules,
    a date or a code by many orders), keyed by what sets a value's text apart: kind, type and value.
    """
    parts = []
    for part, name, op, expected, actual, result in rows:
        key = (part, name, op, id(expected), result)
        kept = heads.get(key) if heads is not None else None
        if kept is not None and kept[0] is expected:
            _expected, head, kind = kept
        else:
            head, kind = row_head(part, name, op, expected, result, lang)
            if heads is not None:
                if len(heads) >= 4096:  # bounded, whatever expected values a caller brings
                    heads.clear()
                heads[key] = (expected, head, kind)
        text = choice_value(actual, name, kind, lang) if actuals is None else format_kept(actual, kind, lang, actuals,
                                                                                          name=name)
        parts.append(head + text + ")")
    return "; ".join(parts)


def _order(rule: CompiledRule, number: int, data: dict[str, Any], locator: Any, path: tuple,
           format: str | None = None) -> Order | Problem:
    for key in data:
        if key not in FIELDS_BY_NAME:
            return Problem("example", locator.where((*path, "order", key), key=True),
                           f"{rule.id}, exemple {number} : champ inconnu « {key} »"
                           f"{did_you_mean(key, FIELDS_BY_NAME, 'fr')}",
                           f"{rule.id}, example {number}: unknown field '{key}'{did_you_mean(key, FIELDS_BY_NAME)}")
    values = {"id": f"{rule.id}/example-{number}", **data,
              "source": {"file": locator.file, "row": locator.values.get(path, (None,))[0]}}
    if format is not None:  # read from DECP or OCDS: what that format cannot carry, as its reader says
        values["uncarried"] = EXAMPLE_FORMATS[format]
    try:
        return Order.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        return Problem("example", locator.where((*path, "order", name)),
                       f"{rule.id}, exemple {number} : valeur invalide pour {name} : {err['msg']}",
                       f"{rule.id}, example {number}: invalid value for {name}: {err['msg']}")


def run_examples(book: CompiledRulebook) -> list[ExampleResult]:
    """Evaluate every example of every rule of `book`; one result per example, in rulebook order."""
    results: list[ExampleResult] = []
    for rule in book.rules:
        for j, example in enumerate(rule.examples):
            locator, path = rule.example_sites[j]
            where = locator.where(path)
            order = _order(rule, j + 1, example.order, locator, path, example.format)
            if isinstance(order, Problem):
                results.append(ExampleResult(rule.id, j + 1, where, example.expect, None, problem=order))
                continue
            vals = book.values(order)
            got, evidence, _missing = rule.explain(vals)
            assert got == rule.status(vals), "fast path and explanation disagree"
            problem = None
            if got != example.expect:
                problem = Problem(
                    "example", locator.where((*path, "expect")),
                    f"{rule.id}, exemple {j + 1} : attendu {_STATUS_FR[example.expect]}, obtenu {_STATUS_FR[got]} — "
                    + (describe_evidence(evidence, "fr") or "aucune condition évaluée"),
                    f"{rule.id}, example {j + 1}: expected {example.expect}, got {got} — "
                    + (describe_evidence(evidence, "en") or "no condition evaluated"),
                )
            results.append(ExampleResult(rule.id, j + 1, where, example.expect, got, evidence, problem))
    return results


def example_problems(results: list[ExampleResult]) -> list[Problem]:
    return [r.problem for r in results if r.problem is not None]
