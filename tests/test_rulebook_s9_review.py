"""Rulebook 1.3.0: a buyer-side review of `procurement check` (workbooks soc, thresholds, food and risk).

Each test below failed on rulebook 1.2.0 and says why the new verdict is the right one:

1. SOC-10 (L2112-2-1, « the EU thresholds ») judged the social and other specific services of annex XIV
   on 216 000 € HT; their EU threshold is 750 000 € HT, as the rulebook's table cpv_services_specifiques
   and PROC-03 already say. School catering at 300 000 € is below it.
2. CARB-02 asked a bid for declared emissions when its own PRICE x the CPV ratio reached 100 tCO2e: the
   dearer of two bids (188 000 € of food, 101.5 t) failed, the cheaper (185 000 €, 99.9 t) did not. Bids
   of one tender must be judged on the same footing: no pre-award indicator may depend on a bid's price.
3. EGAlim before award: EGA-04 and EGA-05 compare what each bid offers with the legal shares (an
   indicator: the law binds a year of meals, not a bid); FOOD-02 reads the short chain of catering
   services, which FOOD-01 (foodstuffs) leaves out.
4. RISK-01 missed « présence d'une agence à moins de 30 km »; it must still let the lawful criteria pass.
5. Messages: PROC-01 quoted « 100 000 € HT depuis fin 2020 » for a 2019 launch; ENV-01's advice named
   the DECP field « considerationsEnvironnementales » to buyers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order
from procurement.rulebook import load_default

BOOK = load_default()
RULES = {r.id: r for r in BOOK.rules}
D = dt.date.fromisoformat


def _order(**values) -> Order:
    return Order.model_validate({"id": values.pop("id", "t"), "source": {"file": "t"}, **values})


def _statuses(**values) -> dict[str, str]:
    """Every rule's status on the order as the pipeline sees it: enriched (purchase type and carbon
    estimate from the CPV, threshold amount), then evaluated."""
    return {f.rule: f.status for f in evaluate(enrich(_order(**values)), BOOK)}


def _finding(rule: str, **values):
    return next(f for f in evaluate(enrich(_order(**values)), BOOK) if f.rule == rule)


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_rulebook_version_is_raised():
    assert BOOK.version >= "1.3.0"


# ---------------------------------------------------------------------------------------------------------
# 1. SOC-10: the EU threshold of social and other specific services is 750 000 € HT
# ---------------------------------------------------------------------------------------------------------

SOCIAL = {"launch_date": D("2026-09-15"), "nature": "marche", "social_considerations": ("none",)}


@pytest.mark.parametrize(("cpv", "amount", "status", "why"), [
    ("55523100", 300_000, "not_applicable", "school catering (annex XIV) below 750 000 € (review: soc.xlsx)"),
    ("85310000", 500_000, "not_applicable", "social work services below 750 000 € (review: SOCIAL-MAPA)"),
    ("55523100", 749_999.99, "not_applicable", "just below the specific-services threshold"),
    ("55523100", 750_000, "fail", "at the threshold: a social performance condition is required"),
    ("85310000", 800_000, "fail", "social services above their EU threshold, no social clause"),
    ("80533100", 300_000, "fail", "computer training is outside annex XIV (PROC-03 excepts it too): 216 000 €"),
    ("90910000", 250_000, "fail", "cleaning is an ordinary service: 216 000 €, as in 1.2.0"),
    ("90910000", 215_000, "not_applicable", "an ordinary service below 216 000 €, as in 1.2.0"),
])
def test_soc10_judges_specific_services_on_their_own_eu_threshold(cpv, amount, status, why):
    assert _statuses(cpv=cpv, amount=amount, **SOCIAL)["SOC-10"] == status, why


def test_soc10_specific_services_keep_the_initial_amount_and_the_defence_exclusion():
    # Launched at 700 000 € (initial amount), raised to 800 000 € by a modification: below 750 000 € at launch.
    assert _statuses(cpv="55523100", initial_amount=700_000, amount=800_000, **SOCIAL)["SOC-10"] == "not_applicable"
    assert _statuses(cpv="55523100", initial_amount=800_000, amount=700_000, **SOCIAL)["SOC-10"] == "fail"
    defence = {**SOCIAL, "nature": "marche_defense_securite"}
    assert _statuses(cpv="55523100", amount=900_000, **defence)["SOC-10"] == "not_applicable"
    assert _statuses(cpv="90910000", amount=900_000, **defence)["SOC-10"] == "not_applicable"
    # A social clause or a reserved contract meets it, as for any contract.
    assert _statuses(cpv="55523100", amount=900_000, **{**SOCIAL, "social_considerations": ("reserved",)}
                     )["SOC-10"] == "pass"


def test_soc10_and_proc03_agree_on_the_social_mapa_case():
    # thresholds.xlsx, case SOCIAL-MAPA: 85310000, 500 000 €, adapted procedure, launched 01/09/2026.
    statuses = _statuses(cpv="85310000", amount=500_000, procedure="procedure_adaptee",
                         **{**SOCIAL, "launch_date": D("2026-09-01")})
    assert (statuses["PROC-03"], statuses["SOC-10"]) == ("not_applicable", "not_applicable")


def test_soc10_cites_the_specific_services_threshold():
    # Rulebook 1.3.13: art. 4 d) of directive 2014/24 read on a page the reference names (recalled before).
    refs = RULES["SOC-10"].source.legal_ref
    assert any(ref.confidence == "verified" and ref.article == "4 d)" and "750 000" in (ref.note or "")
               and ref.url for ref in refs)
    assert "750 000" in RULES["SOC-10"].source.why.fr and "750,000" in RULES["SOC-10"].source.why.en


def test_no_other_rule_judges_a_specific_service_on_216_000():
    """The rules tied to « the EU threshold » of supplies and services: PROC-03 lets specific services be a
    MAPA whatever their value, SOC-10 waits for 750 000 €. The Climate and Resilience rules ENV-10..13 do
    not depend on a threshold: they apply to every contract (defence excepted)."""
    values = {**SOCIAL, "procedure": "procedure_adaptee", "env_considerations": ("clause", "criterion"),
              "social_considerations": ("none",), "price_weight": 60, "env_weight": 20}
    low = _statuses(cpv="55523100", amount=300_000, **values)
    assert {r: low[r] for r in ("PROC-03", "SOC-10")} == {"PROC-03": "not_applicable", "SOC-10": "not_applicable"}
    assert {r: low[r] for r in ("ENV-10", "ENV-11", "ENV-12")} == {"ENV-10": "pass", "ENV-11": "pass", "ENV-12": "pass"}


# ---------------------------------------------------------------------------------------------------------
# 2. A bid's verdicts never depend on its own price
# ---------------------------------------------------------------------------------------------------------

FOOD_BID = {"nature": "offre", "cpv": "15000000", "launch_date": D("2026-10-05"), "procedure": "procedure_adaptee"}


def test_carb02_treats_the_bids_of_food_xlsx_alike():
    # CPV 15000000: 540 kgCO2e per k€. 185 000 € -> 99.9 t, 188 000 € -> 101.5 t. No bid declares a figure.
    cheap = _finding("CARB-02", amount=185_000, supplier_name="Maraîchers Associés", **FOOD_BID)
    dear = _finding("CARB-02", amount=188_000, supplier_name="Bio Provence", **FOOD_BID)
    assert dear.value("estimated_emissions") >= 100_000 > cheap.value("estimated_emissions")
    assert (cheap.status, dear.status) == ("not_applicable", "not_applicable")
    # A bid that declares its emissions is counted, whatever its price.
    declared = _finding("CARB-02", amount=188_000, declared_emissions=80_000, **FOOD_BID)
    assert declared.status == "pass"


def test_carb02_still_asks_awarded_contracts_and_orders():
    base = {"cpv": "15000000", "amount": 1_200_000}
    assert _statuses(notification_date=D("2026-12-01"), nature="marche", **base)["CARB-02"] == "fail"
    assert _statuses(nature="bon_de_commande", **base)["CARB-02"] == "fail"
    assert _statuses(supplier_name="Titulaire", **base)["CARB-02"] == "fail"
    assert _statuses(nature="accord_cadre", launch_date=D("2026-09-15"), **base)["CARB-02"] == "not_applicable"
    assert _statuses(notification_date=D("2026-12-01"), nature="marche", cpv="15000000",
                     amount=100_000)["CARB-02"] == "not_applicable"  # 54 t


@pytest.mark.parametrize("cpv", ["15000000", "55523100", "39130000", "30213100", "45213000", "90910000",
                                 "09331200", "34144900", "72000000"])
def test_no_pre_award_indicator_of_a_bid_depends_on_its_price(cpv):
    """`procurement check` scores bids on the pre-award indicators; bids inherit the tender's CPV, not its
    amount, so an indicator whose verdict moved with a bid's price would tell rivals apart by price."""
    kpis = [r.id for r in BOOK.rules if r.kind == "kpi" and "pre_award" in r.source.scopes]
    seen: dict[str, set[str]] = {r: set() for r in kpis}
    for amount in (5_000, 50_000, 185_000, 188_000, 400_000, 1_000_000, 10_000_000):
        statuses = _statuses(nature="offre", cpv=cpv, amount=amount, launch_date=D("2026-10-05"),
                             supplier_name="Candidat", procedure="appel_offres_ouvert")
        for rule in kpis:
            seen[rule].add(statuses[rule])
    assert {r: s for r, s in seen.items() if len(s) > 1} == {}


