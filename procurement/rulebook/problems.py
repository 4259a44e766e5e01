"""Rulebook problems as records: a code, a place (file:line:col) and a sentence in French and English.

Why records and not raised-at-once exceptions: a policy officer fixing a rulebook wants every mistake
of a file in one run, like a linter, not one per attempt. The loader and the compiler collect
`Problem`s; when any is found the loader raises one `RulebookProblems` (a `RulebookError`, exit status
2) carrying them all, each printed on its own line as `rules/x.yaml:42:7: message`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from procurement.errors import RulebookError

# Codes, for programs and tests; the sentences are for people.
CODES = (
    "file",  # unreadable, too large, not UTF-8
    "yaml",  # syntax, duplicate key, tag, alias budget, non-text key
    "schema",  # shape: missing key, wrong type, bad pattern
    "unknown-key",
    "unknown-field",
    "unknown-operator",
    "operator-kind",  # operator not defined for the field's kind
    "bad-value",
    "unknown-table",
    "unknown-placeholder",
    "bad-template",  # a [[…]] part of a message that nests, is not closed, or quotes no field
    "duplicate-rule",
    "unknown-rule",  # override/disable/select of a rule that does not exist
    "extends",  # missing file or cycle
    "example",  # example order invalid, or outcome different from the stated one
)


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    where: str  # "file:line:col", or "file" when no better place is known
    fr: str
    en: str

    def message(self, lang: str = "fr") -> str:
        return f"{self.where}: {self.en if lang == 'en' else self.fr}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "message_fr": self.fr, "message_en": self.en}


class RulebookProblems(RulebookError):
    """One or more problems in a rulebook. `where` is the first one's place, as for any RulebookError."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_order)
        first = self.problems[0]
        super().__init__(first.fr, first.en, where=first.where)

    def message(self, lang: str = "fr") -> str:
        return "\n".join(p.message(lang) for p in self.problems)

    def __str__(self) -> str:
        return self.message("en")


def _order(p: Problem) -> tuple:
    parts = p.where.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return (parts[0], int(parts[1]), int(parts[2]), p.code, p.en)
    return (p.where, 0, 0, p.code, p.en)
