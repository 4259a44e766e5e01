"""A later copy of an order (`duplicate_order`: same buyer, id, amount and date) is counted once by the summary
and the report; results.xlsx's « Lisez-moi » table and `procurement diff` counted it as an order again (an
auditor found ENV-01 « non conforme » 2 in the sheet and 1 in the report, « Commandes : 7 → 7 » and another
mean score in the diff, for 6 orders in the summary). These check that every output counts the same orders
and says how many copies it left out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement import i18n
from procurement.aggregate import aggregate
from procurement.cli import main
from procurement.diff import diff_dirs, summary_text
from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.scoring import WORST

HEADER = ("Référence;Date de notification;Direction;Libellé;Nature du marché;Mode de passation;CPV;Montant HT;"
          "Durée;Lieu d'exécution;Type de code;Titulaire;SIRET titulaire;CP fournisseur;Pays;Code APE;"
          "Catégorie entreprise;Statut;Date de lancement de la consultation;Accord-cadre de rattachement;"
          "Offres reçues;Considérations environnementales;Considérations sociales\n")
COPY = ("A-003;15/01/25;Direction des SI;Ordinateurs;Marché;Procédure adaptée;30213100;1 234,56;12;13055;"
        "Code commune;Munich Tech GmbH;;;DE;;;;;;2;Pas de considération environnementale;"
        "Pas de considération sociale\n")
ORDERS = HEADER + (
    "A-001;02/01/2025;Direction de l'Eau;Fourniture de denrées alimentaires;Marché;Procédure adaptée;15000000-8;"
    "45 000,00 €;12;13055;Code commune;Provence Primeurs SAS;83128933500075;13013;FR;46.31Z;PME;;01/12/2024;;3;"
    "Clause environnementale;Clause sociale\n"
    "A-002;2025-01-15;Direction des SI;Logiciels;Marché;Sans publicité ni mise en concurrence;48000000;150 000 €;"
    "12;13055;Code commune;Cyber Camargue SAS;33474340800058;13150;FR;62.01Z;PME;;10/12/2024;;1;;\n"
    + COPY + COPY +
    "A-008;01/10/2026;Direction SI;Services informatiques;Marché;Procédure adaptée;72260000;300 000,00;12;13055;"
    "Code commune;Cyber Camargue SAS;33474340800059;13150;FR;62.01Z;PME;;01/09/2026;;3;Clause environnementale;\n"
)
STATUSES = ("pass", "fail", "insufficient_data", "not_applicable", "waived")


def _score(tmp_path: Path, name: str, *options: str) -> tuple[Path, Path]:
    src = tmp_path / "commandes.csv"
    src.write_text(ORDERS, encoding="utf-8")
    out = tmp_path / name
    res = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "json", "--format", "xlsx",
                                    "--quiet",
                                    *options])
    assert res.exit_code == 0, res.output + res.stderr
    return src, out


def _readme_table(path: Path, lang: str) -> tuple[dict[str, dict[str, int]], list[str]]:
    """The read-me sheet's rules table (rule -> status -> count) and the lines just under it."""
    wb = openpyxl.load_workbook(path)
    rows = list(wb.worksheets[1].iter_rows(values_only=True))
    labels = {i18n.label(s, lang): s for s in STATUSES}
    start = next(i for i, r in enumerate(rows) if r[0] in ("Identifiant", "Id") and r[1] in ("Règles", "Rules"))
    head = rows[start]
    table, i = {}, start + 1
    while len(rows[i]) > 4 and rows[i][0] and rows[i][2] is not None:
        table[rows[i][0]] = {labels[h]: v for h, v in zip(head[4:], rows[i][4:], strict=False) if h in labels}
        i += 1
    after = [r[0] for r in rows[i:i + 3] if r and r[0]]
    return table, after


