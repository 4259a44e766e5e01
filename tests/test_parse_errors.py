import pickle

import pytest

from procurement.parse import BLANK_MARKERS, MESSAGES, ParseError, is_blank, parse_number
from procurement.parse.errors import fail, show


def test_parse_error_is_a_value_error_with_code_and_both_messages():
    err = fail("not_a_number", "12,34,56")
    assert isinstance(err, ValueError)
    assert err.code == "not_a_number"
    assert err.message_fr == "« 12,34,56 » n'est pas un nombre lisible (exemple attendu : 1 234,56)"
    assert "12,34,56" in err.message_en
    assert str(err) == err.message_en
    assert err.message("fr") == err.message_fr
    assert err.message("en") == err.message_en
    assert err.value == "12,34,56"


def test_parse_error_pickles():
    err = fail("bad_date", "31/02/2025")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.code, copy.message_fr, copy.message_en, copy.value) == (
        err.code, err.message_fr, err.message_en, err.value)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_template_formats(code):
    context = {"year": "0218", "count": 9, "field_fr": "Nature", "field_en": "Nature",
               "choices_fr": "a, b", "choices_en": "a, b"}
    err = fail(code, "valeur", **context)
    assert "valeur" in err.message_fr
    assert "valeur" in err.message_en
    assert "{" not in err.message_fr + err.message_en


def test_show_makes_control_characters_visible_and_truncates():
    assert show("\t32359288100060") == "\\t32359288100060"
    assert show("a\x00b") == "a\\x00b"
    long = show("x" * 500)
    assert len(long) == 80 and long.endswith("…")
    assert show(12.5) == "12.5"


def test_show_survives_unprintable_objects():
    class Hostile:
        def __str__(self):
            raise RuntimeError("no")

    assert show(Hostile()) == "<Hostile>"
    assert show(10**5000) == "<int>"  # beyond Python's int-to-str digit limit


@pytest.mark.parametrize("marker", sorted(BLANK_MARKERS))
def test_blank_markers(marker):
    assert is_blank(marker)
    assert is_blank(f"  {marker}\u00a0")


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "nc", "Null", "NAN", "n/c", "nd", float("nan")])
def test_is_blank_variants(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "non", "none", "NCX", "N", False, [], "Néant"])
def test_not_blank(value):
    assert not is_blank(value)


def test_parse_error_raised_by_parsers_is_catchable_as_value_error():
    with pytest.raises(ValueError):
        parse_number("abc")
    with pytest.raises(ParseError):
        parse_number("abc")
