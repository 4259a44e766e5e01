"""`procurement check`: template -> filled by the test with openpyxl -> check -> verdicts and page.

Two kinds of test here:
- MECHANICS (which rules run on the consultation and on the bids, fail-on levels, the comparison, the page,
  --suppliers, --waivers) run against tests/data/check/offres.yaml, a small rulebook that stands alone, so
  that they do not move when the Métropole's rulebook changes: LEG-01 (legal), RSK-01 (risk), IND-01 and
  IND-02 (consultation indicators), MON-01 (monitoring only) and three bid indicators OFR-01..03
  (chantiers 8, 8, 2 and 6).
- VERDICTS of the Métropole's rulebook (rules/relance-renouveau.yaml) on a consultation and its bids: each
  expected verdict says why it is right, from the values and the rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "check"
RULES = DATA / "offres.yaml"
SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")

TENDER = {
    "Identifiant": "2026-RES-017",
    "Acheteur": "Direction de la restauration collective",
    "Objet": "Denrées alimentaires pour la restauration scolaire",
    "Nature": "Accord-cadre",
    "Procédure": "Appel d'offres ouvert",
    "Code CPV": "15000000",
    "Montant HT": 1_200_000,
    "Date de lancement": dt.date(2026, 9, 15),
    "Lieu d'exécution": "13001",
    "Nombre de lots": 1,
    "Considérations environnementales": "Clause environnementale",
    "Considérations sociales": "Clause sociale",
    "Critères d'attribution": "Prix 60 %, valeur technique 40 %",
    "Pondération prix (%)": 60,
    "Pondération critère environnemental (%)": 0,
}
# Office furniture, every legal obligation met (the default-rulebook comparison, and test_check_s10_summary).
FURNITURE = {"Identifiant": "2026-MOB-004", "Objet": "Mobilier de bureau", "Nature": "Marché",
             "Procédure": "Appel d'offres ouvert", "Code CPV": "39130000", "Montant HT": 300_000,
             "Date de lancement": dt.date(2026, 10, 1),
             "Considérations environnementales": "Clause environnementale et critère environnemental",
             "Considérations sociales": "Clause sociale", "Critères d'attribution": "Prix 70 %, environnement 30 %",
             "Pondération prix (%)": 70, "Pondération critère environnemental (%)": 30}
BIDS = [
    {"Identifiant": "P01", "Fournisseur": "Maraîchers de Provence", "SIRET fournisseur": "35600000000048",
     "Code postal fournisseur": "84120", "Pays fournisseur": "FR", "Taille fournisseur": "PME",
     "Statut fournisseur": "ESS", "Montant HT": 1_150_000, "Distance de livraison (km)": 25,
     "Intermédiaires jusqu'au producteur": 0, "Part bio (%)": 30, "Part EGAlim (%)": 60,
     "Émissions déclarées (kgCO2e)": 1200},
    {"Identifiant": "P02", "Fournisseur": "Grossiste National", "Code postal fournisseur": "69007",
     "Pays fournisseur": "FR", "Taille fournisseur": "GE", "Montant HT": 990_000, "Distance de livraison (km)": 310,
     "Intermédiaires jusqu'au producteur": 3, "Part bio (%)": 10, "Part EGAlim (%)": 45,
     "Émissions déclarées (kgCO2e)": 5400},
    {"Identifiant": "P03", "Fournisseur": "<script>alert(1)</script>", "Code postal fournisseur": "13015",
     "Montant HT": 1_050_000},  # the bid missing data
    {"Identifiant": "P04", "Fournisseur": '=HYPERLINK("http://x","clic")', "Code postal fournisseur": "13400",
     "Montant HT": 1_100_000, "Distance de livraison (km)": 40, "Intermédiaires jusqu'au producteur": 1,
     "Part bio (%)": 25, "Part EGAlim (%)": 50, "Émissions déclarées (kgCO2e)": 2000},
    {"Identifiant": "P05", "Fournisseur": "Erreur de saisie", "Montant HT": 1_000_000, "Part bio (%)": 150},
]


def _template(path: Path, lang: str = "fr") -> Path:
    result = CliRunner().invoke(main, ["template", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    return path


def _fill(path: Path, tenders: list[dict], bids: list[dict], *, tender_sheet: str = "Consultation",
          bid_sheet: str = "Offres") -> Path:
    """Fill the template by header name, as a buyer would, and save it."""
    wb = openpyxl.load_workbook(path)
    for sheet, rows in ((tender_sheet, tenders), (bid_sheet, bids)):
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        for r, row in enumerate(rows, start=2):
            for key, value in row.items():
                cell = ws.cell(row=r, column=head.index(key) + 1, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # typed text, even when it looks like a formula
    wb.save(path)
    return path


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    base = tmp_path_factory.mktemp("check")
    workbook = _fill(_template(base / "consultation.xlsx"), [TENDER], BIDS)
    out = base / "out"
    result = _check(str(workbook), "--out", str(out), "--rules", str(RULES))
    data = json.loads((out / "check.json").read_text(encoding="utf-8"))
    html = (out / "check.html").read_text(encoding="utf-8")
    return workbook, result, data, html


def test_exit_status_follows_the_tender_legal_failure(checked):
    _, result, data, _ = checked
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Consultations : 1 vérifiée ; 1 obligation légale non respectée, "), result.output
    assert ". Offres : 4 comparées, 1 rejetée (ligne à corriger) ; " in result.output
    assert data["verdict"]["exit_status"] == 1
    assert data["verdict"]["failures"]["legal"] == 1
    assert data["verdict"]["fail_on"] == "legal"


def test_tender_verdicts(checked):
    _, _, data, _ = checked
    (tender,) = data["tenders"]
    assert tender["id"] == "2026-RES-017"
    legal = {f["rule"]: f for f in tender["legal"]}
    # Legal obligations and legal risks of the consultation, each with its message, advice and basis.
    assert {k: f["status"] for k, f in legal.items()} == {"LEG-01": "fail", "RSK-01": "pass"}
    assert [legal[k]["kind"] for k in ("LEG-01", "RSK-01")] == ["legal", "risk"]
    assert "L2152-7" in legal["LEG-01"]["message"] and legal["LEG-01"]["advice"]
    assert any(ref.get("article") == "L2152-7" for ref in legal["LEG-01"]["legal_ref"])
    indicators = {f["rule"]: f["status"] for f in tender["indicators"]}
    assert indicators == {"IND-01": "pass", "IND-02": "pass"}
    # Every pre-award rule runs on the tender, in rulebook order; a monitoring-only rule never does.
    assert data["meta"]["rules"]["tender"] == ["LEG-01", "RSK-01", "IND-01", "IND-02", "OFR-01", "OFR-02", "OFR-03"]
    assert "MON-01" not in {f["rule"] for f in tender["findings"]}
    # The bid indicators (applies_when nature = offre) run on the tender but do not apply to it.
    assert set(tender["not_applicable"]) == {"OFR-01", "OFR-02", "OFR-03"}
    # Bids: the pre-award indicators only; never a legal or risk rule (LEG-01 has no nature guard: it is the
    # scoping that keeps it off the bids), never a monitoring rule.
    assert data["meta"]["rules"]["bids"] == ["IND-01", "IND-02", "OFR-01", "OFR-02", "OFR-03"]


def test_bid_verdicts_and_what_each_lacks(checked):
    _, _, data, _ = checked
    bids = {b["id"]: b for b in data["tenders"][0]["bids"]}
    assert list(bids) == ["P01", "P02", "P03", "P04"]
    failed = {k: b["failed"] for k, b in bids.items()}
    assert failed == {"P01": [], "P02": ["OFR-01", "OFR-02"], "P03": ["OFR-03"], "P04": []}
    # A failed rule is its id: its title, advice and basis are said once, in `rules`; its message is in the
    # bid's findings.
    assert data["rules"]["OFR-01"]["title"] and data["rules"]["OFR-01"]["advice"]
    p02 = {f["rule"]: f for f in bids["P02"]["findings"]}
    assert p02["OFR-01"]["status"] == "fail" and p02["OFR-01"]["message"]
    missing = {m["field"]: m["rules"] for m in bids["P03"]["missing"]}
    assert missing == {"intermediaries": ["OFR-01"], "egalim_share": ["OFR-02"]}
    assert set(bids["P03"]["not_declared"]) == {"delivery_km", "intermediaries", "organic_share", "egalim_share",
                                                "declared_emissions"}
    assert bids["P01"]["missing"] == [] and bids["P01"]["not_declared"] == []
    # A bid is an offer of the consultation: nature, tender and the purchase's context inherited. What it
    # inherits is named, its value given once, in the consultation's data.
    p01 = bids["P01"]["data"]
    assert p01["nature"] == "offre" and p01["tender_id"] == "2026-RES-017"
    assert bids["P01"]["inherited"] == ["object", "cpv", "procedure", "launch_date", "place_code", "buyer_name"]
    tender_data = data["tenders"][0]["data"]
    assert not set(bids["P01"]["inherited"]) & set(p01)
    assert tender_data["cpv"] == "15000000" and tender_data["launch_date"] == "2026-09-15"
    assert tender_data["place_code"] == "13001"
    # ... and what was derived from those values is the bid's own (its commune, its estimated emissions).
    assert p01["place_commune"] and p01["estimated_emissions"]
    assert bids["P04"]["supplier"] == '=HYPERLINK("http://x","clic")'
    assert {f["rule"] for f in bids["P01"]["findings"]} == {"IND-01", "IND-02", "OFR-01", "OFR-02", "OFR-03"}
    # The consultation's indicators (not on a bid) are evaluated on each bid and say not applicable.
    assert all(f["status"] == "not_applicable" for b in bids.values() for f in b["findings"]
               if f["rule"] in ("IND-01", "IND-02"))
    assert bids["P02"]["met"] == ["OFR-03"] and bids["P01"]["met"] == ["OFR-01", "OFR-02", "OFR-03"]


def test_comparison_per_chantier(checked):
    _, _, data, _ = checked
    comparison = data["tenders"][0]["comparison"]
    scores = {c["chantier"]: c["scores"] for c in comparison["chantiers"]}
    assert set(scores) == {2, 6, 8}
    assert scores[8] == [100.0, 0.0, None, 100.0]
    assert scores[2] == [100.0, 100.0, 0.0, 100.0]
    assert comparison["chantiers_without_indicator"] == [1, 3, 4, 5, 7]
    values = {v["field"]: v["values"] for v in comparison["values"]}
    assert values["amount"] == [1_150_000, 990_000, 1_050_000, 1_100_000]
    assert values["intermediaries"] == [0, 3, None, 1]
    assert "origin_france" not in values and "origin_france" in comparison["not_declared_by_any"]
    assert not {"supplier_postcode", "supplier_band", "supplier_distance_km"} & set(values)


def test_rejected_bid_is_listed_not_compared(checked):
    _, _, data, html = checked
    (rejected,) = data["rejected"]
    assert rejected["source"]["sheet"] == "Offres" and rejected["source"]["row"] == 6
    assert rejected["field"] == "organic_share" and "150" in rejected["message"]
    assert data["meta"]["counts"]["bids"] == {"rows_read": 5, "orders": 4, "rejected": 1, "merged": 0}
    assert "Lignes rejetées" in html and "Offres · ligne 6" in html


def test_page_content(checked):
    _, _, data, html = checked
    assert ("L&#39;attribution se fait uniquement selon les critères d&#39;attribution et les pondérations "
            "publiés") in html
    assert "ce ne sont pas des critères d&#39;attribution" in html
    assert "Comparaison des offres" in html and "Ce que l&#39;offre ne renseigne pas" in html
    # Bids are the rows, in order, each linked to its details; their names are escaped, never markup or formulas.
    table = html[html.index('<table class="comparison">'):html.index("</table>", html.index('class="comparison"'))]
    body = table[table.index("<tbody>"):]
    assert [body.index(f'<tr data-bid="P0{i}">') for i in range(1, 5)] == sorted(
        body.index(f'<tr data-bid="P0{i}">') for i in range(1, 5))
    assert '<a href="#bid-1-3">P03</a>' in body and 'id="bid-1-3"' in html
    assert "8. Autonomie alimentaire et circuits courts" in table[:table.index("<tbody>")]
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "non renseigné" in html
    assert "8. Autonomie alimentaire et circuits courts" in html
    assert 'data-rule="LEG-01" data-status="fail"' in html
    assert "1\u202f150\u202f000,00\u202f€" in html  # price in French format
    # Location is never compared: no bidder postcode appears on the page.
    for bid in BIDS:
        if "Code postal fournisseur" in bid:
            assert bid["Code postal fournisseur"] not in html
    assert data["meta"]["rulebook"]["sha256"] in html
    assert "Content-Security-Policy" in html and "<link" not in html and "src=" not in html


def test_english_page(checked, tmp_path):
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--lang", "en")
    assert result.exit_code == 1
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html
    assert "The contract is awarded solely on the award criteria and weights published" in html
    assert "they are not award criteria" in html and "Bids side by side" in html
    assert "€1,150,000.00" in html
    assert "1 legal obligation not met, 0 risks" in result.output


# The tender of each case and the bids it is compared with; the exit status expected at each --fail-on level.
COMPLIANT = {**TENDER, "Considérations environnementales": "Clause environnementale et critère environnemental",
             "Pondération critère environnemental (%)": 20}
FAIL_ON_CASES = {
    # LEG-01 fails (clause only, launched 2026-09-15); P02 and P03 fail bid indicators.
    "legal_failure": (TENDER, BIDS[:4], {"legal": 1, "risk": 0, "kpi": 3}, {"never": 0, "legal": 1, "risk": 1,
                                                                             "kpi": 1}),
    # LEG-01 passes; RSK-01 fails on « proximité » in the award criteria.
    "risk_failure": ({**COMPLIANT, "Critères d'attribution": "Prix 50 %, valeur technique 30 %, proximité 20 %"},
                     BIDS[:4], {"legal": 0, "risk": 1, "kpi": 3}, {"never": 0, "legal": 0, "risk": 1, "kpi": 1}),
    # The tender is compliant; only bid indicators fail (P02: OFR-01, OFR-02; P03: OFR-03).
    "kpi_failure": (COMPLIANT, BIDS[:4], {"legal": 0, "risk": 0, "kpi": 3}, {"never": 0, "legal": 0, "risk": 0,
                                                                            "kpi": 1}),
    # Nothing fails: P01 and P04 meet every bid indicator.
    "compliant": (COMPLIANT, [BIDS[0], BIDS[3]], {"legal": 0, "risk": 0, "kpi": 0}, {"never": 0, "legal": 0,
                                                                                     "risk": 0, "kpi": 0}),
}


@pytest.mark.parametrize("case", sorted(FAIL_ON_CASES))
def test_fail_on_levels(tmp_path, case):
    tender, bids, failures, expected = FAIL_ON_CASES[case]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], bids)
    for fail_on, status in expected.items():
        out = tmp_path / fail_on
        result = _check(str(workbook), "--out", str(out), "--rules", str(RULES), "--fail-on", fail_on)
        assert result.exit_code == status, (fail_on, result.output)
        verdict = json.loads((out / "check.json").read_text(encoding="utf-8"))["verdict"]
        assert verdict["failures"] == failures and verdict["fail_on"] == fail_on
        assert verdict["exit_status"] == status


def test_never_ignores_legal_failures_for_the_exit_status(checked, tmp_path):
    workbook, _, data, _ = checked
    assert data["verdict"]["failures"]["legal"] == 1  # the same workbook exits 1 at the default level
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--fail-on", "never", "-q")
    assert result.exit_code == 0 and result.output == ""


def test_without_bid_indicators_the_page_says_so(checked, tmp_path):
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--ignore", "OFR")
    assert result.exit_code == 1  # LEG-01 still fails on the tender
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert data["meta"]["rules"]["bids"] == ["IND-01", "IND-02"]  # neither applies to a bid
    comparison = data["tenders"][0]["comparison"]
    assert comparison["chantiers"] == [] and comparison["chantiers_without_indicator"] == list(range(1, 9))
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert "Aucun indicateur du référentiel ne s&#39;applique à ces offres" in html
    assert "Score par chantier" not in html
    assert "Part EGAlim (%)" in html  # the declared values are still compared


def test_several_tenders_bids_attached_by_reference(tmp_path):
    second = {**TENDER, "Identifiant": "2026-RES-018", "Objet": "Fruits et légumes"}
    bids = [{**BIDS[0], "Consultation": "2026-RES-017"}, {**BIDS[1], "Consultation": "2026-RES-018"},
            {**BIDS[3], "Consultation": "2025-XXX"}, {**BIDS[2]}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER, second], bids)
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--rules", str(RULES))
    assert result.exit_code == 1
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    assert [[b["id"] for b in t["bids"]] for t in data["tenders"]] == [["P01"], ["P02"]]
    assert [b["id"] for b in data["unattached_bids"]] == ["P04", "P03"]
    assert all(b["warnings"][0]["code"] == "unattached_bid" for b in data["unattached_bids"])
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Offres non rattachées à une consultation" in html


def test_one_tender_attaches_a_bid_with_a_wrong_reference_with_a_warning(tmp_path):
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], [{**BIDS[0], "Consultation": "2026-RES-99"}])
    _check(str(workbook), "--out", str(tmp_path / "out"), "--rules", str(RULES))
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    (bid,) = data["tenders"][0]["bids"]
    assert bid["warnings"][0]["code"] == "unknown_tender"
    assert bid["data"]["tender_id"] == "2026-RES-99"  # the buyer's value is kept


@pytest.mark.parametrize("case", ["no_bids_sheet", "csv", "bad_tender", "empty_tender", "missing_file"])
def test_input_errors_exit_2(tmp_path, case):
    if case == "no_bids_sheet":
        path = _fill(_template(tmp_path / "c.xlsx"), [TENDER], [])
        wb = openpyxl.load_workbook(path)
        del wb["Offres"]
        wb.save(path)
        expected = "Offres"
    elif case == "csv":
        path = tmp_path / "c.csv"
        path.write_text("Identifiant;Objet\nA;B\n", encoding="utf-8")
        expected = ".xlsx"
    elif case == "bad_tender":
        path = _fill(_template(tmp_path / "c.xlsx"), [{**TENDER, "Montant HT": "à définir"}], BIDS[:1])
        expected = "aucune consultation lisible"
    elif case == "empty_tender":
        path = _fill(_template(tmp_path / "c.xlsx"), [], BIDS[:1])
        expected = "la feuille « Consultation » n'a aucune ligne remplie alors que la feuille « Offres » a 1 offre"
    else:
        path = tmp_path / "absent.xlsx"
        expected = "absent.xlsx"
    result = _check(str(path), "--out", str(tmp_path / "out"), "--rules", str(RULES))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_twenty_bids_are_checked_quickly(tmp_path):
    """The work itself (read, score, write) for a tender and 20 bids; start-up is measured in docs/buyer.md."""
    from procurement.check import run_check, write_check
    from procurement.commands import load_rules

    bids = [{**BIDS[i % 4], "Identifiant": f"P{i:02d}"} for i in range(1, 21)]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], bids)
    book = load_rules(RULES, [], [])
    start = time.perf_counter()
    result = run_check(workbook, book)
    write_check(result, tmp_path / "out", "fr")
    elapsed = time.perf_counter() - start
    assert len(result.bid_run.orders) == 20
    assert elapsed < 1.0, f"{elapsed:.2f} s"


# ---------------------------------------------------------------------------------------------------------
# --suppliers: the supplier register, joined to every row before enrichment
# ---------------------------------------------------------------------------------------------------------

# Luhn-valid fictional SIRETs listed in tests/data/check/fournisseurs.csv.
SIRET_BIO, SIRET_RHONE = "91234567500009", "98765432000009"


def test_suppliers_register_names_the_bidders_and_never_scores_where_they_are(tmp_path):
    bids = [{**BIDS[0], "Fournisseur": None, "SIRET fournisseur": SIRET_BIO, "Code postal fournisseur": None,
             "Taille fournisseur": None, "Statut fournisseur": None},
            {**BIDS[1], "SIRET fournisseur": SIRET_RHONE, "Code postal fournisseur": None}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], bids)
    register = DATA / "fournisseurs.csv"
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--rules", str(RULES), "--suppliers",
                    str(register))
    assert result.exit_code == 1, result.output  # LEG-01 fails on the tender, as without the register
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    p01, p02 = data["tenders"][0]["bids"]
    # P01 gave only its SIRET: name, postcode, size and status come from the register.
    assert p01["supplier"] == "Calanques Bio SCIC"
    assert (p01["data"]["supplier_postcode"], p01["data"]["supplier_size"], p01["data"]["supplier_status"]) == (
        "13260", "pme", "ess")
    # A value written in the workbook wins over the register's.
    assert p02["supplier"] == "Grossiste National" and p02["data"]["supplier_size"] == "ge"
    assert p02["data"]["supplier_postcode"] == "69007"
    directory = data["meta"]["directory"]
    assert directory["entries"] == 2 and directory["enriched_orders"] == 2 and directory["rejected"] == 0
    # No pre-award rule reads the bidder's traits, so the register makes no rule evaluable...
    assert directory["rules_made_evaluable"] == {}
    assert data["meta"]["options"]["suppliers"] == [str(register)]
    # ...and the location it adds is never compared or shown.
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Calanques Bio SCIC" in html
    assert "13260" not in html and "69007" not in html


def test_every_option_of_check_is_documented_for_the_buyer():
    import click

    from procurement.cli_check import check

    doc = (ROOT / "docs" / "buyer.md").read_text(encoding="utf-8")
    options = [name for p in check.params if isinstance(p, click.Option) for name in p.opts
               if name.startswith("--") and name != "--help"]  # --help: every command's, declared by cli_usage
    assert {"--suppliers", "--waivers", "--fail-on"} <= set(options)
    assert [o for o in options if f"`{o}" not in doc] == []


def test_suppliers_register_that_does_not_exist_is_a_usage_error(tmp_path):
    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], BIDS[:1])
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--suppliers", str(tmp_path / "absent.csv"))
    assert result.exit_code == 2 and "absent.csv" in result.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------------------
# --waivers: accepted exceptions, shown with their justification, never counted as failures
# ---------------------------------------------------------------------------------------------------------

WAIVERS = DATA / "derogations.yaml"


@pytest.fixture
def on_2026_10_01(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790812800")  # the run's day: 2026-10-01


def test_waived_legal_failure_is_shown_and_no_longer_fails_the_check(checked, tmp_path, on_2026_10_01):
    workbook, _, before, _ = checked
    assert before["verdict"]["exit_status"] == 1  # LEG-01 fails without the waiver
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--waivers", str(WAIVERS))
    assert result.exit_code == 0, result.output
    assert "1 constat couvert par une dérogation" in result.stdout
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    legal = {f["rule"]: f for f in data["tenders"][0]["legal"]}
    assert legal["LEG-01"]["status"] == "waived"
    assert legal["LEG-01"]["message"].startswith("Dérogation accordée le 01/09/2026 par Mme Martin, Direction de "
                                                 "la commande publique : Marché de défense et de sécurité")
    assert "L2152-7" in legal["LEG-01"]["message"]  # the original finding is kept after the banner
    finding = next(f for f in data["tenders"][0]["findings"] if f["rule"] == "LEG-01")
    assert finding["waived"]["original_status"] == "fail" and finding["waived"]["author"].startswith("Mme Martin")
    assert data["verdict"]["failures"] == {"legal": 0, "risk": 0, "kpi": 3} and data["verdict"]["waived"] == 1
    # The expired waiver (P0*, OFR-01, until 2026-06-30) waives nothing: P02's short-chain indicator still fails
    # and P03's is still incomplete; the report counts both as what the waiver would have matched.
    bids = {b["id"]: b for b in data["tenders"][0]["bids"]}
    assert bids["P02"]["failed"] == ["OFR-01", "OFR-02"]
    assert {"field": "intermediaries", "rules": ["OFR-01"]} in bids["P03"]["missing"]
    report = data["meta"]["waivers"]
    assert report["today"] == "2026-10-01" and report["findings_waived"] == 1
    assert [(w["order"], w["rule"], w["findings"]) for w in report["applied"]] == [("2026-RES-017", "LEG-01", 1)]
    assert [(w["order"], w["would_match"]) for w in report["expired"]] == [("P0*", 2)]
    # MON-01 is in the rulebook (so the file is valid) but never runs before award: the waiver is stale.
    assert [(w["order"], w["rule"]) for w in report["stale"]] == [("2026-RES-017", "MON-01")]
    assert data["meta"]["options"]["waivers"] == str(WAIVERS)
    assert "expirée le 30/06/2026" in result.stderr and "MON-01 sans effet" in result.stderr
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert 'data-rule="LEG-01" data-status="waived"' in html
    assert "Marché de défense et de sécurité" in html and "constat de consultation couvert par une dérogation" in html


def test_waivers_do_not_hide_kpi_failures_at_fail_on_kpi(checked, tmp_path, on_2026_10_01):
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--waivers", str(WAIVERS),
                    "--fail-on", "kpi", "-q")
    assert result.exit_code == 1 and result.output == ""  # bid indicators still fail; -q prints nothing


def test_waiver_before_its_date_is_not_applied(checked, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1788177600")  # 2026-08-31, the day before the waivers' date
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--waivers", str(WAIVERS))
    assert result.exit_code == 1
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert data["verdict"]["waived"] == 0 and data["verdict"]["failures"]["legal"] == 1
    assert [w["rule"] for w in data["meta"]["waivers"]["not_yet_valid"]] == ["LEG-01", "MON-01"]


def test_waiver_for_a_rule_left_out_by_ignore_is_not_an_error(checked, tmp_path, on_2026_10_01):
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path), "--rules", str(RULES), "--waivers", str(WAIVERS),
                    "--ignore", "LEG")
    assert result.exit_code == 0, result.output  # no legal rule left, nothing to waive
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert ("2026-RES-017", "LEG-01") in {(w["order"], w["rule"]) for w in data["meta"]["waivers"]["stale"]}


def test_waiver_naming_an_unknown_rule_is_a_usage_error(checked, tmp_path):
    workbook, _, _, _ = checked
    bad = tmp_path / "bad.yaml"
    bad.write_text("waivers:\n  - order: P01\n    rule: ENV-10\n    justification: x\n    author: y\n"
                   "    date: 2026-01-01\n", encoding="utf-8")
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--rules", str(RULES), "--waivers", str(bad))
    assert result.exit_code == 2
    # ENV-10 is a rule of the Métropole's rulebook, not of the one this check runs.
    assert f"{bad}:3:" in result.stderr and "ENV-10" in result.stderr and "inconnue" in result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------------------
# Verdicts of the Métropole's rulebook (rules/relance-renouveau.yaml): why each is right
# ---------------------------------------------------------------------------------------------------------


def _load(out: Path) -> dict:
    return json.loads((out / "check.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def default_checked(checked, tmp_path_factory):
    workbook, _, _, _ = checked
    out = tmp_path_factory.mktemp("default")
    result = _check(str(workbook), "--out", str(out))
    return result, _load(out)


def test_default_rulebook_verdicts_on_the_tender(default_checked):
    result, data = default_checked
    # The consultation: food supplies (CPV 15000000, hence contract type "fournitures"), framework agreement
    # of 1 200 000 € HT, open call for tenders, launched 2026-09-15, environmental CLAUSE only (weight 0 %),
    # social clause, award criteria "Prix 60 %, valeur technique 40 %".
    tender = data["tenders"][0]
    statuses = {f["rule"]: f["status"] for f in tender["findings"]}
    assert statuses == {
        # Launched after 2026-08-21 with no environmental award criterion: L2152-7 (loi Climat et résilience
        # art. 35) requires one. The clause does not replace it.
        "ENV-10": "fail",
        # Environmental performance clause declared: L2112-2 met.
        "ENV-11": "pass",
        # Price weighted 60 %: price is not the sole criterion (R2152-7, décret 2022-767).
        "ENV-12": "pass",
        # Food, not a renewable-energy installation (loi 2023-175).
        "ENV-13": "not_applicable",
        # Supplies of 1 200 000 € >= 216 000 € (EU threshold 2026-2027), launched after 2026-08-21: a social
        # performance condition is required (L2112-2-1) and the social clause is declared.
        "SOC-10": "pass",
        # No-publicity thresholds: the procedure is an open call for tenders; works thresholds: not works.
        "PROC-01": "not_applicable", "PROC-02": "not_applicable", "PROC-04": "not_applicable",
        # Supplies >= 216 000 €: a formalised procedure is required and "appel d'offres ouvert" is one.
        "PROC-03": "pass",
        # The award criteria name no place, proximity or origin.
        "RISK-01": "pass",
        # Indicators (SPASER, not law): an environmental and a social consideration are declared.
        "ENV-01": "pass", "SOC-01": "pass",
        # Indicator: 1 200 k€ x 540 kgCO2e/k€ (SDES ratio, CPV division 15) = 648 tCO2e >= 100 t, with a clause.
        "CARB-01": "pass",
        # Indicator (rulebook 1.1.0; it was "fail" in 1.0.0): declared emissions are a bidder's or a supplier's
        # figure, which a consultation cannot have. The consultation is compared through its bids (below), so
        # the rule does not apply to it — a fail here made every tender over 100 tCO2e fail --fail-on kpi.
        "CARB-02": "not_applicable",
        # Indicator: a social clause without integration hours on the consultation row (the buyer sets the
        # hours in the CCAP, so this value does belong to the consultation).
        "SOC-02": "insufficient_data",
        # Not works (CARB-03, LAND-01), not health (SANTE-01). CIRC-01 and FOOD-01 (rulebook 1.1.0): the
        # recycled share and the intermediaries are what a bid offers or a supplier delivers, never a value of
        # the consultation. (15000000, the whole food division, is now in cpv_denrees: FOOD-01 applies to
        # the bids.)
        "CARB-03": "not_applicable", "SANTE-01": "not_applicable", "CIRC-01": "not_applicable",
        "LAND-01": "not_applicable", "FOOD-01": "not_applicable",
        # Rulebook 1.3.0: the EGAlim shares a bid offers (EGA-04, EGA-05) are judged on the bids only, and
        # FOOD-02 (the kitchen's short chain) on collective catering services, which food supplies are not.
        "EGA-04": "not_applicable", "EGA-05": "not_applicable", "FOOD-02": "not_applicable",
    }
    env10 = next(f for f in tender["legal"] if f["rule"] == "ENV-10")
    assert "L2152-7" in env10["message"] and env10["advice"]
    assert any(ref.get("article") == "L2152-7" for ref in env10["legal_ref"])
    # The missing environmental criterion is a legal failure: exit status 1 at the default level.
    assert result.exit_code == 1 and data["verdict"]["failures"]["legal"] == 1
    # Monitoring-only rules (supplier location, EGAlim shares of the contract...) never run before award.
    from procurement.commands import load_rules

    book = load_rules(None, [], [])
    pre_award = [r.id for r in book.rules if "pre_award" in r.source.scopes]
    assert data["meta"]["rules"]["tender"] == pre_award and "LOC-01" not in statuses and "EGA-01" not in statuses


def test_default_rulebook_verdicts_on_the_bids(default_checked):
    _, data = default_checked
    from procurement.commands import load_rules

    book = load_rules(None, [], [])
    # Bids are scored on the pre-award indicators only: never a legal obligation or risk of the buyer.
    assert data["meta"]["rules"]["bids"] == [r.id for r in book.rules
                                             if "pre_award" in r.source.scopes and r.kind == "kpi"]
    bids = {b["id"]: b for b in data["tenders"][0]["bids"]}
    applicable = {k: {f["rule"]: f["status"] for f in b["findings"] if f["status"] != "not_applicable"}
                  for k, b in bids.items()}
    # CARB-02 applies to the bids that declare their emissions (rulebook 1.3.0): a bid is never judged on
    # the estimate from its own price, so P03, which gives no figure, is not applicable (it failed in 1.2.0).
    # FOOD-01 (rulebook 1.1.0; it did not apply in 1.0.0): CPV 15000000, inherited from the consultation, is
    # the whole food division; a contract coded with it buys food, so the table cpv_denrees now holds the
    # code itself (animal feed 157 and tobacco 1599 stay out). At most one intermediary: P01 (0) and P04 (1)
    # pass, P02 (3) fails, P03 gives no figure.
    # EGA-04 (rulebook 1.3.0): at least 50 % EGAlim products, 20 % organic: P01 (60/30) and P04 (50/25) pass,
    # P02 (45/10) fails, P03 gives no share.
    assert applicable == {"P01": {"CARB-02": "pass", "FOOD-01": "pass", "EGA-04": "pass"},
                          "P02": {"CARB-02": "pass", "FOOD-01": "fail", "EGA-04": "fail"},
                          "P03": {"FOOD-01": "insufficient_data", "EGA-04": "insufficient_data"},
                          "P04": {"CARB-02": "pass", "FOOD-01": "pass", "EGA-04": "pass"}}


def test_default_rulebook_compares_bids_on_its_bid_indicators(tmp_path):
    # Two consultations launched in autumn 2026, each with an environmental clause and criterion.
    food = {**TENDER, "Code CPV": "15300000", "Objet": "Fruits et légumes frais pour la restauration scolaire",
            "Considérations environnementales": "Clause environnementale et critère environnemental",
            "Pondération critère environnemental (%)": 15,
            "Critères d'attribution": "Prix 60 %, valeur technique 25 %, performance environnementale 15 %"}
    furniture = FURNITURE
    bids = [{**b, "Consultation": "2026-RES-017"} for b in BIDS[:4]] + [
        {"Identifiant": "M01", "Fournisseur": "Bureau Sud", "Montant HT": 280_000, "Part réemploi/recyclé (%)": 40,
         "Émissions déclarées (kgCO2e)": 30_000, "Consultation": "2026-MOB-004"},
        {"Identifiant": "M02", "Fournisseur": "Mobilier Neuf", "Montant HT": 250_000, "Part réemploi/recyclé (%)": 5,
         "Consultation": "2026-MOB-004"}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [food, furniture], bids)
    result = _check(str(workbook), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output  # both consultations meet every legal obligation
    data = _load(tmp_path / "out")
    food_t, furniture_t = data["tenders"]

    def verdicts(tender: dict) -> dict:
        return {b["id"]: {f["rule"]: f["status"] for f in b["findings"] if f["status"] != "not_applicable"}
                for b in tender["bids"]}

    # Fruit and vegetables (CPV 15300000, in cpv_denrees): FOOD-01 (at most one intermediary between producer
    # and buyer, a lawful criterion under R2152-7) applies to each bid: P01 0 and P04 1 intermediary pass, P02
    # (3) fails, P03 gives no figure. CARB-02: P01, P02, P04 declare emissions; P03 does not and is not
    # judged on the estimate from its own price (rulebook 1.3.0). EGA-04: P01 (60/30), P04 (50/25) pass,
    # P02 (45/10) fails, P03 gives no share.
    assert verdicts(food_t) == {
        "P01": {"CARB-02": "pass", "FOOD-01": "pass", "EGA-04": "pass"},
        "P02": {"CARB-02": "pass", "FOOD-01": "fail", "EGA-04": "fail"},
        "P03": {"FOOD-01": "insufficient_data", "EGA-04": "insufficient_data"},
        "P04": {"CARB-02": "pass", "FOOD-01": "pass", "EGA-04": "pass"}}
    scores = {c["chantier"]: c["scores"] for c in food_t["comparison"]["chantiers"]}
    assert scores == {2: [100.0, 100.0, None, 100.0], 8: [100.0, 0.0, None, 100.0]}
    assert {"field": "intermediaries", "rules": ["FOOD-01"]} in food_t["bids"][2]["missing"]
    # Office furniture (CPV 39130000, an AGEC category of décret 2024-134): CIRC-01 (reuse or recycled share of
    # at least 20 %) applies: M01 (40 %) passes, M02 (5 %) fails. CARB-02: M01 declares its emissions; M02
    # neither declares nor reaches 100 t (250 k€ x 231 kgCO2e/k€ = 58 t): not applicable.
    assert verdicts(furniture_t) == {"M01": {"CARB-02": "pass", "CIRC-01": "pass"}, "M02": {"CIRC-01": "fail"}}
    scores = {c["chantier"]: c["scores"] for c in furniture_t["comparison"]["chantiers"]}
    assert scores == {2: [100.0, None], 6: [100.0, 0.0]}
    # Those are the indicators the rulebook applies to these bids; none reads who or where the bidder is.
    used = {f["rule"] for t in data["tenders"] for b in t["bids"] for f in b["findings"]
            if f["status"] != "not_applicable"}
    assert used == {"FOOD-01", "CARB-02", "CIRC-01", "EGA-04"}
    # ... and none of them applies to the consultations themselves (rulebook 1.1.0): the food one is coded in
    # cpv_denrees and carbon-significant (1 200 k€ x 540 kgCO2e/k€ = 648 t), the furniture one is an AGEC
    # category, yet neither is asked for a value only a bid has.
    for tender in data["tenders"]:
        statuses = {f["rule"]: f["status"] for f in tender["findings"]}
        assert {statuses[r] for r in ("FOOD-01", "CARB-02", "CIRC-01")} == {"not_applicable"}, tender["id"]
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Aucun indicateur du référentiel ne s&#39;applique à ces offres" not in html
    assert "8. Autonomie alimentaire et circuits courts" in html
    assert "6. Projets urbains de proximité et sobres en ressources" in html


def test_fail_on_kpi_is_not_failed_by_values_only_bids_have(tmp_path):
    # Fruit and vegetables (15300000, in cpv_denrees), 1 200 k€ (648 tCO2e by the monetary ratio: carbon-
    # significant), environmental clause and a 15 % environmental criterion, social clause. The two bids
    # both declare their emissions and come through at most one intermediary.
    # The price weight is left blank.
    tender = {**TENDER, "Code CPV": "15300000",
              "Considérations environnementales": "Clause environnementale et critère environnemental",
              "Pondération critère environnemental (%)": 15,
              "Critères d'attribution": "Prix 60 %, valeur technique 25 %, performance environnementale 15 %"}
    del tender["Pondération prix (%)"]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], [BIDS[0], BIDS[3]])
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--fail-on", "kpi")
    data = _load(tmp_path / "out")
    (t,) = data["tenders"]
    # The consultation has no declared emissions, no intermediaries, no recycled share: those are the bids'
    # (rulebook 1.1.0). In 1.0.0 CARB-02 failed here and --fail-on kpi exited 1 on every such consultation.
    statuses = {f["rule"]: f["status"] for f in t["findings"]}
    assert (statuses["CARB-02"], statuses["FOOD-01"], statuses["CIRC-01"]) == ("not_applicable",) * 3
    bid_only = {"declared_emissions", "intermediaries", "recycled_share"}
    assert not bid_only & {m["field"] for m in t["missing"]}
    # ENV-12 (price may not be the sole criterion, R2152-7 from 2026-08-21): without the price weight, the
    # 15 % environmental criterion proves that price is not alone (it was insufficient_data in 1.0.0).
    assert statuses["ENV-12"] == "pass"
    assert {b["id"]: b["met"] for b in t["bids"]} == {"P01": ["CARB-02", "FOOD-01", "EGA-04"],
                                                      "P04": ["CARB-02", "FOOD-01", "EGA-04"]}
    assert data["verdict"]["failures"] == {"legal": 0, "risk": 0, "kpi": 0}
    assert result.exit_code == 0, result.output


def test_missing_launch_date_is_insufficient_not_a_pass(tmp_path):
    tender = {k: v for k, v in TENDER.items() if k != "Date de lancement"}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], BIDS[:1])
    result = _check(str(workbook), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output  # no legal rule fails on a guess
    tender_data = _load(tmp_path / "out")["tenders"][0]
    assert {f["rule"]: f["status"] for f in tender_data["legal"]} == {
        # The 2026 Climate and Resilience obligations (L2152-7, L2112-2, R2152-7, L2112-2-1) bind consultations
        # LAUNCHED from 2026-08-21: without a launch date (and no notification yet) nobody can tell whether
        # they apply. ENV-10's criterion is weighted 0 %: unmet, and so undecided.
        "ENV-10": "insufficient_data",
        # The others are met (a clause, a price weighted 60 %, a social clause): nothing is wrong whether they
        # apply or not (rulebook 1.3.28; they were insufficient_data, asking for a date that changed nothing).
        "ENV-11": "pass", "ENV-12": "pass", "SOC-10": "pass",
        # 1 200 000 € is above every EU supplies threshold since 2016 (221 000 € at most), whatever the launch
        # date: a formalised procedure is required, and an open call for tenders is one.
        "PROC-03": "pass",
        "RISK-01": "pass",
    }
    # The no-publicity thresholds (PROC-01, PROC-02) depend on the launch date, but an open call for tenders
    # is never "sans publicité", whatever the date: not applicable (they were insufficient_data until the
    # engine decided applies_when before the unknown validity date).
    assert {"PROC-01", "PROC-02"} <= set(tender_data["not_applicable"])
    launch = next(m for m in tender_data["missing"] if m["field"] == "launch_date")
    assert launch["rules"] == ["ENV-10"]
    # A consultation has no notification date yet: no rule asks for it, because in the rules above a launch
    # date alone would decide (the notification-date test sits in an `any` that is already true).
    assert "notification_date" not in {m["field"] for m in tender_data["missing"]}
    assert all(f["missing"] == ["launch_date"] for f in tender_data["legal"] if f["status"] == "insufficient_data")
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Données manquantes de la consultation" in html and "Date de lancement" in html


def test_english_template_round_trip(tmp_path):
    workbook = _template(tmp_path / "t.xlsx", "en")
    tender = {"Id": "T-1", "Object": "Office furniture", "Nature": "Contract", "Procedure": "Open procedure",
              "CPV code": "39130000", "Amount excl. VAT": 90_000, "Launch date": dt.date(2026, 10, 1),
              "Environmental considerations": "Environmental criterion, Environmental clause",
              "Award criteria": "Price 85%, environmental performance 15%", "Price criterion weight (%)": 85,
              "Environmental criterion weight (%)": 15}
    bids = [{"Id": "B1", "Supplier": "Bureau Sud", "Amount excl. VAT": 85_000, "Reuse/recycled share (%)": 40}]
    _fill(workbook, [tender], bids, tender_sheet="Tender", bid_sheet="Bids")
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 0, result.output
    data = _load(tmp_path / "out")
    (t,) = data["tenders"]
    assert {f["rule"]: f["status"] for f in t["legal"]} == {
        # Launched 2026-10-01: an environmental award criterion (L2152-7) and an environmental performance
        # clause (L2112-2) are both required, and both are declared.
        "ENV-10": "pass", "ENV-11": "pass",
        # Price weighted 85 %: not the sole criterion (R2152-7).
        "ENV-12": "pass",
        # No place or origin in the award criteria.
        "RISK-01": "pass",
    }
    # 90 000 € of supplies is under the 216 000 € EU threshold: no social condition (SOC-10) nor formalised
    # procedure (PROC-03) required; an open procedure is not "without publicity" (PROC-02); not works.
    assert {"SOC-10", "PROC-01", "PROC-02", "PROC-03", "PROC-04", "ENV-13"} <= set(t["not_applicable"])
    (bid,) = t["bids"]
    assert bid["data"]["recycled_share"] == 40
    # Office furniture is an AGEC category (décret 2024-134): 40 % reuse/recycled >= 20 % meets CIRC-01.
    assert bid["met"] == ["CIRC-01"] and bid["failed"] == []
    assert "The contract is awarded solely on the award criteria" in (tmp_path / "out" / "check.html").read_text(
        encoding="utf-8")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_opens_the_filled_workbook(checked, tmp_path):
    workbook, _, _, _ = checked
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir",
         str(tmp_path), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )
    with (tmp_path / f"{workbook.stem}-Offres.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:] if r and r[0]] == ["P01", "P02", "P03", "P04", "P05"]
    assert '=HYPERLINK("http://x","clic")' in rows[4]  # typed text, not a live formula


# ---------------------------------------------------------------------------------------------------------
# Consultations repeated or rejected: what their bids become (found by a review of the buyer's check)
# ---------------------------------------------------------------------------------------------------------


def test_a_bid_citing_a_rejected_consultation_is_told_so_and_not_counted_as_compared(tmp_path):
    broken = {**TENDER, "Identifiant": "V01", "Montant HT": "450 k€"}  # rejected: not a readable amount
    good = {**TENDER, "Identifiant": "V02"}
    bids = [{**BIDS[0], "Consultation": "V01"}, {**BIDS[1], "Consultation": "V01"}, {**BIDS[2], "Consultation": "V02"}]
    workbook = _fill(_template(tmp_path / "c.xlsx"), [broken, good], bids)
    result = _check(str(workbook), "--out", str(tmp_path / "out"))
    assert result.exit_code in (0, 1), result.output
    data = _load(tmp_path / "out")
    assert data["verdict"]["bids"] == 1 and data["verdict"]["unattached_bids"] == 2
    messages = [w["message"] for b in data["unattached_bids"] for w in b["warnings"]]
    assert messages and all("« V01 » (ligne 2) a été rejetée" in m for m in messages), messages
    assert not any("introuvable" in m for m in messages)
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "a été rejetée" in html


def test_a_consultation_id_used_twice_is_flagged_on_the_second(tmp_path):
    lot1, lot2 = {**TENDER, "Identifiant": "2026-NET-010"}, {**TENDER, "Identifiant": "2026-NET-010", "Objet": "Lot 2"}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [lot1, lot2], [{**BIDS[0], "Consultation": "2026-NET-010"}])
    _check(str(workbook), "--out", str(tmp_path / "out"))
    data = _load(tmp_path / "out")
    first, second = data["tenders"]
    codes = [[w["code"] for w in t["warnings"]] for t in (first, second)]
    assert "duplicate_tender" not in codes[0] and "duplicate_tender" in codes[1]
    assert "ligne 2" in next(w["message"] for w in second["warnings"] if w["code"] == "duplicate_tender")


def test_a_missing_derived_value_names_the_columns_it_comes_from(tmp_path):
    tender = {k: v for k, v in TENDER.items() if k != "Code CPV"}  # no CPV: no purchase type, no emissions
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], [])
    _check(str(workbook), "--out", str(tmp_path / "out"))
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Type d&#39;achat (déduit de\u00a0: Code CPV)" in html


def test_a_rejected_bid_is_shown_in_its_consultations_section(checked, tmp_path):
    workbook, _, _, _ = checked
    _check(str(workbook), "--out", str(tmp_path))
    (tender,) = _load(tmp_path)["tenders"]
    rejected = tender["rejected_bids"]
    assert [r["source"]["row"] for r in rejected] == [6] and "150" in rejected[0]["message"]  # P05, row 6
    assert [b["id"] for b in tender["bids"]] == ["P01", "P02", "P03", "P04"]
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    section = html.split('id="h-unattached"')[0]  # the consultation's section, above the page's end lists
    assert "Offres rejetées, absentes de la comparaison" in section


def test_the_summary_line_agrees_its_words_with_the_counts(tmp_path):
    """« 0 risque », « 2 risques » in French, « 0 risks », « 1 risk » in English: no « (s) »; the consultations'
    counts, then the bids'."""
    from types import SimpleNamespace

    from procurement.check import summary_line

    def result(tenders, bids, rejected, legal, risk, kpi, waived=None):
        run = SimpleNamespace
        counts = {"tender": {"legal": legal, "risk": risk, "kpi": kpi}, "bids": {"legal": 0, "risk": 0, "kpi": kpi}}
        return SimpleNamespace(
            tender_run=run(orders=[0] * tenders, rejected=[0] * rejected), bid_run=run(orders=[0] * bids, rejected=[]),
            failures=lambda part=None: counts[part],
            waivers=None if waived is None else object(), waived=lambda part=None: waived, insufficient=lambda: [],
            rejected=lambda part: (rejected if part == "tender" else 0, 0),
            attached=dict.fromkeys(range(bids), "T1"))

    fr = summary_line(result(1, 2, 0, 0, 2, 1, waived=1), tmp_path, "fr")
    assert fr.startswith("Consultations : 1 vérifiée ; 0 obligation légale non respectée, 2 risques, 1 indicateur non "
                         "atteint, 1 constat couvert par une dérogation. Offres : 2 comparées, 0 rejetée (ligne à "
                         "corriger) ; 1 indicateur non atteint, 1 constat couvert par une dérogation. Page : "), fr
    en = summary_line(result(2, 1, 1, 1, 0, 3, waived=0), tmp_path, "en")
    assert en.startswith("Tenders: 2 checked, 1 not checked (row rejected); 1 legal obligation not met, 0 risks, "
                         "3 indicators not met, 0 findings waived. Bids: 1 compared, 0 rejected (rows to fix); "
                         "3 indicators not met, 0 findings waived. Page: "), en
    assert "(s)" not in fr + en


