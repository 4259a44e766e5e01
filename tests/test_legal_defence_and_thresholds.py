"""Legal scope of the rulebook: defence and security contracts, the value at launch, « Autre » procedures and
call-offs under L2112-2-1 — through the normal pipeline (read -> validate -> enrich -> evaluate).

Each case is a pair of records that differ in the one fact the law turns on, so that an assertion fails if
the rulebook stops telling them apart (which it did in rulebook 1.1.0: a defence contract was read as a
plain « Marché », a « Montant initial » column was ignored, an « Autre » procedure left PROC-03 not
applicable and a call-off was outside SOC-10). Sources: ../shared/notes/law-geography-carbon.md §A1
(defence and security contracts excluded from the Climate and Resilience obligations; L2112-2-1 for
contracts whose estimated value reaches the EU thresholds) and §A6 (432 000 € HT for the supplies and
services of defence or security contracts in 2026-2027, 443 000 € in 2024-2025).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order
from procurement.pipeline import run
from procurement.reference import thresholds
from procurement.rulebook import load_default

ROOT = Path(__file__).resolve().parent
LEGAL = ROOT / "data" / "legal"
BOOK = load_default()
RULES = {r.id: r for r in BOOK.rules}
CLIMATE = ("ENV-10", "ENV-11", "ENV-12", "ENV-13", "SOC-10")
D = dt.date.fromisoformat


@cache
def _scored(name: str) -> dict[str, dict[str, object]]:
    result = run([LEGAL / name], BOOK)
    assert not result.rejected, [r.message("en") for r in result.rejected]
    return {s.order.id: {"order": s.order, **{f.rule: f for f in s.findings}} for s in result.orders}


def finding(name: str, order_id: str, rule: str):
    return _scored(name)[order_id][rule]


def plain_text(text: str) -> str:
    """French typography's no-break spaces (1\u202f234\u202f€) as plain spaces, to compare with a literal."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _status(rule: str, **values) -> str:
    order = Order.model_validate({"id": "t", "source": {"file": "t"}, **values})
    return RULES[rule].status(BOOK.values(order))


# ---------------------------------------------------------------------------------------------------------
# 1. Defence and security contracts
# ---------------------------------------------------------------------------------------------------------


def test_decp_defence_nature_is_its_own_nature():
    orders = {k: v["order"] for k, v in _scored("decp_2024_defence.json").items()}
    assert orders["2026DS0001"].nature == "marche_defense_securite"  # « Marché de défense ou de sécurité »
    assert orders["2026DS0002"].nature == "marche_defense_securite"  # « … et de sécurité »
    assert orders["2026M0003"].nature == "marche"


def test_decp_defence_contract_is_outside_the_climate_and_resilience_rules():
    # Notified 2026-12-01 without a launch date (the DECP has none): the plain twin may have been launched
    # after 2026-08-21, so the rules ask for the date; a defence contract is excluded whatever the date.
    for rule in CLIMATE:
        assert finding("decp_2024_defence.json", "2026DS0001", rule).status == "not_applicable", rule
    for rule in ("ENV-10", "ENV-11", "SOC-10"):
        assert finding("decp_2024_defence.json", "2026M0003", rule).status == "insufficient_data", rule


def test_decp_defence_contract_is_judged_on_its_own_eu_threshold():
    # 300 000 € of supplies in an adapted procedure: above every local-authority threshold since 2016
    # (221 000 € at most), below every defence one (418 000 € at least): whatever the launch date.
    assert finding("decp_2024_defence.json", "2026M0003", "PROC-03").status == "fail"
    assert finding("decp_2024_defence.json", "2026DS0001", "PROC-03").status == "not_applicable"
    # 500 000 € is above every defence threshold since 2016 (443 000 € at most).
    fail = finding("decp_2024_defence.json", "2026DS0002", "PROC-03")
    assert fail.status == "fail"
    assert "432 000 € en 2026-2027 et 443 000 € en 2024-2025" in fail.message("fr")
    assert "(lancé le" not in fail.message("fr")  # no launch date: not « lancé le non renseigné » (DECP review)


@pytest.mark.parametrize(("launch", "key"), [("2026-01-01", "current"), ("2027-12-31", "current"),
                                             ("2024-01-01", "previous"), ("2025-12-31", "previous")])
