"""Composition: extends, overrides, disable, added rules, cycles; and select / ignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurement.errors import RulebookError
from procurement.model import Order
from procurement.rulebook import RulebookProblems, load_rulebook, select

PARENT = """\
id: metropole
version: 1.0.0
title: {fr: Métropole, en: Metropolis}
tables:
  works: ['45']
rules:
  - id: SOC-10
    title: {fr: Clause sociale, en: Social clause}
    message: {fr: "Pas de clause ({amount})", en: "No clause ({amount})"}
    chantiers: [4]
    kind: kpi
    severity: warning
    why: {fr: P, en: W}
    advice: {fr: C, en: A}
    applies_when: {field: amount, op: gte, value: 216000}
    require: {field: social_considerations, op: contains_any, value: [clause, reserved]}
    examples:
      - expect: fail
        order: {amount: 300000, social_considerations: [none]}
      - expect: not_applicable
        order: {amount: 100000}
  - id: ENV-01
    title: {fr: Env, en: Env}
    message: {fr: Non, en: "No"}
    chantiers: [2]
    kind: kpi
    severity: info
    why: {fr: P, en: W}
    advice: {fr: C, en: A}
    require: {field: env_considerations, op: contains_any, value: [clause, criterion]}
  - id: ENV-02
    title: {fr: Travaux, en: Works}
    message: {fr: Non, en: "No"}
    chantiers: [6]
    kind: kpi
    severity: info
    why: {fr: P, en: W}
    advice: {fr: C, en: A}
    require: {field: cpv, op: in_table, value: works}
"""

CHILD_HEAD = """\
id: service-voirie
version: 0.2.0
title: {fr: Voirie, en: Roads}
extends: ../base/metropole.yaml
"""

NEW_RULE = """\
  - id: LOC-90
    title: {fr: Local, en: Local}
    message: {fr: Non, en: "No"}
    chantiers: [3]
    kind: kpi
    severity: info
    why: {fr: P, en: W}
    advice: {fr: C, en: A}
    require: {field: supplier_band, op: equals, value: amp}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base").mkdir()
    (tmp_path / "local").mkdir()
    (tmp_path / "base" / "metropole.yaml").write_text(PARENT, encoding="utf-8")

    def child(text: str) -> Path:
        (tmp_path / "local" / "voirie.yaml").write_text(CHILD_HEAD + text, encoding="utf-8")
        return Path("local/voirie.yaml")

    return child


def order(**values) -> Order:
    return Order.model_validate({"id": "o", "source": {"file": "t"}, **values})


def test_child_overrides_disables_and_adds(tree):
    path = tree(
        "overrides:\n"
        "  SOC-10:\n"
        "    weight: 3\n"
        "    severity: error\n"
        "    applies_when: {field: amount, op: gte, value: 40000}\n"
        "    examples:\n"
        "      - expect: fail\n"
        "        order: {amount: 50000, social_considerations: [none]}\n"
        "disable: [ENV-01]\n"
        "tables:\n"
        "  works: ['4523']\n"
        "rules:\n" + NEW_RULE
    )
    book = load_rulebook(path, tables={})
    assert [r.id for r in book.rules] == ["SOC-10", "ENV-02", "LOC-90"]
    soc = book.rule("SOC-10")
    assert (soc.weight, soc.severity) == (3, "error")
    assert soc.source.title.fr == "Clause sociale"  # untouched keys come from the parent
    assert soc.status(book.values(order(amount=50000, social_considerations=("none",)))) == "fail"
    works = book.rule("ENV-02")  # the child's table replaces the parent's of the same name
    assert works.status(book.values(order(cpv="45000000"))) == "fail"
    assert works.status(book.values(order(cpv="45230000"))) == "pass"
    meta = book.meta()
    assert (meta["id"], meta["version"]) == ("service-voirie", "0.2.0")
    assert [f["path"] for f in meta["files"]] == ["base/metropole.yaml", "local/voirie.yaml"]


