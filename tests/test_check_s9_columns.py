"""`procurement check`: what the page says about the workbook's columns (buyer review, round 9).

- A renamed header ("Montant prévisionnel (€ HT)") was dropped without a word: only check.json's
  `meta.inputs[].ignored_columns` listed it, and the page then asked for the « Montant HT » the buyer had
  typed. The terminal and the page now name the column, its letter, and the header to give it back.
- Missing data was named by the tool's field ("Considérations sociales (social_considerations)"); the page
  names the header the buyer fills in and, on a row, the cell ("cellule L4").
- Every comparison asked for « Part EGAlim viandes et poissons (%) », a value the template's « Offres » sheet
  had no column for; the page asks only for what the template or the workbook can hold.
"""

from __future__ import annotations

from tests.data.check_s9 import workbook as W

_text = W.text


def _rename(sheet: str, field: str, header: str):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row=1, column=W.column_of(ws, W.header_of(field)), value=header)
    return edit


def test_a_renamed_header_is_named_with_the_header_to_give_it_back(tmp_path):
    def edit(wb):
        _rename("Consultation", "amount", "Montant prévisionnel (€ HT)")(wb)
        _rename("Offres", "amount", "Prix proposé HT (€)")(wb)

    workbook = W.build(tmp_path / "c.xlsx", edit=edit)
    result, data, html = W.check(workbook, tmp_path / "out")
    expected = "Colonne « Montant prévisionnel (€ HT) » non reconnue : renommez-la « Montant HT »"
    # On the terminal...
    assert expected in result.stderr, result.stderr
    assert "Colonne « Prix proposé HT (€) » non reconnue : renommez-la « Montant HT »" in result.stderr
    g, h = W.letter("amount", "Consultation"), W.letter("amount")
    assert f"feuille « Consultation », colonne {g}" in result.stderr
    # ... on the page, above the tenders...
    text = _text(html)
    assert expected in text and text.index(expected) < text.index("Consultation 2026-RES-014")
    # ... and where the page says the amount is missing: the unread column, not a bare « Montant HT ».
    assert f"Montant HT (colonne {g} « Montant prévisionnel (€ HT) » non reconnue)" in text
    unread = data["meta"]["unread_columns"]
    assert [(u["sheet"], u["column"], u["field"], u["suggestion"]) for u in unread] == [
        ("Consultation", g, "amount", "Montant HT"), ("Offres", h, "amount", "Montant HT")]


def test_a_repeated_column_and_a_column_of_notes_are_named_too(tmp_path):
    def edit(wb):
        ws = wb["Offres"]
        last = ws.max_column
        ws.cell(row=1, column=last + 1, value="Observations de l'acheteur")
        ws.cell(row=2, column=last + 1, value="à relancer")
        ws.cell(row=1, column=last + 2, value=W.header_of("amount"))
        ws.cell(row=2, column=last + 2, value=1)

    result, data, _html = W.check(W.build(tmp_path / "c.xlsx", edit=edit), tmp_path / "out")
    messages = [u["message"] for u in data["meta"]["unread_columns"]]
    assert any("« Observations de l'acheteur » non reconnue" in m and "ses valeurs ne sont pas lues" in m
               for m in messages), messages
    h = W.letter("amount")
    assert any("« Montant HT » en double" in m and f"seule la colonne {h} est lue" in m for m in messages), messages
    assert all(m in result.stderr for m in messages)
    # The amount read is column H's, not the repeated one.
    p01 = data["tenders"][0]["bids"][0]
    assert data["tenders"][0]["comparison"]["values"][0] == {"field": "amount", "values": [172_500, 165_000]}
    assert p01["id"] == "P01"


def test_an_english_workbook_gets_an_english_header_back(tmp_path):
    def edit(wb):
        ws = wb["Bids"]
        ws.cell(row=1, column=W.column_of(ws, W.header_of("amount", "en")), value="Bid price excl. VAT (EUR)")

    workbook = W.build(tmp_path / "c.xlsx", lang="en", edit=edit)
    result, _, html = W.check(workbook, tmp_path / "out", "--lang", "en")
    assert "Column “Bid price excl. VAT (EUR)” not recognised: rename it “Amount excl. VAT”" in result.stderr
    assert "Column “Bid price excl. VAT (EUR)” not recognised: rename it “Amount excl. VAT”" in _text(html)


def test_missing_data_is_named_by_the_templates_header_and_its_cell(tmp_path):
    tenders = [dict(W.TENDERS[0]), dict(W.TENDERS[1]), {k: v for k, v in W.TENDERS[2].items() if k != "procedure"}]
    _, data, html = W.check(W.build(tmp_path / "c.xlsx", tenders), tmp_path / "out")
    text = _text(html)
    # No field name of the tool anywhere on the page, in the tables of findings or of missing data.
    for name in ("(social_considerations)", "(procedure)", "(amount)", "(meat_fish_egalim_share)"):
        assert name not in text, name
    procedure = W.header_of("procedure")
    # 2026-TRX-003 (row 3) has no social consideration; 2026-FOU-021 (row 4) no procedure.
    assert f"Considérations sociales (cellule {W.letter('social_considerations', 'Consultation')}3)" in text
    assert f"{procedure} (cellule {W.letter('procedure', 'Consultation')}4)" in text
    missing = {m["field"] for m in data["tenders"][2]["missing"]}
    assert "procedure" in missing
    # A bid's missing value names its cell on the bids sheet (P01, row 2, declares no emissions).
    assert f"Émissions déclarées (kgCO2e) (cellule {W.letter('declared_emissions')}2)" in text


def test_the_comparison_asks_only_for_values_the_workbook_can_hold(tmp_path):
    from procurement.template import BID_COLUMNS

    template_fields = {c.field for c in BID_COLUMNS}
    header = W.header_of("meat_fish_egalim_share")
    _, data, html = W.check(W.build(tmp_path / "a.xlsx"), tmp_path / "a")
    asked = data["tenders"][0]["comparison"]["not_declared_by_any"]
    assert ("meat_fish_egalim_share" in asked) == ("meat_fish_egalim_share" in template_fields)
    assert all(n in template_fields for n in asked), asked
    if "meat_fish_egalim_share" not in template_fields:
        assert f"Valeurs qu'aucune offre ne déclare : {header}" not in _text(html)

    # The buyer adds the column on the right: it is read, so a bid that leaves it blank is asked for it.
    def added(wb):
        ws = wb["Offres"]
        if header not in [c.value for c in ws[1]]:
            ws.cell(row=1, column=ws.max_column + 1, value=header)

    _, data, _ = W.check(W.build(tmp_path / "b.xlsx", edit=added), tmp_path / "b")
    assert "meat_fish_egalim_share" in data["tenders"][0]["comparison"]["not_declared_by_any"]
    assert not data["meta"]["unread_columns"]
