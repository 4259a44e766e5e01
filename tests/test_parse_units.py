"""A number followed by the unit its column's header names (review 17: « 35 km » in « Distance de livraison
(km) » rejected the whole bid, while « 445 000,00 € » and « 20 % » were read)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.fields import FIELDS_BY_NAME
from procurement.parse import ParseError, parse_number
from procurement.parse.numeric import UNITS
from procurement.validate import PARSERS
from tests.data.check_s9 import workbook as W

# field -> (the unit as its French header says it, as its English header says it, other spellings)
SPELLINGS = {
    "delivery_km": ("km", "km", ("KM", "kms", "kilomètres", "kilometres", "kilometers", "kilomètre")),
    "insertion_hours": ("heures", "hours", ("h", "H", "heure", "hour", "hrs", "h.")),
    "declared_emissions": ("kgCO2e", "kgCO2e", ("kg", "kg CO2", "kg CO2e", "kg CO₂ éq", "kgCO2eq", "kg éq. CO2",
                                                "KGCO2E")),
    "duration_months": ("mois", "months", ("month", "Mois")),
}


def test_each_unit_is_the_one_its_fields_header_names():
    assert set(SPELLINGS) == set(UNITS)
    for name, (fr, en, _) in SPELLINGS.items():
        field = FIELDS_BY_NAME[name]
        assert fr.casefold() in field.fr.casefold() and en.casefold() in field.en.casefold(), field


def _written(x: float) -> st.SearchStrategy[str]:
    """x as buyers write it: plain, with a decimal comma, with French thousands."""
    french = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    return st.sampled_from([repr(x), f"{x:.2f}".replace(".", ","), french, f"{x:.0f}"])


numbers = st.floats(min_value=0, max_value=1e9, allow_nan=False).flatmap(_written)
unit_fields = st.sampled_from(sorted(UNITS))


@given(unit_fields, numbers, st.data(), st.sampled_from(["", " ", "\u00a0", "  "]))
def test_a_number_and_its_fields_unit_read_as_the_number(name, number, data, space):
    fr, en, others = SPELLINGS[name]
    unit = data.draw(st.sampled_from([fr, en, *others]))
    parser = PARSERS[name][1]
    try:
        expected = parser(number)
    except ParseError as err:  # a whole number of months written with decimals: the same error, quoting the cell
        with pytest.raises(ParseError) as raised:
            parser(f"{number}{space}{unit}")
        assert raised.value.code == err.code and raised.value.value == f"{number}{space}{unit}"
        return
    assert parser(f"{number}{space}{unit}") == expected


@given(st.sampled_from(["amount", "organic_share", "intermediaries", "lots", *sorted(UNITS)]), numbers, st.data())
def test_a_unit_of_another_field_is_not_read(name, number, data):
    """« 35 km » in an amount column, « 12 t » of emissions counted in kg, « 3 mois » of intermediaries: not
    numbers of that field, never converted nor cut."""
    units = {u for field, (fr, en, others) in SPELLINGS.items() if field != name for u in (fr, en, *others)}
    units -= {u for u in (*SPELLINGS.get(name, ("", "", ()))[2], *SPELLINGS.get(name, ("", ""))[:2])}
    unit = data.draw(st.sampled_from(sorted(units | {"t", "tCO2e", "m", "jours"})))
    with pytest.raises(ParseError) as raised:
        PARSERS[name][1](f"{number} {unit}")
    assert raised.value.value == f"{number} {unit}"  # the cell as typed


@pytest.mark.parametrize("text", ["km", " km", "km 35", "35 km 2", "trente km", "35 km/j"])
def test_a_unit_needs_a_number_just_before_it_and_nothing_after(text):
    with pytest.raises(ParseError):
        PARSERS["delivery_km"][1](text)


def test_parse_number_itself_reads_no_unit():
    with pytest.raises(ParseError):
        parse_number("35 km")


def test_a_bid_with_its_distance_in_km_is_compared_not_rejected(tmp_path):
    bids = [{**W.BIDS[0], "delivery_km": "35 km", "insertion_hours": "400 h"},
            {**W.BIDS[1], "amount": "35 km"}]
    _, data, _ = W.check(W.build(tmp_path / "c.xlsx", [W.TENDERS[0]], bids), tmp_path / "o")
    (p01,) = data["tenders"][0]["bids"]
    assert (p01["data"]["delivery_km"], p01["data"]["insertion_hours"]) == (35, 400)
    (rejected,) = data["tenders"][0]["rejected_bids"]
    assert rejected["code"] == "not_a_number" and "« 35 km »" in rejected["message"]
