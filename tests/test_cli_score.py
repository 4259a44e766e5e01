"""`procurement score` end to end, as a user runs it: real files in, files out, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _score(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["score", *args])
    return result.exit_code, result.stdout, result.stderr


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _balanced(doc: dict) -> None:
    c = doc["meta"]["counts"]
    assert c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]
    assert c["orders"] == len(doc["orders"])
    assert c["rejected"] == len(doc["rejected"])
    assert c["rows_read"] == sum(i["rows_read"] for i in doc["meta"]["inputs"])


@pytest.mark.parametrize(
    "name", ["commandes-2025.xlsx", "commandes-2025.csv", "decp-2024-bretagne.json", "decp-2019-pes-extrait.json"]
)
def test_every_sample_scores_and_balances(tmp_path, name):
    code, out, err = _score(str(SAMPLES / name), "--out", str(tmp_path))
    assert code == 0, err
    doc = _results(tmp_path)
    _balanced(doc)
    assert doc["meta"]["inputs"][0]["sha256"]
    assert doc["meta"]["rulebook"]["sha256"]
    assert (tmp_path / "report.html").stat().st_size > 1000
    assert "lignes lues" in out
    for order in doc["orders"]:
        assert order["findings"], order["id"]
        for f in order["findings"]:
            assert f["rule"] in doc["meta"]["rules"]
            assert f["status"] in {"pass", "fail", "not_applicable", "insufficient_data", "waived"}
            if f["status"] != "not_applicable":  # a not-applicable verdict is its rule and status only
                assert f["message"] and f["evidence"]


def test_xlsx_sample_rejections_are_explained(tmp_path):
    code, _, _ = _score(str(SAMPLES / "commandes-2025.xlsx"), "--out", str(tmp_path))
    assert code == 0
    doc = _results(tmp_path)
    rows = {r["source"]["row"]: r for r in doc["rejected"]}
    assert rows[11]["code"] == "not_a_number" and rows[11]["value"] == "à définir"
    assert rows[11]["column"].startswith("G ")
    assert 72 not in rows  # « 31/02/2025 »: the date is set aside with a warning, the order kept
    (kept,) = [o for o in doc["orders"] if o["source"]["row"] == 72]
    assert "impossible_date" in {w["code"] for w in kept["warnings"]}
    assert rows[225]["code"] == "missing_id"
    assert rows[225]["column"] == "A (N° de commande)"  # the empty cell's column, for the buyer to fill in
    with (tmp_path / "rejected.csv").open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert lines[0][:3] == ["fichier", "feuille", "ligne"]
    assert len(lines) == 1 + len(doc["rejected"])


def test_new_user_workbook_without_mapping(tmp_path):
    """French headers in their own order, a title block, a few broken rows: no mapping file needed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Achats"
    ws.append(["Direction de la Voirie — suivi des achats 2025"])
    ws.append(["Édité le 03/01/2026"])
    ws.append([])
    ws.append(["Fournisseur", "Montant H.T.", "Objet de la commande", "N° commande", "Code CPV",
               "Date de notification", "Considérations environnementales", "Code postal"])
    ws.append(["Provence Enrobés", "12 500,00 €", "Enrobés rue Paradis", "V-001", "45233142",
               "14/03/2025", "Clause environnementale", "13008"])
    ws.append(["Signalisation Sud", 8400, "Panneaux", "V-002", "34928471-0", "2025-04-02",
               "Pas de considération environnementale", "83000"])
    ws.append(["Inconnu", "environ 3000", "Bordures", "V-003", "45233142", "02/05/2025", "", "13001"])
    ws.append(["Lyon Voirie", 1000, "Études", "V-004", "71311000", "2025-31-02", "", "69003"])
    ws.append(["", 500, "Sans numéro", "", "45233142", "01/06/2025", "", ""])
    path = tmp_path / "voirie.xlsx"
    wb.save(path)
    out = tmp_path / "out"
    code, stdout, _ = _score(str(path), "--out", str(out))
    assert code == 0
    doc = _results(out)
    _balanced(doc)
    assert doc["meta"]["inputs"][0]["header_row"] == 4
    assert [o["id"] for o in doc["orders"]] == ["V-001", "V-002"]
    first = doc["orders"][0]["data"]
    assert first["amount"] == 12500.0
    assert first["supplier_band"] == "amp"
    assert doc["orders"][1]["data"]["cpv"] == "34928471"
    reasons = {r["source"]["row"]: r["message"] for r in doc["rejected"]}
    assert set(reasons) == {7, 8, 9}
    assert "environ 3000" in reasons[7]
    assert "2025-31-02" in reasons[8]
    assert "identifiant" in reasons[9]
    assert "5 lignes lues : 2 commandes évaluées, 3 rejetées" in stdout