@pytest.mark.parametrize("command", ["check", "score"])
def test_an_empty_workbook_file_is_said_to_be_empty(tmp_path, command):
    """`check` called an empty .xlsx « pas un classeur Excel .xlsx malgré son extension » where `score` said
    « le fichier est vide »."""
    empty = tmp_path / "vide.xlsx"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, [command, str(empty), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "vide.xlsx: le fichier est vide" in result.output


@pytest.mark.parametrize(("kind", "warned"), [("Code postal", False), ("Code commune", False), (None, True)])
def test_the_template_says_which_code_the_place_is(tmp_path, kind, warned):
    """The template's own example, « code postal (13001) », was read as the INSEE code of Aix-en-Provence,
    with an ambiguous_place warning on the tender and each bid, whose advice was to rename a header the
    template says not to rename. The template now has a « Type de code du lieu » column (a dropdown)."""
    tender = {**TENDER, "Type de code du lieu": kind} if kind else TENDER
    workbook = _fill(_template(tmp_path / "consultation.xlsx"), [tender], BIDS[:2])
    out = tmp_path / "out"
    _check(str(workbook), "--out", str(out), "--rules", str(RULES))
    text = (out / "check.json").read_text(encoding="utf-8")
    assert ("ambiguous_place" in text) is warned
    if warned:
        assert "code INSEE d'Aix-en-Provence" in text  # « de Aix » elided
    wb = openpyxl.load_workbook(tmp_path / "consultation.xlsx")
    head = [c.value for c in wb["Consultation"][1]]
    assert head[head.index("Lieu d'exécution") + 1] == "Type de code du lieu"
