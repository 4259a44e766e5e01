"""RISK-01 (a local preference in the award criteria) reads criteria written in English: the English template
asks for them as in the tender rules, with an English example, and OCDS may carry English ones. The lawful
criteria that name a time, a distance or the premises still pass, as in French (test_rulebook_s9_review)."""

from __future__ import annotations

import pytest

from procurement.model import Order
from procurement.rulebook import load_default


def _risk01(text: str) -> str:
    from procurement.engine import evaluate

    order = Order(id="x", nature="marche", award_criteria=text, source={"file": "t"})
    return next(f.status for f in evaluate(order, load_default()) if f.rule == "RISK-01")


@pytest.mark.parametrize("text", [
    "Price 60%, technical merit 20%, proximity of the supplier 20%",
    "Price 50%, quality 30%, geographical location of the company 20%",
    "Price 50%, regional supplier 20%, quality 30%",
    "Price 70%, supplier located within 50 km of the site 30%",
    "Price 70%, company based in Lambesc 30%",
    "Price 70%, head office in the Metropolis 30%",
    "Price 60%, depot within a radius of 20 km 40%",
    "Price 60%, agency less than 30 miles from the site 40%",
    "Price 50%, products of French origin 20%, quality 30%",
    "Price 50%, locally sourced products 20%, quality 30%",
])
def test_risk01_flags_local_preference_written_in_english(text):
    assert _risk01(text) == "fail", text


@pytest.mark.parametrize("text", [
    "Price 40%, technical merit 40%, environmental performance 20%",  # the English template's own example
    "Price 60%, response time on site 20%, technical merit 20%",
    "Price 50%, greenhouse-gas emissions of transport 20%, quality 30%",
    "Price 60%, CO2 emissions of the vehicles in g/km 25%, range of at least 300 km 15%",
    "Price 60%, braking distance of the vehicles 40%",
    "Price 50%, freshness and seasonality of the products 20%, quality 30%",
    "Price 50%, direct supply from farmers 20%, quality 30%",
    "Price 70%, cleaning method for the premises 30%",
    "Price 70%, methodology as established in the specifications 30%",
])
def test_risk01_lets_lawful_english_criteria_pass(text):
    assert _risk01(text) == "pass", text
