"""A model's bound said in the report's language."""

from __future__ import annotations

import json

import pytest


def _assert_refused(tmp_path, text: str, *expected: tuple[str, str]) -> None:
    """Score a CSV of `text` in each language: its one rejection's message ends with that language's words."""
    from procurement.cli import main

    csv = tmp_path / "c.csv"
    csv.write_text(text, encoding="utf-8")
    for lang, words in expected:
        with pytest.raises(SystemExit):
            main(["score", str(csv), "--out", str(tmp_path / lang), "-q", "--format", "json", "--lang", lang])
        (rejected,) = json.loads((tmp_path / lang / "results.json").read_text())["rejected"]
        assert rejected["message"].endswith(words), rejected


def test_a_value_below_a_fields_minimum_is_refused_in_the_reports_language(tmp_path):
    """« -5 » km of delivery read « valeur refusée (Input should be greater than or equal to 0) », pydantic's
    English in a French report (second session review)."""
    _assert_refused(tmp_path, "Référence;Distance de livraison (km);Montant HT\nR1;-5;100\n",
                    ("fr", "valeur refusée, inférieure au minimum de 0"),
                    ("en", "value refused, below the minimum of 0"))


def test_an_id_too_long_is_refused_in_the_reports_language(tmp_path):
    """A 300-character id read « valeur refusée (String should have at most 200 characters) » (auditor's
    review): pydantic's English again, for a length this time."""
    _assert_refused(tmp_path, f"Référence;Montant HT\n{'R' * 300};100\nR2;100\n",
                    ("fr", "valeur refusée : plus de 200 caractères"),
                    ("en", "value refused: more than 200 characters"))


@pytest.mark.parametrize(("err", "fr", "en"), [
    ({"type": "string_too_long", "ctx": {"max_length": 1000}, "msg": "x"},
     "valeur refusée : plus de 1\u202f000 caractères", "value refused: more than 1,000 characters"),
    ({"type": "too_long", "ctx": {"max_length": 3, "field_type": "Tuple"}, "msg": "x"},
     "valeur refusée : plus de 3 éléments", "value refused: more than 3 items"),
    ({"type": "string_too_short", "ctx": {"min_length": 1}, "msg": "x"},
     "valeur refusée : vide", "value refused: empty"),
    ({"type": "string_too_short", "ctx": {"min_length": 8}, "msg": "x"},
     "valeur refusée : moins de 8 caractères", "value refused: fewer than 8 characters"),
    ({"type": "too_short", "ctx": {"min_length": 2, "field_type": "List"}, "msg": "x"},
     "valeur refusée : moins de 2 éléments", "value refused: fewer than 2 items"),
])
def test_a_length_bound_is_said_in_both_languages(err, fr, en):
    from procurement.validate import _refused

    assert _refused(err) == (fr, en)
