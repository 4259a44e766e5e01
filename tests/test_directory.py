"""The supplier register (`--suppliers`): join by SIRET and SIREN, precedence, conflicts, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main
from procurement.directory import load_directory
from procurement.model import Order, Source

DATA = Path(__file__).parent / "data"
HEADER = "SIRET;Raison sociale;Code postal;Code INSEE;Catégorie entreprise;Code NAF;Statut\n"
# Luhn-valid fictional SIRETs: two establishments of SIREN 912345675, and another company.
MARSEILLE = "91234567500009"
SAME_SIREN_OTHER_SITE = "91234567500108"
LYON = "98765432000009"


def _order(**kw) -> Order:
    return Order.model_validate({"id": "O1", "source": Source(file="t.csv", row=2), **kw})


def _register(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "fournisseurs.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_join_by_siret_fills_unknown_fields_with_origin(tmp_path):
    path = _register(tmp_path, f"{MARSEILLE};Calanques Bio SCIC;13008;13208;PME;01.13Z;ESS\n")
    d = load_directory([path])
    joined = d.join(_order(supplier_siret=MARSEILLE))
    assert joined.supplier_commune == "13208"
    assert joined.supplier_status == "ess"
    assert joined.supplier_size == "pme"
    assert joined.supplier_naf == "0113Z"
    assert joined.origins["supplier_commune"] == "directory:fournisseurs.csv:2"
    assert d.enriched_orders == 1 and d.filled["supplier_status"] == 1


def test_join_falls_back_to_siren(tmp_path):
    d = load_directory([_register(tmp_path, f"{MARSEILLE};Calanques Bio;13008;13208;PME;01.13Z;ESS\n")])
    joined = d.join(_order(supplier_siret=SAME_SIREN_OTHER_SITE))
    assert joined.supplier_commune == "13208"
    assert "SIREN 912345675" in joined.origins["supplier_commune"]


def test_order_value_beats_register(tmp_path):
    d = load_directory([_register(tmp_path, f"{MARSEILLE};Calanques Bio;13008;13208;PME;01.13Z;ESS\n")])
    joined = d.join(_order(supplier_siret=MARSEILLE, supplier_size="ge", supplier_commune="69123"))
    assert joined.supplier_size == "ge" and joined.supplier_commune == "69123"
    assert "supplier_size" not in joined.origins
    assert joined.supplier_status == "ess"


def test_conflicting_duplicates_are_reported_first_kept(tmp_path):
    body = (f"{MARSEILLE};Calanques Bio;13008;13208;PME;01.13Z;ESS\n"
            f"{MARSEILLE};Calanques Bio;13008;13208;GE;01.13Z;ESS\n"
            f"{MARSEILLE};Calanques Bio;13008;13208;PME;01.13Z;ESS\n")
    d = load_directory([_register(tmp_path, body)])
    assert len(d.conflicts) == 1
    conflict = d.conflicts[0]
    assert conflict.fields == ["supplier_size"]
    assert conflict.kept.endswith(":2") and conflict.ignored.endswith(":3")
    assert d.join(_order(supplier_siret=MARSEILLE)).supplier_size == "pme"


def test_bad_register_rows_are_listed(tmp_path):
    body = (f"{LYON};Rhône Travaux;69003;69383;ETI;42.11Z;aucun\n"
            ";Sans SIRET;13001;13201;PME;01.13Z;aucun\n"
            f"{MARSEILLE};Taille inconnue;13008;13208;énorme;01.13Z;aucun\n")
    d = load_directory([_register(tmp_path, body)])
    assert list(d.by_siret) == [LYON]
    codes = sorted(r.code for r in d.rejected)
    assert codes == ["directory_missing_siret", "unknown_choice"]
    assert {r.source.row for r in d.rejected} == {3, 4}


def test_real_decp_sample_gains_chantier_3_findings(tmp_path):
    """The 2024 Bretagne DECP export has SIRETs only: a register makes the location rule evaluable."""
    decp = DATA / "decp" / "real_2024_decp-59920013600241.json"
    register = _register(
        tmp_path,
        "32933888305269;Entreprise A;22000;22278;PME;43.21A;aucun\n"
        "35294162900029;Entreprise B;13008;13208;PME;43.22A;aucun\n"
        "42134020900129;Entreprise C;22100;22050;ETI;43.99C;SIAE\n",
    )

    def chantier_3_evaluated(out: Path, *extra: str) -> tuple[int, dict]:
        result = CliRunner().invoke(main, ["score", str(decp), "--out", str(out), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
        rules = doc["meta"]["rules"]
        n = sum(
            1 for o in doc["orders"] for f in o["findings"]
            if 3 in rules[f["rule"]]["chantiers"] and f["status"] in {"pass", "fail"}
        )
        return n, doc

    without, _ = chantier_3_evaluated(tmp_path / "without")
    with_register, doc = chantier_3_evaluated(tmp_path / "with", "--suppliers", str(register))
    assert with_register >= without + 3
    meta = doc["meta"]["directory"]
    assert meta["enriched_orders"] == 3
    assert meta["filled"]["supplier_commune"] == 3
    assert meta["rules_made_evaluable"]
    # The evidence names the register row the location came from.
    origins = [
        e.get("origin", "") for o in doc["orders"] for f in o["findings"] for e in f.get("evidence", [])
        if e["field"] == "supplier_band"
    ]
    assert any("directory:fournisseurs.csv:3" in x for x in origins)


def test_sample_register_with_sample_orders(tmp_path):
    root = Path(__file__).resolve().parents[1]
    result = CliRunner().invoke(main, [
        "score", str(root / "samples" / "commandes-2025.csv"), "--out", str(tmp_path), "--format", "json",
        "--suppliers", str(root / "samples" / "fournisseurs.csv"),
    ])
    assert result.exit_code == 0
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert doc["meta"]["directory"]["enriched_orders"] > 0
    assert (tmp_path / "rejected.csv").exists()


def test_report_coverage_shows_what_the_register_made_evaluable(tmp_path):
    root = Path(__file__).resolve().parents[1]
    args = ["score", str(root / "samples" / "commandes-2025.xlsx"), "--format", "html", "--format", "json"]
    with_register = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a"),
                                              "--suppliers", str(root / "samples" / "fournisseurs.csv")])
    without = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "b")])
    assert with_register.exit_code == 0 and without.exit_code == 0
    assert "Grâce au référentiel fournisseurs" in (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "Grâce au référentiel fournisseurs" not in (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    gain = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))["meta"]["directory"]
    assert sum(gain["rules_made_evaluable"].values()) > 0
