"""One value formatter for every page: `views.common.fmt_value`, which check.html used to duplicate.

check_page had its own `fmt_value(name, value, lang)`; the order pages used `views.common.fmt_value(value,
field, lang)`. They agreed on every value a field can hold (compared over every field, kind and enumeration
code when they were merged) except two cases, where the common one now does what the check page did:
- a text field whose value is shaped like a date (an identifier "2026-01-15") was printed as a date on the
  order pages; the field's kind now decides, and only a value of an unknown field is guessed from its shape;
- an absent value: the check page's facts print "—" themselves, the formatter says "non renseigné".
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from procurement.views.common import fmt_value

NNBSP = "\u202f"

# (value, field, French, English): what check.html printed before the merge, and still prints.
CASES = [
    (1_150_000, "amount", f"1{NNBSP}150{NNBSP}000,00{NNBSP}€", "€1,150,000.00"),
    (990_000.5, "amount", f"990{NNBSP}000,50{NNBSP}€", "€990,000.50"),
    (30, "organic_share", f"30{NNBSP}%", "30%"),
    (12.5, "organic_share", f"12,5{NNBSP}%", "12.5%"),
    (25, "delivery_km", "25", "25"),
    (2.5, "delivery_km", "2,5", "2.5"),
    (1200, "declared_emissions", f"1{NNBSP}200", "1,200"),
    ("2026-09-15", "launch_date", "15/09/2026", "2026-09-15"),
    ("accord_cadre", "nature", "Accord-cadre", "Framework agreement"),
    (["clause", "criterion"], "env_considerations", "Clause environnementale, Critère environnemental",
     "Environmental clause, Environmental criterion"),
    (True, "place_in_amp", "oui", "yes"),
    ("Grossiste National", "supplier_name", "Grossiste National", "Grossiste National"),
    ("15000000", "cpv", "15000000", "15000000"),
    (3, "lots", "3", "3"),
    (None, "amount", "non renseigné", "not given"),
]


@pytest.mark.parametrize(("value", "field", "fr", "en"), CASES)
def test_values_read_as_the_check_page_printed_them(value, field, fr, en):
    assert fmt_value(value, field, "fr") == fr
    assert fmt_value(value, field, "en") == en


def test_the_check_page_has_no_formatter_of_its_own():
    import procurement.check as check
    import procurement.check_page as check_page

    assert check_page.fmt_value is fmt_value and check.fmt_value is fmt_value


def test_a_text_that_looks_like_a_date_is_printed_as_written():
    """The bug the merge fixed: on an order page, a consultation reference "2026-01-15" read "15/01/2026"."""
    from procurement.views.order import evidence_rows

    assert fmt_value("2026-01-15", "tender_id", "fr") == "2026-01-15"
    assert fmt_value("2026-01-15", "supplier_name", "en") == "2026-01-15"
    # A date field is a date, and a value without a known field is still read by its shape.
    assert fmt_value("2026-01-15", "notification_date", "fr") == "15/01/2026"
    assert fmt_value("2026-01-15", None, "fr") == "15/01/2026"
    assert fmt_value("2026-13-45", "launch_date", "fr") == "2026-13-45"  # not a day: shown as it came
    finding = SimpleNamespace(evidence=[{"part": "require", "field": "tender_id", "op": "present", "expected": None,
                                         "actual": "2026-01-15", "result": True}], status="pass", missing=())
    (row,) = evidence_rows(finding, "fr")
    assert row["actual"] == "2026-01-15"