def test_defence_threshold_is_the_packaged_one(launch, key):
    """PROC-03's defence thresholds in YAML agree with legal_thresholds_2026.json (notes §A6, « verified »)."""
    eu = thresholds()["seuils_europeens_2026_2027"]
    # The notes' row « Supplies & services, utilities (entités adjudicatrices) / defence »: one threshold.
    current, previous = eu["entites_adjudicatrices_et_defense_securite_FS"], eu["previous_2024_2025"]["EA_FS"]
    level = current if key == "current" else previous
    common = {"procedure": "procedure_adaptee", "contract_type": "fournitures", "cpv": "35113400",
              "nature": "marche_defense_securite", "launch_date": D(launch)}
    assert _status("PROC-03", amount=level, **common) == "fail"
    assert _status("PROC-03", amount=level - 1, **common) == "not_applicable"


def test_a_defence_contract_is_a_contract_for_every_other_rule():
    """Outside the Climate and Resilience rules and PROC-03, the new nature changes nothing: each order of the
    sample workbook gets the same verdict from every other rule as a « Marché » and as a defence contract."""
    sample = run([ROOT.parent / "samples" / "commandes-2025.xlsx"], BOOK)
    compared = 0
    for scored in sample.orders:
        if scored.order.nature != "marche":
            continue
        defence = scored.order.model_copy(update={"nature": "marche_defense_securite"})
        plain = {f.rule: f.status for f in scored.findings}
        for f in evaluate(defence, BOOK):
            if f.rule in CLIMATE:
                assert f.status == "not_applicable", (scored.order.id, f.rule)
            elif f.rule != "PROC-03":
                assert f.status == plain[f.rule], (scored.order.id, f.rule)
        compared += 1
    assert compared > 100


# ---------------------------------------------------------------------------------------------------------
# 2. Call-offs (marchés subséquents) and L2112-2-1
# ---------------------------------------------------------------------------------------------------------


def test_a_call_off_above_the_threshold_needs_the_social_condition():
    # Notes §A1: L2112-2-1 covers every contract whose estimated value reaches the EU thresholds; only
    # defence and security contracts are excluded. A 450 000 € call-off launched 2026-09-10: its framework's
    # estimated value is at least 450 000 €, above 216 000 €.
    f = finding("commandes_montant_initial.csv", "M4", "SOC-10")
    assert f.status == "fail"
    assert _scored("commandes_montant_initial.csv")["M4"]["order"].nature == "marche_subsequent"


def test_a_call_off_below_the_threshold_is_left_to_its_framework():
    # Cleaning services (90610000): not a social or specific service, so the threshold is 216 000 €; without a
    # CPV the rule cannot tell 216 000 € from 750 000 € (rulebook 1.3.0).
    common = {"launch_date": D("2026-09-10"), "nature": "marche_subsequent", "framework_id": "AC26-0004",
              "contract_type": "services", "cpv": "90610000", "social_considerations": ("none",)}
    assert _status("SOC-10", amount=150000, **common) == "not_applicable"
    # The framework agreement itself is judged at its maximum amount.
    assert _status("SOC-10", amount=600000, **{**common, "nature": "accord_cadre", "framework_id": None}) == "fail"


# ---------------------------------------------------------------------------------------------------------
# 3. The value at launch: the initial amount of a modified contract
# ---------------------------------------------------------------------------------------------------------


def test_initial_amount_column_is_read():
    orders = {k: v["order"] for k, v in _scored("commandes_montant_initial.csv").items()}
    assert (orders["M1"].initial_amount, orders["M1"].amount) == (200000, 230000)
    assert orders["M1"].threshold_amount == 200000 and orders["M3"].threshold_amount == 300000


def test_procedure_threshold_is_judged_on_the_initial_amount():
    # M1: launched at 200 000 € (below 216 000 €), raised to 230 000 € by a modification: the adapted
    # procedure was the right one. M2: launched at 230 000 €, reduced to 200 000 €: it was not.
    assert finding("commandes_montant_initial.csv", "M1", "PROC-03").status == "not_applicable"
    fail = finding("commandes_montant_initial.csv", "M2", "PROC-03")
    assert fail.status == "fail"
    # The message quotes the amount the verdict was decided on, not the current one.
    message = plain_text(fail.message("fr"))
    assert message.startswith("Achat de fournitures de 230 000 € en procédure adaptée") and "200 000" not in message


