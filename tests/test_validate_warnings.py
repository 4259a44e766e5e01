"""Values kept but flagged by validation (procurement.validate), as the DECP notes recommend: amounts
above a billion euros, essential data published before the contract was notified; and values set aside
with a warning rather than rejecting the row (a canton as place type, allowed by DECP)."""

from __future__ import annotations

import pytest

from procurement.model import Order, Source
from procurement.read.base import Cell, RawRecord
from procurement.validate import validate


def _order(**cells: object) -> Order:
    values = {"id": "M1", **cells}
    record = RawRecord(Source(file="t.csv", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    order = validate(record)
    assert isinstance(order, Order), order
    return order


def _codes(order: Order) -> list[str]:
    return [w.code for w in order.warnings]


@pytest.mark.parametrize(("amount", "kept", "codes"), [
    ("1 500 000 000,00", 1_500_000_000.0, ["implausible_amount"]),
    ("999 999 998", 999_999_998.0, []),
    ("1000000000", 1_000_000_000.0, []),
    ("999 999 999", None, ["placeholder_amount"]),  # a placeholder stays unknown, as before
    ("12 500 000 000", None, ["placeholder_amount"]),  # above 10 billion: unknown
])
def test_an_amount_above_a_billion_is_kept_and_flagged(amount, kept, codes):
    order = _order(amount=amount)
    assert order.amount == kept and _codes(order) == codes
    if codes == ["implausible_amount"]:
        warning = order.warnings[0]
        assert warning.column == "amount column" and warning.value == amount
        assert "milliard" in warning.message_fr and "billion" in warning.message_en


@pytest.mark.parametrize(("published", "codes"), [("01/03/2024", ["publication_before_notification"]),
                                                  ("15/03/2024", []), ("02/05/2024", [])])
def test_essential_data_published_before_notification_is_flagged(published, codes):
    order = _order(notification_date="15/03/2024", publication_date=published)
    assert _codes(order) == codes


def test_a_publication_date_alone_is_not_flagged():
    assert _codes(_order(publication_date="01/03/2024")) == []


@pytest.mark.parametrize(("cells", "field", "code"), [
    ({"place_type": "Code canton", "place_code": "1301", "amount": "45 000"}, "place_type", "unsupported_place_type"),
    ({"publication_date": "5021-02-18", "amount": "45 000"}, "publication_date", "implausible_date"),
])
def test_a_canton_or_an_unreadable_publication_date_is_set_aside_not_the_row(cells, field, code):
    order = _order(notification_date="15/03/2024", **cells)
    assert getattr(order, field) is None and order.notification_date is not None
    warning = next(w for w in order.warnings if w.code == code)
    assert warning.field == field
    assert "(valeur ignorée)" in warning.message_fr and "(value ignored)" in warning.message_en


def test_a_negative_amount_still_rejects_its_row():
    values = {"id": "M1", "amount": "-3 450,00"}
    record = RawRecord(Source(file="t.csv", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    assert validate(record).code == "negative_amount"  # a credit note entered as an order


def test_a_rejected_row_names_every_unreadable_cell_not_only_the_first():
    values = {"id": "C1", "amount": "450 k€", "launch_date": "32/02/2026", "organic_share": "150",
              "procedure": "au hasard"}
    record = RawRecord(Source(file="c.xlsx", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    rejection = validate(record)
    assert rejection.code == "not_a_number" and rejection.column == "amount column"  # the first, as before
    fr, en = rejection.message("fr"), rejection.message("en")
    for column in ("launch_date column", "organic_share column", "procedure column"):
        assert f"colonne {column} :" in fr and f"column {column}:" in en
    assert fr.count("à corriger aussi") == 1


@pytest.mark.parametrize(("cells", "fr_end", "en_end"), [(3, " ; et 1 autre", "; and 1 more"),
                                                       (4, " ; et 2 autres", "; and 2 more")])
def test_the_cells_not_named_are_counted_in_agreed_words(monkeypatch, cells, fr_end, en_end):
    import procurement.validate

    monkeypatch.setattr(procurement.validate, "MORE_ERRORS", 1)  # the first cell, one named, the rest counted
    values = {"id": "C1", "amount": "450 k€", "launch_date": "32/02/2026", "organic_share": "150",
              "procedure": "au hasard"}
    values = dict(list(values.items())[:1 + cells])
    record = RawRecord(Source(file="c.xlsx", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    rejection = validate(record)
    assert rejection.message("fr").endswith(fr_end) and rejection.message("en").endswith(en_end)


def test_a_row_with_one_unreadable_cell_reads_as_before():
    values = {"id": "C1", "amount": "à définir"}
    record = RawRecord(Source(file="c.xlsx", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    assert "à corriger aussi" not in validate(record).message("fr")


@pytest.mark.parametrize(("cpv", "codes"), [("90910000-1", ["cpv_check_digit"]), ("90910000-9", []),
                                            ("90910000", [])])
def test_a_cpv_check_digit_that_does_not_match_the_nomenclature_is_flagged(cpv, codes):
    from procurement.reference import cpv_known

    values = {"id": "C1", "cpv": cpv}
    record = RawRecord(Source(file="c.xlsx", row=2), {k: Cell(f"{k} column", v) for k, v in values.items()})
    order = validate(record, cpv_known)
    assert order.cpv == "90910000" and [w.code for w in order.warnings] == codes
