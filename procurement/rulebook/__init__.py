"""The rulebook: a declarative, validated, explainable set of rules that non-programmers edit.

Public face (everything else in this package is an implementation detail):
    load_rulebook(path, tables=None, check_examples=True, cache=False) -> CompiledRulebook
    loads_rulebook(text, name=..., tables=None) -> CompiledRulebook
    default_rulebook_path() -> Path
    select(rulebook, select=[...], ignore=[...]) -> CompiledRulebook
    run_examples(rulebook) -> list[ExampleResult]
    json_schema() -> dict
See docs/rules.md for the format.
"""

from procurement.rulebook.book import (
    FAIL,
    INSUFFICIENT,
    NOT_APPLICABLE,
    PASS,
    STATUSES,
    CompiledRule,
    CompiledRulebook,
)
from procurement.rulebook.examples import ExampleResult, run_examples
from procurement.rulebook.loader import (
    builtin_tables,
    default_rulebook_path,
    load_default,
    load_rulebook,
    loads_rulebook,
)
from procurement.rulebook.problems import Problem, RulebookProblems
from procurement.rulebook.schema import json_schema
from procurement.rulebook.select import select

select_rules = select  # the name the CLI commands use

__all__ = [
    "FAIL",
    "INSUFFICIENT",
    "NOT_APPLICABLE",
    "PASS",
    "STATUSES",
    "CompiledRule",
    "CompiledRulebook",
    "ExampleResult",
    "Problem",
    "RulebookProblems",
    "builtin_tables",
    "default_rulebook_path",
    "json_schema",
    "load_default",
    "load_rulebook",
    "loads_rulebook",
    "run_examples",
    "select",
    "select_rules",
]
