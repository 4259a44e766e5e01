"""DECP-02 (rulebook 1.3.17): a concession's essential data published on or before the day its execution began
(R3131-1 CCP), the day DECP gives as `dateDebutExecution` (field execution_start_date).

Until 1.3.15 the readers dropped `dateDebutExecution` and no rule judged when a concession was published: DECP-01
(R2196-1: two months after notification, from 40 000 € HT) leaves concessions out, and still does. Fixtures:
tests/data/decp/concessions_execution_2024.json and concessions_tabular.csv (synthetic; README there).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.fields import match_header
from procurement.model import Order
from procurement.pipeline import run
from procurement.read.base import InputInfo, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader
from procurement.rulebook import load_default

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "decp"
FIXTURE = DATA / "concessions_execution_2024.json"
BOOK = load_default()
RULES = {r.id: r for r in BOOK.rules}


def _read(reader, path: Path) -> tuple[list, InputInfo]:
    info = InputInfo(path=str(path), format=reader.name)
    return list(reader.read(path, ReadOptions(), info)), info


def _orders(path: Path) -> dict[str, object]:
    """The scored orders of one file by id (read, validated, enriched, evaluated)."""
    result = run([path], BOOK)
    assert not result.rejected, [r.message("en") for r in result.rejected]
    return {s.order.id: s for s in result.orders}


def _findings(**values) -> dict:
    order = enrich(Order.model_validate({"id": "DSP-1", "source": {"file": "t"}, **values}))
    return {f.rule: f for f in evaluate(order, BOOK)}


CONCESSION = {"nature": "concession", "amount": 2_000_000, "notification_date": "2024-03-01"}


# --- reading -------------------------------------------------------------------------------------------------


def test_json_2019_and_2024_concessions_give_their_start_of_execution():
    (*_, dsp, _tva, _null, _test), info = _read(DecpJsonReader(), DATA / "quirks_2019.json")
    assert dsp.cells["execution_start_date"].value == "2019-07-01"
    assert dsp.cells["execution_start_date"].column == "marches[2].dateDebutExecution"
    assert info.columns["dateDebutExecution"] == "execution_start_date"
    (*_, dsp), _ = _read(DecpJsonReader(), DATA / "quirks_2024.json")
    assert dsp.cells["execution_start_date"].value == "2024-03-01"
    assert dsp.cells["execution_start_date"].column == "marches.contrat-concession[0].dateDebutExecution"
    # A marché has none: nothing is invented for it.
    marche = _orders(FIXTURE)["2024M0042"].order
    assert marche.execution_start_date is None and marche.published_before_execution is None


def test_start_of_execution_quirks_are_read_as_the_other_dates_are():
    """A time and an offset are dropped as for every DECP date; an empty string is no date; an impossible day,
    an impossible year or a text set the value aside with a warning naming the cell, and the contract stays."""
    orders = _orders(FIXTURE)
    assert len(orders) == 8
    start = {i: s.order.execution_start_date for i, s in orders.items()}
    assert start["DSP24-ATEMPS"] == dt.date(2024, 6, 1)
    assert start["DSP24-TARD"] == dt.date(2024, 6, 1)  # "2024-06-01T00:00:00+02:00"
    assert start["DSP24-VIDE"] is None and orders["DSP24-VIDE"].order.warnings == ()
    for ident, code, column in [("DSP24-31FEV", "impossible_date", "[3]"), ("DSP24-5024", "implausible_date", "[4]"),
                                ("DSP24-ADEFINIR", "bad_date", "[5]")]:
        assert start[ident] is None, ident
        (w,) = orders[ident].order.warnings
        assert (w.code, w.field) == (code, "execution_start_date"), ident
        assert w.column == f"marches.contrat-concession{column}.dateDebutExecution"
        assert "(valeur ignorée)" in w.message_fr and "(value ignored)" in w.message_en


def test_decp_table_column_read_from_the_contract_rows():
    records, info = _read(DecpTabularReader(), DATA / "concessions_tabular.csv")
    assert info.columns["dateDebutExecution"] == "execution_start_date"
    cells = {r.cells["id"].value: r.cells.get("execution_start_date") for r in records}
    assert cells["DSP24-T1"].value == "01/06/2024" and cells["DSP24-T1"].column == "I2 (dateDebutExecution)"
    assert cells["DSP24-T2"].value == "2024-06-01" and cells["M24-001"] is None
    orders = _orders(DATA / "concessions_tabular.csv")
    assert orders["DSP24-T1"].order.execution_start_date == dt.date(2024, 6, 1)


@pytest.mark.parametrize("header", ["Date de début d'exécution", "DATE DE DEBUT D’EXECUTION", "dateDebutExecution",
                                    "Début d'exécution", "Start of execution"])
def test_the_header_names_the_field(header):
    assert match_header(header) == "execution_start_date"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_workbook_column_date_de_debut_d_execution(tmp_path, suffix):
    head = ["Identifiant", "Nature", "Montant HT", "Date de notification", "Date de publication des données",
            "Date de début d'exécution"]
    row = ["DSP-9", "Délégation de service public", "2000000", "01/03/2024", "20/06/2024", "01/06/2024"]
    path = tmp_path / f"concessions{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows([head, row])
    else:
        wb = openpyxl.Workbook()
        wb.active.append(head)
        wb.active.append([*row[:5], dt.datetime(2024, 6, 1)])
        wb.save(path)
    scored = _orders(path)["DSP-9"]
    assert scored.order.execution_start_date == dt.date(2024, 6, 1)
    assert {f.rule: f.status for f in scored.findings}["DECP-02"] == "fail"


# --- the derived comparison ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("published", "started", "before"), [
    ("2024-05-20", "2024-06-01", True),
    ("2024-06-01", "2024-06-01", True),  # the same day: not after the start
    ("2024-06-02", "2024-06-01", False),
    ("2024-02-15", "2024-06-01", None),  # published before its signature (01/03): a wrong date, no verdict
    (None, "2024-06-01", None),
    ("2024-05-20", None, None),
    ("2024-03-15", "2024-01-01", None),  # executed before its signature (01/03): a wrong date (session review)
])
def test_published_before_execution(published, started, before):
    order = enrich(Order.model_validate({"id": "x", "source": {"file": "t"}, **CONCESSION,
                                         "publication_date": published, "execution_start_date": started}))
    assert order.published_before_execution is before
    origin = order.origins.get("published_before_execution")
    assert (origin == "computed:publication_date<=execution_start_date") is (before is not None)


# --- the rule ------------------------------------------------------------------------------------------------


def test_a_concession_published_before_its_execution_passes_and_one_published_after_fails():
    on_time = _findings(**CONCESSION, publication_date="2024-05-20", execution_start_date="2024-06-01")
    assert on_time["DECP-02"].status == "pass"
    assert "20/05/2024" in on_time["DECP-02"].message("fr") and "01/06/2024" in on_time["DECP-02"].message("fr")
    late = _findings(**CONCESSION, publication_date="2024-06-20", execution_start_date="2024-06-01")["DECP-02"]
    assert late.status == "fail"
    assert late.message("fr") == (
        "Concession signée le 01/03/2024 : données essentielles publiées le 20/06/2024, après le début de son "
        "exécution le 01/06/2024 (art. R3131-1 CCP : avant le début d'exécution).")
    assert late.message("en") == (
        "Concession signed on 2024-03-01: essential data published on 2024-06-20, after its performance began on "
        "2024-06-01 (art. R3131-1 CCP: before performance begins).")
    # No value threshold for a concession: 30 000 € is judged too.
    small = _findings(**{**CONCESSION, "amount": 30_000}, publication_date="2024-06-20",
                      execution_start_date="2024-06-01")
    assert small["DECP-02"].status == "fail"
    # DECP-01 never judges a concession, on time or not.
    assert on_time["DECP-01"].status == small["DECP-01"].status == "not_applicable"


@pytest.mark.parametrize(("given", "missing", "named"), [
    ({"publication_date": "2024-05-20"}, ("execution_start_date", "published_before_execution"),
     "Date de début d'exécution (execution_start_date)"),
    ({"execution_start_date": "2024-06-01"}, ("publication_date", "published_before_execution"),
     "Date de publication des données (publication_date)"),
])
def test_an_unknown_date_is_insufficient_data_naming_it(given, missing, named):
    finding = _findings(**CONCESSION, **given)["DECP-02"]
    assert finding.status == "insufficient_data" and finding.missing == missing
    assert named in finding.message("fr")


@pytest.mark.parametrize("values", [
    {**CONCESSION, "notification_date": "2023-12-01"},  # signed before the 2024 regime
    {"nature": "marche", "amount": 85_000, "notification_date": "2024-03-01"},
    {"amount": 85_000, "notification_date": "2024-03-01"},  # no nature: DECP-01's, as a marché
    {"nature": "accord_cadre", "amount": 85_000, "notification_date": "2024-03-01"},
])
def test_not_applicable_but_to_concessions_signed_from_2024(values):
    findings = _findings(**values, publication_date="2024-06-20", execution_start_date="2024-06-01")
    assert findings["DECP-02"].status == "not_applicable"


def test_decp02_cites_r3131_1_and_says_how_sure_it_is():
    decp01, decp02 = RULES["DECP-01"].source, RULES["DECP-02"].source
    assert (decp02.kind, decp02.severity, decp02.chantiers, decp02.scope) == (
        decp01.kind, decp01.severity, decp01.chantiers, decp01.scope)
    refs = {ref.article: ref for ref in decp02.legal_ref}
    r3131 = refs["R3131-1"]
    # Its text was not read: two published readings are quoted, the rule follows « avant le début d'exécution ».
    assert r3131.confidence == "recalled" and "legifrance.gouv.fr" in r3131.url
    assert "avant le début d'exécution" in r3131.note and "deux mois avant le début d'exécution" in r3131.note
    assert "R3131-1" not in {ref.article for ref in decp01.legal_ref}


# --- end to end ----------------------------------------------------------------------------------------------


def test_score_a_decp_file_of_concessions(tmp_path):
    """`procurement score` on a DECP 2024 file: each concession's DECP-02 verdict in results.json."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROCUREMENT_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-m", "procurement", "score", str(FIXTURE), "--out", str(out),
                           "--format", "json", "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert "DECP-02" in doc["meta"]["rules"]
    verdicts = {o["id"]: {f["rule"]: f for f in o["findings"]} for o in doc["orders"]}
    status = {i: f["DECP-02"]["status"] for i, f in verdicts.items()}
    assert status == {
        "2024M0042": "not_applicable", "DSP24-ATEMPS": "pass", "DSP24-TARD": "fail",
        "DSP24-VIDE": "insufficient_data", "DSP24-31FEV": "insufficient_data", "DSP24-5024": "insufficient_data",
        "DSP24-ADEFINIR": "insufficient_data", "DSP23-ANCIENNE": "not_applicable",
    }
    assert "après le début de son exécution le 01/06/2024" in verdicts["DSP24-TARD"]["DECP-02"]["message"]
    assert "Date de début d'exécution" in verdicts["DSP24-VIDE"]["DECP-02"]["message"]
    assert {i: f["DECP-01"]["status"] for i, f in verdicts.items() if i.startswith("DSP")} == dict.fromkeys(
        [i for i in verdicts if i.startswith("DSP")], "not_applicable")
    late = next(o for o in doc["orders"] if o["id"] == "DSP24-TARD")
    assert late["data"]["execution_start_date"] == "2024-06-01"
    assert "DECP-02" in late["scores"]["legal_failures"]


def test_a_start_before_the_signature_is_warned_and_judged_on_nothing(tmp_path):
    """2024DSP01 of the session review: signed 01/06/2024, executed from 01/01/2024, published 15/06/2024 failed
    DECP-02 « publiées … après le début de son exécution le 01/01/2024 » without a word on the dates."""
    from procurement.model import Source
    from procurement.read.base import Cell, RawRecord
    from procurement.validate import validate

    cells = {"id": Cell("id", "2024DSP01"), "nature": Cell("nature", "Concession de service public"),
             "notification_date": Cell("dateSignature", "2024-06-01"),
             "execution_start_date": Cell("dateDebutExecution", "2024-01-01"),
             "publication_date": Cell("datePublicationDonnees", "2024-06-15")}
    order = validate(RawRecord(source=Source(file="t.json", row=1), cells=cells), lambda code: True)
    assert [w.code for w in order.warnings] == ["execution_before_signature"]
    assert order.warnings[0].message_fr == ("début d'exécution (01/01/2024) antérieur à la date de signature ou de "
                                            "notification (01/06/2024) : l'une des deux dates est fausse")
    assert enrich(order).published_before_execution is None
