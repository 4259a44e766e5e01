"""RISK-02 (possible splitting) reaches every output through the orders it names."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main
from procurement.write.results_schema import Results

# Five laptop orders of one service in 2025, each under the 40 000 € dispensation threshold of the time,
# together 175 000 €: a need split into purchase orders without publicity (R2121-4, R2122-8).
ROWS = "\n".join(
    f"PC-{i};Direction des Systèmes d'information;Ordinateurs portables lot {i};30213100;35000;"
    f"{10 + i:02d}/03/2025;Bon de commande;Marché passé sans publicité ni mise en concurrence préalable"
    for i in range(5)
)
HEADER = "Identifiant;Acheteur;Objet;Code CPV;Montant HT;Date de notification;Nature;Procédure"


def _score(tmp_path: Path, *extra: str) -> dict:
    src = tmp_path / "pc.csv"
    src.write_text(HEADER + "\n" + ROWS + "\nAUTRE;Voirie;Enrobés;45233142;12000;01/04/2025;Bon de commande;\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_split_orders_carry_the_portfolio_finding(tmp_path):
    doc = _score(tmp_path)
    Results.model_validate(doc)
    assert len(doc["portfolio"]) == 1
    group = doc["portfolio"][0]
    assert sorted(group["orders"]) == [f"PC-{i}" for i in range(5)]
    assert group["total"] == 175000
    for order in doc["orders"]:
        risk = [f for f in order["findings"] if f["rule"] == "RISK-02"]
        if order["id"].startswith("PC-"):
            assert len(risk) == 1 and risk[0]["status"] == "fail"
            assert risk[0]["evidence"][0]["actual"] == 175000
            assert "Fractionnement possible" in risk[0]["message"]
            assert order["scores"]["counts_by_kind"]["risk"]["fail"] >= 1
        else:
            assert risk == []


def test_ignore_removes_the_portfolio_rule(tmp_path):
    doc = _score(tmp_path, "--ignore", "RISK")
    assert doc["portfolio"] == []
    assert not any(f["rule"] == "RISK-02" for o in doc["orders"] for f in o["findings"])


def test_a_waiver_covers_the_portfolio_finding(tmp_path):
    waivers = tmp_path / "derogations.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - order: 'PC-*'\n"
        "    rule: RISK-02\n"
        "    justification: Besoins distincts de cinq établissements scolaires autonomes.\n"
        "    author: Service des achats\n"
        "    date: 2025-01-10\n",
        encoding="utf-8",
    )
    doc = _score(tmp_path, "--waivers", str(waivers))
    statuses = {f["status"] for o in doc["orders"] for f in o["findings"] if f["rule"] == "RISK-02"}
    assert statuses == {"waived"}
