"""Every operator: true, false and unknown on real field kinds, and its load-time value checks."""

from __future__ import annotations

import datetime as dt

import pytest

from procurement.rulebook.compiler import CompileContext, Slots, compile_condition
from procurement.rulebook.operators import OPERATORS
from procurement.rulebook.schema import Leaf

TABLES = {
    "amp_communes": frozenset({"13055", "13001", "13201"}),
    "food": frozenset({"15", "5552"}),
    "naf_s1": frozenset({"5610A", "55.10Z"}),
    "sizes": frozenset({"pme"}),
}
_NO_VALUE = object()


def compile_leaf(field: str, op: str, value: object = _NO_VALUE):
    leaf = Leaf(field=field, op=op) if value is _NO_VALUE else Leaf(field=field, op=op, value=value)
    problems: list[tuple] = []
    node = compile_condition(leaf, CompileContext(Slots(()), TABLES, lambda *p: problems.append(p)))
    return node, problems


def run(field: str, op: str, value: object, actual: object) -> bool | None:
    node, problems = compile_leaf(field, op, value)
    assert node is not None, problems
    fast = node.fast((actual,))
    rows: list[tuple] = []
    slow = node.explain((actual,), "require", rows)
    assert fast is slow, (fast, slow)
    assert rows == [("require", field, op, None if value is _NO_VALUE else value, actual, fast)]
    return fast


D = dt.date
# (field, op, value, actual that gives True, actual that gives False)
CASES = [
    ("nature", "equals", "marche", "marche", "offre"),
    ("buyer_name", "equals", "Métropole", "METROPOLE", "Ville"),
    ("innovative", "equals", True, True, False),
    ("launch_date", "equals", D(2026, 1, 2), D(2026, 1, 2), D(2026, 1, 3)),
    ("nature", "not_equals", "offre", "marche", "offre"),
    ("procedure", "in", ["appel_offres_ouvert", "appel_offres_restreint"], "appel_offres_ouvert", "sans_publicite"),
    ("supplier_naf", "in", ["56.10A"], "5610A", "4711B"),
    ("supplier_status", "not_in", ["none"], "siae", "none"),
    ("amount", "gt", 40000, 40000.01, 40000.0),
    ("amount", "gte", 40000, 40000.0, 39999.99),
    ("amount", "lt", 100000, 99999.0, 100000.0),
    ("intermediaries", "lte", 1, 1, 2),
    ("amount", "between", [10, 20], 20.0, 20.01),
    ("launch_date", "between", [D(2026, 1, 1), D(2026, 12, 31)], D(2026, 1, 1), D(2027, 1, 1)),
    ("supplier_postcode", "startswith", ["13", "83"], "13001", "75001"),
    ("supplier_postcode", "startswith", "84", "84000", "13001"),
    ("object", "startswith", "travaux", "TRAVAUX de voirie", "Fourniture"),
    ("supplier_naf", "startswith", "56.1", "5610A", "5510Z"),
    ("cpv", "cpv_in", ["45", "7131"], "71311000", "30192000"),
    ("supplier_commune", "in_table", "amp_communes", "13201", "75056"),
    ("cpv", "in_table", "food", "15811000", "45000000"),
    ("supplier_naf", "in_table", "naf_s1", "55.10Z", "4711B"),
    ("supplier_size", "in_table", "sizes", "pme", "ge"),
    ("env_considerations", "contains_any", ["clause", "criterion"], ("none", "clause"), ("none",)),
    ("award_criteria", "contains_any", ["écologique", "carbone"], "Critère ECOLOGIQUE 20 %", "Prix 100 %"),
    ("env_considerations", "contains_all", ["clause", "criterion"], ("criterion", "clause"), ("clause",)),
    ("award_criteria", "contains_all", ["prix", "délai"], "Prix 60 %, delai 40 %", "Prix 100 %"),
    ("launch_date", "date_on_or_after", D(2026, 8, 21), D(2026, 8, 21), D(2026, 8, 20)),
    ("launch_date", "date_on_or_after", "2026-08-21", D(2026, 9, 1), D(2026, 8, 20)),
    ("notification_date", "date_before", D(2024, 1, 1), D(2023, 12, 31), D(2024, 1, 1)),
    ("award_criteria", "matches_words", ["local", "Bouches-du-Rhône"], "Critère local : 10 %", "Offre localement"),
    ("award_criteria", "matches_words", ["Bouches-du-Rhône"], "implantation BOUCHES-DU-RHONE", "Rhône"),
]


@pytest.mark.parametrize(("field", "op", "value", "yes", "no"), CASES, ids=lambda x: str(x)[:30])
def test_operator_true_false_unknown(field, op, value, yes, no):
    assert run(field, op, value, yes) is True
    assert run(field, op, value, no) is False
    assert run(field, op, value, None) is None  # unknown stays unknown


