"""Exports of `score`: results.csv, results.xlsx, results.jsonl and the JSON Schema of results.json.

Formula injection: a buyer's file may hold cells such as `=HYPERLINK("http://x","clic")`; our exports
must give them back as text — in the CSV (quoted with a leading '), in the xlsx (inline strings with
the quote-prefix flag, never formulas) and as LibreOffice reads that xlsx (headless conversion).
LibreOffice tests skip when `libreoffice`/`soffice` is not installed (Debian: libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.write import results_schema
from procurement.write.results_schema import Meta, OrderRecord, RejectionRecord, Results

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")

PAYLOADS = (
    '=HYPERLINK("http://x","clic")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1",
    "-1+2",
    "\t=1+1",
    "\r=2+3",
)


def libreoffice_csv(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `xlsx` as LibreOffice reads it, converted headless to UTF-8 CSV: sheet -> rows."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "lo-profile"
    # Field 12 = -1: one CSV per sheet (LibreOffice >= 7.2), named <stem>-<sheet>.csv.
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(out),
         str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )
    sheets = {}
    for path in out.glob(f"{xlsx.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            sheets[path.stem[len(xlsx.stem) + 1:]] = list(csv.reader(fh))
    assert sheets, f"LibreOffice wrote nothing for {xlsx}"
    return sheets


def _score(*args: str) -> int:
    result = CliRunner().invoke(main, ["score", *args])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.exit_code


def _payload_workbook(path: Path) -> Path:
    """A buyer's workbook whose ids, objects and suppliers are formula payloads (stored as text)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Achats"
    ws.append(["Identifiant", "Objet", "Fournisseur", "Montant HT", "Code CPV", "Date de notification",
               "Considérations environnementales", "Remarque"])
    for i, payload in enumerate(PAYLOADS):
        ws.append([f"X-{i}" if payload.startswith(("\t", "\r")) else payload, payload, payload, 1000 + i,
                   "45233142", "01/02/2025", "Clause environnementale", payload])
    ws.append(["N-1", "Enrobés", "Provence Enrobés", "12 500,00", "45233142", "14/03/2025",
               "Pas de considération environnementale", "ok"])
    ws.append(["", "sans identifiant", "=1+1", "100", "45233142", "14/03/2025", "", "=SUM(A1:A2)"])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text in the input, as a buyer's export holds it
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def payload_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("payloads")
    source = _payload_workbook(base / "achats.xlsx")
    runs = {}
    for lang in ("fr", "en"):
        out = base / lang
        _score(str(source), "--out", str(out), "--lang", lang, "--format", "csv", "--format", "xlsx",
               "--format", "json", "--format", "jsonl")
        runs[lang] = out
    return runs


# ---------------------------------------------------------------------------------------------------------
# results.csv
# ---------------------------------------------------------------------------------------------------------


def _csv(path: Path, lang: str) -> list[list[str]]:
    raw = path.read_bytes()
    # Both languages: without the BOM Excel reads UTF-8 in the system's code page (« SociÃ©tÃ© »).
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 BOM"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";" if lang == "fr" else ","))


def test_csv_columns_and_rows_fr(payload_runs):
    out = payload_runs["fr"]
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = _csv(out / "results.csv", "fr")
    head = rows[0]
    assert head[:6] == ["identifiant", "fichier", "feuille", "ligne", "chemin", "score_global"]
    assert head[6:14] == [f"score_chantier_{n}" for n in range(1, 9)]
    assert head[14:19] == ["completude_pct", "nb_conforme", "nb_non_conforme", "nb_donnees_insuffisantes",
                           "nb_sans_objet"]
    rules = [r["rule"] for r in doc["orders"][0]["findings"]]
    # RISK-02 has its columns even in a batch without a group (its status blank, no group)
    assert doc["portfolio"] == [] and head[19] == "nb_groupes_RISK-02" and head[20:] == [*rules, "RISK-02"]
    assert len(rows) == 1 + len(doc["orders"])
    for row, order in zip(rows[1:], doc["orders"], strict=True):
        assert row[2] == "Achats" and row[3] == str(order["source"]["row"])
        statuses = {f["rule"]: f["status"] for f in order["findings"]}
        assert row[19] == "0" and row[20:] == [*(statuses[r] for r in rules), ""]
        counts = order["scores"]["counts"]
        assert row[15:19] == [str(counts[s]) for s in ("pass", "fail", "insufficient_data", "not_applicable")]


