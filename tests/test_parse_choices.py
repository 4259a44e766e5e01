import pytest

from procurement.fields import FIELDS_BY_NAME
from procurement.parse import ParseError, parse_choice, parse_choice_set
from procurement.parse._labels import LABELS

CASES = {
    "nature": {
        "marche": ["Marché", "MARCHE", "marché", "marché public", "Marché de partenariat", "contract", "marche"],
        # DECP 2024's third nature: its own regime (no Climate and Resilience obligations, its own EU threshold).
        "marche_defense_securite": ["Marché de défense ou de sécurité", "MARCHE DE DEFENSE OU DE SECURITE",
                                    "Marché de défense et de sécurité", "marché de défense",
                                    "defence or security contract", "marche_defense_securite"],
        "accord_cadre": ["Accord-cadre", "ACCORD-CADRE", "Accord cadre", "accords-cadres", "framework agreement",
                         "accord_cadre"],
        "marche_subsequent": ["Marché subséquent", "MARCHE SUBSEQUENT", "Marché Subséquent", "call-off"],
        "bon_de_commande": ["Bon de commande", "BC", "bons de commande", "purchase order"],
        "offre": ["Offre", "bid", "tender offer"],
        "concession": ["Concession", "Concession de service public", "Délégation de service public",
                       "Concession de travaux", "Concession de service", "DSP"],
    },
    "procedure": {
        "procedure_adaptee": ["Procédure adaptée", "procedure adaptee", "PROCEDURE ADAPTEE", "MAPA",
                              "Procédure adaptée (MAPA)", "adapted procedure"],
        "appel_offres_ouvert": ["Appel d'offres ouvert", "Appel d offres ouvert", "APPEL D’OFFRES OUVERT", "AOO",
                                "open procedure"],
        "appel_offres_restreint": ["Appel d'offres restreint", "AOR", "restricted procedure"],
        "procedure_negociee": ["Procédure avec négociation", "Procédure concurrentielle avec négociation",
                               "Procédure négociée avec mise en concurrence préalable", "negotiated procedure"],
        "sans_publicite": ["Marché passé sans publicité ni mise en concurrence préalable",
                           "Marché négocié sans publicité ni mise en concurrence préalable",
                           "Marché public négocié sans publicité ni mise en concurrence préalable",
                           "direct award", "without publication", "sans_publicite"],
        "dialogue_competitif": ["Dialogue compétitif", "competitive dialogue"],
        "concours": ["Concours"],
        "autre": ["Procédure négociée ouverte", "Procédure négociée restreinte", "Procédure non négociée ouverte",
                  "Procédure non négociée restreinte", "Autre", "Autre procédure", "other procedure"],
    },
    "place_type": {
        "postcode": ["Code postal", "Code Postal", "CODE POSTAL", "cp", "postcode"],
        "commune": ["Code commune", "code commune", "Code arrondissement", "commune", "insee"],
        "departement": ["Code département", "CODE DEPARTEMENT", "department", "département"],
        "region": ["Code région", "code région", "region"],
        "country": ["Code pays", "country"],
    },
    "supplier_size": {
        "pme": ["PME", "pme", "micro", "TPE", "micro-entreprise", "SME"],
        "eti": ["ETI", "Entreprise de taille intermédiaire"],
        "ge": ["GE", "Grande entreprise", "large"],
    },
    "supplier_status": {
        "siae": ["SIAE", "EI", "ETTI", "ACI", "AI", "entreprise d'insertion", "Entreprise d’insertion"],
        "ea": ["EA", "entreprise adaptée"],
        "esat": ["ESAT"],
        "ess": ["ESS", "SCOP", "SCIC", "association", "Association", "économie sociale et solidaire"],
        "none": ["aucun", "none", "non", "-", "—", "classique", "Aucun"],
    },
}


@pytest.mark.parametrize(
    ("field", "label", "code"),
    [(f, label, code) for f, codes in CASES.items() for code, labels in codes.items() for label in labels],
)
def test_parse_choice(field, label, code):
    assert parse_choice(field, label) == code


@pytest.mark.parametrize("field", sorted(CASES))
def test_parse_choice_blank(field):
    assert parse_choice(field, None) is None
    assert parse_choice(field, "NC") is None
    assert parse_choice(field, "  ") is None


def test_nature_dash_is_unknown_but_status_dash_is_none():
    assert parse_choice("nature", "-") is None
    assert parse_choice("supplier_status", "-") == "none"


def test_parse_choice_accepts_a_one_element_json_list():
    assert parse_choice("nature", ["Marché"]) == "marche"


def test_canton_is_unsupported():
    with pytest.raises(ParseError) as exc:
        parse_choice("place_type", "Code canton")
    assert exc.value.code == "unsupported_place_type"


@pytest.mark.parametrize(
    ("field", "value"),
    [("nature", "Machin"), ("nature", "Marché négocié"), ("procedure", "Appel d'offres"), ("supplier_size", "XL"),
     ("supplier_status", "oui"), ("place_type", "GPS"), ("nature", True), ("nature", 3), ("nature", ["a", "b"]),
     ("nature", {"nature": "Marché"})],
)
def test_unknown_choice_lists_accepted_values(field, value):
    with pytest.raises(ParseError) as exc:
        parse_choice(field, value)
    err = exc.value
    assert err.code == "unknown_choice"
    assert " ; valeurs acceptées : " in err.message_fr
    assert "; accepted values: " in err.message_en
    assert FIELDS_BY_NAME[field].fr in err.message_fr