def test_every_operator_has_a_case():
    tested = {c[1] for c in CASES} | {"present", "absent", "reported"}  # reported: test_operator_reported.py
    assert tested == set(OPERATORS)


@pytest.mark.parametrize("actual", ["13001", ("clause",), 0, 0.0, False, D(2026, 1, 1)])
def test_present_and_absent_see_unknowns(actual):
    field = {str: "supplier_postcode", tuple: "env_considerations", int: "lots", float: "amount",
             bool: "innovative", D: "launch_date"}[type(actual)]
    assert run(field, "present", _NO_VALUE, actual) is True
    assert run(field, "absent", _NO_VALUE, actual) is False
    assert run(field, "present", _NO_VALUE, None) is False  # never unknown
    assert run(field, "absent", _NO_VALUE, None) is True


def test_present_treats_empty_text_and_empty_set_as_absent():
    assert run("supplier_postcode", "present", _NO_VALUE, "") is False
    assert run("env_considerations", "absent", _NO_VALUE, ()) is True


# ---- load-time value checks: (field, op, value, problem code, words expected in the English message)
BAD = [
    ("nature", "equals", "marchee", "bad-value", "did you mean 'marche'?"),
    ("nature", "in", ["marche", "acord_cadre"], "bad-value", "did you mean 'accord_cadre'?"),
    ("amount", "date_before", "2026-01-01", "operator-kind", "operator date_before does not apply to field amount"),
    ("launch_date", "gt", "2026-01-01", "operator-kind", "operators that do: absent, between"),
    ("amount", "gte", "40000", "bad-value", "expected a number"),
    ("amount", "gte", True, "bad-value", "expected a number"),
    ("lots", "equals", 1.5, "bad-value", "expected a whole number"),
    ("organic_share", "gte", 150, "bad-value", "between 0 and 100"),
    ("innovative", "equals", "yes", "bad-value", "expected true or false"),
    ("launch_date", "date_on_or_after", "2026-13-01", "bad-value", "expected a date"),
    ("supplier_postcode", "equals", 13001, "bad-value", "write '13001': unquoted, leading zeros are lost"),
    ("cpv", "cpv_in", [45], "bad-value", "write '45'"),
    ("cpv", "cpv_in", ["4a"], "bad-value", "a CPV code of 2 to 8 digits"),
    ("amount", "between", [20, 10], "bad-value", "20 is greater than 10"),
    ("amount", "between", 10, "bad-value", "between expects a list [min, max]"),
    ("supplier_commune", "in_table", "amp_comunes", "unknown-table", "did you mean 'amp_communes'?"),
    ("supplier_commune", "in_table", ["amp_communes"], "bad-value", "in_table expects a table name"),
    ("env_considerations", "contains_any", ["clauses"], "bad-value", "did you mean 'clause'?"),
    ("env_considerations", "equals", "clause", "operator-kind", "contains_any"),
    ("award_criteria", "matches_words", [""], "bad-value", "list of words"),
    ("nature", "in", [], "bad-value", "empty list"),
    ("supplier_siret", "present", "yes", "bad-value", "takes no value"),
    ("amount", "gte", _NO_VALUE, "bad-value", "needs a value"),
]


@pytest.mark.parametrize(("field", "op", "value", "code", "words"), BAD, ids=lambda x: str(x)[:24])
def test_bad_values_are_refused_at_load_time(field, op, value, code, words):
    node, problems = compile_leaf(field, op, value)
    assert node is None
    assert len(problems) == 1
    got_code, _path, fr, en = problems[0]
    assert got_code == code
    assert words in en
    assert fr and fr != en  # a French sentence too


def test_unknown_field_and_operator_suggest_names():
    node, problems = compile_leaf("amout", "gte", 1)
    assert node is None
    assert problems[0][0] == "unknown-field" and "did you mean 'amount'?" in problems[0][3]
    assert "vouliez-vous dire « amount » ?" in problems[0][2]
    node, problems = compile_leaf("amount", "gtee", 1)
    assert problems[0][0] == "unknown-operator" and "did you mean 'gte'?" in problems[0][3]
    assert problems[0][1] == ("op",)


def test_matches_words_escapes_regex_characters():
    assert run("award_criteria", "matches_words", ["a.b", "(x"], "critère a.b") is True
    assert run("award_criteria", "matches_words", ["a.b", "(x"], "critère axb") is False


def test_large_cpv_tables_match_by_prefix_of_several_lengths():
    from procurement.rulebook.operators import prefix_matcher

    match = prefix_matcher(["15", "5552", "03221200"])
    assert match("15000000") and match("55520000") and match("03221200")
    assert not match("55510000") and not match("03221000")
