"""The published JSON Schema is the generated one, and the default rulebook is valid with passing examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.cli_rules import schema_text
from procurement.rulebook import default_rulebook_path, load_rulebook, run_examples
from procurement.rulebook.schema import Rulebook

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_is_the_generated_one():
    committed = (ROOT / "docs" / "rulebook.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "regenerate: procurement rules schema --out docs/rulebook.schema.json"


def test_schema_lists_fields_and_operators_for_editors():
    schema = json.loads(schema_text())
    leaf = schema["$defs"]["Leaf"]["properties"]
    assert "amount" in leaf["field"]["enum"] and "cpv_in" in leaf["op"]["enum"]
    assert schema["$defs"]["Rule"]["additionalProperties"] is False


def test_default_rulebook_path_is_the_checkout_file():
    assert default_rulebook_path() == ROOT / "rules" / "relance-renouveau.yaml"


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("*.yaml")), ids=lambda p: p.name)
def test_every_rulebook_in_rules_loads_and_its_examples_pass(path):
    book = load_rulebook(path)  # with the built-in reference tables, when available
    results = run_examples(book)
    assert results and all(r.ok for r in results), [r.problem.message("en") for r in results if r.problem]


def test_every_rule_of_the_default_rulebook_is_documented_and_tested():
    model = Rulebook.model_validate_json(json.dumps(_yaml(ROOT / "rules" / "relance-renouveau.yaml"), default=str))
    for rule in model.rules:
        assert rule.why.fr and rule.why.en and rule.advice.fr and rule.advice.en
        outcomes = {e.expect for e in rule.examples}
        assert {"pass", "fail", "insufficient_data"} <= outcomes, rule.id
    legal = [r for r in model.rules if r.kind == "legal"]
    assert legal and all(any(ref.url and "legifrance" in ref.url for ref in r.legal_ref) for r in legal)
    loc = next(r for r in model.rules if r.id == "LOC-01")
    assert "C-351/88" in loc.why.fr and loc.kind == "kpi"


def _yaml(path: Path):
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))
