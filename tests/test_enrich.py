"""procurement.enrich: derived fields and their origins."""

from __future__ import annotations

import time

import pytest

from procurement.enrich import DERIVED, enrich
from procurement.enrich_place import place_kind
from procurement.model import Order, Source

SOURCE = Source(file="test.csv", row=2)


def order(**fields) -> Order:
    return Order(id="1", source=SOURCE, **fields)


def derived(o: Order) -> dict:
    return {name: getattr(o, name) for name in DERIVED}


# --- supplier band ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "band", "origin"),
    [
        ({"supplier_commune": "13055"}, "amp", "reference:commune"),
        ({"supplier_commune": "13208"}, "amp", "reference:commune"),  # arrondissement, as in SIRENE
        ({"supplier_commune": "84089"}, "amp", "reference:commune"),  # Pertuis, Vaucluse
        ({"supplier_commune": "83120"}, "amp", "reference:commune"),  # Saint-Zacharie, Var
        ({"supplier_postcode": "13008"}, "amp", "reference:postcode"),  # one commune
        ({"supplier_postcode": "13100"}, "amp", "reference:postcode"),  # five communes, all AMP
        ({"supplier_commune": "13004"}, "region_sud", "reference:commune"),  # Arles: 13 but not AMP
        ({"supplier_postcode": "06000"}, "region_sud", "reference:postcode"),
        ({"supplier_commune": "75056"}, "france", "reference:commune"),
        ({"supplier_postcode": "75001"}, "france", "reference:postcode"),
        ({"supplier_commune": "97105"}, "france", "reference:commune"),  # Basse-Terre
        # France alone may be the Métropole: unknown, not "france" (a CEDEX postcode gives no commune).
        ({"supplier_country": "FR"}, None, None),
        ({"supplier_country": "France", "supplier_postcode": "13291"}, None, None),
        ({"supplier_country": "DE"}, "eu", "reference:country"),
        ({"supplier_country": "Italie"}, "eu", "reference:country"),
        ({"supplier_country": "US"}, "outside", "reference:country"),
        ({"supplier_country": "Suisse"}, "outside", "reference:country"),
        ({"supplier_country": "Royaume-Uni"}, "outside", "reference:country"),
    ],
)
def test_supplier_band(fields, band, origin):
    o = enrich(order(**fields))
    assert o.supplier_band == band
    assert o.origins.get("supplier_band") == origin


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"supplier_country": "Atlantide"},  # not a country we know: unknown, not "outside"
        {"supplier_postcode": "13291"},  # CEDEX code, no country
        {"supplier_commune": "00000"},
        {"supplier_postcode": "13780"},  # Cuges-les-Pins (AMP) and Riboux (not AMP)
        {"supplier_postcode": "83640"},  # Saint-Zacharie (AMP) and Plan-d'Aups
        {"supplier_postcode": "84120"},  # Pertuis (AMP) and three Vaucluse villages
    ],
)
def test_supplier_band_unknown(fields):
    o = enrich(order(**fields))
    assert o.supplier_band is None
    assert "supplier_band" not in o.origins


def test_ambiguous_postcode_still_gives_what_is_certain():
    o = enrich(order(supplier_postcode="84120"))
    assert (o.supplier_departement, o.supplier_region, o.supplier_band) == ("84", "93", None)
    o = enrich(order(supplier_postcode="13780"))  # communes in the 13 and the 83
    assert (o.supplier_departement, o.supplier_region, o.supplier_band) == (None, "93", None)
    assert o.origins == {"supplier_region": "reference:postcode"}


def test_insee_code_beats_postcode():
    o = enrich(order(supplier_commune="13030", supplier_postcode="13780"))  # Cuges-les-Pins
    assert (o.supplier_departement, o.supplier_band) == ("13", "amp")
    assert o.origins["supplier_band"] == "reference:commune"


