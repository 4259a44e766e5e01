"""`procurement check`: template -> filled by the test with openpyxl -> check -> verdicts and page.

The test rulebook tests/data/check/offres.yaml adds three bid indicators (chantiers 2, 6 and 8) to the
Métropole's rulebook, whose pre-award rules apply to the consultation (ENV-10, ENV-01, SOC-01).
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
RULES = ROOT / "tests" / "data" / "check" / "offres.yaml"
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
    assert "1 consultation(s), 4 offre(s), 1 ligne(s) rejetée(s) : 1 obligation(s) légale(s)" in result.output
    assert data["verdict"]["exit_status"] == 1
    assert data["verdict"]["failures"]["legal"] == 1
    assert data["verdict"]["fail_on"] == "legal"


def test_tender_verdicts(checked):
    _, _, data, _ = checked
    (tender,) = data["tenders"]
    assert tender["id"] == "2026-RES-017"
    legal = {f["rule"]: f for f in tender["legal"]}
    assert legal["ENV-10"]["status"] == "fail"
    assert "L2152-7" in legal["ENV-10"]["message"] and legal["ENV-10"]["advice"]
    assert any(ref.get("article") == "L2152-7" for ref in legal["ENV-10"]["legal_ref"])
    indicators = {f["rule"]: f["status"] for f in tender["indicators"]}
    assert indicators == {"ENV-01": "pass", "SOC-01": "pass"}
    assert "LOC-01" not in {f["rule"] for f in tender["findings"]}  # monitoring only, never pre-award
    # Every pre-award rule runs on the tender; the bid indicators do not apply to it.
    assert data["meta"]["rules"]["tender"][:3] == ["ENV-01", "SOC-01", "ENV-10"]
    assert set(tender["not_applicable"]) == {"OFR-01", "OFR-02", "OFR-03"}
    assert data["meta"]["rules"]["bids"] == ["ENV-01", "SOC-01", "OFR-01", "OFR-02", "OFR-03"]


def test_bid_verdicts_and_what_each_lacks(checked):
    _, _, data, _ = checked
    bids = {b["id"]: b for b in data["tenders"][0]["bids"]}
    assert list(bids) == ["P01", "P02", "P03", "P04"]
    failed = {k: [f["rule"] for f in b["failed"]] for k, b in bids.items()}
    assert failed == {"P01": [], "P02": ["OFR-01", "OFR-02"], "P03": ["OFR-03"], "P04": []}
    missing = {m["field"]: m["rules"] for m in bids["P03"]["missing"]}
    assert missing == {"intermediaries": ["OFR-01"], "egalim_share": ["OFR-02"]}
    assert set(bids["P03"]["not_declared"]) == {"delivery_km", "intermediaries", "organic_share", "egalim_share",
                                                "declared_emissions"}
    assert bids["P01"]["missing"] == [] and bids["P01"]["not_declared"] == []
    # A bid is an offer of the consultation: nature, tender and the purchase's context inherited.
    p01 = bids["P01"]["data"]
    assert p01["nature"] == "offre" and p01["tender_id"] == "2026-RES-017"
    assert p01["cpv"] == "15000000" and p01["launch_date"] == "2026-09-15" and p01["place_code"] == "13001"
    assert bids["P04"]["supplier"] == '=HYPERLINK("http://x","clic")'
    assert {f["rule"] for f in bids["P01"]["findings"]} == {"ENV-01", "SOC-01", "OFR-01", "OFR-02", "OFR-03"}


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
    # Bids are the columns, in order; their names are escaped, never markup or formulas.
    header = html[html.index('<table class="comparison">'):html.index("</thead>", html.index('class="comparison"'))]
    assert [header.index(f'data-bid="P0{i}"') for i in range(1, 5)] == sorted(
        header.index(f'data-bid="P0{i}"') for i in range(1, 5))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "non renseigné" in html
    assert "8. Autonomie alimentaire et circuits courts" in html
    assert 'data-rule="ENV-10" data-status="fail"' in html
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
    assert "legal obligation(s) not met" in result.output


@pytest.mark.parametrize("fail_on, expected", [("never", 0), ("legal", 0), ("risk", 0), ("kpi", 1)])
def test_fail_on_levels_with_a_compliant_tender(tmp_path, fail_on, expected):
    tender = {**TENDER, "Considérations environnementales": "Clause environnementale et critère environnemental",
              "Pondération critère environnemental (%)": 20}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], BIDS[:4])
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--rules", str(RULES), "--fail-on", fail_on)
    assert result.exit_code == expected, result.output
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    assert {f["rule"]: f["status"] for f in data["tenders"][0]["legal"]} == {"ENV-10": "pass"}


def test_never_ignores_legal_failures_for_the_exit_status(checked, tmp_path):
    workbook, _, _, _ = checked
    assert _check(str(workbook), "--out", str(tmp_path), "--fail-on", "never", "-q").exit_code == 0


def test_default_rulebook_has_no_bid_indicator_and_says_so(checked, tmp_path):
    workbook, _, _, _ = checked
    result = _check(str(workbook), "--out", str(tmp_path))
    assert result.exit_code == 1
    data = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert data["tenders"][0]["comparison"]["chantiers"] == []
    html = (tmp_path / "check.html").read_text(encoding="utf-8")
    assert "Aucun indicateur du référentiel ne s&#39;applique à ces offres" in html
    assert "Part EGAlim (%)" in html  # the declared values are still compared


def test_missing_launch_date_is_insufficient_not_a_pass(tmp_path):
    tender = {k: v for k, v in TENDER.items() if k != "Date de lancement"}
    workbook = _fill(_template(tmp_path / "c.xlsx"), [tender], BIDS[:1])
    result = _check(str(workbook), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    tender_data = data["tenders"][0]
    assert {f["rule"]: f["status"] for f in tender_data["legal"]} == {"ENV-10": "insufficient_data"}
    assert {"field": "launch_date", "rules": ["ENV-10"]} in tender_data["missing"]
    html = (tmp_path / "out" / "check.html").read_text(encoding="utf-8")
    assert "Données manquantes de la consultation" in html and "Date de lancement" in html


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
    _check(str(workbook), "--out", str(tmp_path / "out"))
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    (bid,) = data["tenders"][0]["bids"]
    assert bid["warnings"][0]["code"] == "unknown_tender"
    assert bid["data"]["tender_id"] == "2026-RES-99"  # the buyer's value is kept


def test_english_template_round_trip(tmp_path):
    workbook = _template(tmp_path / "t.xlsx", "en")
    tender = {"Id": "T-1", "Object": "Office furniture", "Nature": "Contract", "Procedure": "Open procedure",
              "CPV code": "39130000", "Amount excl. VAT": 90_000, "Launch date": dt.date(2026, 10, 1),
              "Environmental considerations": "Environmental criterion", "Environmental criterion weight (%)": 15}
    bids = [{"Id": "B1", "Supplier": "Bureau Sud", "Amount excl. VAT": 85_000, "Reuse/recycled share (%)": 40}]
    _fill(workbook, [tender], bids, tender_sheet="Tender", bid_sheet="Bids")
    result = _check(str(workbook), "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    assert data["tenders"][0]["legal"][0]["status"] == "pass"
    assert data["tenders"][0]["bids"][0]["data"]["recycled_share"] == 40


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
        expected = "aucune consultation lisible"
    else:
        path = tmp_path / "absent.xlsx"
        expected = "absent.xlsx"
    result = _check(str(path), "--out", str(tmp_path / "out"))
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
