"""`procurement check` as a user runs it: its own process, what it imports, and the same files as in-process.

The start-up work (imports, the rulebook) is most of a `check` of one tender (docs/buyer.md); these tests
pin what was done to shorten it without changing a byte of what it writes.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "consultation.xlsx"
    assert CliRunner().invoke(main, ["template", str(path)]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    sheets = {
        "Consultation": [{"Identifiant": "T1", "Objet": "Denrées alimentaires", "Code CPV": "15000000",
                          "Montant HT": 300_000, "Date de lancement": dt.date(2026, 9, 15),
                          "Lieu d'exécution": "13001"}],
        "Offres": [{"Identifiant": f"P{i:02d}", "Montant HT": 290_000 + i, "Part bio (%)": 5 * i,
                    "Distance de livraison (km)": 10 * i} for i in range(1, 21)],
    }
    for name, rows in sheets.items():
        ws = wb[name]
        head = [c.value for c in ws[1]]
        for r, row in enumerate(rows, start=2):
            for key, value in row.items():
                ws.cell(row=r, column=head.index(key) + 1, value=value)
    wb.save(path)
    return path


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PROCUREMENT_NO_CACHE", "PYTHONPATH")}
    return {**env, "SOURCE_DATE_EPOCH": "1790000000", "XDG_CACHE_HOME": str(tmp_path / "xdg"), **extra}


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy is not installed: nothing to avoid")
def test_the_command_does_not_import_numpy(tmp_path, workbook):
    done = _run(["-X", "importtime", "-m", "procurement", "check", str(workbook), "--out", str(tmp_path / "out"),
                 "-q"], _env(tmp_path))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "openpyxl" in imported and "numpy._core" not in imported


def test_a_separate_process_writes_the_same_files_as_in_process(tmp_path, workbook, monkeypatch):
    """In-process, openpyxl was imported with numpy (by this test module); the command imports it without."""
    env = _env(tmp_path)
    for run in ("cold", "warm"):  # the second run reads the rulebook from the cache the first one wrote
        done = _run(["-m", "procurement", "check", str(workbook), "--out", str(tmp_path / run), "-q"], env)
        assert done.returncode in (0, 1), done.stderr[-2000:]
    assert len(list((tmp_path / "xdg" / "procurement" / "rulebooks").glob("*.json"))) == 1
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("PROCUREMENT_NO_CACHE", "1")
    result = CliRunner().invoke(main, ["check", str(workbook), "--out", str(tmp_path / "inside"), "-q"])
    assert result.exit_code in (0, 1), result.output
    for name in ("check.json", "check.html"):
        inside = (tmp_path / "inside" / name).read_bytes()
        assert (tmp_path / "cold" / name).read_bytes() == inside
        assert (tmp_path / "warm" / name).read_bytes() == inside


def test_numpy_stays_importable_after_the_command_imported_openpyxl_without_it():
    code = (
        "from procurement.cli_check import _import_openpyxl_without_numpy\n"
        "_import_openpyxl_without_numpy()\n"
        "import openpyxl.compat.numbers as n, sys\n"
        "assert n.NUMPY is False, n.NUMPY\n"
        "assert 'numpy' not in sys.modules\n"
        "try:\n"
        "    import numpy\n"
        "except ImportError:\n"
        "    pass  # not installed: nothing else to check\n"
        "else:\n"
        "    assert numpy.zeros(2).sum() == 0\n"
    )
    done = _run(["-c", code], {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert done.returncode == 0, done.stderr
