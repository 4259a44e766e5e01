"""Rows of a check workbook that are neither a consultation nor a bid: notes and totals (review 17).

A note typed in another column than the id (« NB : montants estimés, à confirmer » under « Objet », the id
empty) was reported as a red « Consultation — non vérifiée » (missing_id) and counted as such, while a
« Total » row beside it was counted as ignored. And a total row's reason spoke of orders (« pas une
commande »), the word of `score`, on a page about consultations and bids.
"""

from __future__ import annotations

import pytest

from tests.data.check_s9 import workbook as W

NOTE = "NB : montants estimés, à confirmer"


def _remarks(values: dict[int, str], sheet: str = "Consultation"):
    """An edit adding a column the tool does not read (« Remarques »), with row -> text."""

    def edit(wb):
        ws = wb[sheet]
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value="Remarques")
        for row, text in values.items():
            ws.cell(row=row, column=col, value=text)
    return edit


def test_a_note_in_any_column_is_ignored_not_a_consultation_left_unchecked(tmp_path):
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"object": NOTE}, {}],
                       [W.BIDS[0], {"supplier_name": "Les offres arrivées après la date limite ne sont pas lues."}],
                       edit=_remarks({4: "Les montants sont estimés hors taxes"}))
    result, data, html = W.check(workbook, tmp_path / "o")
    assert "Consultations : 1 vérifiée, 2 lignes ignorées (total ou note) ;" in result.output, result.output
    assert "Offres : 1 comparée, 0 rejetée (ligne à corriger), 1 ligne ignorée (total ou note) ;" in result.output
    assert "non vérifiée" not in result.output and data["unchecked_tenders"] == []
    parts = data["verdict"]["by_part"]
    assert [(parts[p]["rejected"], parts[p]["ignored"]) for p in ("tender", "bids")] == [(0, 2), (0, 1)]
    notes = {(r["source"]["sheet"], r["source"]["row"]): r for r in data["rejected"]}
    note = notes[("Consultation", 3)]
    column = f"{W.letter('object', 'Consultation')} (Objet)"
    assert (note["code"], note["column"]) == ("no_order_data", column)
    assert note["message"] == (f"colonne {column} : seule cellule remplie de la ligne (« {NOTE} ») : une note, pas "
                               "une ligne de données ; si la ligne est à vérifier, remplissez son identifiant")
    assert notes[("Consultation", 4)]["column"].endswith(" (Remarques)")  # a column the tool does not read
    assert notes[("Offres", 3)]["code"] == "no_order_data"
    page = W.text(html)
    assert "3 lignes ignorées (totaux ou notes, ni consultations ni offres)" in page and "non vérifi" not in page


def test_a_note_merged_over_the_row_is_one_note(tmp_path):
    """Merged cells give their text to every cell they cover: a note merged over A3:Q3 filled every column."""

    def merge(wb):
        ws = wb["Consultation"]
        ws.cell(row=3, column=1, value=NOTE)
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=ws.max_column)

    result, data, _ = W.check(W.build(tmp_path / "c.xlsx", [W.TENDERS[0]], [W.BIDS[0]], edit=merge), tmp_path / "o")
    assert "Consultations : 1 vérifiée, 1 ligne ignorée (total ou note) ;" in result.output, result.output
    (note,) = data["rejected"]
    assert (note["code"], note["column"], note["value"]) == ("no_order_data", "A (Identifiant)", NOTE)


def test_a_name_or_a_word_alone_is_still_a_row_to_fix(tmp_path):
    """A bidder's name (« Colas Méditerranée ») or a word (« travaux ») alone is a row begun without its id:
    still a row to fix, said with its missing identifier."""
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"object": "travaux"}],
                       [W.BIDS[0], {"supplier_name": "Colas Méditerranée"}])
    result, data, _ = W.check(workbook, tmp_path / "o")
    assert "Consultations : 1 vérifiée, 1 non vérifiée (ligne rejetée) ;" in result.output, result.output
    assert "Offres : 1 comparée, 1 rejetée (ligne à corriger) ;" in result.output
    assert {r["code"] for r in data["rejected"]} == {"missing_id"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_note_in_both_languages(tmp_path, lang):
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"object": NOTE}], [W.BIDS[0]], lang=lang)
    _, data, _ = W.check(workbook, tmp_path / "o", "--lang", lang)
    (note,) = data["rejected"]
    assert note["code"] == "no_order_data" and data["verdict"]["by_part"]["tender"]["ignored"] == 1
    if lang == "en":
        assert note["message"] == (f"column {note['column']}: the row's only filled cell (“{NOTE}”): "
                                   "a note, not a data row; if the row is to be checked, fill in its identifier")


def test_score_still_says_a_row_without_an_id_is_missing_one(tmp_path):
    """`score` reads a note typed alone in another column than the id as before: a row rejected for its missing
    identifier (only a row holding nothing but its id, or nothing read, is rejected there as no_order_data)."""
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    path = tmp_path / "c.csv"
    path.write_text(f"Référence;Objet;Montant HT\nB1;Travaux;100\n;{NOTE};\n", encoding="utf-8")
    result = run([path], load_default())
    assert [r.code for r in result.rejected] == ["missing_id"]


@pytest.mark.parametrize("title", ["Fourniture de denrées 2026", "Lot 2 - nettoyage des locaux",
                                   "Maintenance des ascenseurs", "AO travaux de voirie 2026",
                                   "Mise à jour du logiciel de gestion financière", "Entretien des espaces verts.",
                                   "Source Vive Traiteur SARL"])
def test_a_title_typed_alone_is_a_consultation_begun_not_a_note(tmp_path, title):
    """Any sentence was taken for a note (session review): a consultation begun with only its title in the id
    column was set aside, and check stopped with « aucune consultation lisible » (exit 2)."""
    workbook = W.build(tmp_path / "c.xlsx", [{"id": title}], [])
    result, data, _ = W.check(workbook, tmp_path / "o")
    assert result.exit_code in (0, 1), result.output
    assert [t["id"] for t in data["tenders"]] == ["".join(title.split())] and data["rejected"] == []


@pytest.mark.parametrize("note", ["N.B. montants HT", "Amounts excl. VAT", "* hors lots infructueux",
                                  "Les montants sont exprimés hors taxes.", "Source : export SAP du 01/12",
                                  "Mise à jour : 01/12/2025"])
def test_notes_are_told_by_their_opening_words_or_their_full_stop(tmp_path, note):
    workbook = W.build(tmp_path / "c.xlsx", [W.TENDERS[0], {"id": note}], [])
    _, data, _ = W.check(workbook, tmp_path / "o")
    assert [t["id"] for t in data["tenders"]] == [W.TENDERS[0]["id"]]
    assert [r["code"] for r in data["rejected"]] == ["no_order_data"]
