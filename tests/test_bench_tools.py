"""bench/floor.py and bench/baseline_pandas.py run on a tiny generated input and write what they claim."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import datagen  # noqa: E402

N = 200


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bench-inputs")
    return {fmt: datagen.ensure_input(d, N, fmt, log=None) for fmt in ("csv", "xlsx")}


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_floor(inputs, tmp_path, fmt):
    import floor
    from python_calamine import CalamineWorkbook

    assert floor.main([str(inputs[fmt]), "--out", str(tmp_path)]) == 0
    rows = read_csv(tmp_path / "results.csv")
    assert len(rows) == N + 1
    sheet = CalamineWorkbook.from_path(str(tmp_path / "results.xlsx")).get_sheet_by_index(0).to_python()
    assert len(sheet) == N + 1 and sheet[0] == rows[0]


def test_floor_csv_only(inputs, tmp_path):
    import floor

    assert floor.run(inputs["csv"], tmp_path, ("csv",)) == N
    assert not (tmp_path / "results.xlsx").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_baseline(inputs, tmp_path, fmt):
    import baseline_pandas

    assert baseline_pandas.main([str(inputs[fmt]), "--out", str(tmp_path)]) == 0
    rows = read_csv(tmp_path / "results.csv")
    header, body = rows[0], rows[1:]
    assert len(body) == N
    assert header[-30:] == baseline_pandas.RULE_IDS
    statuses = {s for r in body for s in r[-30:]}
    assert statuses <= {"pass", "fail", "not_applicable", "insufficient_data"}
    assert {"pass", "fail"} <= statuses
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "results.xlsx", read_only=True)["Résultats"]
    assert sheet.max_row == N + 1


def test_check_case_workbook_is_read_whole(tmp_path):
    """The buyer's case of `make bench`: its 20 bids are all read, none rejected, each SIRET valid."""
    import check_case
    import orjson

    from procurement.parse.codes import luhn_ok

    path = check_case.write_workbook(tmp_path / check_case.FILE)
    done = subprocess.run([sys.executable, "-m", "procurement", "check", str(path), "--out", str(tmp_path / "out"),
                           "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = orjson.loads((tmp_path / "out" / "check.json").read_bytes())
    [tender] = report["tenders"]
    assert len(tender["bids"]) == check_case.BIDS and not tender["rejected_bids"] and not report["rejected"]
    assert not report["unattached_bids"]
    assert all(luhn_ok(check_case.bid(i)["SIRET fournisseur"]) for i in range(1, check_case.BIDS + 1))


def test_check_case_target_status():
    import check_case

    assert check_case.target([], None)[2] == "not measured"
    assert check_case.target([0.8, 0.7, 0.9], 0.95)[2] == "met"
    assert check_case.target([0.8, 0.7, 0.9], 1.2)[2].startswith("met, except the first run")
    assert check_case.target([1.1, 1.2, 0.9], 1.3)[2] == "not met"
