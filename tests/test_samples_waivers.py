"""samples/derogations.yaml, the waivers of the README's auditor example, apply to the sample orders.

A review found the only example waiver file (tests/data/waivers/exemple.yaml) expired or « sans effet »
on every sample: an auditor following the README never saw a waiver at work. Each entry of
samples/derogations.yaml must waive at least one finding of samples/commandes-2025.xlsx, and the run
must end with no expired, not yet valid or stale waiver.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
WAIVERS = SAMPLES / "derogations.yaml"
RUN_DAY = "1795737600"  # 2026-11-27, when the file was written; its entries run to 2030 at least


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", RUN_DAY)
        result = CliRunner().invoke(main, [
            "score", str(SAMPLES / "commandes-2025.xlsx"), str(SAMPLES / "decp-2024-bretagne.json"),
            "--suppliers", str(SAMPLES / "fournisseurs.csv"), "--waivers", str(WAIVERS),
            "--format", "json", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_every_sample_waiver_applies(run):
    report = run["meta"]["waivers"]
    assert report["expired"] == [] and report["not_yet_valid"] == [] and report["stale"] == []
    assert len(report["applied"]) == report["count"] == 3
    assert all(w["findings"] >= 1 for w in report["applied"])


@pytest.mark.parametrize(("order", "rule"), [
    ("25M0102", "PROC-02"),  # a legal failure with a justified exception
    ("25M0061", "RISK-02"), ("25M0063", "RISK-02"),  # a portfolio finding, through a [..] pattern
    ("CONS26-018", "SOC-10"),  # a waiver with an end date
])
def test_the_waived_findings_keep_their_verdict_and_say_why(run, order, rule):
    found = [f for o in run["orders"] if o["id"] == order for f in o["findings"] if f["rule"] == rule]
    assert found and all(f["status"] == "waived" for f in found)
    for f in found:
        assert f["waived"]["original_status"] == "fail"
        message = f.get("message") or f["message_fr"]
        assert message.startswith("Dérogation accordée le ") and ".." not in message


def test_the_readme_and_the_samples_readme_use_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--waivers samples/derogations.yaml" in readme and "tests/data/waivers/exemple.yaml" not in readme
    assert re.search(r"`derogations\.yaml`", (SAMPLES / "README.md").read_text(encoding="utf-8"))