# ---------------------------------------------------------------------------------------------------------
# 3. EGAlim shares offered by bids (EGA-04, EGA-05) and short chains of catering kitchens (FOOD-02)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "status", "why"), [
    ({"egalim_share": 30, "organic_share": 10}, "fail", "food.xlsx D1: 30 % and 10 %, under 50 % and 20 %"),
    ({"egalim_share": 45, "organic_share": 5}, "fail", "food.xlsx D2: under both targets"),
    ({"egalim_share": 80, "organic_share": 55}, "pass", "food.xlsx D3: above both targets"),
    ({"egalim_share": 60, "organic_share": 10}, "fail", "50 % reached, but 10 % organic only"),
    ({"egalim_share": 40}, "fail", "under 50 %: the organic share could not make it meet the target"),
    ({"egalim_share": 60}, "insufficient_data", "50 % reached, organic share not given"),
    ({}, "insufficient_data", "no share given: never a pass"),
])
def test_ega04_compares_each_food_bid_with_the_egalim_targets(values, status, why):
    assert _statuses(amount=185_000, **FOOD_BID, **values)["EGA-04"] == status, why


def test_ega05_compares_meat_fish_and_meal_bids_with_the_60_percent():
    catering = {**FOOD_BID, "cpv": "55523100", "amount": 300_000}
    assert _statuses(meat_fish_egalim_share=40, **catering)["EGA-05"] == "fail"
    assert _statuses(meat_fish_egalim_share=65, **{**catering, "cpv": "15110000"})["EGA-05"] == "pass"
    assert _statuses(meat_fish_egalim_share=10, **{**catering, "cpv": "03221000"})["EGA-05"] == "not_applicable"
    assert _statuses(meat_fish_egalim_share=40, **{**catering, "launch_date": D("2023-06-01")}
                     )["EGA-05"] == "not_applicable"  # before the 60 % took effect (01/01/2024)


