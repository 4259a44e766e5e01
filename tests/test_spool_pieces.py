"""The findings' pieces a chunk gives once (procurement.spool_pieces) come back whole, in any order."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from procurement.spool_pieces import new_table, refer, resolve

PIECES = st.one_of(st.none(), st.binary(max_size=6), st.tuples(st.text(max_size=3), st.text(max_size=3)),
                   st.lists(st.integers(), max_size=2))  # a list: unhashable, given whole


@given(st.lists(st.lists(st.lists(PIECES, max_size=8), max_size=6), max_size=4))
def test_chunks_of_orders_come_back_as_they_were_prepared(chunks):
    """Chunks of orders, each order a list of pieces: written with a table per chunk, pickled as a blob
    each, replayed in order with one table restarted at each chunk's first blob."""
    blobs = []
    for chunk in chunks:
        table = new_table()
        for k, order in enumerate(chunk):
            blobs.append(pickle.dumps(("fr", refer(order, table), k == 0)))
    replayed, table_back = [], []
    for blob in blobs:
        _lang, items, fresh = pickle.loads(blob)
        if fresh:
            table_back[:] = [None]
        replayed.append(list(resolve(items, table_back)))
    assert replayed == [order for chunk in chunks for order in chunk]


def test_a_piece_met_again_is_its_number_and_smaller():
    piece = b'{"rule":"ENV-01","status":"insufficient_data","evidence":[]}' * 3
    table = new_table()
    first, second = refer([piece, None, piece], table), refer([piece, (b"x",)], table)
    assert first == ((piece,), (1, 0, 1)) and second == (((b"x",),), (1, 2))
    assert len(pickle.dumps(second)) < len(piece) // 2
    back: list = [None]
    assert resolve(first, back) == (piece, None, piece) and resolve(second, back) == (piece, (b"x",))
