"""`#` in a `matches_words` list stands for a number (RISK-01's distances, rulebook 1.3.20)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "matched"), [
    ("Prix 60 %, entreprise à 30 km de Toulon 40 %", True), ("agence à 10 km de Nice", True),
    ("fournisseur à moins de 45 km de chez nous", True), ("50 km de rayon maximum", True),
    ("à 4,5 km du siège", True), ("moins de 30 000 km", True),
    ("Prix 70 %, émissions de CO2 du transport (kgCO2e par km de trajet) 30 %", False),
    ("autonomie d'au moins 300 km", False), ("émissions en g/km", False),
])
def test_a_number_sign_in_a_word_list_stands_for_a_number(text, matched):
    """RISK-01 (1.3.20): « # km de » for any distance, where the list named « moins de 5 km » to « moins de 200
    km » and « km de » caught « kgCO2e par km de trajet », a lawful criterion (session review)."""
    from procurement.fields import FIELDS_BY_NAME
    from procurement.rulebook.operators import _make_words, _prep_words

    field = FIELDS_BY_NAME["award_criteria"]
    words = _prep_words(["# km de", "# km du", "moins de # km", "# km de rayon"], field, {})
    assert _make_words(words, field)(text) is matched
