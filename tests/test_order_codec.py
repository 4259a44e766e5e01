"""Orders kept as their values in the spool (procurement.order_codec) come back equal, fields set included."""

from __future__ import annotations

import pickle
from pathlib import Path

from procurement.commands import load_rules
from procurement.model import Order, Source, Warning_
from procurement.order_codec import pack, unpack
from procurement.pipeline import process
from procurement.read import read_file

ROOT = Path(__file__).resolve().parent.parent


class Special(Order):
    """Pickled as a model: the codec knows Order's fields only."""


def _same(a: Order, b: Order) -> None:
    assert a == b and a.__dict__ == b.__dict__ and type(a) is type(b)
    assert a.model_fields_set == b.model_fields_set
    assert a.source == b.source and a.source.model_fields_set == b.source.model_fields_set
    assert [w.model_fields_set for w in a.warnings] == [w.model_fields_set for w in b.warnings]
    assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)


def _round_trip(order: Order) -> Order:
    return unpack(pickle.loads(pickle.dumps(pack(order), protocol=5)))


def test_every_sample_order_comes_back_equal():
    book = load_rules(None, [], [])
    orders: list = []
    for name in ("commandes-2025.csv", "decp-2024-bretagne.json"):
        _info, records = read_file(ROOT / "samples" / name, None, None)
        process(records, book, orders, [])
    assert len(orders) > 200 and any(s.order.warnings for s in orders) and any(s.order.origins for s in orders)
    for scored in orders:
        _same(_round_trip(scored.order), scored.order)


def test_a_hand_made_order_with_nested_models_and_a_subclass():
    order = Order(id="A-1", amount=12.5, env_considerations=("clause", "criterion"),
                  source=Source(file="f.json", path="$.marches[3]", merged_rows=(4, 5)),
                  warnings=(Warning_(code="x", message_fr="é", message_en="e"),), origins={"amount": "order"})
    back = _round_trip(order)
    _same(back, order)
    assert back.model_fields_set == {"id", "amount", "env_considerations", "source", "warnings", "origins"}

    special = Special(id="B", source=Source(file="f"))
    assert pack(special) is special  # another class is pickled as a model
    _same(_round_trip(special), special)
