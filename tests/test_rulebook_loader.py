"""Load-time checks: every error has its file:line:col, a French and an English sentence, and exit status 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from procurement.errors import EXIT_USAGE, RulebookError
from procurement.rulebook import RulebookProblems, load_rulebook, loads_rulebook

TABLES = {"amp_communes": frozenset({"13055", "13001"})}

HEAD = """\
id: test
version: 1.0.0
title: {fr: Essai, en: Test}
"""


def rule(rid: str = "TST-01", require: str = "{field: amount, op: gte, value: 100}", extra: str = "") -> str:
    body = f"""\
  - id: {rid}
    title: {{fr: Titre, en: Title}}
    message: {{fr: "Montant {{amount}}", en: "Amount {{amount}}"}}
    chantiers: [1]
    kind: kpi
    severity: warning
    why: {{fr: P, en: W}}
    advice: {{fr: Conseil, en: Advice}}
    require: {require}
"""
    return body + textwrap.indent(textwrap.dedent(extra), "    ") if extra else body


def book(*rules: str, head: str = HEAD, tail: str = "") -> str:
    return head + "rules:\n" + "".join(rules) + tail


def at(text: str, needle: str, nth: int = 0) -> str:
    """'line:col' (1-based) of the nth occurrence of needle in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{line}:{col}"


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def _write(text: str, name: str = "book.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return Path(name)

    return _write


def problems_of(path: Path, **kwargs) -> list:
    with pytest.raises(RulebookProblems) as info:
        load_rulebook(path, tables=TABLES, **kwargs)
    err = info.value
    assert isinstance(err, RulebookError) and err.exit_code == EXIT_USAGE == 2
    for p in err.problems:
        assert p.fr and p.en
    return err.problems


def only(path: Path, **kwargs):
    problems = problems_of(path, **kwargs)
    assert len(problems) == 1, [p.message("en") for p in problems]
    return problems[0]


def test_a_valid_book_loads(write):
    path = write(book(rule()))
    compiled = load_rulebook(path, tables=TABLES)
    assert [r.id for r in compiled.rules] == ["TST-01"]
    meta = compiled.meta()
    assert meta["id"] == "test" and meta["version"] == "1.0.0" and len(meta["sha256"]) == 64
    assert meta["files"][0]["path"] == "book.yaml"


def test_unknown_field_with_did_you_mean(write):
    text = book(rule(require="{field: amout, op: gte, value: 100}"))
    p = only(write(text))
    assert p.code == "unknown-field"
    assert p.where == f"book.yaml:{at(text, 'amout')}"
    assert p.en == "TST-01: unknown field 'amout' (did you mean 'amount'?)"
    assert p.fr == "TST-01 : champ inconnu « amout » (vouliez-vous dire « amount » ?)"


def test_unknown_operator_with_did_you_mean(write):
    text = book(rule(require="{field: amount, op: greater_or_equal, value: 100}"))
    p = only(write(text))
    assert p.code == "unknown-operator" and p.where == f"book.yaml:{at(text, 'greater_or_equal')}"
    assert "unknown operator 'greater_or_equal'" in p.en


def test_wrong_value_type_points_at_the_value(write):
    text = book(rule(require="\n      all:\n        - {field: nature, op: equals, value: marchee}"))
    p = only(write(text))
    assert p.code == "bad-value" and p.where == f"book.yaml:{at(text, 'marchee')}"
    assert "did you mean 'marche'?" in p.en and "vouliez-vous dire « marche » ?" in p.fr


def test_date_operator_on_money_field(write):
    text = book(rule(require="{field: amount, op: date_before, value: 2026-01-01}"))
    p = only(write(text))
    assert p.code == "operator-kind" and p.where == f"book.yaml:{at(text, 'date_before')}"


def test_duplicate_rule_id(write):
    text = book(rule("TST-01"), rule("TST-01"))
    p = only(write(text))
    assert p.code == "duplicate-rule"
    assert p.where == f"book.yaml:{at(text, 'TST-01', 1)}"
    assert f"already defined at book.yaml:{at(text, '- id: TST-01').split(':')[0]}" in p.en


def test_unknown_table(write):
    text = book(rule(require="{field: supplier_commune, op: in_table, value: amp_comunes}"))
    p = only(write(text))
    assert p.code == "unknown-table" and p.where == f"book.yaml:{at(text, 'amp_comunes')}"
    assert "did you mean 'amp_communes'?" in p.en


def test_tables_defined_in_the_rulebook(write):
    text = book(rule(require="{field: cpv, op: in_table, value: works}"), tail="tables:\n  works: ['45']\n")
    compiled = load_rulebook(write(text), tables={})
    assert compiled.tables["works"] == frozenset({"45"})


def test_unknown_key_with_did_you_mean(write):
    text = book(rule(extra="aplies_when: {field: amount, op: present}\n"))
    p = only(write(text))
    assert p.code == "unknown-key" and p.where == f"book.yaml:{at(text, 'aplies_when')}"
    assert p.en == "unknown key 'aplies_when' (did you mean 'applies_when'?)"


def test_unknown_key_inside_a_condition(write):
    text = book(rule(require="\n      any:\n        - {fild: amount, op: present}"))
    problems = problems_of(write(text))
    unknown = [p for p in problems if p.code == "unknown-key"]
    assert unknown and unknown[0].where == f"book.yaml:{at(text, 'fild')}"
    assert "did you mean 'field'?" in unknown[0].en


def test_missing_key_and_bad_enumeration(write):
    text = book(rule().replace("severity: warning", "severity: warnin").replace("    why: {fr: P, en: W}\n", ""))
    problems = problems_of(write(text))
    by_code = {p.en.split(" ")[0]: p for p in problems}
    assert "missing required key 'why'" in [p.en for p in problems]
    bad = next(p for p in problems if "severity" in p.en)
    assert bad.where == f"book.yaml:{at(text, 'warnin')}" and "did you mean 'warning'?" in bad.en
    assert by_code


def test_bad_rule_id_and_chantier(write):
    text = book(rule("ENV1").replace("chantiers: [1]", "chantiers: [9]"))
    problems = problems_of(write(text))
    assert any("'ENV1' does not match" in p.en and "ENV-01" in p.en for p in problems)
    assert any(p.where == f"book.yaml:{at(text, '9]')}" and "must be ≤ 8" in p.en for p in problems)


def test_legal_rule_needs_a_legal_ref(write):
    p = only(write(book(rule().replace("kind: kpi", "kind: legal"))))
    assert "a legal rule needs a legal_ref" in p.en and "une règle légale exige un legal_ref" in p.fr


def test_unknown_placeholder_in_message(write):
    text = book(rule().replace('"Amount {amount}"', '"Amount {amont}"'))
    p = only(write(text))
    assert p.code == "unknown-placeholder" and "{amont} is not a field (did you mean 'amount'?)" in p.en
    line, col = at(text, "Amount {amont}").split(":")
    assert p.where == f"book.yaml:{line}:{int(col) - 1}"  # the opening quote


@pytest.mark.parametrize("message", ['"Amount [[{amount}"', '"Amount [[no field]]"', '"[[a [[{amount}]]]]"',
                                     '"Amount ]] {amount}"'])
def test_a_malformed_optional_part_is_a_problem_at_its_place(write, message):
    """`[[…]]` parts of a message (rulebook 1.3.19) close, do not nest and quote a field."""
    text = book(rule().replace('"Amount {amount}"', message))
    p = only(write(text))
    assert p.code == "bad-template" and "a [[…]] part of a message is closed" in p.en, p
    assert "une partie [[…]] du message" in p.fr
    line, col = at(text, message[1:]).split(":")
    assert p.where == f"book.yaml:{line}:{int(col) - 1}"


def test_format_string_attribute_access_is_not_a_placeholder(write):
    text = book(rule().replace('"Amount {amount}"', '"{amount.__class__}"'))
    p = only(write(text))
    assert p.code == "unknown-placeholder"


def test_unknown_measure_field(write):
    text = book(rule(extra="measure: [amount, emisions]\n"))
    p = only(write(text))
    assert p.code == "unknown-field" and p.where == f"book.yaml:{at(text, 'emisions')}"


EXAMPLES = """\
examples:
  - expect: pass
    order: {amount: 150}
  - expect: pass
    order: {amount: 50}
"""


def test_example_that_does_not_give_its_outcome(write):
    text = book(rule(extra=EXAMPLES))
    p = only(write(text))
    assert p.code == "example"
    assert p.where == f"book.yaml:{at(text, 'expect: pass', 1).split(':')[0]}:{int(at(text, 'pass', 1).split(':')[1])}"
    assert p.en == "TST-01, example 2: expected pass, got fail — require: amount gte €100 -> false (€50)"
    assert "attendu conforme (pass), obtenu non conforme (fail)" in p.fr


def test_examples_can_be_left_to_rules_test(write):
    compiled = load_rulebook(write(book(rule(extra=EXAMPLES))), tables=TABLES, check_examples=False)
    assert len(compiled.rules) == 1


def test_example_with_unknown_field_or_bad_value(write):
    text = book(rule(extra="examples:\n  - expect: pass\n    order: {amont: 150}\n"))
    p = only(write(text))
    assert p.code == "example" and "unknown field 'amont' (did you mean 'amount'?)" in p.en
    assert p.where == f"book.yaml:{at(text, 'amont: 150')}"
    text = book(rule(extra="examples:\n  - expect: pass\n    order: {amount: -5}\n"))
    p = only(write(text))
    assert "invalid value for amount" in p.en


def test_all_problems_of_a_file_are_reported_together(write):
    text = book(rule("TST-01", require="{field: amout, op: gte, value: 1}"),
                rule("TST-02", require="{field: amount, op: gtee, value: 1}"))
    problems = problems_of(write(text))
    assert [p.code for p in problems] == ["unknown-field", "unknown-operator"]
    message = RulebookProblems(problems).message("en").splitlines()
    assert message[0].startswith(f"book.yaml:{at(text, 'amout')}: ")


# ---------------------------------------------------------------- YAML safety


def yaml_problem(write, text: str) -> object:
    p = only(write(text))
    assert p.code in ("yaml", "file")
    return p


def test_billion_laughs_is_refused(write):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    p = yaml_problem(write, "\n".join(lines) + "\n")
    assert "alias" in p.en


def test_alias_expansion_budget_even_with_few_aliases(write):
    big = "[" + ", ".join(["x"] * 5000) + "]"
    text = f"a: &a {big}\n" + "".join(f"b{i}: *a\n" for i in range(45))
    p = yaml_problem(write, text)
    assert "too large once aliases are expanded" in p.en


def test_recursive_alias_is_refused(write):
    p = yaml_problem(write, "a: &a [*a]\n")
    assert p.en


def test_python_tags_are_refused_with_their_place(write):
    text = "id: test\nversion: !!python/object/apply:os.system ['echo hacked']\n"
    p = yaml_problem(write, text)
    assert p.where == f"book.yaml:{at(text, '!!python')}"
    assert "YAML tag '!!python/object/apply:os.system' refused" in p.en


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}", "!custom x"])
def test_other_tags_are_refused(write, tag):
    p = yaml_problem(write, f"id: {tag}\n")
    assert "refused" in p.en


