"""Chunks packed for the workers come out equal to what went in, whatever the records hold."""

from __future__ import annotations

import datetime as dt
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.model import Rejection, Source, Warning_
from procurement.read.base import Cell, RawRecord
from procurement.transfer import pack, unpack

_VALUES = st.one_of(st.none(), st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.booleans(),
                    st.dates(), st.datetimes())
_NAMES = st.sampled_from(["id", "amount", "cpv", "buyer_name", "supplier_siret", "notification_date"])


@st.composite
def _records(draw):
    names = draw(st.lists(_NAMES, unique=True, max_size=6))
    cells = {n: Cell(draw(st.text(max_size=12)), draw(_VALUES)) for n in names}
    original = draw(st.one_of(st.none(), st.dictionaries(st.text(max_size=8), _VALUES, max_size=5)))
    source = Source(file=draw(st.sampled_from(["a.xlsx", "b.csv"])), sheet=draw(st.one_of(st.none(), st.just("S"))),
                    row=draw(st.one_of(st.none(), st.integers(1, 10**6))),
                    path=draw(st.one_of(st.none(), st.just("$.marches[3]"))),
                    merged_rows=tuple(draw(st.lists(st.integers(1, 99), max_size=2))))
    return RawRecord(source, cells, [], original)


def _rejection(row: int) -> Rejection:
    return Rejection(source=Source(file="a.csv", row=row), code="bad_amount", column="Montant", field="amount",
                     value="abc", message_fr="montant illisible", message_en="unreadable amount")


@settings(max_examples=200, deadline=None)
@given(st.lists(_records(), max_size=8))
def test_records_come_back_equal(records):
    assert unpack(pack(records)) == records


def test_shapes_are_sent_once_and_others_travel_as_they_are():
    shared = {"id": Cell("A (N°)", "BC-1"), "amount": Cell("B (Montant)", "1 234,50")}
    records = [RawRecord(Source(file="a.csv", row=r), dict(shared), [], {"N°": "BC-1", "Montant": "1 234,50"})
               for r in range(2, 6)]
    warned = RawRecord(Source(file="a.csv", row=9), dict(shared), [Warning_(
        code="duplicate_id", field="id", value="BC-1", message_fr="doublon", message_en="duplicate")], None)
    chunk = [*records, _rejection(7), warned]
    data = pack(chunk)
    shapes, items = pickle.loads(data)
    assert len(shapes) == 1  # four records, one shape
    assert [type(i).__name__ for i in items] == ["tuple"] * 4 + ["Rejection", "RawRecord"]
    assert unpack(data) == chunk
    assert len(data) < len(pickle.dumps(chunk, protocol=5))


def test_values_keep_their_types():
    record = RawRecord(Source(file="x.xlsx", sheet="S", row=3),
                       {"amount": Cell("C", 1.0), "notification_date": Cell("D", dt.datetime(2025, 1, 2)),
                        "id": Cell("A", 1)}, [], {"A": 1, "C": 1.0})
    (back,) = unpack(pack([record]))
    assert [type(c.value) for c in back.cells.values()] == [float, dt.datetime, int]
    assert back.cells["amount"].column == "C"
    assert back.original == {"A": 1, "C": 1.0}