def test_sha256_covers_the_parent(tree, tmp_path):
    path = tree("rules: []\n")
    first = load_rulebook(path, tables={}).sha256
    parent = tmp_path / "base" / "metropole.yaml"
    parent.write_text(parent.read_text().replace("value: 216000", "value: 215000"), encoding="utf-8")
    assert load_rulebook(path, tables={}).sha256 != first


def test_sha256_ignores_comments_and_layout(tree, tmp_path):
    path = tree("rules: []\n")
    first = load_rulebook(path, tables={}).sha256
    parent = tmp_path / "base" / "metropole.yaml"
    parent.write_text("# a comment\n" + parent.read_text(), encoding="utf-8")
    assert load_rulebook(path, tables={}).sha256 == first


def test_parent_examples_still_run_after_an_override(tree):
    path = tree("overrides:\n  SOC-10:\n    applies_when: {field: amount, op: gte, value: 50000}\n")
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    (problem,) = info.value.problems
    assert problem.code == "example" and problem.where.startswith("base/metropole.yaml:")
    assert "SOC-10, example 2: expected not_applicable, got insufficient_data" in problem.en


def test_problems_in_an_override_point_at_the_child(tree):
    text = "overrides:\n  SOC-10:\n    require: {field: social_considerations, op: contains_any, value: [clauses]}\n"
    path = tree(text)
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    (problem,) = info.value.problems
    line = (CHILD_HEAD + text).count("\n", 0, (CHILD_HEAD + text).index("[clauses]")) + 1
    assert problem.where.startswith(f"local/voirie.yaml:{line}:")
    assert "did you mean 'clause'?" in problem.en


def test_override_shape_errors_point_at_the_child(tree):
    path = tree("overrides:\n  SOC-10:\n    wieght: 2\n")
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    assert info.value.problems[0].where == "local/voirie.yaml:7:5"
    assert "did you mean 'weight'?" in info.value.problems[0].en


def test_override_and_disable_of_unknown_rules(tree):
    path = tree("overrides:\n  SOC-11:\n    weight: 2\ndisable: [ENV-03]\n")
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    messages = sorted(p.en for p in info.value.problems)
    assert messages == [
        "unknown rule 'ENV-03' (did you mean 'ENV-02'?)",
        "unknown rule 'SOC-11' (did you mean 'SOC-10'?)",
    ]
    assert info.value.problems[0].where == "local/voirie.yaml:6:3"


def test_redefining_a_parent_rule_says_to_use_overrides(tree):
    path = tree("rules:\n" + NEW_RULE.replace("LOC-90", "ENV-01"))
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    (problem,) = info.value.problems
    assert problem.code == "duplicate-rule" and "use overrides" in problem.en
    assert "already defined at base/metropole.yaml:" in problem.en


def test_bad_extends_path(tree):
    path = tree("rules: []\n")
    text = path.read_text().replace("../base/metropole.yaml", "../base/metropol.yaml")
    path.write_text(text)
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    (problem,) = info.value.problems
    assert problem.code == "extends" and problem.where == "local/voirie.yaml:4:10"
    assert "file not found '../base/metropol.yaml'" in problem.en


def test_extends_cycle(tree, tmp_path):
    parent = tmp_path / "base" / "metropole.yaml"
    parent.write_text(parent.read_text().replace("tables:", "extends: ../local/voirie.yaml\ntables:"))
    path = tree("rules: []\n")
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables={})
    (problem,) = info.value.problems
    assert problem.code == "extends"
    assert "extends cycle: local/voirie.yaml -> base/metropole.yaml -> local/voirie.yaml" in problem.en


