"""Same input and rulebook, same result: byte for byte, but for the run's timestamp."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
FORMATS = [a for f in ("json", "jsonl", "csv", "xlsx", "html", "summary") for a in ("--format", f)]


def _run(out: Path, env: dict[str, str] | None = None) -> None:
    args = ["score", str(ROOT / "samples" / "commandes-2025.xlsx"), str(ROOT / "samples" / "decp-2024-bretagne.json"),
            "--suppliers", str(ROOT / "samples" / "fournisseurs.csv"), "--per-order", "--out", str(out), *FORMATS]
    result = CliRunner(env=env).invoke(main, args)
    assert result.exit_code == 0, result.output


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_source_date_epoch_gives_identical_bytes(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    _run(tmp_path / "a", env)
    _run(tmp_path / "b", env)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert {"results.json", "results.jsonl", "results.csv", "results.xlsx", "report.html", "summary.html",
            "rejected.csv"} <= a.keys()
    assert any(name.startswith("orders/") for name in a)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
    meta = json.loads(a["results.json"])["meta"]
    assert meta["generated_at"] == "2026-01-01T00:00:00+00:00"


def test_without_epoch_only_the_timestamp_differs(tmp_path):
    _run(tmp_path / "a", {"SOURCE_DATE_EPOCH": "1767225600"})
    _run(tmp_path / "b", {"SOURCE_DATE_EPOCH": "1767229200"})  # one hour later
    doc_a = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    doc_b = json.loads((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert doc_a["meta"].pop("generated_at") != doc_b["meta"].pop("generated_at")
    assert doc_a == doc_b
    csv_a = (tmp_path / "a" / "results.csv").read_bytes()
    assert csv_a == (tmp_path / "b" / "results.csv").read_bytes()
