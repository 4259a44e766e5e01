"""How a reason reads once it is put together (review 17).

- A capital after « : »: « colonne H (Montant HT) : Le montant « -5000 » est négatif ».
- A full stop before a parenthesis: « … le mois n'a pas de jour 31. (valeur ignorée) ».
- A JSON path called a column: « colonne marches.marche[2].montant : … » in DECP JSON rejections.
- A total row of a check workbook said « pas une commande … le montant des commandes qu'elle additionne ».
"""

from __future__ import annotations

import json

import pytest

from procurement.parse import MESSAGES
from procurement.parse.errors import fail
from procurement.read.base import Cell, RawRecord
from procurement.validate import validate
from tests.data.check_s9 import workbook as W

CONTEXT = {"year": "0218", "count": 9, "field_fr": "Nature", "field_en": "Nature", "choices_fr": "a, b",
           "choices_en": "a, b", "day_only": "31", "hint_fr": " ; un zéro initial a peut-être été perdu",
           "hint_en": "; a leading zero may have been lost"}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_a_cell_message_is_a_clause_lower_case_without_a_full_stop(code):
    """It follows « colonne X : » and precedes « (valeur ignorée) », as every other message of a row does."""
    err = fail(code, "valeur", **CONTEXT)
    for text in (err.message_fr, err.message_en):
        assert not text[0].isupper(), text
        assert not text.endswith("."), text
        assert ". " not in text.replace("e.g. ", ""), text  # one clause, its parts joined by « ; »


def _row(**cells: object) -> RawRecord:
    from procurement.model import Source

    return RawRecord(source=Source(file="c.xlsx", sheet="Offres", row=5),
                     cells={name: Cell(f"H ({name})", v) for name, v in {"id": "P04", **cells}.items()})


def test_a_rejection_reads_on_after_its_column():
    rejection = validate(_row(amount=-5000))
    assert rejection.message_fr == ("colonne H (amount) : le montant « -5000 » est négatif : un montant doit être "
                                    "positif ou nul")
    assert rejection.message_en == "column H (amount): the amount “-5000” is negative: an amount must be zero or more"


def test_a_value_set_aside_says_so_without_a_full_stop_before():
    order = validate(_row(launch_date="31/09/2026"))
    (warning,) = [w for w in order.warnings if w.code == "impossible_date"]
    assert warning.message_fr == ("la date « 31/09/2026 » n'existe pas : le mois n'a pas de jour 31 "
                                  "(valeur ignorée)")
    assert warning.message_en == "the date “31/09/2026” does not exist: the month has no day 31 (value ignored)"


def test_a_decp_json_rejection_names_its_field_not_a_column(tmp_path):
    from procurement.model import without_column
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    marche = {"id": "2027M003", "acheteur": {"id": "20005480700017"}, "nature": "Marché", "objet": "Fournitures",
              "codeCPV": "30192000", "procedure": "Procédure adaptée", "dureeMois": 12,
              "dateNotification": "2027-02-01", "montant": -500, "dateLancement": "pas une date",
              "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}]}
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": [marche]}}), encoding="utf-8")
    (rejection,) = run([path], load_default()).rejected
    assert rejection.column == "marches.marche[0].montant"
    assert rejection.message_fr.startswith("champ marches.marche[0].montant : le montant « -500 » est négatif")
    assert rejection.message_en.startswith("field marches.marche[0].montant: the amount “-500” is negative")
    assert "colonne" not in rejection.message_fr and "column" not in rejection.message_en
    assert without_column(rejection.message_fr, rejection.column, "fr").startswith("le montant « -500 »")
    assert without_column(rejection.message_en, rejection.column, "en").startswith("the amount “-500”")


def test_a_spreadsheets_rejection_still_names_its_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Référence;Montant HT\nB1;-500\n", encoding="utf-8")
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    (rejection,) = run([path], load_default()).rejected
    assert rejection.message_fr == ("colonne B (Montant HT) : le montant « -500 » est négatif : un montant doit être "
                                    "positif ou nul")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_total_row_of_a_check_workbook_is_not_called_an_order(tmp_path, lang):
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"id": "Total", "amount": 180_000}],
                       [W.BIDS[0], {"id": "Total", "amount": 1000}], lang=lang)
    _, data, html = W.check(workbook, tmp_path / "o", "--lang", lang)
    messages = [r["message"] for r in data["rejected"]]
    assert len(messages) == 2
    for message in messages:
        assert ("ligne de total (« Total »), pas une ligne de données : évaluée, elle aurait compté deux fois le "
                "montant des lignes qu'elle additionne" if lang == "fr" else
                "a total line (“Total”), not a data row: scored, it would have counted twice the amount of the rows "
                "it adds up") in message
    page = W.text(html)
    for word in ("pas une commande", "des commandes", "not an order", "of the orders"):
        assert word not in page