def test_egalim_bid_indicators_are_indicators_of_bids_only():
    for rule in ("EGA-04", "EGA-05"):
        assert RULES[rule].kind == "kpi" and RULES[rule].source.scopes == ("pre_award",), rule
    for rule in ("EGA-01", "EGA-02", "EGA-03"):  # the legal obligations, unchanged
        assert RULES[rule].kind == "legal" and RULES[rule].source.scopes == ("execution", "monitoring"), rule
    shares = {"egalim_share": 10, "organic_share": 5, "meat_fish_egalim_share": 10}
    for nature in ("marche", "accord_cadre", "bon_de_commande", None):  # a consultation, a contract, an order
        statuses = _statuses(nature=nature, cpv="55523100", amount=300_000, launch_date=D("2026-10-05"), **shares)
        assert (statuses["EGA-04"], statuses["EGA-05"]) == ("not_applicable", "not_applicable"), nature


@pytest.mark.parametrize(("values", "status", "why"), [
    ({"nature": "offre", "intermediaries": 1}, "pass", "a catering bid supplied with one intermediary"),
    ({"nature": "offre", "intermediaries": 3}, "fail", "three intermediaries: not a short chain"),
    ({"nature": "offre"}, "insufficient_data", "a catering bid that does not say its chain"),
    ({"nature": "marche", "intermediaries": 3}, "fail", "the number the buyer typed is read"),
    ({"nature": "marche"}, "not_applicable", "the consultation itself: the chain is the bids'"),
    ({"notification_date": D("2025-07-15"), "supplier_name": "Pays Salonais Restauration SASU"},
     "insufficient_data", "an awarded meal contract, chain not given"),
])
def test_food02_reads_the_short_chain_of_catering_services(values, status, why):
    assert _statuses(cpv="55523100", amount=300_000, launch_date=D("2026-09-15"), **values)["FOOD-02"] == status, why


