from decimal import Decimal

import pytest

from procurement.parse import ParseError, parse_bool


@pytest.mark.parametrize(
    "value",
    [True, 1, 1.0, Decimal("1"), "true", "TRUE", "True", "vrai", "Vrai", "oui", "OUI", "Oui ", "yes", "Y", "o",
     "O", "x", "X", "1", "1.0", "✓", "✔"],
)
def test_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize(
    "value",
    [False, 0, 0.0, Decimal("0"), "false", "False", "FAUX", "faux", "non", "Non", "NON", "no", "n", "N", "0",
     "0.0"],
)
def test_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", [None, "", "  ", "NC", "MQ", "CDL", "-", float("nan")])
def test_blank_is_unknown_not_false(value):
    assert parse_bool(value) is None


@pytest.mark.parametrize("value", ["peut-être", "2", 2, -1, 0.5, "ouii", "oui non", [True], "x" * 100])
def test_errors(value):
    with pytest.raises(ParseError) as exc:
        parse_bool(value)
    assert exc.value.code == "not_a_bool"
