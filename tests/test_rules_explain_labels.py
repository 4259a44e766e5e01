"""`procurement rules explain` and the catalogue show an enumeration's codes by the labels the reports use,
in the user's language: « Nature [nature] autre que Offre, Marché de défense ou de sécurité », "contains any
of Environmental criterion", examples « nature=Marché, env_considerations=Critère environnemental », not the
codes (« hors de offre, marche_defense_securite », « env_considerations=criterion »). Field names stay in
brackets in the conditions, and as the keys of the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurement.cli_rules import catalogue_text, explain_lines
from procurement.rulebook import load_rulebook

BOOK = load_rulebook(Path(__file__).resolve().parent.parent / "rules" / "relance-renouveau.yaml")


@pytest.mark.parametrize(("lang", "lines"), [
    ("fr", ["      Nature [nature] autre que Offre, Marché de défense ou de sécurité",
            # under its weight's condition since the rulebook 1.3.25: two more spaces
            "        Considérations environnementales [env_considerations] contient l'un de Critère environnemental",
            "  - conforme\u00a0: launch_date=01/09/2026, nature=Marché, "
            "env_considerations=Critère environnemental, Clause environnementale",
            "  - sans objet\u00a0: launch_date=01/09/2026, nature=Offre"]),
    ("en", ["      Nature [nature] not in Bid, Defence or security contract",
            "        Environmental considerations [env_considerations] contains any of Environmental criterion",
            "  - pass: launch_date=2026-09-01, nature=Contract, "
            "env_considerations=Environmental criterion, Environmental clause",
            "  - not applicable: launch_date=2026-08-20, nature=Contract, "
            "env_considerations=No environmental consideration"]),
])
def test_explain_shows_codes_by_their_labels(lang, lines):
    text = explain_lines(BOOK, "ENV-10", lang)
    for line in lines:
        assert line in text
    assert not any("marche_defense_securite" in t or "=criterion" in t or "=marche" in t for t in text)


@pytest.mark.parametrize(("lang", "parts"), [
    ("fr", ["Nature [nature] autre que Offre, Marché de défense ou de sécurité",
            "| conforme | launch_date=01/09/2026, nature=Marché, env_considerations=Critère environnemental, "
            "Clause environnementale |"]),
    ("en", ["Nature [nature] not in Bid, Defence or security contract",
            "| pass | launch_date=2026-09-01, nature=Contract, env_considerations=Environmental criterion, "
            "Environmental clause |"]),
])
def test_the_catalogue_shows_codes_by_their_labels(lang, parts):
    text = catalogue_text(BOOK, lang)
    for part in parts:
        assert part in text
    assert "marche_defense_securite" not in text and "env_considerations=criterion" not in text


def test_given_and_not_given_agree_with_any_label():
    """« Date de notification non renseigné » did not agree with its feminine label; the phrase now
    agrees with « valeur », whatever the field's gender or number."""
    text = "\n".join(explain_lines(BOOK, "ENV-10", "fr"))
    assert "Date de notification [notification_date]\u00a0: valeur non renseignée" in text
    assert "Nature [nature]\u00a0: valeur non renseignée" in text
    assert "] non renseigné" not in text
    assert "Notification date [notification_date] is not given" in "\n".join(explain_lines(BOOK, "ENV-10", "en"))
