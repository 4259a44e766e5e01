"""The parent's compact record of every order (procurement.ledger) against the plain dict it replaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from procurement.ledger import Ledger

entries = st.lists(st.tuples(
    st.integers(0, 6),  # few distinct keys: many repeated ids
    st.text(max_size=8),
    st.sampled_from(["a.csv", "b.xlsx", "décp.json"]),
    st.one_of(st.none(), st.integers(1, 10**7)),
    st.one_of(st.none(), st.text(max_size=12)),
    st.booleans(),
), max_size=60)


@given(entries)
def test_ledger_answers_as_a_dict_of_every_order_would(rows):
    ledger = Ledger()
    seen: dict[int, str] = {}
    expected: dict[int, str] = {}
    for position, (key, oid, file, row, path, flagged) in enumerate(rows):
        assert ledger.add(key, oid, file, row, path, flagged) == position
        location = f"{file}:{row or path}"
        first = seen.get(key)
        if first is None:
            seen[key] = location
        elif not flagged:
            expected[position] = first
    assert ledger.duplicates() == expected
    for position, (_key, oid, file, row, path, _flagged) in enumerate(rows):
        assert ledger.id(position) == oid
        assert ledger.location(position) == f"{file}:{row or path}"
        where = row if row is not None else path
        assert ledger.source(position) == (f"{file}:{where}" if where is not None else file)


def test_surrogates_in_ids_survive():
    ledger = Ledger()
    ledger.add(1, "bad\udcffid", "f.csv", 2, None, False)
    assert ledger.id(0) == "bad\udcffid"
