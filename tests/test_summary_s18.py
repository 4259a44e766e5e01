"""Session 18's manager review of the summary, recounted from results.json by a helper:

1. Rounding hid what failed: a rule passed by 99.88 % of the amount read « 100 % » beside its two failing
   orders, and 1.2 M€ a year of transport spend read « 0 % de l'objectif ».
"""

from __future__ import annotations

import pytest

from procurement import i18n
from procurement.views.common import fmt_ratio

NB = "\u00a0"
NNB = "\u202f"


@pytest.mark.parametrize(("value", "decimals", "fr", "en"), [
    (0, 0, f"0{NNB}%", "0%"),
    (0.2, 0, f"<{NB}1{NNB}%", f"<{NB}1%"),
    (0.6, 0, f"1{NNB}%", "1%"),
    (99.4, 0, f"99{NNB}%", "99%"),
    (99.88, 0, f">{NB}99{NNB}%", f">{NB}99%"),
    (99.88, 1, f"99,9{NNB}%", "99.9%"),
    (99.97, 1, f">{NB}99,9{NNB}%", f">{NB}99.9%"),
    (0.04, 1, f"<{NB}0,1{NNB}%", f"<{NB}0.1%"),
    (100, 0, f"100{NNB}%", "100%"),
    (150.2, 0, f"150{NNB}%", "150%"),  # a target exceeded is shown as it rounds
    (None, 0, "—", "—"),
])
def test_a_share_short_of_its_bounds_never_reads_as_them(value, decimals, fr, en):
    assert i18n.fmt_percent_short_of(value, "fr", decimals) == fr
    assert i18n.fmt_percent_short_of(value, "en", decimals) == en


def test_a_pass_share_of_the_amount_with_failures_is_not_100_percent():
    passing, failing = 1_302_388, 1_624  # EGA-03 on the sample workbook
    assert fmt_ratio(passing / (passing + failing), "fr") == f">{NB}99{NNB}%"
    assert fmt_ratio(1.0, "fr") == f"100{NNB}%"