def test_overrides_without_extends(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("solo.yaml").write_text(PARENT + "disable: [ENV-01]\n")
    with pytest.raises(RulebookProblems) as info:
        load_rulebook("solo.yaml", tables={})
    assert "only meaningful with extends" in info.value.problems[0].en


# ---------------------------------------------------------------- select / ignore


@pytest.fixture
def parent_book(tree):
    return load_rulebook(tree("rules:\n" + NEW_RULE), tables={})


@pytest.mark.parametrize(
    ("chosen", "dropped", "expected"),
    [
        ([], [], ["SOC-10", "ENV-01", "ENV-02", "LOC-90"]),
        (["ENV"], [], ["ENV-01", "ENV-02"]),
        (["ENV-01"], [], ["ENV-01"]),
        (["env-0"], [], ["ENV-01", "ENV-02"]),
        (["ENV", "SOC"], ["ENV-02"], ["SOC-10", "ENV-01"]),
        (["ENV,LOC"], [], ["ENV-01", "ENV-02", "LOC-90"]),
        ([], ["ENV"], ["SOC-10", "LOC-90"]),
    ],
)
def test_select_and_ignore(parent_book, chosen, dropped, expected):
    chosen_book = select(parent_book, select=chosen, ignore=dropped)
    assert [r.id for r in chosen_book.rules] == expected
    assert len(parent_book.rules) == 4  # the original is not changed
    assert chosen_book.sha256 == parent_book.sha256
    if chosen:
        assert chosen_book.meta()["select"] == [s.upper() for c in chosen for s in c.split(",")]
    if dropped:
        assert chosen_book.meta()["ignore"] == dropped


def test_a_family_prefix_is_matched_whole(parent_book):
    with pytest.raises(RulebookError) as info:
        select(parent_book, select=["EN"])
    assert info.value.exit_code == 2
    assert "--select EN: no rule matches (did you mean 'ENV'?)" in info.value.message("en")
    with pytest.raises(RulebookError):
        select(parent_book, ignore=["XYZ-01"])


def test_the_worked_example_of_docs_rules_md_gives_the_output_it_shows(tmp_path, monkeypatch):
    """docs/rules.md writes rules/local/restauration.yaml on top of the Métropole's rulebook and shows what
    `rules test` and `rules validate` print: the same commands, run here, must print exactly that."""
    import re
    import shutil

    from click.testing import CliRunner

    from procurement.cli import main

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "rules.md").read_text(encoding="utf-8")
    section = doc.split("## Worked example: writing a new rule", 1)[1].split("\n## ", 1)[0]
    rule, examples = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    shown = re.findall(r"```\n\$ (procurement rules \w+ \S+)\n(.*?)```", section, re.S)
    assert [cmd for cmd, _ in shown] == ["procurement rules test rules/local/restauration.yaml",
                                        "procurement rules validate rules/local/restauration.yaml"]
    (tmp_path / "rules" / "local").mkdir(parents=True)
    shutil.copy(root / "rules" / "relance-renouveau.yaml", tmp_path / "rules" / "relance-renouveau.yaml")
    local = tmp_path / "rules" / "local" / "restauration.yaml"
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    local.write_text(rule + examples, encoding="utf-8")
    result = runner.invoke(main, ["rules", "test", "rules/local/restauration.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output == shown[0][1], "docs/rules.md: rerun the worked example and paste its output"

    # The same rule with the threshold typed as a share: the example catches it.
    assert rule.count("value: 50}") == 1
    local.write_text(rule.replace("value: 50}", "value: 0.5}") + examples, encoding="utf-8")
    result = runner.invoke(main, ["rules", "validate", "rules/local/restauration.yaml"])
    assert result.exit_code == 2
    # French typography puts a narrow no-break space before %; the page shows a plain space.
    printed = result.stderr.replace("\u202f", " ").replace("\u00a0", " ")
    assert printed == shown[1][1], "docs/rules.md: rerun the worked example and paste its output"


def test_a_choice_that_leaves_no_rule_is_refused(parent_book):
    """Ignoring every family ran a batch judging nothing, its outputs like a clean run's."""
    families = sorted({r.id.split("-", 1)[0] for r in parent_book.rules})
    with pytest.raises(RulebookError) as info:
        select(parent_book, ignore=families)
    assert info.value.exit_code == 2 and "aucune règle ne reste à évaluer" in info.value.message("fr")
    with pytest.raises(RulebookError):
        select(parent_book, select=[families[0]], ignore=[families[0]])
    assert not select(parent_book, ignore=families, also=["RISK-02"]).rules  # RISK-02 still runs
