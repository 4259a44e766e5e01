"""Every parser either returns or raises ParseError, whatever a reader hands it."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement import parse as p
from procurement.parse import ParseError

PARSERS = [
    p.parse_number, p.parse_money, p.parse_integer, p.parse_percent, p.parse_date, p.parse_bool, p.parse_text,
    p.parse_code, p.parse_siret, p.parse_cpv, p.parse_naf, p.parse_country, p.is_blank,
    lambda v: p.parse_choice("nature", v),
    lambda v: p.parse_choice("procedure", v),
    lambda v: p.parse_choice("place_type", v),
    lambda v: p.parse_choice("supplier_status", v),
    lambda v: p.parse_choice_set("social_considerations", v),
    lambda v: p.parse_choice_set("env_considerations", v),
]
NAMES = ["number", "money", "integer", "percent", "date", "bool", "text", "code", "siret", "cpv", "naf", "country",
         "is_blank", "nature", "procedure", "place_type", "supplier_status", "social", "env"]

# Text that looks like cells: digits, separators, currency, letters, markers, control characters.
cellish = st.text(alphabet=st.sampled_from(list("0123456789 ,.-+/:%€eEéTZ\u00a0\u202f\t\n\x00'\"[]()&;#xINCMQ")),
                  max_size=30)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(), st.decimals(), st.text(), cellish, st.dates(), st.datetimes(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=2))


def _check(parser, value):
    try:
        parser(value)
    except ParseError as err:
        assert err.code and err.message_fr and err.message_en


@pytest.mark.parametrize("parser", PARSERS, ids=NAMES)
@settings(max_examples=100, deadline=None)
@given(value=values)
def test_parsers_are_total(parser, value):
    _check(parser, value)


@pytest.mark.parametrize("parser", PARSERS, ids=NAMES)
def test_parsers_are_total_on_awkward_values(parser):
    for value in [10**5000, -(10**5000), Decimal("sNaN"), Decimal("-Infinity"), float("-inf"), object(),
                  b"12", bytearray(b"x"), dt.time(12, 0), dt.timedelta(1), complex(1, 2), "\ud800", "9" * 5000,
                  "1e" + "9" * 50, "[" * 50 + "]" * 50, "&#99999999;", "&#xD800;", {"a": {"b": {"c": [[["x"]]]}}}]:
        _check(parser, value)
