"""Interrupted runs: previous complete outputs survive, no partial file is left, one line is printed."""

from __future__ import annotations

import errno
import json
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


def test_sigint_and_sigterm_leave_no_partial_file(tmp_path):
    big = _big_csv(tmp_path / "big.csv", 60_000)
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = tmp_path / f"out-{sig.name}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "procurement", "score", str(big), "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        time.sleep(2.0)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        if proc.returncode == 0:  # the machine was fast enough to finish: outputs must then be complete
            json.loads((out / "results.json").read_text(encoding="utf-8"))
            continue
        assert proc.returncode == 130, stderr
        assert "interrompu" in stderr
        assert "Traceback" not in stderr
        if out.exists():
            assert _leftovers(out) == []
            for name in ("results.json", "report.html"):
                if (out / name).exists():  # a file present is a complete one
                    text = (out / name).read_text(encoding="utf-8")
                    assert text.rstrip().endswith(("}", "</html>"))