def test_csv_decimal_comma_fr_and_point_en(tmp_path):
    for lang, sep in (("fr", ","), ("en", ".")):
        out = tmp_path / lang
        _score(str(SAMPLES / "commandes-2025.xlsx"), "--out", str(out), "--lang", lang, "--format", "csv",
               "--format", "json")
        rows = _csv(out / "results.csv", lang)
        doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
        by_id = {o["id"]: o for o in doc["orders"]}
        fractional = 0
        for row in rows[1:]:
            overall = by_id[row[0]]["scores"]["overall"]
            if overall is None:
                assert row[5] == ""
                continue
            assert float(row[5].replace(",", ".")) == pytest.approx(overall, abs=0.006)
            if not float(overall).is_integer():
                fractional += 1
                assert sep in row[5] and ({",", "."} - {sep}).isdisjoint(row[5])
        assert fractional, "the sample has non-integer scores"
        if lang == "en":
            assert rows[0][0] == "id" and rows[0][14] == "completeness_pct"


def test_csv_neutralises_formula_payloads(payload_runs):
    for lang in ("fr", "en"):
        rows = _csv(payload_runs[lang] / "results.csv", lang)
        ids = [row[0] for row in rows[1:]]
        for payload in PAYLOADS:
            if payload.startswith(("\t", "\r")):
                continue
            assert "'" + "".join(payload.split()) in ids, (lang, payload)  # ids lose their spaces
        for cell in (c for row in rows for c in row):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# ---------------------------------------------------------------------------------------------------------
# results.xlsx
# ---------------------------------------------------------------------------------------------------------


def test_xlsx_keeps_original_columns_then_scores(payload_runs):
    wb = openpyxl.load_workbook(payload_runs["fr"] / "results.xlsx")
    assert wb.sheetnames[:2] == ["Résultats", "Lisez-moi"]
    assert wb.sheetnames[-1] == "Lignes rejetées"
    ws = wb["Résultats"]
    head = [c.value for c in ws[1]]
    assert head[:8] == ["Identifiant", "Objet", "Fournisseur", "Montant HT", "Code CPV", "Date de notification",
                        "Considérations environnementales", "Remarque"]
    assert head[8:13] == ["Identifiant (procurement)", "Fichier source", "Feuille source", "Ligne source",
                          "Score global"]
    assert "ENV-01" in head and head[-2:] == ["Données manquantes", "Avertissements"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert len(ws.conditional_formatting) >= 3
    doc = json.loads((payload_runs["fr"] / "results.json").read_text(encoding="utf-8"))
    assert ws.max_row == 1 + len(doc["orders"])
    env = head.index("ENV-01")
    values = {ws.cell(row=r, column=env + 1).value for r in range(2, ws.max_row + 1)}
    assert values <= {"conforme", "non conforme", "données insuffisantes", "sans objet"}
    assert "non conforme" in values and "conforme" in values


def test_xlsx_writes_payloads_as_text_never_formulas(payload_runs):
    for lang in ("fr", "en"):
        wb = openpyxl.load_workbook(payload_runs[lang] / "results.xlsx")
        seen = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    # XML turns a literal CR into a line feed when the file is read back: still text.
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
                        assert cell.data_type == "s"
                        assert cell.quotePrefix or cell.value[0] == "\n", (ws.title, cell.coordinate)
                        seen.add(cell.value)
        # Kept as typed, without a visible quote.
        expected = {p.replace("\r", "\n") for p in PAYLOADS}
        assert expected <= seen, expected - seen


def test_xlsx_read_me_reconciles_and_names_hashes(payload_runs):
    out = payload_runs["en"]
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "results.xlsx")
    assert wb.sheetnames[:2] == ["Results", "Read me"]
    text = "\n".join(str(c) for row in wb["Read me"].iter_rows(values_only=True) for c in row if c is not None)
    c = doc["meta"]["counts"]
    assert doc["meta"]["rulebook"]["sha256"] in text
    assert doc["meta"]["inputs"][0]["sha256"] in text
    assert f"{c['rows_read']} = {c['orders']} + {c['rejected']} + {c['merged']} (balanced)" in text
    for header in (h.value for h in wb["Results"][1]):
        assert header in text, f"column {header!r} is not explained"
    rejected = wb["Rejected rows"]
    assert rejected.max_row == 1 + len(doc["rejected"]) and doc["rejected"]
    for rule in [f["rule"] for f in doc["orders"][0]["findings"]]:
        ws = wb[rule]
        applicable = sum(1 for o in doc["orders"] for f in o["findings"]
                         if f["rule"] == rule and f["status"] != "not_applicable")
        assert ws.max_row == 2 + applicable
        assert ws["A1"].value.startswith(rule)


