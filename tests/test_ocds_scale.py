"""OCDS inputs whose size used to cost quadratic time: work is counted here, never timed.

A release with n lots, items, awards and contracts once walked the tender items, the bid statistics
and the parties for each of its n orders; n releases of one ocid once copied and re-indexed the
growing awards and contracts at each merge. These tests count the work and check the results did
not move (the same orders, paths and values, the same merge of odd or duplicate ids).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from procurement.read import ocds_fields, ocds_merge, ocds_release
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.ocds import OcdsReader, compile_releases

CPV = "45000000-7"
BUYER = {"id": "B", "name": "Métropole", "roles": ["buyer"],
         "identifier": {"scheme": "FR-SIRET", "id": "20005478100022"}}


def _read(tmp_path: Path, doc: dict) -> list[dict[str, tuple[str, Any]]]:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = []
    for x in OcdsReader().read(path, ReadOptions(), InputInfo(path=str(path), format="ocds")):
        assert isinstance(x, RawRecord), x
        out.append({k: (c.column, c.value) for k, c in x.cells.items()})
    return out


def _lots_release(n: int) -> dict:
    """n lots, each with its item, award, contract and bid count; the buyer only among the parties."""
    parties = [{"id": f"S{i}", "name": f"Fournisseur {i}", "roles": ["supplier"]} for i in range(n)]
    return {"releases": [{
        "ocid": "ocds-t-1", "id": "r1", "date": "2025-03-01T00:00:00Z", "parties": [*parties, BUYER],
        "tender": {"title": "Accord-cadre", "lots": [{"id": str(i)} for i in range(n)],
                   "items": [{"id": str(i), "relatedLot": str(i), "classification": {"scheme": "CPV", "id": CPV},
                              "deliveryAddress": {"postalCode": f"{13000 + i}"}} for i in range(n)]},
        "awards": [{"id": f"A{i}", "relatedLots": [str(i)], "suppliers": [{"id": f"S{i}"}]} for i in range(n)],
        "contracts": [{"id": f"C{i}", "awardID": f"A{i}"} for i in range(n)],
        "bids": {"statistics": [{"id": str(i), "measure": "bids", "value": i + 1, "relatedLot": str(i)}
                                for i in range(n)]}}]}


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("n", [5, 40])
def test_tender_items_bids_and_parties_are_read_once_per_release_not_once_per_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    cpv = _spy(monkeypatch, ocds_fields, "_item_cpv")
    place = _spy(monkeypatch, ocds_fields, "_item_place")
    bids = _spy(monkeypatch, ocds_fields, "_bids_count")
    buyer = _spy(monkeypatch, ocds_release.Release, "_find_buyer")
    builds = _spy(monkeypatch, ocds_release, "FirstByLot")
    orders = _read(tmp_path, _lots_release(n))
    assert len(orders) == n
    # Each tender item and bid statistic looked at once: n, where every order walking them made n².
    assert (len(cpv), len(place), len(bids)) == (n, n, n)
    assert len(buyer) == 1
    assert len(builds) == 3  # items for the CPV, items for the place, bid statistics
    for i, order in enumerate(orders):
        assert order["cpv"] == (f"releases[0].tender.items[{i}].classification.id", CPV)
        assert order["place_code"] == (f"releases[0].tender.items[{i}].deliveryAddress.postalCode", f"{13000 + i}")
        assert order["offers_received"] == (f"releases[0].bids.statistics[{i}].value", i + 1)
        assert order["buyer_name"] == (f"releases[0].parties[{n}].name", "Métropole")
        assert order["supplier_name"] == (f"releases[0].parties[{i}].name", f"Fournisseur {i}")


def _mixed_release() -> dict:
    """Lots with str and int ids, items without relatedLot, duplicate ids, a contract without awardID."""
    mx = {"postalCode": "01210", "countryName": "Mexico"}
    return {"releases": [{
        "ocid": "ocds-t-2", "id": "r1", "date": "2025-03-01T00:00:00Z",
        "tender": {"title": "Travaux", "numberOfTenderers": 12,
                   "lots": [{"id": "L1"}, {"id": 2}, {"id": "L3"}],
                   "items": [
                       {"id": "i0", "relatedLot": "L3", "classification": {"scheme": "CPV", "id": "33000000-0"},
                        "deliveryAddress": {"postalCode": "13003"}},
                       {"id": "i1", "classification": {"scheme": "UNSPSC", "id": "x"}, "deliveryAddress": mx},
                       {"id": "i2", "relatedLot": "2", "classification": {"scheme": "CPV", "id": CPV}},
                       {"id": "i3", "relatedLot": "L1", "deliveryAddress": {"postalCode": "75001"}},
                       {"id": "i4", "classification": {"scheme": "CPV", "id": "71000000-8"},
                        "deliveryLocation": {"address": {"postalCode": "69001"}}},
                       {"id": "i4", "relatedLot": "L1", "classification": {"scheme": "CPV", "id": "30000000-9"}}]},
        "awards": [{"id": "A1", "relatedLots": ["L1"]},
                   {"id": 2, "items": [{"id": "x", "relatedLot": 2}]},
                   {"id": "A1", "relatedLots": ["L3"], "title": "a duplicate id: never an order"},
                   {"id": "A4", "relatedLots": ["L3"]}],
        "contracts": [{"id": "C1", "awardID": "A1"}, {"id": "C2", "awardID": 2}, {"id": "C3"},
                      {"id": "C1", "awardID": "A1", "items": [{"id": "own", "classification":
                                                              {"scheme": "cpv", "id": "09000000-3"}}]}],
        "bids": {"statistics": [{"measure": "bids", "value": 4, "relatedLot": "L3"},
                                {"measure": "validBids", "value": 9, "relatedLot": "L1"},
                                {"measure": "bids", "value": 5, "relatedLot": "L1"},
                                {"measure": "bids", "value": 7},
                                {"measure": "bids", "value": 6, "relatedLot": 2}]}}]}


def test_orders_of_a_mixed_release_keep_their_values_and_paths(tmp_path: Path) -> None:
    orders = _read(tmp_path, _mixed_release())
    items = "releases[0].tender.items"
    got = [(o["id"][1], o.get("cpv"), o.get("place_code"), o.get("offers_received")) for o in orders]
    assert got == [
        # Lot L1: its items and those without relatedLot, first in file order.
        ("ocds-t-2/C1", (f"{items}[4].classification.id", "71000000-8"),
         (f"{items}[3].deliveryAddress.postalCode", "75001"), ("releases[0].bids.statistics[2].value", 5)),
        # Award 2 (int id) for lot 2 (int id) through its items' relatedLot; item "2" is the lot's.
        ("ocds-t-2/C2", (f"{items}[2].classification.id", CPV),
         (f"{items}[4].deliveryLocation.address.postalCode", "69001"), ("releases[0].bids.statistics[4].value", 6)),
        # No award, three lots: every item counts; no lot, so neither a lot's count nor the tender's.
        ("ocds-t-2/C3", (f"{items}[0].classification.id", "33000000-0"),
         (f"{items}[0].deliveryAddress.postalCode", "13003"), None),
        # The contract's own item comes first; the place still from the lot's items.
        ("ocds-t-2/C1", ("releases[0].contracts[3].items[0].classification.id", "09000000-3"),
         (f"{items}[3].deliveryAddress.postalCode", "75001"), ("releases[0].bids.statistics[2].value", 5)),
        ("ocds-t-2/A4", (f"{items}[0].classification.id", "33000000-0"),
         (f"{items}[0].deliveryAddress.postalCode", "13003"), ("releases[0].bids.statistics[0].value", 4)),
    ]


def test_a_consultation_without_lots_falls_back_to_the_tender(tmp_path: Path) -> None:
    doc = {"releases": [{
        "ocid": "ocds-t-3", "id": "r1", "date": "2025-03-01T00:00:00Z",
        "tender": {"title": "Étude", "classification": {"scheme": "CPV", "id": "71000000-8"},
                   "items": [{"id": 1, "relatedLot": "nowhere", "classification": {"scheme": "UNSPSC", "id": "1"}}],
                   "deliveryAddresses": [{"postalCode": "01210", "countryName": "Mexico"}, "junk",
                                         {"postalCode": "59000"}]},
        "bids": {"statistics": [{"measure": "bids", "value": 3, "relatedLot": "X"}, {"measure": "bids", "value": 2}]}}]}
    [order] = _read(tmp_path, doc)
    assert order["id"] == ("releases[0].ocid", "ocds-t-3")
    assert order["cpv"] == ("releases[0].tender.classification.id", "71000000-8")
    assert order["place_code"] == ("releases[0].tender.deliveryAddresses[2].postalCode", "59000")
    assert order["offers_received"] == ("releases[0].bids.statistics[1].value", 2)


def _reference_merge(target: dict, src: dict) -> dict:
    """The routine as first written: copies the array and rebuilds its index at every merge (O(n²))."""
    for key, value in src.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = _reference_merge(dict(current) if isinstance(current, dict) else {}, value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            current = target.get(key)
            merged: list[dict] = list(current) if isinstance(current, list) else []
            index = {str(v.get("id")): i for i, v in enumerate(merged) if isinstance(v, dict)}
            for v in value:
                i = index.get(str(v["id"]))
                if i is None:
                    index[str(v["id"])] = len(merged)
                    merged.append(_reference_merge({}, v))
                else:
                    merged[i] = _reference_merge(dict(merged[i]), v)
            target[key] = merged
        else:
            target[key] = value
    return target


def _reference_compile(releases: list[dict]) -> dict:
    compiled: dict = {}
    for r in sorted(releases, key=lambda r: ocds_merge.moment(r.get("date"))):
        compiled = _reference_merge(compiled, {k: v for k, v in r.items() if k not in ("id", "tag")})
    compiled["tag"] = ["compiled"]
    return compiled


def _rel(i: int, **fields: Any) -> dict:
    return {"ocid": "o", "id": f"r{i}", "date": f"2025-01-0{i % 9 + 1}", **fields}


MERGE_CASES = {
    "int_and_str_ids_are_one_object": [_rel(0, awards=[{"id": 1, "a": 1}]), _rel(1, awards=[{"id": "1", "b": 2}])],
    "float_id_is_another": [_rel(0, awards=[{"id": 1, "a": 1}]), _rel(1, awards=[{"id": 1.0, "b": 2}])],
    "duplicates_in_one_release": [_rel(0, awards=[{"id": "a", "x": 1}, {"id": "a", "y": 2}, {"id": "b"}]),
                                  _rel(1, awards=[{"id": "a", "z": 3}])],
    "list_without_ids_replaced_then_merged": [
        _rel(0, awards=[{"id": "a"}, {"id": "a", "x": 1}, 3]), _rel(1, awards=[{"id": "a", "y": 2}]),
        _rel(2, awards=[{"id": "a", "z": 3}, {"id": None, "n": 1}]), _rel(3, awards=[{"id": "None", "m": 2}])],
    "null_removes_and_empty_list_replaces": [
        _rel(0, tender={"a": 1, "b": {"c": 2}}, awards=[{"id": "a", "v": 1}]),
        _rel(1, tender={"a": None, "b": {"d": 3}}, awards=[{"id": "a", "v": None}]), _rel(2, contracts=[]),
        _rel(3, awards=None, contracts=[{"id": 1}])],
    "an_id_that_changes_shape_when_merged": [
        _rel(0, awards=[{"id": {"a": None}, "v": 1}]), _rel(1, awards=[{"id": {"a": None}, "v": 2}]),
        _rel(2, awards=[{"id": {}, "v": 3}])],
    "nested_arrays_and_dates_out_of_order": [
        _rel(5, awards=[{"id": "a", "items": [{"id": 1, "q": 1}]}]),
        _rel(1, awards=[{"id": "a", "items": [{"id": "1", "p": 2}, {"id": 2}]}, {"id": "b"}]),
        {"ocid": "o", "id": "undated", "awards": [{"id": "b", "w": 1}]}],
}


@pytest.mark.parametrize("name", MERGE_CASES)
def test_compiled_release_is_the_reference_merge(name: str) -> None:
    releases = MERGE_CASES[name]
    before = copy.deepcopy(releases)
    got = compile_releases(releases)
    assert json.dumps(got) == json.dumps(_reference_compile(copy.deepcopy(releases)))  # key order too
    assert releases == before  # the releases themselves are never changed
    again = compile_releases(releases)
    assert json.dumps(again) == json.dumps(got)


def test_merging_n_releases_indexes_each_array_once(monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _spy(monkeypatch, ocds_merge, "_index_of")
    dicts = _spy(monkeypatch, ocds_merge._Compiler, "new_dict")
    counts = {}
    for n in (10, 20, 40):
        builds.clear()
        dicts.clear()
        releases = [_rel(0, tender={"id": "T", "title": "t"}, parties=[BUYER, {"id": f"S{i}"}],
                         awards=[{"id": f"A{i}", "value": {"amount": i}}],
                         contracts=[{"id": f"C{i}", "awardID": f"A{i}"}]) for i in range(n)]
        compiled = compile_releases(releases)
        assert [a["id"] for a in compiled["awards"]] == [f"A{i}" for i in range(n)]
        assert json.dumps(compiled) == json.dumps(_reference_compile(releases))
        counts[n] = (len(builds), len(dicts))
    # One index per array (parties, awards, contracts) whatever n: it was one per array per release.
    assert [c[0] for c in counts.values()] == [3, 3, 3]
    # Objects made grow by the same step per release: linear work, no copy of what is already merged.
    assert counts[40][1] - counts[20][1] == 2 * (counts[20][1] - counts[10][1])
