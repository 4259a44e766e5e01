"""`make clean` ran `rm -rf reports/*/`, which deleted the committed reports/screenshots/*.png that README.md and
docs/reports.md show (docs review)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_removes_the_reports_but_not_the_screenshots(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    reports = tmp_path / "reports"
    for name in ("screenshots/report.png", "commandes-2025-csv/report.html", "decp-2024-bretagne/orders/a.html",
                 ".gitkeep"):
        (reports / name).parent.mkdir(parents=True, exist_ok=True)
        (reports / name).write_text("x", encoding="utf-8")
    (tmp_path / ".pytest_cache").mkdir()
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*")) == [
        ".gitkeep", "screenshots", "screenshots/report.png"]
    assert not (tmp_path / ".pytest_cache").exists()