def test_english_outputs(tmp_path):
    code, stdout, _ = _score(str(SAMPLES / "commandes-2025.csv"), "--out", str(tmp_path), "--lang", "en")
    assert code == 0
    assert "rows read" in stdout
    doc = _results(tmp_path)
    assert doc["rejected"] and all(r["message"].isascii() or "«" not in r["message"] for r in doc["rejected"])
    assert (tmp_path / "rejected.csv").read_text(encoding="utf-8").startswith("\ufefffile,sheet,row")  # BOM: Excel
    assert 'lang="en"' in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "name", "needle"),
    [
        (b"not a zip", "x.xlsx", "pas un classeur"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "protege.xlsx", "chiffré"),
        (b"a;b\n1;2\n", "sans-entete.csv", "en-tête"),
        (b'{"foo": 1}', "autre.json", "DECP"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, name, needle):
    path = tmp_path / name
    path.write_bytes(content)
    code, stdout, stderr = _score(str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert needle in stderr
    assert "Traceback" not in stderr + stdout
    assert len(stderr.strip().splitlines()) == 1


def test_missing_file_is_a_usage_error(tmp_path):
    code, _, stderr = _score(str(tmp_path / "absent.xlsx"), "--out", str(tmp_path))
    assert code == 2
    assert "absent.xlsx" in stderr


def test_fail_on_legal_sets_exit_status(tmp_path):
    code, _, _ = _score(str(SAMPLES / "commandes-2025.xlsx"), "--out", str(tmp_path), "--fail-on", "kpi")
    assert code == 1
    code, _, _ = _score(str(SAMPLES / "commandes-2025.xlsx"), "--out", str(tmp_path), "--fail-on", "never")
    assert code == 0


def test_select_and_ignore(tmp_path):
    code, _, _ = _score(str(SAMPLES / "commandes-2025.csv"), "--out", str(tmp_path), "--select", "ENV")
    assert code == 0
    rules = {f["rule"] for o in _results(tmp_path)["orders"] for f in o["findings"]}
    assert rules and all(r.startswith("ENV") for r in rules)


def test_the_splitting_check_can_be_selected_or_ignored_like_any_rule(tmp_path):
    """RISK-02 runs over the whole batch, outside the YAML rulebook; --select and --ignore name it all the same."""
    code, _, err = _score(str(SAMPLES / "commandes-2025.csv"), "--out", str(tmp_path / "only"), "--select", "RISK-02")
    assert code == 0, err
    only = _results(tmp_path / "only")
    assert only["portfolio"] and {f["rule"] for o in only["orders"] for f in o["findings"]} == {"RISK-02"}
    code, _, err = _score(str(SAMPLES / "commandes-2025.csv"), "--out", str(tmp_path / "not"), "--ignore", "RISK-02")
    assert code == 0, err
    without = _results(tmp_path / "not")
    assert not without["portfolio"] and all(f["rule"] != "RISK-02" for o in without["orders"] for f in o["findings"])
    code, _, err = _score(str(SAMPLES / "commandes-2025.csv"), "--out", str(tmp_path / "no"), "--select", "RISK-09")
    assert code == 2 and "RISK-09" in err


def test_console_script_runs_without_traceback(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text("", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "procurement", "score", str(path), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "vide" in proc.stderr


def test_two_inputs_of_the_same_name_stay_apart(tmp_path, monkeypatch):
    """a/x.csv and b/x.csv: every row said « x.csv », and the order pages of the same id in both (named
    from the file's base name) overwrote each other. A file's rows now name it by the path as given."""
    lines = (SAMPLES / "commandes-2025.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)[:4]
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.csv").write_text("".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = _score("a/x.csv", "b/x.csv", "--out", "o", "--per-order", "--format", "json", "--format", "html")
    assert code in (0, 1), err
    doc = _results(tmp_path / "o")
    assert sorted({o["source"]["file"] for o in doc["orders"]}) == ["a/x.csv", "b/x.csv"]
    assert len(list((tmp_path / "o" / "orders").glob("*.html"))) == len(doc["orders"]) == 6
    code, _, _ = _score("a/x.csv", "--out", "one", "--format", "json")
    assert {o["source"]["file"] for o in _results(tmp_path / "one")["orders"]} == {"x.csv"}  # alone: its name
