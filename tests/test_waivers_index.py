"""Waivers looked up by order id (procurement.waivers_set.WaiverIndex): the same waivers, in the same
order, as trying every waiver on the order; exact ids are one look-up, so a file of one waiver per order
stays linear."""

from __future__ import annotations

import datetime as dt
import fnmatch

from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.waivers import apply_waivers
from procurement.waivers_file import WaiverEntry
from procurement.waivers_set import Waiver, WaiverIndex, WaiverSet

IDS = ["BC25-001", "BC25-002", "BC25-010", "25M0054", "BC[1]", "X?", "*-001", "[*]1", "A*B]1"]
PATTERNS = ["BC25-*", "BC25-00?", "*", "BC[12]*", "25M*", "BC[1]", "X?", "[!B]*", "*-001", "*0", "B*1", "*[0]",
            "[*]1", "BC*-0*1", "*2*", "A*B]1", "*B]1", "BC25-0*0"]


def _waiver(k: int, order: str, rule: str = "ENV") -> Waiver:
    entry = WaiverEntry(order=order, rule=rule, justification="Dérogation motivée", author="Acheteur",
                        date=dt.date(2025, 1, 1))
    return Waiver(entry, k, f"w.yaml:{k + 1}:3")


def _brute(pool: list[Waiver], order_id: str) -> list[Waiver]:
    return [w for w in pool if w.order == order_id or fnmatch.fnmatchcase(order_id, w.order)]


@settings(max_examples=200, deadline=None)
@given(orders=st.lists(st.sampled_from(IDS + PATTERNS), max_size=12),
       order_id=st.sampled_from([*IDS, "Z", "", "BC", "BC2", "BC25-", "X", "1", "-001", "0"]))
def test_candidates_are_the_waivers_matching_the_order_in_file_order(orders, order_id):
    pool = [_waiver(k, o) for k, o in enumerate(orders)]
    assert WaiverIndex(pool).candidates(order_id) == _brute(pool, order_id)


def test_a_waiver_per_order_is_one_look_up_each(monkeypatch):
    pool = [_waiver(k, f"W{k:06d}") for k in range(5000)] + [_waiver(5000, "Z*")]
    tried: list = []
    real = fnmatch.fnmatchcase
    monkeypatch.setattr(fnmatch, "fnmatchcase", lambda name, pat: tried.append(pat) or real(name, pat))
    index = WaiverSet(tuple(pool)).index()
    for k in range(0, 5000, 7):
        assert [w.index for w in index.candidates(f"W{k:06d}")] == [k]
    assert tried == []  # neither the 5,000 ids nor "Z*", whose head no W... id begins with
    assert [w.index for w in index.candidates("Zeta")] == [5000]


def test_a_pattern_per_order_is_tried_only_on_the_ids_it_may_match(monkeypatch):
    pool = [_waiver(k, f"W{k:05d}-*") for k in range(2000)] + [_waiver(2000, "*-1"), _waiver(2001, "W0001?-2")]
    tried: list = []
    real = fnmatch.fnmatchcase
    monkeypatch.setattr(fnmatch, "fnmatchcase", lambda name, pat: tried.append(pat) or real(name, pat))
    index = WaiverIndex(pool)
    assert [w.index for w in index.candidates("W00012-1")] == [12, 2000]
    assert [w.index for w in index.candidates("W00012-2")] == [12, 2001]
    # "*-1" only on the id ending with "-1"; "W0001?-2" on both (its head "W0001" begins each)
    assert sorted(tried) == sorted(["W00012-*", "*-1", "W0001?-2", "W00012-*", "W0001?-2"])


def test_apply_waivers_takes_an_index_a_set_or_a_list_alike():
    class F:
        def __init__(self, rule, status):
            self.rule, self.status = rule, status

    pool = [_waiver(0, "BC25-*", "ENV"), _waiver(1, "BC25-001", "SOC")]
    findings = [F("ENV-01", "fail"), F("SOC-01", "insufficient_data"), F("LOC-01", "fail")]
    today = dt.date(2025, 6, 1)
    results = [[getattr(f, "waiver", None) and f.waiver.index for f in apply_waivers("BC25-001", findings, w, today)]
               for w in (pool, WaiverIndex(pool), WaiverSet(tuple(pool)))]
    assert results[0] == results[1] == results[2] == [0, 1, None]


def test_a_pattern_with_a_literal_tail_is_tried_only_on_the_ids_ending_with_it(monkeypatch):
    pool = [_waiver(k, f"*{k:07d}") for k in range(2000)] + [_waiver(2000, f"P7-*{12:07d}")]
    tried: list = []
    real = fnmatch.fnmatchcase
    monkeypatch.setattr(fnmatch, "fnmatchcase", lambda name, pat: tried.append(pat) or real(name, pat))
    index = WaiverIndex(pool)
    assert [w.index for w in index.candidates("P7-0000012")] == [12, 2000]
    assert [w.index for w in index.candidates("Q9-0000012")] == [12]
    assert sorted(tried) == sorted(["*0000012", "P7-*0000012", "*0000012", "P7-*0000012"])


def test_a_waiver_names_an_id_as_it_is_read_without_its_spaces():
    # Ids are read without their spaces (parse_code: « AO 2026 lot 2 » is AO2026lot2); a waiver written with
    # the id as the file shows it named no order and was reported « sans effet » (docs review).
    pool = [_waiver(0, "AO 2026 lot 2"), _waiver(1, "AO 2026 *"), _waiver(2, "AO2026lot2")]
    assert [w.index for w in WaiverIndex(pool).candidates("AO2026lot2")] == [0, 1, 2]
    assert pool[0].order == "AO 2026 lot 2"  # reported as written
