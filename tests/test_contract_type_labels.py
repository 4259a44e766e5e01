"""The purchase type (travaux, fournitures, services) has labels in both languages: an English message read
"Purchase of fournitures of €70,000", and a file written in English ("Supplies") was refused."""

from __future__ import annotations

import pytest

from procurement.parse.choices import parse_choice
from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.rulebook.render import choice_text


@pytest.mark.parametrize(("text", "code"), [
    ("Travaux", "travaux"), ("FOURNITURES", "fournitures"), ("Fourniture", "fournitures"), ("Supplies", "fournitures"),
    ("Works", "travaux"), ("Services", "services"), ("Prestations de services", "services"),
    ("Marché de travaux", "travaux"),
])
def test_each_spelling_reads_as_its_type(text, code):
    assert parse_choice("contract_type", text) == code


def test_the_labels_in_each_language():
    assert [choice_text("contract_type", c, "en") for c in ("travaux", "fournitures", "services")] == [
        "Works", "Supplies", "Services"]
    assert choice_text("contract_type", "fournitures", "fr") == "Fournitures"


def test_an_english_message_names_the_type_in_english(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("Identifiant;Procédure;Code CPV;Montant HT;Date de notification\n"
                   "X1;Sans publicité;30213100;70000;01/03/2025\n", encoding="utf-8")
    (scored,) = run([src], load_default()).orders
    proc = next(f for f in scored.findings if f.rule == "PROC-02")
    assert proc.status == "fail"
    assert proc.message("en").startswith("Purchase of supplies of €70,000 awarded without publicity")
    assert proc.message("fr").startswith("Achat de fournitures de 70\u202f000\u202f€ passé sans publicité")