def test_unknown_commune_falls_back_to_postcode():
    o = enrich(order(supplier_commune="99999", supplier_postcode="13008"))
    assert o.supplier_band == "amp" and o.origins["supplier_band"] == "reference:postcode"


def test_foreign_country_means_the_postcode_is_not_french():
    o = enrich(order(supplier_country="DE", supplier_postcode="13100"))
    assert (o.supplier_band, o.supplier_departement, o.supplier_region) == ("eu", None, None)


def test_overseas_country_code_is_france():
    o = enrich(order(supplier_country="GP", supplier_postcode="97100"))
    assert (o.supplier_band, o.supplier_departement, o.supplier_region) == ("france", "971", "01")


def test_supplier_departement_and_region_from_commune():
    o = enrich(order(supplier_commune="83120"))
    assert (o.supplier_departement, o.supplier_region) == ("83", "93")


# --- place of performance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "declared", "expected", "guessed"),
    [
        # (place_commune, place_departement, place_in_amp)
        ("13055", "commune", ("13055", "13", True), None),
        ("13201", "commune", ("13055", "13", True), None),
        ("13001", "commune", ("13001", "13", True), None),  # Aix-en-Provence, INSEE code
        ("13001", "postcode", ("13055", "13", True), None),  # Marseille 1er, postcode
        ("13001", None, ("13001", "13", True), "commune"),  # both: the COG code wins
        ("13004", "commune", ("13004", "13", False), None),  # Arles
        ("50129", "departement", ("50129", "50", False), "commune"),  # DECP "Code département" quirk
        ("13270", "commune", ("13039", "13", True), "postcode"),  # Fos-sur-Mer's postcode as a commune
        ("84120", None, ("84120", "84", False), "commune"),  # Saint-Trinit, INSEE code
        ("84120", "postcode", (None, "84", None), None),  # Pertuis + 3 non-AMP communes
        ("13780", None, (None, None, None), "postcode"),  # communes in the 13 and the 83
        ("13", "departement", (None, "13", None), None),  # the 13 is not all AMP
        ("13", None, (None, "13", None), "departement"),
        ("83", "departement", (None, "83", None), None),  # Saint-Zacharie is AMP
        ("06", None, (None, "06", False), "departement"),
        ("6", "departement", (None, "06", False), None),
        ("2A", None, (None, "2A", False), "departement"),
        ("971", None, (None, "971", False), "departement"),
        ("13", "postcode", (None, "13", None), "departement"),  # DECP "Code postal" holding a département
        ("93", "region", (None, None, None), None),  # Région Sud: partly AMP
        ("11", "region", (None, None, False), None),
        ("99134", None, (None, None, False), "country"),  # INSEE code of a foreign country
        ("99134", "country", (None, None, False), None),
        ("99100", "country", (None, None, None), None),  # France
        ("DE", "country", (None, None, False), None),
        ("6088", "commune", ("06088", "06", False), None),  # lost leading zero
        ("DEP", "departement", (None, None, None), None),
        ("FRK26", "departement", (None, None, None), None),  # a NUTS code
        ("croix", "postcode", (None, None, None), None),
    ],
)
def test_place_of_performance(code, declared, expected, guessed):
    o = enrich(order(place_code=code, place_type=declared))
    assert (o.place_commune, o.place_departement, o.place_in_amp) == expected
    assert o.origins.get("place_type") == (f"guessed:{guessed}" if guessed else None)


def test_place_origins():
    o = enrich(order(place_code="13", place_type="departement"))
    assert o.origins == {"place_departement": "order"}
    o = enrich(order(place_code="06", place_type="departement"))
    assert o.origins["place_in_amp"] == "reference:departement"
    o = enrich(order(place_code="13008", place_type="postcode"))
    assert o.origins["place_in_amp"] == "reference:postcode"


def test_place_kind():
    assert place_kind("50129", "departement") == "commune"
    assert place_kind("13270", None) == "postcode"
    assert place_kind("99999", None) == "country"
    assert place_kind("ZZ", None) is None


