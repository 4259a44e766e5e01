import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from procurement.parse import ParseError, has_mojibake, parse_text
from procurement.parse.text import fold


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Travaux  de   voirie ", "Travaux de voirie"),
        ("QUIMPER EREA Louise Michel &#8211; Rénovation", "QUIMPER EREA Louise Michel – Rénovation"),  # Bretagne
        ("EXPLOITATION D&#8217;INFRASTRUCTURES", "EXPLOITATION D’INFRASTRUCTURES"),
        ("A&amp;B", "A&B"),
        ("R&D", "R&D"),
        ("Travaux&parasismique", "Travaux&parasismique"),  # legacy entity without ";" is not decoded
        ("ligne 1\nligne 2\tcolonne", "ligne 1 ligne 2 colonne"),
        ("a\x00b\x07c", "abc"),
        ("\ufeffObjet", "Objet"),
        ("zéro\u200blargeur", "zérolargeur"),
        ("e\u0301cole", "école"),  # NFD from macOS becomes NFC
        ("14\u00a0700", "14 700"),
        ("Bouches-du-Rh\ufffdne", "Bouches-du-Rh\ufffdne"),  # kept: has_mojibake reports it
        ("a\ud800b", "a\ufffdb"),  # lone surrogate from a "surrogateescape" decode
        (13001.0, "13001"),
        (12.5, "12.5"),
        (42, "42"),
        (Decimal("36.0"), "36"),
        (True, "oui"),
        (dt.date(2025, 1, 2), "2025-01-02"),
        (dt.datetime(2025, 1, 2, 10, 30), "2025-01-02 10:30:00"),
    ],
)
def test_parse_text(value, expected):
    assert parse_text(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "NC", "MQ", "CDL", "-", "\t", float("nan"), "\x00", "&#32;"])
def test_parse_text_blank(value):
    assert parse_text(value) is None


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, object(), 10**5000], ids=["list", "dict", "object", "huge"])
def test_parse_text_rejects_non_text(value):
    with pytest.raises(ParseError) as exc:
        parse_text(value)
    assert exc.value.code == "not_text"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bouches-du-Rh\ufffdne", True),
        ("Maintenance, \ufffdvolution", True),
        ("RÃ©novation", True),
        ("dÃ¨s", True),
        ("lâ€™école", True),
        ("Â°C", True),
        ("Rénovation de l’école", False),
        ("São Paulo", False),
        ("ÂGE", False),
    ],
)
def test_has_mojibake(text, expected):
    assert has_mojibake(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Appel d'offres ouvert", "appel d offres ouvert"),
        ("APPEL D’OFFRES OUVERT", "appel d offres ouvert"),
        ("Maitrise d'œuvre", "maitrise d oeuvre"),
        ("  Marché\u00a0Subséquent ", "marche subsequent"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@settings(max_examples=200)
@given(st.text())
def test_parse_text_is_idempotent_and_clean(text):
    assume("&" not in text)  # "&amp;lt;" legitimately unescapes one level per pass
    out = parse_text(text)
    if out is not None:
        assert parse_text(out) == out
        assert out == out.strip()
        assert "  " not in out
        assert not any(ord(c) < 32 for c in out)
