"""Headers typed with a typographic apostrophe (’), as Excel's and Word's autocorrect type them, name the
same field as with ' : « Critères d’attribution » was not recognised, so RISK-01 never read the criteria."""

from __future__ import annotations

import pytest

from procurement.fields import match_header, normalize_header


@pytest.mark.parametrize(("header", "field"), [
    ("Critères d’attribution", "award_criteria"),
    ("Lieu d’exécution", "place_code"),
    ("Prix de l’offre HT (€)", "amount"),
    ("Prix de l'offre", "amount"),
    ("Montant estimé HT", "amount"),
])
def test_a_header_with_either_apostrophe_names_its_field(header, field):
    assert match_header(header) == field


def test_both_apostrophes_fold_alike():
    assert normalize_header("Lieu d’exécution") == normalize_header("Lieu d'exécution") == "lieu d execution"


def test_an_estimate_with_vat_stays_unread():
    assert match_header("Montant estimé TTC") is None