def test_unknown_choice_message_example():
    with pytest.raises(ParseError) as exc:
        parse_choice("nature", "Machin")
    assert exc.value.message_fr == (
        "« Machin » n'est pas une valeur reconnue pour « Nature » ; valeurs acceptées : Marché, Marché de défense "
        "ou de sécurité, Accord-cadre, Marché subséquent, Bon de commande, Offre, Concession"
    )


def test_derived_enum_fields_accept_their_codes():
    assert parse_choice("contract_type", "Travaux") == "travaux"
    assert parse_choice("supplier_band", "region_sud") == "region_sud"


@pytest.mark.parametrize(("field", "kind_fn"), [("object", parse_choice), ("nope", parse_choice),
                                                 ("social_considerations", parse_choice),
                                                 ("nature", parse_choice_set)])
def test_wrong_field_is_a_programming_error(field, kind_fn):
    with pytest.raises(KeyError):
        kind_fn(field, "x")


@pytest.mark.parametrize("field", sorted(LABELS))
def test_label_tables_match_fields(field):
    assert set(LABELS[field]) == set(FIELDS_BY_NAME[field].choices)


# --- sets -------------------------------------------------------------------------------------------

SOCIAL = "social_considerations"
ENV = "env_considerations"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Clause sociale", ("clause",)),
        ("Critère social", ("criterion",)),
        ("Marché réservé", ("reserved",)),
        ("Concession réservée", ("reserved",)),
        ("Pas de considération sociale", ("none",)),
        ("Sans objet", ("none",)),  # decp.info rewrite of "Pas de considération …"
        ("Aucune", ("none",)),
        ("Non", ("none",)),
        ("none", ("none",)),
        ("oui", ("clause",)),
        ("clause", ("clause",)),
        ("critère", ("criterion",)),
        ("réservé", ("reserved",)),
        ("insertion", ("clause",)),
        ("clause d'insertion", ("clause",)),
        (["Clause sociale", "Critère social"], ("clause", "criterion")),
        (("Critère social", "Clause sociale", "Clause sociale"), ("clause", "criterion")),
        ({"considerationSociale": ["Clause sociale", "Marché réservé"]}, ("clause", "reserved")),
        ({"considerationSociale": "Critère social"}, ("criterion",)),
        ({"considerationsSociales": {"considerationSociale": ["Clause sociale"]}}, ("clause",)),
        ("['Clause sociale', 'Critère social']", ("clause", "criterion")),  # Ministry CSV list repr
        ("['Pas de considération sociale']", ("none",)),
        ('["clause d\'insertion", "Critère social"]', ("clause", "criterion")),
        ("Clause sociale, Critère social", ("clause", "criterion")),  # decp.info ", " join
        ("Clause sociale;Critère social", ("clause", "criterion")),
        ("Clause sociale | Marché réservé", ("clause", "reserved")),
        ("Clause sociale / Critère social", ("clause", "criterion")),
        ("Clause sociale + Critère social", ("clause", "criterion")),
        ("Clause sociale et critère social", ("clause", "criterion")),
        ("Clause sociale, Sans objet", ("clause",)),  # none dropped beside a real value
        ("Clause sociale, ", ("clause",)),
        ([True], ("clause",)),
    ],
)
def test_parse_social_set(value, expected):
    assert parse_choice_set(SOCIAL, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Clause environnementale", ("clause",)),
        ("Critère environnemental", ("criterion",)),
        ("Pas de considération environnementale", ("none",)),
        ({"considerationEnvironnementale": "Critère environnemental"}, ("criterion",)),
        ("['Critère environnemental', 'Clause environnementale']", ("clause", "criterion")),
        ("Sans objet", ("none",)),
        ("oui", ("clause",)),
    ],
)
def test_parse_env_set(value, expected):
    assert parse_choice_set(ENV, value) == expected


@pytest.mark.parametrize("value", [None, "", "NC", "MQ", [], {}, "[]", {"considerationSociale": []}, ["NC"]])
def test_parse_set_blank(value):
    assert parse_choice_set(SOCIAL, value) is None


@pytest.mark.parametrize(
    ("field", "value", "quoted"),
    [
        (SOCIAL, "Clause environnementale", "Clause environnementale"),  # wrong field
        (ENV, "Marché réservé", "Marché réservé"),
        (SOCIAL, "Clause sociale, Bidule", "Bidule"),
        (SOCIAL, 3, "3"),
        (SOCIAL, "['Clause sociale', 'Truc']", "Truc"),
    ],
)
def test_parse_set_unknown(field, value, quoted):
    with pytest.raises(ParseError) as exc:
        parse_choice_set(field, value)
    assert exc.value.code == "unknown_choice"
    assert f"« {quoted} »" in exc.value.message_fr


def test_parse_set_survives_self_referencing_lists():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ParseError):
        parse_choice_set(SOCIAL, loop)