# --- distance -----------------------------------------------------------------------------------------


def test_distance_between_communes():
    o = enrich(order(supplier_commune="13055", place_code="13001", place_type="commune"))
    assert o.supplier_distance_km == pytest.approx(25.8, abs=2)
    assert o.origins["supplier_distance_km"] == "computed:haversine:commune->commune"
    o = enrich(order(supplier_commune="13055", place_code="75056", place_type="commune"))
    assert o.supplier_distance_km == pytest.approx(661, abs=2)
    assert o.supplier_distance_km == round(o.supplier_distance_km, 1)


def test_distance_uses_the_finest_point():
    # Marseille + its 8th-arrondissement postcode: the postcode centroid, not the city's.
    fine = enrich(order(supplier_commune="13055", supplier_postcode="13008", place_code="13001", place_type="commune"))
    coarse = enrich(order(supplier_commune="13055", place_code="13001", place_type="commune"))
    assert fine.origins["supplier_distance_km"] == "computed:haversine:postcode->commune"
    assert fine.supplier_distance_km != coarse.supplier_distance_km


@pytest.mark.parametrize(
    "fields",
    [
        {"supplier_commune": "13055", "place_code": "13", "place_type": "departement"},
        {"supplier_country": "FR", "place_code": "13001", "place_type": "commune"},
        {"supplier_commune": "13055"},
    ],
)
def test_no_distance_without_two_points(fields):
    o = enrich(order(**fields))
    assert o.supplier_distance_km is None and "supplier_distance_km" not in o.origins


# --- purchase type, carbon ----------------------------------------------------------------------------


def test_contract_type_and_emissions():
    o = enrich(order(cpv="45233120", amount=100_000))
    assert (o.contract_type, o.emission_factor, o.estimated_emissions) == ("travaux", 245.0, 24_500.0)
    assert o.origins["emission_factor"] == "reference:carbon:F:high"
    assert o.origins["estimated_emissions"] == "computed:amount*emission_factor"
    assert o.origins["contract_type"] == "reference:cpv"


def test_emissions_rounded_to_the_kilogram():
    o = enrich(order(cpv="72000000", amount=1234.56))
    assert o.estimated_emissions == 93.0  # 1.23456 k€ x 75


@pytest.mark.parametrize(
    ("cpv", "kind"), [("30190000", "fournitures"), ("48000000", "fournitures"), ("90910000", "services")]
)
def test_contract_type(cpv, kind):
    assert enrich(order(cpv=cpv)).contract_type == kind


def test_no_emissions_without_amount_or_factor():
    o = enrich(order(cpv="45233120"))
    assert o.emission_factor == 245.0 and o.estimated_emissions is None
    o = enrich(order(cpv="09310000", amount=50_000))  # electricity: physical factors only
    assert (o.contract_type, o.emission_factor, o.estimated_emissions) == ("fournitures", None, None)
    o = enrich(order(amount=50_000))
    assert (o.contract_type, o.emission_factor, o.estimated_emissions) == (None, None, None)


# --- purity -------------------------------------------------------------------------------------------


def test_enrich_returns_a_copy_and_keeps_other_origins():
    before = order(
        supplier_commune="13055",
        cpv="45233120",
        supplier_band="outside",  # stale derived value
        origins={"amount": "order", "supplier_band": "stale", "place_commune": "stale"},
    )
    after = enrich(before)
    assert after is not before
    assert before.supplier_band == "outside" and before.origins["supplier_band"] == "stale"
    assert after.supplier_band == "amp" and after.origins["supplier_band"] == "reference:commune"
    assert after.origins["amount"] == "order"
    assert "place_commune" not in after.origins and after.place_commune is None
    assert after.model_dump(exclude={"origins", *DERIVED}) == before.model_dump(exclude={"origins", *DERIVED})


