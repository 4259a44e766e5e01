"""The streaming ledger tells a copy of an order (same buyer, id, amount and dates) from another row that
reuses its id: only a copy is set aside from the summary, so the two must not be confused."""

from __future__ import annotations

from procurement.ledger import Ledger


def _ledger(rows: list[tuple[int, int, bool]]) -> Ledger:
    ledger = Ledger()
    for i, (key, copy, flagged) in enumerate(rows):
        ledger.add(key, copy, f"id-{key}", "f.csv", i + 2, None, flagged)
    return ledger


def test_copies_name_the_row_they_copy_and_reused_ids_the_first_row_of_the_id():
    ledger = _ledger([(1, 10, False), (1, 11, False), (2, 20, False), (1, 11, False), (1, 10, False)])
    assert ledger.duplicates() == {
        1: ("f.csv:2", False),  # id 1 again, another amount: counted
        3: ("f.csv:3", True),  # a copy of row 3, not of the id's first row
        4: ("f.csv:2", True),
    }


def test_a_row_its_reader_flagged_is_left_to_the_reader_unless_it_is_a_copy():
    ledger = _ledger([(1, 10, False), (1, 11, True), (1, 10, True)])
    assert ledger.duplicates() == {2: ("f.csv:2", True)}


def test_no_repeated_id_no_duplicates():
    assert _ledger([(1, 10, False), (2, 10, False)]).duplicates() == {}
