"""`procurement rules` knows RISK-02, the portfolio rule `procurement score` runs over the whole batch
(procurement/portfolio_rules.py, not the YAML): `rules explain RISK-02` explains it and `rules list`
shows it, marked as a portfolio rule, as the outputs' rules (meta.rules) do. And the tags of
`rules explain` name a severity and a stage by their labels, not their codes (« gravité error »)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli_rules import rules
from procurement.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
BOOK = load_rulebook(ROOT / "rules" / "relance-renouveau.yaml")
N_RULES = len(BOOK.rules)
NBSP = "\u00a0"


def invoke(*args: str):
    return CliRunner().invoke(rules, list(args), catch_exceptions=False)


def _table_ids(output: str) -> list[str]:
    """The ids of the table's rows: after the header, up to the first blank line."""
    lines = output.splitlines()[2:]
    rows = lines[:lines.index("")] if "" in lines else lines
    return [line.split()[0] for line in rows]


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["RISK-02 — Fractionnement possible d'un besoin (règle de portefeuille)",
            "risque juridique · gravité avertissement · Chantiers 1, 3",
            "règle de portefeuille, évaluée par procurement score sur le lot entier",
            "Pourquoi", "Base légale", "art. R2121-1, R2121-4", "Regroupement", "classe CPV", "Seuils",
            "dispense (R2122-8)", "fournitures et services", "40\u202f000\u202f€", "depuis le 01/01/2026",
            "art. R2121-2, R2121-5, R2121-6", "Données nécessaires", "Conseil"]),
    ("en", ["RISK-02 — Possible splitting of a need (portfolio rule)",
            "legal risk · severity warning · Chantiers 1, 3",
            "portfolio rule, run by procurement score over the whole batch",
            "Why", "Legal basis", "art. R2121-1, R2121-4", "Groups", "CPV class", "Thresholds",
            "dispensation (R2122-8)", "supplies and services", "€40,000", "from 2026-01-01",
            "art. R2121-2, R2121-5, R2121-6", "Data needed", "Advice"]),
])
def test_explain_risk_02(lang, words):
    result = invoke("--lang", lang, "explain", "risk-02")
    assert result.exit_code == 0, result.output
    for w in words:
        assert w in result.output, w
    # Rulebook 1.3.13: R2121-2, R2121-5, R2121-6 read, so no reference of RISK-02 is marked recalled.
    assert "de mémoire" not in result.output and "recalled, to be checked" not in result.output
    assert "fournitures_services" not in result.output and "dispensation " not in result.output.replace(
        "dispensation (R2122-8)", "")


def test_explain_suggests_risk_02():
    result = CliRunner().invoke(rules, ["explain", "RISK-03"])
    assert result.exit_code == 2 and "RISK-0" in result.output


def test_list_shows_risk_02_as_a_portfolio_rule():
    out = invoke("list").output
    lines = out.splitlines()
    assert lines[0].startswith(f"relance-renouveau {BOOK.version} — {N_RULES} règles (sha256 ")
    assert lines[0].endswith(", plus 1 règle de portefeuille")
    ids = _table_ids(out)
    assert len(ids) == N_RULES + 1 and ids[-1] == "RISK-02"  # as many as meta.rules of a run
    row = next(line for line in lines if line.startswith("RISK-02"))
    assert row.split()[1:4] == ["risque", "juridique", "1,3"] and "(règle de portefeuille)" in row
    assert any(line.startswith(f"RISK-02{NBSP}: règle de portefeuille") and "procurement score" in line
               for line in lines)
    en = invoke("--lang", "en", "list").output
    assert en.splitlines()[0].endswith(", plus 1 portfolio rule") and _table_ids(en)[-1] == "RISK-02"
    assert any(line.startswith("RISK-02: portfolio rule") and "procurement score" in line
               for line in en.splitlines())


@pytest.mark.parametrize(("args", "has_risk02", "n_book"), [
    (("--select", "ENV"), False, sum(r.id.startswith("ENV-") for r in BOOK.rules)),
    (("--select", "RISK"), True, 1),
    (("--select", "RISK-02"), True, 0),
    (("--ignore", "RISK-02"), False, N_RULES),
    (("--select", "RISK", "--ignore", "RISK-01"), True, 0),
])
def test_list_select_and_ignore_treat_risk_02_as_score_does(args, has_risk02, n_book):
    result = invoke("list", *args)
    assert result.exit_code == 0, result.output
    ids = _table_ids(result.output)
    assert ("RISK-02" in ids) is has_risk02
    assert len(ids) == n_book + has_risk02
    assert ("portefeuille" in result.output) is has_risk02


def test_list_select_ignore_errors_are_unchanged():
    result = CliRunner().invoke(rules, ["list", "--select", "RISK-02", "--ignore", "RISK"])
    assert result.exit_code == 2 and "aucune règle ne reste à évaluer" in result.output


@pytest.mark.parametrize(("lang", "tags", "codes"), [
    ("fr", "obligation légale · gravité erreur · poids 3 · Chantiers 2, 6, 7 · impératifs transition écologique "
           "· étape avant attribution", ("gravité error", "pre_award")),
    ("en", "legal obligation · severity error · weight 3 · Chantiers 2, 6, 7 · imperatives ecological transition "
           "· stage pre-award", ("pre_award",)),
])
def test_explain_tags_show_severity_and_stage_by_their_labels(lang, tags, codes):
    out = invoke("--lang", lang, "explain", "ENV-10").output
    assert f"  {tags}" in out.splitlines()
    for code in codes:
        assert code not in out
    fr = invoke("explain", "EGA-01").output
    assert "gravité avertissement" in fr and "étape exécution, suivi" in fr


def test_no_rule_of_the_rulebook_is_counted_in_the_singular_in_french():
    """« 0 règles » with --select RISK-02: French counts 0 in the singular (i18n.plural)."""
    from click.testing import CliRunner

    from procurement.cli import main

    fr = CliRunner().invoke(main, ["rules", "list", "--select", "RISK-02"]).output.splitlines()[0]
    en = CliRunner().invoke(main, ["rules", "--lang", "en", "list", "--select", "RISK-02"]).output.splitlines()[0]
    assert "— 0 règle (sha256" in fr and "— 0 rules (sha256" in en