def test_enrich_is_idempotent():
    o = order(supplier_postcode="13100", place_code="50129", place_type="departement", cpv="90910000", amount=10)
    once = enrich(o)
    assert enrich(once) == once


def test_every_origin_names_a_set_value():
    o = enrich(order(supplier_postcode="13780", place_code="13", cpv="09310000", amount=5))
    for name in DERIVED:
        assert (name in o.origins) == (getattr(o, name) is not None), name


@pytest.mark.slow
def test_throughput_100k_orders():
    codes = ["13055", "13201", "13004", "75056", "84089", "06088", "50129"]
    postcodes = ["13008", "13780", "84120", "75001", "13100", "06000"]
    cpvs = ["45233120", "72000000", "90910000", "15100000", "09310000", "30190000"]
    orders = [
        order(
            supplier_commune=codes[i % 7] if i % 3 else None,
            supplier_postcode=postcodes[i % 6],
            place_code=(codes + postcodes)[i % 13],
            cpv=cpvs[i % 6],
            amount=float(i),
        )
        for i in range(100_000)
    ]
    start = time.perf_counter()
    for o in orders:
        enrich(o)
    assert time.perf_counter() - start < 5


# --- essential data published within two months (R2196-1, DECP-01) -----------------------------------


@pytest.mark.parametrize(("notified", "published", "within"), [
    ("2024-05-30", "2024-07-09", True),
    ("2024-05-30", "2024-07-30", True),  # the same day two months later: still in time
    ("2024-05-30", "2024-07-31", False),
    ("2024-12-31", "2025-02-28", True),  # no 31 February: the month's last day
    ("2024-12-31", "2025-03-01", False),
    ("2023-12-31", "2024-02-29", True),  # a leap year
    ("2024-11-15", "2025-01-15", True),  # across the year
    ("2024-11-15", "2025-01-16", False),
    ("2024-05-30", "2024-05-30", True),
    ("2024-05-30", "2024-05-29", None),  # published before notification: a wrong date, no verdict on the delay
])
def test_publication_within_two_calendar_months(notified, published, within):
    o = enrich(order(notification_date=notified, publication_date=published))
    assert o.published_within_two_months is within
    origin = o.origins.get("published_within_two_months")
    assert (origin == "computed:notification_date+2months") is (within is not None)


@pytest.mark.parametrize("fields", [{"notification_date": "2024-05-30"}, {"publication_date": "2024-07-09"}, {}])
def test_publication_delay_unknown_without_both_dates(fields):
    o = enrich(order(**fields))
    assert o.published_within_two_months is None and "published_within_two_months" not in o.origins


def test_publication_delay_is_recomputed_not_kept():
    late = enrich(order(notification_date="2024-05-30", publication_date="2024-09-01"))
    fixed = enrich(late.model_copy(update={"publication_date": late.notification_date}))
    assert late.published_within_two_months is False and fixed.published_within_two_months is True


# --- the amount thresholds judge ------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "amount", "origin"), [
    ({"amount": 230000}, 230000, "order:amount"),
    # A modified contract: its procedure was chosen on the initial amount, whatever an avenant set later.
    ({"amount": 230000, "initial_amount": 200000}, 200000, "order:initial_amount"),
    ({"initial_amount": 200000}, 200000, "order:initial_amount"),
    ({}, None, None),
])
def test_threshold_amount_is_the_initial_amount_when_given(fields, amount, origin):
    o = enrich(order(**fields))
    assert o.threshold_amount == amount and o.origins.get("threshold_amount") == origin


def test_threshold_amount_is_recomputed_not_kept():
    """A copy whose initial amount is dropped must not keep the threshold amount it was derived from."""
    first = enrich(order(amount=230000, initial_amount=200000))
    again = enrich(first.model_copy(update={"initial_amount": None}))
    assert again.threshold_amount == 230000 and again.origins["threshold_amount"] == "order:amount"