def test_duplicate_keys_are_refused(write):
    text = HEAD + "version: 2.0.0\n"
    p = yaml_problem(write, text)
    assert p.where == f"book.yaml:{at(text, 'version', 1)}"
    assert p.en == "duplicate key 'version' (already on line 2)"


def test_merge_keys_and_non_text_keys_are_refused(write):
    assert "merge keys" in yaml_problem(write, "a: &a {x: 1}\nb:\n  <<: *a\n").en
    p = yaml_problem(write, "id: test\nyes: 1\n")
    assert "is not text to YAML: quote it" in p.en and p.where == "book.yaml:2:1"


def test_files_over_5_mb_are_refused(write):
    p = yaml_problem(write, "# " + "x" * (5 * 1024 * 1024) + "\n")
    assert p.code == "file" and "5 MB" in p.en


def test_syntax_error_empty_file_and_not_a_mapping(write):
    assert "YAML syntax" in yaml_problem(write, "id: [unclosed\n").en
    assert "empty file" in yaml_problem(write, "").en
    p = only(write("- just\n- a list\n"))
    assert "a rulebook is a mapping" in p.en


def test_non_utf8_file(write, tmp_path):
    (tmp_path / "latin.yaml").write_bytes("id: é\n".encode("latin-1"))
    p = only(Path("latin.yaml"))
    assert p.code == "file" and "not UTF-8" in p.en