@pytest.mark.parametrize(("lang", "fail", "advice"), [("fr", "non conforme", "conseil"), ("en", "fail", "advice")])
def test_read_me_sends_for_advice_where_it_is(payload_runs, lang, fail, advice):
    """The read-me's « non conforme » sent the reader to « le conseil dans la feuille de la règle »: a rule
    sheet has no advice (its columns: id, source, status, message, evidence, missing data). It is given by
    `procurement rules explain` and on the order's page."""
    wb = openpyxl.load_workbook(payload_runs[lang] / "results.xlsx")
    readme = wb.worksheets[1]
    text = next(r[1] for r in readme.iter_rows(values_only=True) if r[0] == fail and isinstance(r[1], str))
    rule_sheet_header = [str(c.value).lower() for c in wb["ENV-01"][2]]
    assert not any(advice in h for h in rule_sheet_header)
    assert advice not in text.lower()
    assert "procurement rules explain" in text and "--per-order" in text


def test_xlsx_decp_input_shows_canonical_fields(tmp_path):
    _score(str(SAMPLES / "decp-2024-bretagne.json"), "--out", str(tmp_path), "--format", "xlsx")
    ws = openpyxl.load_workbook(tmp_path / "results.xlsx")["Résultats"]
    head = [c.value for c in ws[1]]
    assert head[0] == "Identifiant" and "Code CPV" in head and "Montant HT" in head
    assert ws.max_row == 6


@pytest.mark.parametrize(("lang", "header", "word"), [("fr", "Ligne source", "rang"), ("en", "Source row", "rank")])
def test_read_me_says_what_the_source_row_of_a_json_record_is(tmp_path, lang, header, word):
    """« Ligne source » of a DECP record is its rank in the file (1, 2...), not its JSON path, which the
    read-me said it was."""
    _score(str(SAMPLES / "decp-2024-bretagne.json"), "--out", str(tmp_path), "--format", "xlsx", "--lang", lang)
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    results, readme = wb.worksheets[0], wb.worksheets[1]
    head = [c.value for c in results[1]]
    assert [r[head.index(header)] for r in results.iter_rows(min_row=2, values_only=True)] == [1, 2, 3, 4, 5]
    text = next(r[1] for r in readme.iter_rows(values_only=True) if r[0] == header)
    assert word in text and "JSON" in text


@needs_libreoffice
def test_libreoffice_reads_payloads_as_text(payload_runs, tmp_path):
    sheets = libreoffice_csv(payload_runs["fr"] / "results.xlsx", tmp_path / "lo")
    assert {"Résultats", "Lisez-moi", "ENV-01", "Lignes rejetées"} <= set(sheets)
    rows = sheets["Résultats"]
    head = rows[0]
    objects = [row[head.index("Objet")] for row in rows[1:]]
    suppliers = [row[head.index("Fournisseur")] for row in rows[1:]]
    for payload in PAYLOADS:
        # A formula would come back computed ('clic', '1', '2', '5'); text comes back as typed
        # (LibreOffice writes a lone CR as a line feed).
        expected = payload.replace("\r", "\n")
        assert expected in objects, (payload, objects)
        assert expected in suppliers or payload.startswith(("\t", "\r")), (payload, suppliers)
    assert "clic" not in objects and "1" not in objects and "5" not in objects


