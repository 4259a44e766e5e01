"""Choose rules by code or prefix, as ruff does: `--select ENV --ignore ENV-10`.

Why these matching rules: a rule id is `PREFIX-NN`. A selector made of letters only ("ENV") names a
family and matches exactly that prefix (so "EN" does not silently match "ENV-01"); any other selector
("ENV-01", "ENV-0") is a plain prefix of the id. `ignore` wins over `select`. A selector that matches
no rule is an error (exit status 2) with a "did you mean", since a typo would otherwise silently
run everything or nothing; so is a choice that leaves no rule at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from procurement.errors import RulebookError
from procurement.rulebook.book import CompiledRulebook
from procurement.rulebook.operators import did_you_mean


def _split(selectors: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for s in selectors or ():
        out.extend(part.strip().upper() for part in s.split(",") if part.strip())
    return out


def matches(selector: str, rule_id: str) -> bool:
    if re.fullmatch(r"[A-Z]+", selector):
        return rule_id.split("-", 1)[0] == selector
    return rule_id.startswith(selector)


def select(book: CompiledRulebook, select: Iterable[str] | None = None,
           ignore: Iterable[str] | None = None, also: Iterable[str] = ()) -> CompiledRulebook:
    """A new rulebook with the selected rules (all when `select` is empty) minus the ignored ones.

    `also`: ids of rules run beside the rulebook (RISK-02, over the whole batch) that a selector may
    name too; whether they run is read from the selection kept in the returned rulebook."""
    chosen, dropped = _split(select), _split(ignore)
    ids = [r.id for r in book.rules] + [i for i in also if i not in {r.id for r in book.rules}]
    names = set(ids) | {i.split("-", 1)[0] for i in ids}
    for option, selectors in (("--select", chosen), ("--ignore", dropped)):
        for s in selectors:
            if not any(matches(s, i) for i in ids):
                raise RulebookError(
                    f"{option} {s} : aucune règle ne correspond{did_you_mean(s, names, 'fr')}",
                    f"{option} {s}: no rule matches{did_you_mean(s, names)}",
                )
    def kept_id(i: str) -> bool:
        return (not chosen or any(matches(s, i) for s in chosen)) and not any(matches(s, i) for s in dropped)

    if not any(kept_id(i) for i in ids):  # a run judging nothing would look like a clean one
        given = " ".join([*(f"--select {s}" for s in chosen), *(f"--ignore {s}" for s in dropped)])
        raise RulebookError(f"{given} : aucune règle ne reste à évaluer",
                            f"{given}: no rule is left to evaluate")
    kept = [r for r in book.rules if kept_id(r.id)]
    return book.replace_rules(kept, {"select": chosen, "ignore": dropped})
