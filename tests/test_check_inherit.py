"""A bid's own value for a field that describes the purchase (check_inherit.INHERITED) against its consultation's.

Review 17: the bids sheet had an added « Code CPV » column and one bid said 45000000 (works) under a food
consultation (15800000): FOOD-01 and EGA-04 became « sans objet » for that bid alone, which then looked
flawless next to the others, without a word. A bid answers its consultation: the consultation's value is
compared, and the bid's differing value is said on the bid (check.json, the page, the terminal).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.data.check_s9 import workbook as W

FOOD = {**W.TENDERS[0], "cpv": "15800000"}  # food products: FOOD-01 and EGA-04 apply to its bids
BIDS = [{**W.BIDS[0], "intermediaries": 3, "organic_share": 5, "egalim_share": 10},  # fails FOOD-01 and EGA-04
        {**W.BIDS[1], "id": "P02"}]


def _added_column(header: str, values: dict[int, object], sheet: str = "Offres"):
    """An edit adding a column on the right of a sheet, as a buyer does: header, then row -> value."""

    def edit(wb):
        ws = wb[sheet]
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value=header)
        for row, value in values.items():
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str):  # typed as text, as the template's code columns are
                cell.data_type = "s"
    return edit


def _letter(path, header: str, sheet: str = "Offres") -> str:
    import openpyxl
    from openpyxl.utils import get_column_letter

    return get_column_letter(W.column_of(openpyxl.load_workbook(path)[sheet], header))


def _bid(data, bid_id):
    return next(b for b in data["tenders"][0]["bids"] if b["id"] == bid_id)


@pytest.fixture(scope="module")
def works_cpv(tmp_path_factory):
    base = tmp_path_factory.mktemp("inherit")
    path = W.build(base / "c.xlsx", [FOOD], BIDS, edit=_added_column("Code CPV", {2: "45000000"}))
    return path, {lang: W.check(path, base / lang, "--lang", lang) for lang in ("fr", "en")}


def test_the_consultations_cpv_is_the_one_a_bid_is_judged_on(works_cpv):
    _, runs = works_cpv
    _, data, _ = runs["fr"]
    p01 = _bid(data, "P01")
    statuses = {f["rule"]: f["status"] for f in p01["findings"]}
    assert statuses["FOOD-01"] == "fail" and statuses["EGA-04"] == "fail", statuses  # was not_applicable
    assert "cpv" in p01["inherited"] and "cpv" not in p01["data"]  # the consultation's value, in its data
    assert data["tenders"][0]["data"]["cpv"] == "15800000"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_bids_differing_value_is_said_with_both_cells_everywhere(works_cpv, lang):
    path, runs = works_cpv
    result, data, html = runs[lang]
    letter = _letter(path, "Code CPV")
    tender_letter = W.letter("cpv", "Consultation")
    expected = (f"Code CPV « 45000000 » (cellule {letter}2 de la feuille « Offres ») diffère de la valeur de la "
                f"consultation, « 15800000 » (cellule {tender_letter}2 de la feuille « Consultation ») : la "
                "consultation fait foi" if lang == "fr" else
                f"Code CPV “45000000” (cell {letter}2 of the “Offres” sheet) differs from the tender's, “15800000” "
                f"(cell {tender_letter}2 of the “Consultation” sheet): the tender prevails")
    (warning,) = [w for w in _bid(data, "P01")["warnings"] if w["code"] == "differs_from_tender"]
    assert (warning["message"], warning["field"], warning["value"]) == (expected, "cpv", "45000000")
    assert not [w for w in _bid(data, "P02")["warnings"] if w["code"] == "differs_from_tender"]
    page = W.text(html)
    assert page.count(expected) == 1, page  # under the bid, without its column said before it
    assert f"({letter} (Code CPV)" not in page and f"{letter} (Code CPV) :" not in page
    start = "Attention : offre « P01 » (Offres, ligne 2) : " if lang == "fr" else 'Warning: bid “P01” (Offres, row 2): '
    assert start + expected in result.output.splitlines(), result.output


@pytest.mark.parametrize("typed", ["15 80 00 00", "15800000-6", "NC", 15800000])
def test_the_same_value_written_otherwise_is_no_difference(tmp_path, typed):
    path = W.build(tmp_path / "c.xlsx", [FOOD], BIDS, edit=_added_column("Code CPV", {2: typed}))
    result, data, _ = W.check(path, tmp_path / "o")
    p01 = _bid(data, "P01")
    assert [w for w in p01["warnings"] if w["code"] == "differs_from_tender"] == []
    assert "cpv" in p01["inherited"] and "diffère" not in result.output


def test_a_finer_cpv_of_the_consultations_family_is_kept(tmp_path):
    """15810000 (bread) under 15800000 (food products): a lot's or a bid's more precise code of the same
    purchase is the bid's to say (check_inherit.refines); 15000000, broader, is not."""
    path = W.build(tmp_path / "c.xlsx", [FOOD], BIDS, edit=_added_column("Code CPV", {2: "15810000", 3: "15000000"}))
    _, data, _ = W.check(path, tmp_path / "o")
    p01, p02 = _bid(data, "P01"), _bid(data, "P02")
    assert p01["data"]["cpv"] == "15810000" and "cpv" not in p01["inherited"]
    assert not [w for w in p01["warnings"] if w["code"] == "differs_from_tender"]
    assert "cpv" in p02["inherited"] and [w["value"] for w in p02["warnings"] if w["field"] == "cpv"] == ["15000000"]


