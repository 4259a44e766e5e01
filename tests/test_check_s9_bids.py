"""`procurement check`: bids tied to their consultation, and rows the check could not read (buyer review,
round 9).

- A blank « Consultation » cell, with several consultations, said « consultation «  » introuvable »; it now
  names the column (letter and header) and the consultations to choose from.
- The warnings of an unattached bid were run together with « : » into one sentence; each is an item.
- « 2026-res-014 » (or a reference typed with non-breaking hyphens) found no consultation though only one
  answers to it; it is attached, and told so. Two consultations answering to it: attached to neither.
- A row without identifier was rejected with no column; a repeated identifier was « (dup_bid.xlsx:2) ».
- A consultation whose row was rejected (a date « 32/09/2026 ») was only a line at the foot of the page:
  its missing verdict could pass for compliance. It now has its own section, « non vérifiée », a count in the
  summary and a line on the terminal.
"""

from __future__ import annotations

from tests.data.check_s9 import workbook as W

_text = W.text


def _unattached(data):
    return {b["id"]: b for b in data["unattached_bids"]}


def test_a_blank_consultation_cell_names_its_column_and_the_choices(tmp_path):
    bids = [*W.BIDS, {"id": "F02", "supplier_name": "Papeterie Durance", "amount": 82_300}]
    _, data, html = W.check(W.build(tmp_path / "c.xlsx", bids=bids), tmp_path / "out")
    (warning,) = [w for w in _unattached(data)["F02"]["warnings"] if w["code"] == "unattached_bid"]
    column = f"{W.letter('tender_id')} (Consultation)"
    assert warning["column"] == column
    assert warning["message"] == (f"offre non rattachée : colonne {column} vide ; indiquez la consultation de "
                                  "l'offre (« 2026-RES-014 », « 2026-TRX-003 » ou « 2026-FOU-021 »)")
    assert "«  »" not in _text(html) and "introuvable" not in warning["message"]


def test_an_unattached_bids_warnings_are_items_not_one_sentence(tmp_path):
    bids = [*W.BIDS, {"id": "F02", "supplier_name": "Papeterie Durance", "supplier_siret": "32165498700011",
                      "amount": 82_300, "tender_id": "2099-XXX-001"}]
    _, data, html = W.check(W.build(tmp_path / "c.xlsx", bids=bids), tmp_path / "out")
    codes = [w["code"] for w in _unattached(data)["F02"]["warnings"]]
    assert "unattached_bid" in codes and len(codes) >= 2, codes  # the SIRET's checksum warning too
    section = html[html.index('id="h-unattached"'):html.index('id="h-rejected"')]
    item = section[section.index('data-bid="F02"'):]
    item = item[:item.index("</ul></li>")]
    assert item.count("<li>") == len(codes)  # one item per warning, none joined to the next by a colon


def test_a_reference_typed_in_another_case_or_with_other_dashes_finds_its_consultation(tmp_path):
    bids = [dict(W.BIDS[0], tender_id="2026-res-014"), dict(W.BIDS[1], tender_id=" 2026\u2011RES\u2011014 "),
            *W.BIDS[2:]]
    _, data, html = W.check(W.build(tmp_path / "c.xlsx", bids=bids), tmp_path / "out")
    assert [b["id"] for b in data["tenders"][0]["bids"]] == ["P01", "P02"]
    assert not data["unattached_bids"]
    retyped = [w for w in data["tenders"][0]["bids"][0]["warnings"] if w["code"] == "tender_id_retyped"]
    assert retyped and retyped[0]["message"] == "« 2026-res-014 » lu comme la consultation « 2026-RES-014 »"
    assert "lu comme la consultation" in _text(html)


def test_a_reference_two_consultations_answer_to_is_attached_to_neither(tmp_path):
    tenders = [*W.TENDERS, dict(W.TENDERS[2], id="2026-fou-021", object="Fournitures de bureau, lot 2")]
    bids = [*W.BIDS[:3], dict(W.BIDS[3], tender_id="2026-Fou-021")]
    _, data, _ = W.check(W.build(tmp_path / "c.xlsx", tenders, bids), tmp_path / "out")
    assert list(_unattached(data)) == ["F01"]


def test_a_row_without_identifier_is_rejected_with_its_column(tmp_path):
    tenders = [W.TENDERS[0], {k: v for k, v in W.TENDERS[1].items() if k != "id"}, W.TENDERS[2]]
    bids = [W.BIDS[0], {k: v for k, v in W.BIDS[1].items() if k != "id"}, *W.BIDS[2:]]
    _, data, _html = W.check(W.build(tmp_path / "c.xlsx", tenders, bids), tmp_path / "out")
    rejected = {(r["source"]["sheet"], r["source"]["row"]): r for r in data["rejected"]}
    assert rejected[("Consultation", 3)]["column"] == f"{W.letter('id', 'Consultation')} (Identifiant)"
    assert rejected[("Offres", 3)]["column"] == f"{W.letter('id')} (Identifiant)"
    # The bid citing the consultation whose row has no identifier is told which row that is.
    message = next(w["message"] for w in _unattached(data)["B01"]["warnings"] if w["code"] == "unattached_bid")
    assert "la consultation de la ligne 3, sans identifiant, a été rejetée" in message, message
    assert "vouliez-vous dire" not in message  # "2026-TRX-003" is not a typo of "2026-RES-014"


def test_a_repeated_bid_identifier_names_the_sheet_and_row_of_the_first(tmp_path):
    bids = [W.BIDS[0], dict(W.BIDS[1], id="P01"), *W.BIDS[2:]]
    _, data, html = W.check(W.build(tmp_path / "c.xlsx", bids=bids), tmp_path / "out")
    second = data["tenders"][0]["bids"][1]
    (warning,) = [w for w in second["warnings"] if w["code"] == "duplicate_id"]
    assert warning["message"].startswith("identifiant « P01 » déjà pris par la ligne 2 de la feuille « Offres »")
    assert warning["column"] == f"{W.letter('id')} (Identifiant)"
    assert "c.xlsx:2" not in html


def test_a_consultation_whose_row_was_rejected_is_said_unchecked(tmp_path):
    tenders = [W.TENDERS[0], dict(W.TENDERS[1], launch_date="32/09/2026"), W.TENDERS[2]]
    result, data, html = W.check(W.build(tmp_path / "c.xlsx", tenders), tmp_path / "out")
    (unchecked,) = data["unchecked_tenders"]
    assert unchecked["id"] == "2026-TRX-003" and unchecked["source"]["row"] == 3
    assert unchecked["bids"] == ["B01"] and "32/09/2026" in unchecked["message"]
    assert data["verdict"]["unchecked_tenders"] == 1
    text = _text(html)
    # Its own section, before the checked ones, that a buyer cannot read as a pass.
    section = text[text.index("Consultation 2026-TRX-003 — non vérifiée"):text.index("Consultation 2026-RES-014")]
    assert "aucune obligation légale, aucun risque et aucun indicateur n'a été évalué" in section
    assert "L'absence de constat n'est pas une conformité" in section
    assert "Offres qui la citent, non comparées : B01." in section
    assert "1 consultation non vérifiée (ligne rejetée)" in text
    assert 'id="h-unchecked-1"' in html
    assert "consultation « 2026-TRX-003 » (Consultation, ligne 3) non vérifiée" in result.stderr