@pytest.mark.parametrize(("rule", "values", "below", "above"), [
    ("PROC-01", {"procedure": "sans_publicite", "contract_type": "travaux", "launch_date": D("2026-02-01")},
     ("pass", 85000), ("fail", 130000)),
    ("PROC-02", {"procedure": "sans_publicite", "contract_type": "fournitures", "launch_date": D("2025-03-01")},
     ("pass", 35000), ("fail", 45000)),
    ("PROC-03", {"procedure": "procedure_adaptee", "contract_type": "fournitures", "cpv": "30213100",
                 "launch_date": D("2026-02-01")}, ("not_applicable", 200000), ("fail", 230000)),
    ("PROC-04", {"procedure": "procedure_adaptee", "contract_type": "travaux", "launch_date": D("2026-02-01")},
     ("not_applicable", 5000000), ("fail", 6000000)),
    ("SOC-10", {"contract_type": "services", "cpv": "90610000", "launch_date": D("2026-09-10"),
                "social_considerations": ("none",)},
     ("not_applicable", 200000), ("fail", 250000)),
])
def test_every_threshold_rule_judges_the_initial_amount(rule, values, below, above):
    """Whatever a modification did to the amount, the verdict is the one of the initial amount."""
    (low_status, low), (high_status, high) = below, above
    assert _status(rule, initial_amount=low, amount=high, **values) == low_status
    assert _status(rule, initial_amount=high, amount=low, **values) == high_status
    # Without an initial amount, the amount is the value at launch, as before.
    assert _status(rule, amount=high, **values) == high_status
    assert _status(rule, amount=low, **values) == low_status


def test_without_any_amount_the_rule_asks_for_the_amount_not_the_initial_one():
    order = Order(id="t", source={"file": "t"}, procedure="procedure_adaptee", contract_type="fournitures",
                  cpv="30213100", launch_date=D("2026-02-01"), nature="marche")
    f = next(f for f in evaluate(order, BOOK) if f.rule == "PROC-03")
    assert f.status == "insufficient_data" and f.missing == ("amount",)


def test_messages_quote_the_enriched_threshold_amount():
    """A plain contract's message is the one it always was: the threshold amount is its amount."""
    order = enrich(Order(id="t", source={"file": "t"}, procedure="procedure_adaptee", contract_type="fournitures",
                         cpv="30213100", launch_date=D("2026-02-01"), nature="marche", amount=250000))
    f = next(f for f in evaluate(order, BOOK) if f.rule == "PROC-03")
    assert f.status == "fail"
    assert plain_text(f.message("fr")).startswith("Achat de fournitures de 250 000 € en procédure adaptée (lancé le")


# ---------------------------------------------------------------------------------------------------------
# 4. « Autre procédure »: the procedure cannot be checked until the buyer says whether it was formalised
# ---------------------------------------------------------------------------------------------------------


def test_other_procedure_above_the_threshold_cannot_be_checked():
    f = finding("commandes_montant_initial.csv", "M3", "PROC-03")
    assert f.status == "insufficient_data" and f.missing == ("formalised_procedure",)
    assert "Procédure formalisée" in f.message("fr")


@pytest.mark.parametrize(("rule", "values"), [
    ("PROC-03", {"contract_type": "services", "cpv": "72000000", "amount": 300000}),
    ("PROC-04", {"contract_type": "travaux", "amount": 6000000}),
])
def test_other_procedure_is_judged_on_what_the_buyer_says(rule, values):
    common = {"procedure": "autre", "launch_date": D("2026-02-01"), "nature": "marche", **values}
    assert _status(rule, **common) == "insufficient_data"
    assert _status(rule, formalised_procedure=True, **common) == "pass"
    assert _status(rule, formalised_procedure=False, **common) == "fail"
    # Below the threshold, nothing to check.
    assert _status(rule, **{**common, "amount": 1000}) == "not_applicable"


def test_climate_pair_defence_versus_plain_contract():
    # M5 (defence) and M6 (plain) differ only in their nature: both launched 2026-09-01, 300 000 € of
    # supplies in an adapted procedure, no environmental or social consideration.
    for rule, plain in (("ENV-10", "fail"), ("ENV-11", "fail"), ("SOC-10", "fail"), ("PROC-03", "fail")):
        assert finding("commandes_montant_initial.csv", "M6", rule).status == plain, rule
        assert finding("commandes_montant_initial.csv", "M5", rule).status == "not_applicable", rule
