"""DECP-01 (R2196-1) binds « marchés répondant à un besoin dont la valeur est égale ou supérieure à 40 000 €
HT »: the value of the need at launch (R2121-1, R2121-3), i.e. a modified contract's initial amount, as the procedure
rules judge it. On the current amount, a 35 000 € contract raised to 45 000 € by avenant failed for a
publication it never owed, and a 45 000 € contract cut to 35 000 € escaped the check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.pipeline import run
from procurement.rulebook import load_default


def marche(montant: float, nouveau: float) -> dict:
    return {
        "id": "2024TX0007", "acheteur": {"id": "20005480700017"}, "nature": "Marché",
        "objet": "Entretien des espaces verts du parc", "codeCPV": "77310000",
        "techniques": {"technique": ["Sans objet"]}, "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "procedure": "Procédure adaptée", "lieuExecution": {"code": "13055", "typeCode": "Code commune"},
        "dureeMois": 12, "dateNotification": "2024-05-30", "datePublicationDonnees": "2024-10-01",
        "montant": montant, "formePrix": "Forfaitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44306184100047"}}],
        "modifications": [{"modification": {"id": 1, "montant": nouveau, "dateNotificationModification": "2024-09-02",
                                            "datePublicationDonneesModification": "2024-10-01"}}],
    }


@pytest.mark.parametrize(("montant", "nouveau", "expected"), [
    (35000, 45000, "not_applicable"),  # notified under the threshold: no publication was due
    (45000, 35000, "fail"),  # notified above it: published four months later
])
def test_decp01_judges_the_value_at_notification(tmp_path: Path, montant, nouveau, expected):
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": [marche(montant, nouveau)]}}), encoding="utf-8")
    result = run([path], load_default())
    scored = result.orders[0]
    assert (scored.order.initial_amount, scored.order.amount) == (montant, nouveau)
    assert next(f.status for f in scored.findings if f.rule == "DECP-01") == expected