def test_food02_leaves_event_catering_and_foodstuffs_alone():
    assert _statuses(cpv="55520000", nature="offre", intermediaries=3)["FOOD-02"] == "not_applicable"
    both = _statuses(cpv="15300000", nature="offre", intermediaries=3)
    assert (both["FOOD-01"], both["FOOD-02"]) == ("fail", "not_applicable")
    assert _statuses(cpv="55523100", nature="offre", intermediaries=3)["FOOD-01"] == "not_applicable"


def _workbook(path: Path, tender: dict, bids: list[dict]) -> Path:
    result = CliRunner().invoke(main, ["template", str(path)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    for sheet, rows in (("Consultation", [tender]), ("Offres", bids)):
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        for r, row in enumerate(rows, start=2):
            for key, value in row.items():
                ws.cell(row=r, column=head.index(key) + 1, value=value)
    wb.save(path)
    return path


def test_check_compares_the_food_bids_of_the_review(tmp_path):
    """/tmp/rev9b/food.xlsx: a food MAPA of 190 000 € and three bids, none declaring its emissions."""
    tender = {"Identifiant": "2026-DEN-002", "Objet": "Denrées alimentaires pour la cuisine centrale",
              "Nature": "Accord-cadre", "Procédure": "Procédure adaptée", "Code CPV": "15000000",
              "Montant HT": 190_000, "Date de lancement": dt.date(2026, 10, 5), "Lieu d'exécution": "13001",
              "Considérations environnementales": "Clause environnementale et critère environnemental",
              "Considérations sociales": "Clause sociale", "Heures d'insertion": 200,
              "Critères d'attribution": "Prix 40 %, qualité 30 %, performance environnementale 30 %",
              "Pondération prix (%)": 40, "Pondération critère environnemental (%)": 30}
    bids = [
        {"Identifiant": "D1", "Fournisseur": "Maraîchers Associés", "Montant HT": 185_000,
         "Intermédiaires jusqu'au producteur": 0, "Part bio (%)": 10, "Part EGAlim (%)": 30},
        {"Identifiant": "D2", "Fournisseur": "Grossiste National", "Montant HT": 170_000,
         "Intermédiaires jusqu'au producteur": 3, "Part bio (%)": 5, "Part EGAlim (%)": 45},
        {"Identifiant": "D3", "Fournisseur": "Bio Provence", "Montant HT": 188_000,
         "Intermédiaires jusqu'au producteur": 1, "Part bio (%)": 55, "Part EGAlim (%)": 80},
    ]
    workbook = _workbook(tmp_path / "food.xlsx", tender, bids)
    result = CliRunner().invoke(main, ["check", str(workbook), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    (t,) = data["tenders"]
    verdicts = {b["id"]: {f["rule"]: f["status"] for f in b["findings"] if f["status"] != "not_applicable"}
                for b in t["bids"]}
    # CARB-02 applies to none of them (1.2.0: D3 alone failed, at 188 000 € -> 101.5 t); EGA-04 compares
    # their EGAlim and organic shares; FOOD-01 their chains (unchanged).
    assert verdicts == {"D1": {"EGA-04": "fail", "FOOD-01": "pass"},
                        "D2": {"EGA-04": "fail", "FOOD-01": "fail"},
                        "D3": {"EGA-04": "pass", "FOOD-01": "pass"}}
    tender_statuses = {f["rule"]: f["status"] for f in t["findings"]}
    assert {tender_statuses[r] for r in ("CARB-02", "EGA-04", "EGA-05", "FOOD-01", "FOOD-02")} == {"not_applicable"}


# ---------------------------------------------------------------------------------------------------------
# 4. RISK-01: distances and places, not the lawful proxies
# ---------------------------------------------------------------------------------------------------------


def _risk01(text: str) -> str:
    order = _order(nature="marche", award_criteria=text)
    return next(f.status for f in evaluate(order, BOOK) if f.rule == "RISK-01")


@pytest.mark.parametrize("text", [
    "Prix 50 %, présence d'une agence à moins de 30 km 20 %, qualité 30 %",       # risk.xlsx R8
    "Prix 50 %, présence d’une agence 20 %, qualité 30 %",                       # typographic apostrophe
    "Prix 60 %, équipe d'astreinte à moins de 50 km 40 %",
    "Prix 60 %, dépôt dans un rayon de 20 km 40 %",
    "Prix 70 %, rayon d'intervention du prestataire 30 %",
    "Prix 70 %, distance du siège au chantier 30 %",
    "Prix 70 %, entreprise située dans la vallée de l'Huveaune 30 %",
    "Prix 70 %, entreprise basée à Lambesc 30 %",
    "Prix 70 %, entreprise domiciliée dans la commune 30 %",
    "Prix 70 %, lieu d'implantation du candidat 30 %",
])
def test_risk01_catches_distances_and_places(text):
    assert _risk01(text) == "fail", text


@pytest.mark.parametrize(("text", "status"), [
    # The ten criteria of the review's risk.xlsx, with the verdicts the reviewer checked.
    ("Prix 60 %, délai d'intervention sur site 20 %, valeur technique 20 %", "pass"),
    ("Prix 50 %, performances en matière de développement des approvisionnements directs de produits de "
     "l'agriculture 20 %, qualité 30 %", "pass"),
    ("Prix 50 %, émissions de gaz à effet de serre liées au transport des denrées 20 %, qualité 30 %", "pass"),
    ("Prix 50 %, fraîcheur et saisonnalité des produits 20 %, qualité 30 %", "pass"),
    ("Prix 50 %, valeur technique 30 %, connaissance du territoire métropolitain 20 %", "fail"),
    ("Prix 50 %, entreprise implantée dans les Bouches-du-Rhône 20 %, qualité 30 %", "fail"),
    ("Prix 50 %, produits d'origine française 20 %, qualité 30 %", "fail"),
    ("Prix 50 %, présence d'une agence à moins de 30 km 20 %, qualité 30 %", "fail"),
    ("Prix 50 %, qualité 30 %, proximité géographique 20 %", "fail"),
    ("Prix 50 %, qualité 30 %, circuits courts de proximité 20 %", "fail"),
    # Lawful criteria that name a time or a distance without a place.
    ("Prix 60 %, délai d'intervention à moins de 2 heures 40 %", "pass"),
    ("Prix 60 %, intervention à moins de 30 minutes 40 %", "pass"),
    ("Prix 60 %, émissions de CO2 des véhicules en g/km 25 %, autonomie d'au moins 300 km 15 %", "pass"),
    ("Prix 60 %, distance de freinage des véhicules 40 %", "pass"),
    ("Prix 50 %, approvisionnement en circuit court, au plus un intermédiaire 20 %, qualité 30 %", "pass"),
])
def test_risk01_on_the_review_criteria_and_lawful_ones(text, status):
    assert _risk01(text) == status, text


# ---------------------------------------------------------------------------------------------------------
# 5. Messages a buyer reads
# ---------------------------------------------------------------------------------------------------------


def test_proc01_quotes_the_threshold_history_not_late_2020_for_a_2019_launch():
    # thresholds.xlsx, case W-95k-2019: works of 95 000 € without publicity, launched 10/05/2019.
    values = {"procedure": "sans_publicite", "cpv": "45453000", "amount": 95_000, "launch_date": D("2019-05-10")}
    f = _finding("PROC-01", **values)
    assert f.status == "fail"
    fr, en = _plain(f.message("fr")), _plain(f.message("en"))
    assert "depuis fin 2020" not in fr and "since late 2020" not in en
    assert "25 000 € du 01/10/2015 au 31/12/2019" in fr and "€25,000 from 2015-10-01 to 2019-12-31" in en
    assert "vigueur au lancement" in fr and "in force at launch" in en


def test_proc02_quotes_the_threshold_in_force_before_2020_too():
    f = _finding("PROC-02", procedure="sans_publicite", cpv="30192000", amount=30_000, launch_date=D("2019-05-10"))
    assert f.status == "fail"
    assert "25 000 € du 01/10/2015 au 31/12/2019" in _plain(f.message("fr"))
    assert "€25,000 from 2015-10-01 to 2019-12-31" in _plain(f.message("en"))


def test_env01_advice_uses_words_a_buyer_knows():
    advice = RULES["ENV-01"].source.advice
    assert "considerationsEnvironnementales" not in advice.fr + advice.en
    assert "« Considérations environnementales »" in advice.fr and '“Considérations environnementales”' in advice.en
