"""Header cells matched to fields (procurement.fields.match_header): units tried away, and text far
longer than any field's label turned down without the unit regex, which is quadratic in unclosed "("."""

from __future__ import annotations

import pytest

from procurement import fields
from procurement.fields import HEADER_INDEX, MAX_HEADER, match_header


@pytest.mark.parametrize(("text", "field"), [("Montant HT (en €)", "amount"), ("Distance (km)", "delivery_km"),
                                             ("MONTANT  H.T.", "amount"), ("Montant HT" + " " * 5000, "amount"),
                                             ("Montant HT (en euros)" + " " * 900, "amount")])
def test_headers_with_units_and_spacing_still_match(text, field):
    assert match_header(text) == field


def test_every_known_label_is_far_below_the_bound():
    assert max(len(key) for key in HEADER_INDEX) * 4 < MAX_HEADER


@pytest.mark.parametrize("text", ["(a " * 40_000, "(" * 100_000, "Montant (" + "x " * 50_000])
def test_a_long_cell_is_no_header_and_never_reaches_the_unit_regex(monkeypatch, text):
    class Spy:
        def sub(self, repl, s):
            raise AssertionError(f"_UNITS tried on {len(s)} characters")

    monkeypatch.setattr(fields, "_UNITS", Spy())
    assert match_header(text) is None
