"""A model's bound said in the report's language."""

from __future__ import annotations

import json

import pytest


def test_a_value_below_a_fields_minimum_is_refused_in_the_reports_language(tmp_path):
    """« -5 » km of delivery read « valeur refusée (Input should be greater than or equal to 0) », pydantic's
    English in a French report (second session review)."""
    from procurement.cli import main

    csv = tmp_path / "c.csv"
    csv.write_text("Référence;Distance de livraison (km);Montant HT\nR1;-5;100\n", encoding="utf-8")
    for lang, expected in (("fr", "valeur refusée, inférieure au minimum de 0"),
                           ("en", "value refused, below the minimum of 0")):
        with pytest.raises(SystemExit):
            main(["score", str(csv), "--out", str(tmp_path / lang), "-q", "--format", "json", "--lang", lang])
        (rejected,) = json.loads((tmp_path / lang / "results.json").read_text())["rejected"]
        assert rejected["message"].endswith(expected), rejected
