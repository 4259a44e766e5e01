"""RISK-02 groups of a streaming run, kept as positions (procurement.portfolio.Resolved, store.Members),
answer as the tuples and the dict of ids they replace."""

from __future__ import annotations

import random
from array import array

import pytest

from procurement import store
from procurement.ledger import Ledger
from procurement.portfolio import PortfolioFinding, Resolved


def _groups(seed: int) -> tuple[Ledger, list[PortfolioFinding]]:
    rng = random.Random(seed)
    ledger = Ledger()
    for i in range(300):
        oid = f"BC-{rng.randrange(120)}"  # ids repeat: copies, and the same id at two buyers
        ledger.add(rng.getrandbits(64), oid, "f.csv", i + 2, None, False)
    groups = []
    for g in range(25):
        positions = array("q", sorted(rng.sample(range(300), rng.randrange(2, 12))))
        if g % 5 == 0:
            positions.append(positions[0])  # an order listed twice in one group
        groups.append(PortfolioFinding(
            rule="RISK-02", buyer="b", cpv_class="30213", contract_type="fournitures", year=2025, level="eu",
            threshold=40000, total=1.0, order_ids=Resolved(positions, ledger.id),
            amounts=array("d", [1.0] * len(positions)), sources=Resolved(positions, ledger.source)))
    return ledger, groups


@pytest.mark.parametrize("seed", range(5))
def test_members_answer_as_the_dict_of_ids(seed, monkeypatch):
    ledger, groups = _groups(seed)
    expected: dict[str, list[PortfolioFinding]] = {}
    for group in groups:
        for oid in group.order_ids:
            expected.setdefault(oid, []).append(group)
    members = store.Members(groups, ledger.id)
    for position in range(len(ledger)):
        oid = ledger.id(position)
        assert [id(g) for g in members.of(oid)] == [id(g) for g in expected.get(oid, [])]
    assert {oid: [id(g) for g in gs] for oid, gs in members.by_id()} == \
        {oid: [id(g) for g in gs] for oid, gs in expected.items()}
    # Every id under one digest: the ids themselves still decide.
    monkeypatch.setattr(store, "id_digest", lambda _id: 7)
    colliding = store.Members(groups, ledger.id)
    assert [id(g) for g in colliding.of("BC-3")] == [id(g) for g in expected.get("BC-3", [])]
    assert dict(colliding.by_id()).keys() == expected.keys()


def test_resolved_columns_read_like_tuples():
    ledger, groups = _groups(1)
    group = groups[0]
    ids = tuple(ledger.id(p) for p in group.order_ids.positions)
    assert group.order_ids == ids and len(group.order_ids) == len(ids) == group.count
    assert group.order_ids[1:3] == ids[1:3] and group.order_ids[-1] == ids[-1]
    assert group.to_dict("fr")["orders"] == list(ids)
    assert group.to_dict("fr")["sources"] == [f"f.csv:{p + 2}" for p in group.order_ids.positions]