def test_a_date_a_procedure_and_an_unreadable_value_are_said_as_the_page_says_them(tmp_path):
    """A launch date and a procedure are shown as the page shows values (15/09/2026, the procedure's label in
    the page's language); a value the bid's parser refuses (« travaux » as a CPV) no longer rejects the bid,
    whose row is judged on its consultation's, and is quoted as typed."""
    def edit(wb):
        for header, value in (("Date de lancement", dt.date(2026, 10, 1)), ("Procédure", "AOO"),
                              ("Code CPV", "travaux")):
            _added_column(header, {2: value})(wb)

    path = W.build(tmp_path / "c.xlsx", [FOOD], BIDS, edit=edit)
    _, data, _ = W.check(path, tmp_path / "o")
    assert data["tenders"][0]["rejected_bids"] == []
    messages = {w["field"]: w["message"] for w in _bid(data, "P01")["warnings"] if w["code"] == "differs_from_tender"}
    assert messages["launch_date"].startswith("Date de lancement « 01/10/2026 » (cellule ")
    assert ", « 15/09/2026 » (cellule " in messages["launch_date"]
    assert messages["procedure"].startswith("Procédure « Appel d'offres ouvert » (cellule ")
    assert ", « Procédure adaptée » (cellule " in messages["procedure"]
    assert messages["cpv"].startswith("Code CPV « travaux » (cellule ")
    _, data_en, _ = W.check(path, tmp_path / "en", "--lang", "en")
    messages = {w["field"]: w["message"] for w in _bid(data_en, "P01")["warnings"] if w["field"] == "procedure"}
    assert messages["procedure"].startswith("Procédure “Open procedure” (cell "), messages


def test_the_terminal_names_ten_differing_values_and_counts_the_others(tmp_path):
    bids = [{"id": f"P{i:02}", "supplier_name": f"Candidat {i}", "amount": 1000 + i} for i in range(1, 13)]
    path = W.build(tmp_path / "c.xlsx", [FOOD], bids, edit=_added_column("Code CPV", dict.fromkeys(range(2, 14),
                                                                                                   "45000000")))
    result, data, _ = W.check(path, tmp_path / "o")
    named = [line for line in result.output.splitlines() if line.startswith("Attention : offre « P")]
    assert len(named) == 10
    assert named[0].startswith("Attention : offre « P01 » (Offres, ligne 2) : Code CPV « 45000000 »")
    assert ("Attention : 2 autres valeurs d'offres diffèrent de celles de leur consultation (voir la page)"
            in result.output.splitlines())
    assert sum(w["code"] == "differs_from_tender" for b in data["tenders"][0]["bids"] for w in b["warnings"]) == 12


@pytest.mark.parametrize(("own", "tender", "kept"), [
    ("90910000", "90000000", True), ("30192000", "30000000", True), ("45210000", "45000000", True),
    ("15810000", "15800000", True), ("45000000", "90000000", False), ("90000000", "90910000", False),
])
def test_a_finer_code_of_a_division_ending_in_0_is_the_bids_to_say(own, tender, kept):
    """« 90000000 ».rstrip("0") is « 9 »: a cleaning bid 90910000 under a 90000000 consultation was replaced
    and warned, where 45210000 under 45000000 was kept (session review)."""
    from procurement.check_inherit import refines

    assert refines("cpv", own, tender) is kept


def test_a_place_code_and_its_type_go_together():
    """The consultation gives « Lieu d'exécution » 13055 without a type; a bid's own « Code département » was
    kept beside it (place_type departement, place_commune 13055)."""
    from types import SimpleNamespace

    from procurement.check_inherit import inherit
    from procurement.model import Source
    from procurement.read.base import Cell, RawRecord

    tender = RawRecord(source=Source(file="c.xlsx", sheet="Consultation", row=2),
                       cells={"id": Cell("A (Référence)", "T1"), "place_code": Cell("J (Lieu)", "13055")})
    bid = RawRecord(source=Source(file="c.xlsx", sheet="Offres", row=2),
                    cells={"id": Cell("A (Référence)", "B1"), "place_type": Cell("K (Type)", "Code département")})
    order = SimpleNamespace(place_code="13055", place_type=None)
    taken = inherit(bid, tender, order, "Consultation", "Offres")
    assert taken == ("place_code",) and "place_type" not in bid.cells and bid.cells["place_code"].value == "13055"


def test_a_consultation_without_a_cpv_whose_bids_give_several_is_said(tmp_path):
    """Left alone in session 17: a consultation without a CPV let its bids be judged on their own, different
    codes (a food indicator for one, not for the other), with no word. Each bid now says so (session 18)."""
    no_cpv = {k: v for k, v in W.TENDERS[0].items() if k != "cpv"}
    path = W.build(tmp_path / "c.xlsx", [no_cpv], BIDS, edit=_added_column("Code CPV", {2: "45000000", 3: "15800000"}))
    _, data, _ = W.check(path, tmp_path / "fr")
    for bid_id, own in (("P01", "45000000"), ("P02", "15800000")):
        warning = next(w for w in _bid(data, bid_id)["warnings"] if w["code"] == "cpv_differs_between_bids")
        assert warning["value"] == own
        assert "ses offres en donnent plusieurs (15800000, 45000000)" in warning["message"]
    same = W.build(tmp_path / "s.xlsx", [no_cpv], BIDS, edit=_added_column("Code CPV", {2: "15800000", 3: "15800000"}))
    _, data, _ = W.check(same, tmp_path / "same")
    assert not any(w["code"] == "cpv_differs_between_bids" for b in data["tenders"][0]["bids"] for w in b["warnings"])
