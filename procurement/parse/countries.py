"""Supplier countries, written as ISO codes, names in French or English, or INSEE codes.

The location band of a supplier (AMP, région Sud, France, EU, outside) needs an ISO 3166 alpha-2 code,
but files say "FRANCE", "Italie", "FRA" or, in DECP lieuExecution "Code pays", the INSEE code "99127".
The table covers the 27 EU members and the countries AMP buyers actually contract with; an unknown
name is an error to fix, never a silent "outside".
"""

from __future__ import annotations

from procurement.parse.blank import is_blank
from procurement.parse.errors import fail
from procurement.parse.text import fold

# alpha-2: (alpha-3, INSEE COG code, names in French and English and common variants)
_COUNTRIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # The 27 member states of the European Union
    "AT": ("AUT", "99110", ("Autriche", "Austria", "Österreich")),
    "BE": ("BEL", "99131", ("Belgique", "Belgium", "België")),
    "BG": ("BGR", "99111", ("Bulgarie", "Bulgaria")),
    "HR": ("HRV", "99119", ("Croatie", "Croatia", "Hrvatska")),
    "CY": ("CYP", "99254", ("Chypre", "Cyprus")),
    "CZ": ("CZE", "99116", ("Tchéquie", "République tchèque", "Czechia", "Czech Republic")),
    "DK": ("DNK", "99101", ("Danemark", "Denmark")),
    "EE": ("EST", "99106", ("Estonie", "Estonia")),
    "FI": ("FIN", "99105", ("Finlande", "Finland")),
    "FR": ("FRA", "99100", ("France", "France métropolitaine", "République française")),
    "DE": ("DEU", "99109", ("Allemagne", "Germany", "Deutschland")),
    "GR": ("GRC", "99126", ("Grèce", "Greece", "EL")),  # EL: the EU's own code for Greece (VAT prefix)
    "HU": ("HUN", "99112", ("Hongrie", "Hungary")),
    "IE": ("IRL", "99136", ("Irlande", "Ireland")),
    "IT": ("ITA", "99127", ("Italie", "Italy", "Italia")),
    "LV": ("LVA", "99107", ("Lettonie", "Latvia")),
    "LT": ("LTU", "99108", ("Lituanie", "Lithuania")),
    "LU": ("LUX", "99137", ("Luxembourg",)),
    "MT": ("MLT", "99144", ("Malte", "Malta")),
    "NL": ("NLD", "99135", ("Pays-Bas", "Netherlands", "Hollande", "Holland", "Nederland")),
    "PL": ("POL", "99122", ("Pologne", "Poland", "Polska")),
    "PT": ("PRT", "99139", ("Portugal",)),
    "RO": ("ROU", "99114", ("Roumanie", "Romania")),
    "SK": ("SVK", "99117", ("Slovaquie", "Slovakia")),
    "SI": ("SVN", "99145", ("Slovénie", "Slovenia")),
    "ES": ("ESP", "99134", ("Espagne", "Spain", "España")),
    "SE": ("SWE", "99104", ("Suède", "Sweden")),
    # Others seen in French public purchasing
    "CH": ("CHE", "99140", ("Suisse", "Switzerland", "Schweiz")),
    "GB": ("GBR", "99132", ("Royaume-Uni", "United Kingdom", "UK", "Grande-Bretagne", "Great Britain",
                            "Angleterre", "England")),
    "US": ("USA", "99404", ("États-Unis", "Etats-Unis d'Amérique", "United States",
                            "United States of America")),
    "CN": ("CHN", "99216", ("Chine", "China")),
    "MA": ("MAR", "99350", ("Maroc", "Morocco")),
    "TN": ("TUN", "99351", ("Tunisie", "Tunisia")),
    "DZ": ("DZA", "99352", ("Algérie", "Algeria")),
    "TR": ("TUR", "99208", ("Turquie", "Turkey", "Türkiye")),
    "NO": ("NOR", "99103", ("Norvège", "Norway")),
    "IS": ("ISL", "99102", ("Islande", "Iceland")),
    "LI": ("LIE", "99113", ("Liechtenstein",)),
    "MC": ("MCO", "99138", ("Monaco",)),
    "AD": ("AND", "99130", ("Andorre", "Andorra")),
    "SM": ("SMR", "99128", ("Saint-Marin", "San Marino")),
    "CA": ("CAN", "99401", ("Canada",)),
    "JP": ("JPN", "99217", ("Japon", "Japan")),
    "IN": ("IND", "99223", ("Inde", "India")),
    "SN": ("SEN", "99341", ("Sénégal", "Senegal")),
    "CI": ("CIV", "99326", ("Côte d'Ivoire", "Ivory Coast")),
    "UA": ("UKR", "99155", ("Ukraine",)),
}

EU_COUNTRIES: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
     "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for alpha2, (alpha3, insee, names) in _COUNTRIES.items():
        for key in (alpha2, alpha3, insee, *names):
            folded = fold(key)
            assert index.get(folded, alpha2) == alpha2, f"country key {key!r} is ambiguous"
            index[folded] = alpha2
    return index


_INDEX: dict[str, str] = _build_index()


def parse_country(value: object) -> str | None:
    """ISO 3166 alpha-2 code ("FR"), or None when blank; "unknown_country" otherwise.

    Case, accents and punctuation do not matter ("FRANCE", "fr", "Etats Unis"). An integer cell
    99127 is the INSEE code of Italy.
    """
    if isinstance(value, str):
        if is_blank(value):
            return None
        code = _INDEX.get(fold(value))
    elif is_blank(value):
        return None
    elif isinstance(value, int) and not isinstance(value, bool) and 99100 <= value <= 99999:
        code = _INDEX.get(str(value))
    elif isinstance(value, float) and value.is_integer() and 99100 <= value <= 99999:
        code = _INDEX.get(str(int(value)))
    else:
        code = None
    if code is None:
        raise fail("unknown_country", value)
    return code
