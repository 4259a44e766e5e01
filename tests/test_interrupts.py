"""Interrupted runs: previous complete outputs survive, no partial file is left, one line is printed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "commandes-2025.csv"


def _big_csv(path: Path, rows: int) -> Path:
    lines = ["Identifiant;Objet;Montant HT;Code CPV;Date de notification;Considérations environnementales"]
    lines += [f"C{i};Fournitures {i};{1000 + i},50;30192000;15/03/2025;Clause environnementale" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def test_disk_full_keeps_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["score", str(SAMPLE), "--out", str(out), "--format", "json"])
    assert first.exit_code == 0
    before = (out / "results.json").read_bytes()

    from procurement.write.records import OrderJson

    real_call = OrderJson.__call__
    calls = {"n": 0}

    def failing_call(self, scored):  # the disk fills up while results.json is being written
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_call(self, scored)

    monkeypatch.setattr(OrderJson, "__call__", failing_call)
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "--out", str(out), "--format", "json"])
    assert result.exit_code == 2
    assert "disque plein" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (out / "results.json").read_bytes() == before
    assert _leftovers(out) == []


def _temporary_files(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if p.name.endswith(".tmp")] if out.is_dir() else []


def test_sigint_and_sigterm_leave_no_partial_file(tmp_path):
    """The signal is sent once the outputs are being written (a temporary file is there): sent after a fixed
    delay, it reached the run while it was still reading, before the output folder existed, and the test
    checked nothing about partial files."""
    big = _big_csv(tmp_path / "big.csv", 20_000)
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = tmp_path / f"out-{sig.name}"
        err = tmp_path / f"stderr-{sig.name}.txt"
        with err.open("w", encoding="utf-8") as stderr_file:
            proc = subprocess.Popen(
                [sys.executable, "-m", "procurement", "score", str(big), "--out", str(out)],
                stdout=subprocess.DEVNULL, stderr=stderr_file, cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            deadline = time.monotonic() + 120
            while not _temporary_files(out) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            writing = [p.name for p in _temporary_files(out)]
            proc.send_signal(sig)
            proc.wait(timeout=60)
        stderr = err.read_text(encoding="utf-8")
        assert writing, f"the run ended (status {proc.returncode}) before writing any output: {stderr}"
        assert proc.returncode == 130, stderr
        assert "interrompu" in stderr
        assert "Traceback" not in stderr
        # Interrupted while writing: every temporary file removed, none of the new outputs put in place.
        assert _temporary_files(out) == [], (writing, _temporary_files(out))
        assert sorted(p.name for p in out.iterdir()) == [], writing