@needs_libreoffice
def test_libreoffice_opens_sample_export(tmp_path):
    _score(str(SAMPLES / "commandes-2025.xlsx"), "--out", str(tmp_path), "--format", "xlsx", "--format", "json")
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    sheets = libreoffice_csv(tmp_path / "results.xlsx", tmp_path / "lo")
    assert len(sheets["Résultats"]) == 1 + doc["meta"]["counts"]["orders"]
    assert len(sheets["Lignes rejetées"]) == 1 + doc["meta"]["counts"]["rejected"]
    first = sheets["Résultats"][1]
    assert first[0] == doc["orders"][0]["id"]


# ---------------------------------------------------------------------------------------------------------
# results.jsonl
# ---------------------------------------------------------------------------------------------------------


def test_jsonl_meta_first_then_orders_then_rejections(payload_runs):
    out = payload_runs["fr"]
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["type"] == "meta"
    meta = {k: v for k, v in records[0].items() if k != "type"}
    assert {k: v for k, v in meta.items() if k != "generated_at"} == {
        k: v for k, v in doc["meta"].items() if k != "generated_at"}
    kinds = [r["type"] for r in records[1:]]
    assert kinds == ["order"] * len(doc["orders"]) + ["rejection"] * len(doc["rejected"])
    assert [r["id"] for r in records[1:] if r["type"] == "order"] == [o["id"] for o in doc["orders"]]
    Meta.model_validate(meta)
    for r in records[1:]:
        body = {k: v for k, v in r.items() if k != "type"}
        (OrderRecord if r["type"] == "order" else RejectionRecord).model_validate(body)


# ---------------------------------------------------------------------------------------------------------
# results.json schema
# ---------------------------------------------------------------------------------------------------------


def test_committed_schema_is_the_generated_one():
    committed = (ROOT / "docs" / "results.schema.json").read_text(encoding="utf-8")
    assert committed == results_schema.schema_text(), "run: python -m procurement.write.results_schema"
    assert results_schema.main(["--check"]) == 0


@pytest.mark.parametrize("option", ["--help", "-h", "--chek"])
def test_schema_main_refuses_an_option_it_does_not_know(option, tmp_path, monkeypatch, capsys):
    """`--help` was taken as the path to write the schema to: a file named --help appeared in the cwd."""
    monkeypatch.chdir(tmp_path)
    assert results_schema.main([option]) == 2
    assert results_schema.main(["--check", option]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [results_schema.USAGE] * 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["commandes-2025.xlsx", "commandes-2025.csv", "decp-2024-bretagne.json", "decp-2019-pes-extrait.json"]
)
def test_results_json_of_samples_match_the_schema(tmp_path, name):
    _score(str(SAMPLES / name), "--out", str(tmp_path), "--format", "json")
    text = (tmp_path / "results.json").read_text(encoding="utf-8")
    doc = Results.model_validate_json(text)
    assert doc.meta.counts.orders == len(doc.orders)
    assert doc.meta.counts.rows_read == doc.meta.counts.orders + doc.meta.counts.rejected + doc.meta.counts.merged


