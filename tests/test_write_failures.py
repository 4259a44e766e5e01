"""Outputs that cannot be written: one line in the user's terms, exit status 2, nothing half-done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "commandes-2025.csv"


def _small_csv(path: Path, rows: int = 10) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return path


def _procurement(*args: str, tmp: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A real process: what Python prints while it ends (unraisable exceptions) is part of the output."""
    temp = tmp / "temp"
    temp.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "procurement", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "TMPDIR": str(temp), **(env or {})}, timeout=120)


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_a_failure_beside_the_workbook_prints_one_line_and_no_openpyxl_traceback(tmp_path, writer):
    """--per-order where orders/ is a file: the workbook given up must be closed, not left to the garbage
    collector (about 40 "Exception ignored ... I/O operation on closed file" tracebacks)."""
    out = tmp_path / "po"
    out.mkdir()
    (out / "orders").write_text("", encoding="utf-8")
    proc = _procurement("score", str(_small_csv(tmp_path / "small.csv")), "--out", str(out), "--per-order",
                        tmp=tmp_path, env={"PROCUREMENT_XLSX_WRITER": writer})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("erreur: ")
    assert list((tmp_path / "temp").iterdir()) == []  # the sheets' openpyxl files are removed too
