"""The parent's compact record of every order (procurement.ledger) against the plain dict it replaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from procurement.ledger import Ledger

entries = st.lists(st.tuples(
    st.integers(0, 6),  # few distinct keys: many repeated ids
    st.integers(0, 2),  # amount and date: a copy when they repeat with the key
    st.text(max_size=8),
    st.sampled_from(["a.csv", "b.xlsx", "décp.json"]),
    st.one_of(st.none(), st.integers(1, 10**7)),
    st.one_of(st.none(), st.text(max_size=12)),
    st.booleans(),
), max_size=60)


@given(entries)
def test_ledger_answers_as_a_dict_of_every_order_would(rows):
    ledger = Ledger()
    seen: dict[object, str] = {}
    expected: dict[int, tuple[str, bool]] = {}
    for position, (key, content, oid, file, row, path, flagged) in enumerate(rows):
        copy = hash((key, content))  # as procurement.order_identity.copy_key: the key is part of the digest
        assert ledger.add(key, copy, oid, file, row, path, flagged) == position
        location = f"{file}:{row or path}"
        first, original = seen.get(key), seen.get(("copy", copy))
        seen.setdefault(key, location)
        seen.setdefault(("copy", copy), location)
        if first is None:
            continue
        if original is not None:
            expected[position] = (original, True)
        elif not flagged:
            expected[position] = (first, False)
    assert ledger.duplicates() == expected
    for position, (_key, _content, oid, file, row, path, _flagged) in enumerate(rows):
        assert ledger.id(position) == oid
        assert ledger.location(position) == f"{file}:{row or path}"
        where = row if row is not None else path
        assert ledger.source(position) == (f"{file}:{where}" if where is not None else file)


def test_surrogates_in_ids_survive():
    ledger = Ledger()
    ledger.add(1, 1, "bad\udcffid", "f.csv", 2, None, False)
    assert ledger.id(0) == "bad\udcffid"


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


def test_columns_grow_past_four_bytes():
    """Rows and the ids' ends take 4 bytes each until a value needs 8."""
    ledger = Ledger()
    ledger.add(1, 1, "a", "f.csv", 2, None, False)
    assert (ledger.rows.itemsize, ledger._id_ends.itemsize) == (4, 4)
    ledger.add(2, 2, "b", "f.csv", 2**40, None, False)
    from procurement.ledger import _grown

    ends = _grown(ledger._id_ends, 2**33, "Q")
    assert ledger.rows.itemsize == 8 and ends.itemsize == 8 and list(ends) == [1, 2, 2**33]
    assert ledger.location(1) == f"f.csv:{2**40}" and ledger.id(1) == "b" and ledger.location(0) == "f.csv:2"
