"""The command blocks of README.md and docs/buyer.md run as written, in order, from the repository root.

A new-user review copy-pasted them: `--suppliers fournisseurs.csv` and `--waivers derogations.yaml` named
files that are in samples/, `template consultation.xlsx --lang en` right after the French one refused to
overwrite it, and `diff reports/audit-octobre/ reports/audit-novembre/` named folders nothing writes.
Here every `.venv/bin/procurement ...` line of a ```sh block runs in a scratch copy of the root (samples/
and rules/ linked), `make` lines aside; a `# remplir ...` comment stands for the buyer filling the
workbook before its first `check`, which the test does.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ".venv/bin/procurement"


def _blocks(doc: Path) -> list[list[str]]:
    """The shell lines of each ```sh block: continuations joined, trailing comments kept apart."""
    blocks, current, inside = [], [], False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if inside:
                blocks.append(current)
            inside, current = line.strip() == "```sh" and not inside, []
            continue
        if inside:
            if current and current[-1].endswith("\\"):
                current[-1] = current[-1][:-1] + " " + line.strip()
            else:
                current.append(line)
    return blocks


def _fill(path: Path) -> None:
    """What the buyer does between `template` and `check`: one consultation and one bid."""
    wb = openpyxl.load_workbook(path)
    for sheet, row in (("Consultation", {"Identifiant": "2026-DOC-001", "Objet": "Denrées alimentaires",
                                         "Nature": "Marché", "Code CPV": "15000000", "Montant HT": 120_000,
                                         "Date de lancement": dt.date(2026, 9, 15)}),
                       ("Offres", {"Identifiant": "P01", "Fournisseur": "Maraîchers de Provence",
                                   "Montant HT": 110_000})):
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        for key, value in row.items():
            ws.cell(row=2, column=head.index(key) + 1, value=value)
    wb.save(path)


def _run_blocks(doc: Path, workdir: Path) -> list[tuple[str, int, str]]:
    for name in ("samples", "rules"):
        (workdir / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1795737600", "PROCUREMENT_NO_CACHE": "1"}
    ran, filled = [], False
    for block in _blocks(doc):
        for line in block:
            command = line.split("  #")[0].strip()
            if not command or command.startswith(("#", "make ")):
                continue
            args = shlex.split(command)
            assert args[0] == PROGRAM, command
            if args[1:3] == ["check", "consultation.xlsx"] and not filled:  # the buyer fills the template first
                _fill(workdir / "consultation.xlsx")
                filled = True
            proc = subprocess.run([sys.executable, "-m", "procurement", *args[1:]], cwd=workdir, env=env,
                                  capture_output=True, text=True, timeout=300, check=False)
            ran.append((command, proc.returncode, proc.stderr))
    return ran


def _failures(ran: list[tuple[str, int, str]]) -> list[str]:
    # 1 is a finding (`check` fails on a legal obligation by default), not a command that did not run
    return [f"{cmd} -> {rc}: {err.strip()[-300:]}" for cmd, rc, err in ran if rc not in (0, 1)]


def test_readme_command_blocks_run_in_order(tmp_path):
    ran = _run_blocks(ROOT / "README.md", tmp_path)
    assert _failures(ran) == []
    assert any(cmd.startswith(f"{PROGRAM} diff ") for cmd, _, _ in ran)
    assert (tmp_path / "reports" / "audit-b" / "diff.html").exists()


def test_buyer_guide_command_blocks_run_in_order(tmp_path):
    doc = ROOT / "docs" / "buyer.md"
    ran = _run_blocks(doc, tmp_path)
    assert _failures(ran) == []
    assert len(ran) == 6 and (tmp_path / "consultation-en.xlsx").exists()
    # the waivers file of `score` is valid for `check`: its RISK-02 entry (a portfolio rule, which `check`
    # never runs) is « sans effet », not « règle inconnue du référentiel » with status 2
    assert "RISK-02 sans effet" in ran[-1][2]
