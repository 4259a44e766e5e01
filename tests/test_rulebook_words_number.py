"""`<n>` in a `matches_words` list stands for a number (RISK-01's distances, rulebook 1.3.21; `#` in 1.3.20,
a YAML comment after a space: « - moins de # km » was read « moins de »)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "matched"), [
    ("Prix 60 %, entreprise à 30 km de Toulon 40 %", True), ("agence à 10 km de Nice", True),
    ("fournisseur à moins de 45 km de chez nous", True), ("50 km de rayon maximum", True),
    ("implantée à 4,5 km du siège", True), ("à moins de 30 000 km", True),
    ("Prix 70 %, émissions de CO2 du transport (kgCO2e par km de trajet) 30 %", False),
    ("consommation d'énergie pour 100 km de trajet", False), ("coût d'usage sur 150 000 km de durée de vie", False),
    ("autonomie de 300 km de route", False), ("autonomie d'au moins 300 km", False), ("émissions en g/km", False),
])
def test_a_number_sign_in_a_word_list_stands_for_a_number(text, matched):
    """RISK-01: « à <n> km de » for any distance to a place, where the list named « moins de 5 km » to « moins
    de 200 km » and « km de » caught « kgCO2e par km de trajet » (1.3.18), and « # km de » (1.3.20) the lawful
    « pour 100 km de trajet » (session reviews)."""
    from procurement.fields import FIELDS_BY_NAME
    from procurement.rulebook.operators import _make_words, _prep_words

    field = FIELDS_BY_NAME["award_criteria"]
    words = _prep_words(["à <n> km de", "à <n> km du", "à moins de <n> km", "<n> km de rayon"], field, {})
    assert _make_words(words, field)(text) is matched


def test_the_number_sign_reads_the_same_in_a_yaml_list_without_quotes():
    from procurement.rulebook.yamlsafe import parse_yaml

    data, _, _ = parse_yaml("words:\n  - à moins de <n> km\n  - [à <n> km de, b]\n".encode(), "t.yaml")
    assert data == {"words": ["à moins de <n> km", ["à <n> km de", "b"]]}
