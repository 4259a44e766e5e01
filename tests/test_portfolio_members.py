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
        oid, buyer = f"BC-{rng.randrange(120)}", rng.choice(["Métropole", "Commune d'Aubagne"])
        # Ids repeat: copies at one buyer (same key and content), another order under the same id (same key,
        # another amount or date), and the same id at another buyer (another key).
        key = hash((buyer, oid)) & 0xFFFFFFFFFFFFFFFF
        ledger.add(key, hash((key, rng.randrange(2))), oid, "f.csv", i + 2, None, False)
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
def test_members_are_the_groups_listing_the_order_or_a_copy_of_it(seed):
    ledger, groups = _groups(seed)
    expected: dict[tuple[int, str], list[PortfolioFinding]] = {}  # (copy digest, id) -> groups, each once
    for group in groups:
        for p in group.order_ids.positions:
            listed = expected.setdefault((ledger.copies[p], ledger.id(p)), [])
            if group not in listed:
                listed.append(group)
    members = store.Members(groups, ledger)
    shared_elsewhere = other_order = 0
    for position in range(len(ledger)):
        mine = expected.get((ledger.copies[position], ledger.id(position)), [])
        assert [id(g) for g in members.of(position, ledger.id(position))] == [id(g) for g in mine]
        # The same id at another buyer, or another order under it at this buyer, is not concerned.
        shared_elsewhere += not mine and any(oid == ledger.id(position) for _k, oid in expected)
        other_order += not mine and any(ledger.keys[p] == ledger.keys[position] for g in groups
                                        for p in g.order_ids.positions)
    assert shared_elsewhere and other_order  # the cases happened
    assert sorted((oid, [id(g) for g in gs]) for oid, gs in members.by_order()) == \
        sorted((oid, [id(g) for g in gs]) for (_k, oid), gs in expected.items())
    # Two orders under one digest: the ids themselves still decide.
    ledger.copies = array("q", [7] * len(ledger.copies))
    colliding = store.Members(groups, ledger)
    position = groups[0].order_ids.positions[0]
    same_id = {id(g) for (_k, oid), gs in expected.items() if oid == ledger.id(position) for g in gs}
    assert sorted(map(id, colliding.of(position, ledger.id(position)))) == sorted(same_id)


@pytest.mark.parametrize("copies", [3, store._MANY + 5])
def test_an_id_many_orders_share_gets_each_group_once(copies):
    """One order read many times: each copy gets each group listing it once, not once per copy (copies of
    orders in a group were k verdicts each, k squared in all); past _MANY copies the answer is kept, the
    same. Another order under the same id (another amount or date) is not told."""
    ledger = Ledger()
    for i in range(copies + 2):
        oid = "NC" if i < copies else f"BC-{i}"
        key = hash(("b", oid)) & 0xFFFFFFFFFFFFFFFF
        ledger.add(key, hash((key, 0)), oid, "f.csv", i + 2, None, False)
    ledger.add(hash(("b", "NC")) & 0xFFFFFFFFFFFFFFFF, 1, "NC", "f.csv", copies + 4, None, False)
    groups = [PortfolioFinding(
        rule="RISK-02", buyer="b", cpv_class=cls, contract_type="fournitures", year=2025, level="eu",
        threshold=40000, total=1.0, order_ids=Resolved(array("q", positions), ledger.id),
        amounts=array("d", [1.0] * len(positions)), sources=Resolved(array("q", positions), ledger.source))
        for cls, positions in (("30213", [*range(copies), copies]), ("30214", [0, copies + 1]))]
    members = store.Members(groups, ledger)
    for position in range(copies):
        assert [id(g) for g in members.of(position, "NC")] == [id(g) for g in groups]
    assert [id(g) for g in members.of(copies, f"BC-{copies}")] == [id(groups[0])]
    assert members.of(copies + 2, "NC") == []
    assert dict((oid, [id(g) for g in gs]) for oid, gs in members.by_order())["NC"] == [id(g) for g in groups]


def test_resolved_columns_read_like_tuples():
    ledger, groups = _groups(1)
    group = groups[0]
    ids = tuple(ledger.id(p) for p in group.order_ids.positions)
    assert group.order_ids == ids and len(group.order_ids) == len(ids) == group.count
    assert group.order_ids[1:3] == ids[1:3] and group.order_ids[-1] == ids[-1]
    assert group.to_dict("fr")["orders"] == list(ids)
    assert group.to_dict("fr")["sources"] == [f"f.csv:{p + 2}" for p in group.order_ids.positions]


def test_an_order_of_another_buyer_with_the_same_id_is_not_told(tmp_path):
    """DECP ids are unique per buyer only: "BC-1" of a commune is not an order of the Métropole's group."""
    from procurement.commands import load_rules
    from procurement.pipeline import run

    lines = ["Identifiant;Acheteur;Objet;Montant HT;Code CPV;Date de notification;Procédure",
             "BC-1;Métropole;Ramettes;30000;30192000;15/03/2025;", "BC-2;Métropole;Ramettes;30000;30192000;16/03/2025;",
             "BC-3;Métropole;Ramettes;30000;30192000;17/03/2025;",
             "BC-1;Commune d'Aubagne;Travaux de voirie;1000;45233140;15/03/2025;"]
    source = tmp_path / "orders.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run([source], load_rules(None, [], []))
    (group,) = [g for g in result.portfolio if g.buyer == "Métropole"]
    assert list(group.order_ids) == ["BC-1", "BC-2", "BC-3"]
    told = {(s.order.buyer_name, s.order.id) for s in result.orders if any(f.rule == "RISK-02" for f in s.findings)}
    assert told == {("Métropole", "BC-1"), ("Métropole", "BC-2"), ("Métropole", "BC-3")}


def test_another_order_under_the_same_id_is_not_told_but_a_copy_is(tmp_path):
    """« NC » twice at the Métropole: the second, of another amount and object, is another order and is not
    told of the group of the first; a copy of BC-2 (same amount and date) is."""
    from procurement.commands import load_rules
    from procurement.pipeline import run

    lines = ["Identifiant;Acheteur;Objet;Montant HT;Code CPV;Date de notification;Procédure",
             "NC;Métropole;Ramettes;30000;30192000;15/03/2025;", "BC-2;Métropole;Ramettes;30000;30192000;16/03/2025;",
             "BC-3;Métropole;Ramettes;30000;30192000;17/03/2025;",
             "NC;Métropole;Travaux de voirie;1000;45233140;20/05/2025;",
             "BC-2;Métropole;Ramettes;30000;30192000;16/03/2025;"]
    source = tmp_path / "orders.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run([source], load_rules(None, [], []))
    (group,) = result.portfolio
    assert list(group.order_ids) == ["NC", "BC-2", "BC-3"]
    told = [(s.order.id, s.order.object) for s in result.orders if any(f.rule == "RISK-02" for f in s.findings)]
    assert told == [("NC", "Ramettes"), ("BC-2", "Ramettes"), ("BC-3", "Ramettes"), ("BC-2", "Ramettes")]
