"""A buyer's review of `procurement check` (session 15): what a buyer filling the template met.

- A notification date typed before the launch date (two dates that contradict each other) made the
  Climate and Resilience obligations of a consultation launched after 21/08/2026 « sans objet »: ENV-10,
  ENV-11, ENV-12 and SOC-10 vanished from the page, and the warning said neither which dates nor what to do.
- « NC » typed in the « Consultation » column of a bid was read as an empty cell: with one consultation the
  bid was attached without a word, with several the page said the cell was « vide ».
"""

from __future__ import annotations

import datetime as dt
import json

from tests.test_check import _check, _fill, _template


def _load(out):
    return json.loads((out / "check.json").read_text(encoding="utf-8"))


def _add_column(path, sheet, header, values):
    """A column the template does not have, added at the right as a buyer would (« Date de notification »)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = ws.max_column + 1
    ws.cell(row=1, column=col, value=header)
    for r, v in enumerate(values, start=2):
        ws.cell(row=r, column=col, value=v)
    wb.save(path)
    return path


TENDER = {"Identifiant": "2026-VOI-031", "Objet": "Requalification du boulevard", "Nature": "Marché",
          "Procédure": "Appel d'offres ouvert", "Code CPV": "45233140", "Montant HT": 6_000_000,
          "Date de lancement": dt.date(2026, 10, 1), "Considérations environnementales": "Clause environnementale",
          "Considérations sociales": "Pas de considération sociale", "Critères d'attribution": "Prix 100 %",
          "Pondération prix (%)": 100, "Pondération critère environnemental (%)": 0}


def _checked(tmp_path, tenders, bids, *args, notification=None, lang="fr"):
    workbook = _fill(_template(tmp_path / "c.xlsx", lang), tenders, bids,
                     **({"tender_sheet": "Tender", "bid_sheet": "Bids"} if lang == "en" else {}))
    if notification is not None:
        _add_column(workbook, "Tender" if lang == "en" else "Consultation",
                    "Notification date" if lang == "en" else "Date de notification", notification)
    result = _check(str(workbook), "--out", str(tmp_path / "out"), *args)
    return result, _load(tmp_path / "out"), (tmp_path / "out" / "check.html").read_text(encoding="utf-8")


def _statuses(tender):
    return {f["rule"]: f["status"] for f in tender["findings"]}


def test_a_notification_date_before_the_launch_does_not_lift_the_climate_obligations(tmp_path):
    result, data, _ = _checked(tmp_path, [TENDER], [], notification=[dt.date(2026, 8, 1)])
    (tender,) = data["tenders"]
    statuses = _statuses(tender)
    # launched on 01/10/2026: the obligations follow the launch date, whatever the other date says
    assert statuses["ENV-10"] == "fail"
    assert statuses["ENV-11"] == "pass"
    assert statuses["ENV-12"] == "fail"
    assert statuses["SOC-10"] == "fail"
    assert result.exit_code == 1


def test_a_notification_date_alone_still_says_an_old_contract_is_out_of_scope(tmp_path):
    """Without a launch date, a notification before 21/08/2026 still proves the launch was before too."""
    tender = {**TENDER, "Date de lancement": None}
    _, data, _ = _checked(tmp_path, [tender], [], notification=[dt.date(2026, 8, 1)])
    statuses = _statuses(data["tenders"][0])
    assert {statuses[r] for r in ("ENV-10", "ENV-11", "ENV-12", "SOC-10")} == {"not_applicable"}


def test_the_dates_warning_names_both_dates_and_what_to_fix(tmp_path):
    _, data, html = _checked(tmp_path, [TENDER], [], notification=[dt.date(2026, 8, 1)])
    (warning,) = [w for w in data["tenders"][0]["warnings"] if w["code"] == "dates_inconsistent"]
    assert "01/08/2026" in warning["message"] and "01/10/2026" in warning["message"]
    assert "corrigez" in warning["message"]
    assert "01/08/2026" in html
    assert "Date de notification" in html  # the date the warning is about is among the tender's data


def test_the_dates_warning_in_english(tmp_path):
    tender = {"Id": "2026-VOI-031", "Object": "Boulevard", "Procedure": "Open procedure", "CPV code": "45233140",
              "Amount excl. VAT": 6_000_000, "Launch date": dt.date(2026, 10, 1)}
    _, data, html = _checked(tmp_path, [tender], [], "--lang", "en", notification=[dt.date(2026, 8, 1)], lang="en")
    (warning,) = [w for w in data["tenders"][0]["warnings"] if w["code"] == "dates_inconsistent"]
    assert "2026-08-01" in warning["message"] and "2026-10-01" in warning["message"]
    assert "correct" in warning["message"]
    assert "Notification date" in html


BIDS = [{"Identifiant": "P01", "Fournisseur": "Routes du Sud", "Montant HT": 5_800_000},
        {"Identifiant": "P02", "Fournisseur": "BTP Provence", "Montant HT": 5_900_000, "Consultation": "NC"}]


def test_nc_as_the_tender_of_a_bid_is_said_when_there_is_one_tender(tmp_path):
    _, data, _ = _checked(tmp_path, [TENDER], BIDS)
    (tender,) = data["tenders"]
    bids = {b["id"]: b for b in tender["bids"]}
    assert set(bids) == {"P01", "P02"}  # the only consultation: still compared
    assert not [w for w in bids["P01"]["warnings"] if w["field"] == "tender_id"]
    (warning,) = [w for w in bids["P02"]["warnings"] if w["field"] == "tender_id"]
    assert "« NC »" in warning["message"] and "2026-VOI-031" in warning["message"]


def test_nc_as_the_tender_of_a_bid_is_not_called_blank(tmp_path):
    tenders = [TENDER, {**TENDER, "Identifiant": "2026-VOI-032"}]
    bids = [{**BIDS[0], "Consultation": "2026-VOI-031"}, BIDS[1]]
    _, data, _ = _checked(tmp_path, tenders, bids)
    (bid,) = data["unattached_bids"]
    (warning,) = [w for w in bid["warnings"] if w["code"] == "unattached_bid"]
    assert "« NC »" in warning["message"]
    assert "vide" not in warning["message"]
    assert "« 2026-VOI-031 » ou « 2026-VOI-032 »" in warning["message"]


def test_an_empty_tender_sheet_says_what_to_fill_in(tmp_path):
    """The template as written by `procurement template`, checked before it is filled in, or bids typed
    without their consultation: the error said « aucune consultation lisible », as for unreadable rows."""
    empty = _check(str(_template(tmp_path / "a.xlsx")), "--out", str(tmp_path / "a"))
    assert empty.exit_code == 2
    assert "la feuille « Consultation » n'a aucune ligne remplie" in empty.stderr
    assert "une ligne par consultation" in empty.stderr
    bids_only = _check(str(_fill(_template(tmp_path / "b.xlsx"), [], BIDS)), "--out", str(tmp_path / "b"))
    assert bids_only.exit_code == 2
    assert "2 offres" in bids_only.stderr
    english = _check(str(_template(tmp_path / "c.xlsx", "en")), "--out", str(tmp_path / "c"), "--lang", "en")
    assert "the “Tender” sheet has no filled-in row" in english.stderr


def test_a_mixed_foodstuffs_tender_judges_the_meat_and_fish_share_a_bid_declares(tmp_path):
    """CPV 15000000 (foodstuffs of every kind, the heading a crèche's supplies are often coded with): a bid
    offering 50 % of EGAlim meat and fish was shown in the comparison and never judged (EGA-05 « sans objet »)."""
    tender = {"Identifiant": "2026-RES-040", "Objet": "Denrées alimentaires des crèches", "Nature": "Accord-cadre",
              "Procédure": "Appel d'offres ouvert", "Code CPV": "15000000", "Montant HT": 300_000,
              "Date de lancement": dt.date(2026, 9, 15)}
    share = "Part EGAlim viandes et poissons (%)"
    bids = [{"Identifiant": "P01", "Fournisseur": "A", "Montant HT": 285_000, share: 62},
            {"Identifiant": "P02", "Fournisseur": "B", "Montant HT": 270_000, share: 50},
            {"Identifiant": "P03", "Fournisseur": "C", "Montant HT": 295_000}]
    _, data, _ = _checked(tmp_path, [tender], bids)
    (t,) = data["tenders"]
    ega05 = {b["id"]: next(f["status"] for f in b["findings"] if f["rule"] == "EGA-05") for b in t["bids"]}
    assert ega05 == {"P01": "pass", "P02": "fail", "P03": "not_applicable"}
    p03 = next(b for b in t["bids"] if b["id"] == "P03")
    assert "meat_fish_egalim_share" in p03["not_declared"]  # « déclaré par d'autres offres »


def test_the_place_code_shows_its_kind_when_the_buyer_chose_it(tmp_path):
    """« 13001 » is Aix-en-Provence's INSEE code and Marseille 1er's postcode: the tender's data showed the
    code without the « Type de code du lieu » the buyer chose, which decides the distances."""
    tender = {**TENDER, "Lieu d'exécution": "13001", "Type de code du lieu": "Code postal"}
    _, _, page = _checked(tmp_path, [tender], [])
    row = '<tr><th scope="row">Type de code du lieu</th><td>'
    assert row + "Code postal</td>" in page
    (tmp_path / "plain").mkdir()
    _, _, plain = _checked(tmp_path / "plain", [{**TENDER, "Lieu d'exécution": "13001"}], [])
    assert row not in plain


def test_an_unattached_bids_column_is_not_in_brackets_within_brackets(tmp_path):
    """« (colonne S (Consultation)) »: the column's name carries its header in brackets, so the message names
    it between commas (session 16)."""
    tenders = [TENDER, {**TENDER, "Identifiant": "2026-VOI-032"}]
    bids = [{**BIDS[0], "Consultation": "2026-VOI-099"}, BIDS[1]]
    _, data, _ = _checked(tmp_path, tenders, bids)
    messages = [w["message"] for b in data["unattached_bids"] for w in b["warnings"] if w["code"] == "unattached_bid"]
    assert len(messages) == 2, messages
    assert all("(Consultation))" not in m and ", colonne " in m for m in messages), messages
