import pytest

from procurement.parse import EU_COUNTRIES, ParseError, parse_country
from procurement.parse.countries import _COUNTRIES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FR", "FR"), ("fr", "FR"), (" Fr ", "FR"), ("FRA", "FR"), ("France", "FR"), ("FRANCE", "FR"),
        ("99100", "FR"), (99100, "FR"), (99100.0, "FR"),
        ("Italie", "IT"), ("Italy", "IT"), ("IT", "IT"), ("ITA", "IT"), ("99127", "IT"), (99127, "IT"),
        ("Allemagne", "DE"), ("Germany", "DE"), ("DEU", "DE"), ("99109", "DE"),
        ("Espagne", "ES"), ("España", "ES"), ("Pays-Bas", "NL"), ("pays bas", "NL"), ("Netherlands", "NL"),
        ("République tchèque", "CZ"), ("Czechia", "CZ"),
        ("Grèce", "GR"), ("EL", "GR"),
        ("Suisse", "CH"), ("CH", "CH"), ("99140", "CH"),
        ("Royaume-Uni", "GB"), ("UK", "GB"), ("GB", "GB"), ("United Kingdom", "GB"),
        ("États-Unis", "US"), ("Etats Unis", "US"), ("USA", "US"), ("US", "US"),
        ("Chine", "CN"), ("Maroc", "MA"), ("Tunisie", "TN"), ("Algérie", "DZ"), ("ALGERIE", "DZ"),
        ("Turquie", "TR"), ("Türkiye", "TR"), ("Norvège", "NO"), ("NO", "NO"), ("Islande", "IS"),
        ("Monaco", "MC"), ("MC", "MC"), ("Andorre", "AD"), ("AD", "AD"),
        ("Côte d’Ivoire", "CI"), ("Côte d'Ivoire", "CI"),
    ],
)
def test_parse_country(value, expected):
    assert parse_country(value) == expected


@pytest.mark.parametrize("value", [None, "", "NC", "-", float("nan")])
def test_parse_country_blank(value):
    assert parse_country(value) is None


@pytest.mark.parametrize("value", ["Narnia", "XX", "99999", 99999, 12, True, "Europe", "UE", 1.5, ["FR"]])
def test_parse_country_unknown(value):
    with pytest.raises(ParseError) as exc:
        parse_country(value)
    assert exc.value.code == "unknown_country"


def test_eu_countries():
    assert len(EU_COUNTRIES) == 27
    assert {"FR", "IT", "DE", "ES", "HR", "GR"} <= EU_COUNTRIES
    assert not {"GB", "CH", "NO", "MC", "AD"} & EU_COUNTRIES
    assert set(_COUNTRIES) >= EU_COUNTRIES


@pytest.mark.parametrize("alpha2", sorted(_COUNTRIES))
def test_every_country_is_reachable_by_all_its_codes_and_names(alpha2):
    alpha3, insee, names = _COUNTRIES[alpha2]
    for key in (alpha2, alpha2.lower(), alpha3, insee, *names, *(n.upper() for n in names)):
        assert parse_country(key) == alpha2
