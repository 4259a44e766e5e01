"""report.html counts its rows in words that agree with the number: « 1 ligne rejetée », not « 1 lignes
rejetées » (French: 0 and 1 take the singular; English: only 1), in the balance sentence, the cards and
the note on rejected rows left out of the page (auditor review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.views import batch
from procurement.write.html_report import report_html


@pytest.fixture(scope="module")
def one_each(tmp_path_factory) -> object:
    """Two rows read: one order scored, one row rejected (an unreadable amount), none merged."""
    path: Path = tmp_path_factory.mktemp("plurals") / "c.csv"
    path.write_text("N° de commande;Montant HT\nC1;45 000\nC2;environ 3000\n", encoding="utf-8")
    return run([path], load_default(), options={"lang": "fr"})


@pytest.mark.parametrize(("lang", "sentence"), [
    ("fr", "2 lignes lues = 1 commande évaluée + 1 ligne rejetée + 0 ligne fusionnée."),
    ("en", "2 rows read = 1 order scored + 1 row rejected + 0 rows merged."),
])
def test_the_balance_sentence_agrees_with_its_numbers(one_each, lang, sentence):
    assert one_each.counts == {"rows_read": 2, "orders": 1, "rejected": 1, "merged": 0}
    html = report_html(one_each, lang)
    assert sentence in html
    assert "1 lignes" not in html and "1 commandes" not in html and "1 rows" not in html


@pytest.mark.parametrize(("lang", "cards"), [
    ("fr", ["2</span>lignes lues", "1</span>commande évaluée", "1</span>ligne rejetée", "0</span>ligne fusionnée"]),
    ("en", ["2</span>rows read", "1</span>order scored", "1</span>row rejected", "0</span>rows merged"]),
])
def test_the_balance_cards_agree_with_their_numbers(one_each, lang, cards):
    html = report_html(one_each, lang)
    for card in cards:
        assert card in html


@pytest.mark.parametrize(("lang", "note", "balance"), [
    ("fr", "1 autre ligne rejetée figure dans rejected.csv.", "3 lignes lues = 1 commande évaluée + 2 lignes rejetées"),
    ("en", "1 more rejected row is in rejected.csv.", "3 rows read = 1 order scored + 2 rows rejected"),
])
def test_one_rejected_row_left_out_of_the_page_is_said_in_the_singular(tmp_path, monkeypatch, lang, note, balance):
    path = tmp_path / "c.csv"
    path.write_text("N° de commande;Montant HT\nC1;45 000\nC2;environ 3000\nC3;à définir\n", encoding="utf-8")
    two = run([path], load_default(), options={"lang": lang})
    monkeypatch.setattr(batch, "REJECTED_LIMIT", 1)  # the page lists 1 of the 2 rejected rows
    html = report_html(two, lang)
    assert note in html and balance in html