def test_a_directory_or_a_missing_file(write, tmp_path):
    (tmp_path / "adir").mkdir()
    assert only(Path("adir")).code == "file"
    p = only(Path("nowhere.yaml"))
    assert p.code == "file" and p.where == "nowhere.yaml" and (p.fr, p.en) == ("fichier introuvable", "file not found")


def test_loads_rulebook_from_text():
    compiled = loads_rulebook(book(rule()), name="inline.yaml", tables={})
    assert compiled.meta()["files"][0]["path"] == "inline.yaml"


def test_french_messages_say_referentiel(write):
    """« un rulebook est une table… »: the French messages call it a référentiel, as the pages do."""
    (problem,) = problems_of(write("- a\n- b\n"))
    assert problem.fr.startswith("un référentiel est une table de clés") and "rulebook" not in problem.fr
    (problem,) = problems_of(write("id: !!python/name:os.system x\n"))
    assert "un référentiel ne contient que" in problem.fr


def test_a_list_items_problem_names_its_list_and_quotes_in_french(write):
    """pydantic's place of a list item ends in its bare index: « 0 = 9 : doit être ≤ 8 » named neither the
    key nor the item; French sentences quoted values with Python's straight quotes (session 16)."""
    text = book(rule().replace("chantiers: [1]", "chantiers: [1, 9]"))
    (problem,) = problems_of(write(text))
    assert problem.fr == "chantiers, élément 2 = 9 : doit être ≤ 8", problem.fr
    assert problem.en == "chantiers, item 2 = 9: must be ≤ 8"
    (problem,) = problems_of(write(book(rule(extra="weight: lourd\n"))))
    assert problem.fr.startswith("valeur « lourd » pour weight : "), problem.fr
    assert "'" not in problem.fr