def test_schema_refuses_unknown_keys():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        RejectionRecord.model_validate({"source": {"file": "a", "sheet": None, "row": 1}, "code": "x", "field": None,
                                        "column": None, "value": None, "message": "m", "surprise": 1})
    schema = json.loads((ROOT / "docs" / "results.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"meta", "orders", "rejected"}


def _memory_run(values: list[str]):
    """A run made in memory from raw records whose object and original columns hold `values` exactly."""
    from procurement.model import Source
    from procurement.pipeline import Run, generated_at, process
    from procurement.read.base import Cell, InputInfo, RawRecord
    from procurement.rulebook import default_rulebook_path, load_rulebook

    records = []
    for i, value in enumerate(values):
        source = Source(file="memoire.csv", sheet=None, row=i + 2)
        cells = {"id": Cell("A (Id)", f"M-{i}"), "object": Cell("B (Objet)", value),
                 "supplier_name": Cell("C (Fournisseur)", value)}
        records.append(RawRecord(source, cells, original={"Id": f"M-{i}", "Objet": value, "Fournisseur": value}))
    book = load_rulebook(default_rulebook_path())
    orders, rejected = [], []
    process(records, book, orders, rejected)
    info = InputInfo(path="memoire.csv", format="csv", rows_read=len(values))
    return Run([info], orders, rejected, book, {}, generated_at())


def test_writers_neutralise_cr_and_tab_and_control_characters(tmp_path):
    from procurement.write.results_csv import write_results_csv
    from procurement.write.results_xlsx import write_results_xlsx

    values = [*PAYLOADS, "bell\x07inside", "x" * 40_000]
    run = _memory_run(values)
    assert len(run.orders) == len(values)
    write_results_xlsx(run, tmp_path, "fr")
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    ws = wb["Résultats"]
    head = [c.value for c in ws[1]]
    col = head.index("Objet") + 1
    for row, value in enumerate(values, start=2):
        cell = ws.cell(row=row, column=col)
        assert cell.data_type == "s"
        if value in PAYLOADS:
            assert cell.value == value.replace("\r", "\n")
            assert cell.quotePrefix, value
    assert ws.cell(row=len(PAYLOADS) + 2, column=col).value == "bell\ufffdinside"
    assert len(ws.cell(row=len(PAYLOADS) + 3, column=col).value) == 32_767
    # The CSV has no object column; its ids are ours. The raw XML holds no formula at all.
    import zipfile

    with zipfile.ZipFile(tmp_path / "results.xlsx") as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
    write_results_csv(run, tmp_path, "en")
    assert (tmp_path / "results.csv").read_text(encoding="utf-8").count("\n") == 1 + len(values)


def test_waived_findings_flow_through_every_export(tmp_path):
    """A waiver (item 4 of the issue) turns a failure into `waived`: shown, never hidden, and schema-valid."""
    import datetime as dt

    from procurement.pipeline import ScoredOrder
    from procurement.scoring import score_order
    from procurement.waivers import apply_waivers, parse_waivers
    from procurement.write.json_writer import write_json
    from procurement.write.jsonl_writer import write_jsonl
    from procurement.write.results_csv import write_results_csv
    from procurement.write.results_xlsx import write_results_xlsx

    run = _memory_run(["Enrobés", "Balayage"])
    waivers = parse_waivers(
        b"waivers:\n  - order: 'M-*'\n    rule: SOC\n    justification: Achat sur bourse.\n"
        b"    author: M. Test\n    date: 2026-01-01\n", "w.yaml")
    for i, scored in enumerate(run.orders):
        findings = apply_waivers(scored.order, scored.findings, waivers, dt.date(2026, 6, 1))
        run.orders[i] = ScoredOrder(scored.order, findings, score_order(findings), scored.original)
    assert any(f.status == "waived" for f in run.orders[0].findings)
    write_results_csv(run, tmp_path, "fr")
    rows = _csv(tmp_path / "results.csv", "fr")
    assert "nb_derogation" in rows[0]
    assert rows[1][rows[0].index("SOC-01")] == "waived"
    write_results_xlsx(run, tmp_path, "fr")
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    head = [c.value for c in wb["Résultats"][1]]
    assert wb["Résultats"].cell(row=2, column=head.index("SOC-01") + 1).value == "dérogation"
    messages = [r[5] for r in wb["SOC-01"].iter_rows(min_row=3, values_only=True)]
    assert all("Achat sur bourse." in m for m in messages)
    write_json(run, tmp_path, "fr")
    doc = Results.model_validate_json((tmp_path / "results.json").read_text(encoding="utf-8"))
    waived = [f for o in doc.orders for f in o.findings if f.status == "waived"]
    assert waived and waived[0].waived is not None and waived[0].waived.author == "M. Test"
    write_jsonl(run, tmp_path, "fr")
    assert '"status":"waived"' in (tmp_path / "results.jsonl").read_text(encoding="utf-8")


HIDDEN_PAYLOADS = (" =cmd|' /C calc'!A0", "\u00a0=1+1", "  @SUM(1)", "\uff1d1+1", "\uff0b1", " \uff20x")


@pytest.mark.parametrize("payload", HIDDEN_PAYLOADS)
def test_a_formula_behind_blanks_or_in_full_width_is_text_too(payload):
    """LibreOffice's CSV import with « trim spaces » made « =cmd|... » of « ␣=cmd|... », which rejected.csv
    wrote without its quote; the full-width ＝ was written as it is."""
    from procurement.write.safe import looks_like_formula, neutralise

    assert looks_like_formula(payload) and neutralise(payload) == "'" + payload
    assert neutralise("Enrobés = 3 lots") == "Enrobés = 3 lots" and neutralise(" 12") == " 12"


def test_hidden_formulas_are_quoted_in_rejected_csv_and_the_workbook(tmp_path):
    from procurement.write.results_xlsx import write_results_xlsx

    run = _memory_run(list(HIDDEN_PAYLOADS))
    write_results_xlsx(run, tmp_path, "fr")
    ws = openpyxl.load_workbook(tmp_path / "results.xlsx")["Résultats"]
    col = [c.value for c in ws[1]].index("Objet") + 1
    for row, value in enumerate(HIDDEN_PAYLOADS, start=2):
        cell = ws.cell(row=row, column=col)
        assert cell.data_type == "s" and cell.value == value and cell.quotePrefix, value
    source = tmp_path / "in.csv"
    source.write_text("Identifiant;Objet;Montant HT;Nature du marché\nA-1;Câbles;12;" + HIDDEN_PAYLOADS[0] + "\n",
                      encoding="utf-8")
    _score(str(source), "--out", str(tmp_path / "o"), "--format", "csv")
    with (tmp_path / "o" / "rejected.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh, delimiter=";") for c in row]
    assert "'" + HIDDEN_PAYLOADS[0] in cells, cells


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_a_field_read_from_decp_does_not_repeat_a_user_header(tmp_path, monkeypatch, writer):
    """A workbook and a DECP file scored together gave two « Objet », two « Montant HT »... (the user's
    column, then the field read from the DECP file): a filter on one missed the other's rows."""
    import collections

    monkeypatch.setenv("PROCUREMENT_XLSX_WRITER", writer)
    _score(str(SAMPLES / "commandes-2025.xlsx"), str(SAMPLES / "decp-2024-bretagne.json"), "--out", str(tmp_path),
           "--format", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx", read_only=True)
    head = [c.value for c in next(wb["Résultats"].iter_rows(max_row=1))]
    assert [h for h, n in collections.Counter(head).items() if n > 1] == []
    assert "Objet" in head and "Objet (champ lu)" in head
    readme = [r[0] for r in wb["Lisez-moi"].iter_rows(values_only=True) if r]
    assert "Objet (champ lu)" in readme


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_a_date_of_the_users_workbook_shows_as_a_date(tmp_path, monkeypatch, writer):
    """A date cell (02/01/2025 in the buyer's workbook) is read as a datetime at midnight: it was written
    with openpyxl's datetime format and showed as « 2025-01-02 00:00:00 ». The same serial number is now
    written as a date; a time of day, when there is one, is kept."""
    import datetime as dt

    monkeypatch.setenv("PROCUREMENT_XLSX_WRITER", writer)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Identifiant", "Objet", "Montant HT", "Date de notification", "Horodatage"])
    ws.append(["A1", "Enrobés", 1200, dt.datetime(2025, 1, 2), dt.datetime(2025, 1, 2, 14, 30)])
    ws["D2"].number_format = "DD/MM/YYYY"
    wb.save(tmp_path / "in.xlsx")
    _score(str(tmp_path / "in.xlsx"), "--out", str(tmp_path / "o"), "--format", "xlsx")
    results = openpyxl.load_workbook(tmp_path / "o" / "results.xlsx")["Résultats"]
    date, stamp = results["D2"], results["E2"]
    assert date.is_date and date.value == dt.datetime(2025, 1, 2)
    assert "h" not in date.number_format.lower(), date.number_format
    assert stamp.is_date and stamp.value == dt.datetime(2025, 1, 2, 14, 30) and "h" in stamp.number_format