def _json_counts(path: Path) -> tuple[dict[str, Counter], int]:
    """Orders by rule and status from results.json as the summary counts them: a copy left out, one status
    per rule and order (the worst)."""
    rank = {s: k for k, s in enumerate(WORST)}
    counts: dict[str, Counter] = {}
    copies = 0
    for order in json.loads(path.read_text(encoding="utf-8"))["orders"]:
        if any(w.get("code") == "duplicate_order" for w in order.get("warnings") or ()):
            copies += 1
            continue
        worst: dict[str, str] = {}
        for f in order["findings"]:
            if f["rule"] not in worst or rank.get(f["status"], 0) < rank.get(worst[f["rule"]], 0):
                worst[f["rule"]] = f["status"]
        for rule, status in worst.items():
            counts.setdefault(rule, Counter())[status] += 1
    return counts, copies


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_readme_table_counts_each_order_once_as_the_report(tmp_path, lang):
    src, out = _score(tmp_path, "run", "--lang", lang)
    agg = aggregate(run([src], load_default(), options={"lang": lang}))
    assert agg["totals"]["orders"] == 4 and agg["totals"]["duplicate_rows"] == 1
    table, after = _readme_table(out / "results.xlsx", lang)
    json_counts, copies = _json_counts(out / "results.json")
    assert copies == 1
    for rule in agg["rules"]:
        shown = table[rule["rule"]]
        assert shown == {s: n for s, n in rule["counts"].items() if s in shown}, rule["rule"]
        assert shown == {s: json_counts.get(rule["rule"], Counter()).get(s, 0) for s in shown}, rule["rule"]
        assert sum(shown.values()) == 4, rule["rule"]  # every order once, the copy not at all
    note = after[0]
    if lang == "fr":
        assert "Chaque commande est comptée une fois" in note and "1 ligne en double" in note
    else:
        assert "Each order is counted once" in note and "1 duplicate row " in note


def test_no_copies_note_without_copies(tmp_path):
    src = tmp_path / "commandes.csv"
    src.write_text(ORDERS.replace(COPY, "", 1), encoding="utf-8")
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "xlsx", "--quiet"])
    assert res.exit_code == 0, res.output
    table, after = _readme_table(out / "results.xlsx", "fr")
    assert all(sum(c.values()) == 4 for rid, c in table.items() if rid != "RISK-02")  # it judges its groups only
    assert not any("en double" in str(line) for line in after)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_diff_counts_orders_and_mean_score_as_the_summary(tmp_path, lang):
    src, old = _score(tmp_path, "old")
    _, new = _score(tmp_path, "new")
    agg = aggregate(run([src], load_default()))
    result = diff_dirs(old, new)
    orders = result["orders"]
    assert (orders["old"], orders["new"], orders["common"]) == (4, 4, 4)
    assert orders["copies"] == {"old": 1, "new": 1}
    assert orders["added"] == [] and orders["removed"] == [] and orders["changed"] == []
    assert result["old"]["orders"] == 4 and result["old"]["copies"] == 1
    assert result["aggregate"]["overall"]["before"] == pytest.approx(agg["totals"]["score"])
    by_chantier = {c["chantier"]: c["score"] for c in agg["chantiers"]}
    for c in result["aggregate"]["chantiers"]:
        assert c["before"] == pytest.approx(by_chantier[c["chantier"]]), c["chantier"]
    json_counts, _ = _json_counts(old / "results.json")
    for r in result["aggregate"]["rules"]:
        assert r["before"] == {s: json_counts.get(r["rule"], Counter()).get(s, 0) for s in STATUSES}, r["rule"]
    text = summary_text(result, lang)
    if lang == "fr":
        assert "Commandes : 4 → 4 ; 0 nouvelle, 0 retirée, 4 communes" in text
        assert "Lignes en double, comptées une fois comme dans la synthèse" in text and ": 1 → 1" in text
    else:
        assert "Orders: 4 → 4" in text
        assert "Duplicate rows, counted once as in the summary" in text and ": 1 → 1" in text


def test_a_copy_that_becomes_an_order_is_a_new_order(tmp_path):
    """The second row of A-003 is a copy in the old run; with another amount in the new one it is another
    order (`duplicate_id`), counted: added, and the counts add up (new = common + added)."""
    _, old = _score(tmp_path, "old")
    src = tmp_path / "commandes.csv"
    changed = COPY.replace("1 234,56", "2 000,00")
    src.write_text(ORDERS.replace(COPY + COPY, COPY + changed), encoding="utf-8")
    new = tmp_path / "new"
    res = CliRunner().invoke(main, ["score", str(src), "--out", str(new), "--format", "json", "--quiet"])
    assert res.exit_code == 0, res.output
    orders = diff_dirs(old, new)["orders"]
    assert (orders["old"], orders["new"], orders["common"]) == (4, 5, 4)
    assert [o["id"] for o in orders["added"]] == ["A-003"] and orders["removed"] == []
    assert orders["copies"] == {"old": 1, "new": 0}
    assert "Lignes en double" in summary_text(diff_dirs(old, new), "fr")