def test_operator_values_and_yaml_keys_are_quoted_in_french(write):
    problems = problems_of(write(book(rule(require="{field: amount, op: gte, value: beaucoup}"))))
    assert any("valeur « beaucoup » invalide pour le champ amount" in p.fr for p in problems), problems
    problems = problems_of(write(book(rule(extra="12: x\n"))))
    assert any("la clé « 12 » n'est pas un texte pour YAML" in p.fr for p in problems), problems


def test_the_expected_kind_agrees_with_its_noun_in_french(write):
    """« une liste attendu », « une date AAAA-MM-JJ attendu » (session 16 review)."""
    problems = problems_of(write(book(rule().replace("chantiers: [1]", "chantiers: 2"))))
    assert any(p.fr.endswith("une liste attendue") for p in problems), problems
    problems = problems_of(write(book(rule(require="{field: launch_date, op: date_on_or_after, value: demain}"))))
    assert any("une date AAAA-MM-JJ attendue" in p.fr for p in problems), problems
    problems = problems_of(write(book(rule(require="{field: amount, op: gte, value: beaucoup}"))))
    assert any("un nombre attendu" in p.fr for p in problems), problems


def test_an_impossible_date_is_a_problem_at_its_place_not_a_traceback(write):
    """« 2026-13-20 » looks like a date to YAML, and PyYAML's constructor raised a bare ValueError: `rules
    validate` stopped with a traceback (session 16 review)."""
    text = book(rule(extra="since: 2026-13-20\n"))
    (problem,) = problems_of(write(text))
    assert problem.where == f"book.yaml:{at(text, '2026-13-20')}"
    assert problem.fr.startswith("date impossible « 2026-13-20 »") and "AAAA-MM-JJ" in problem.fr
    assert problem.en.startswith("impossible date '2026-13-20'")


def test_an_impossible_date_in_a_waivers_file_is_refused_in_one_line(tmp_path):
    from procurement.errors import InputError
    from procurement.waivers_file import parse_waivers

    raw = b"waivers:\n  - order: A\n    rule: ENV-10\n    justification: x\n    author: y\n    date: 2026-02-30\n"
    with pytest.raises(InputError) as info:
        parse_waivers(raw, "w.yaml")
    assert info.value.where == "w.yaml:6:11"
    assert info.value.message("fr").endswith("date impossible « 2026-02-30 » (mois ou jour hors du calendrier) : "
                                             "écrivez AAAA-MM-JJ"), info.value.message("fr")
