"""The batch report's data split over script elements, and its table of values: whatever the sizes,
the elements hold every value once, in order, none larger than the limit unless one value alone is, and
no spreadsheet text can end an element."""

from __future__ import annotations

import json
import re

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.views.embedded import ORDERS_OPEN, TABLE_OPEN, ValueTable, elements

_ELEMENT = re.compile(r'<script type="application/json" class="orders">(.*?)</script>', re.S)
_values = st.recursive(st.none() | st.integers(-(2**53), 2**53) | st.text(max_size=40),
                       lambda inner: st.lists(inner, max_size=4), max_leaves=8)


def _split(page: str) -> list[list]:
    return [json.loads(body) for body in _ELEMENT.findall(page)]


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=60), st.integers(min_value=1, max_value=400))
def test_elements_hold_every_value_once_in_order(values, limit):
    items = [orjson.dumps(v) for v in values]
    page = b"".join(elements(ORDERS_OPEN, items, limit)).decode("utf-8")
    parts = _split(page)
    assert [v for part in parts for v in part] == values
    assert page.count("<script") == page.count("</script>") == len(parts) >= 1
    for part in parts:
        size = sum(len(orjson.dumps(v)) + 1 for v in part)
        assert size <= limit + 1 or len(part) == 1


def test_more_than_a_thousand_rows_in_one_element_stay_one_array():
    items = [orjson.dumps([k, "x"]) for k in range(2_500)]
    parts = _split(b"".join(elements(ORDERS_OPEN, items, 10**9)).decode())
    assert len(parts) == 1 and parts[0] == [[k, "x"] for k in range(2_500)]


def test_no_text_can_close_its_element():
    hostile = ["</script><script>alert(1)</script>", "<!--", "</SCRIPT >"]
    page = b"".join(elements(TABLE_OPEN, [orjson.dumps(h) for h in hostile], 8)).decode()
    assert "<" not in page.replace(TABLE_OPEN.decode(), "").replace("</script>", "")
    bodies = re.findall(r'class="table">(.*?)</script>', page, re.S)
    assert [v for b in bodies for v in json.loads(b)] == hostile


def test_no_items_still_make_one_empty_element():
    assert b"".join(elements(ORDERS_OPEN, [])) == ORDERS_OPEN + b"]</script>"


def test_value_table_numbers_values_and_forgets_past_its_limit():
    table = ValueTable(limit=2)
    numbers = [table(t) for t in ("a", "b", "a", "c", "a", "b")]
    values = table.values()
    # "a" and "b" kept; "c" clears the look-up: "a" and "b" met again get entries of their own
    assert numbers == [0, 1, 0, 2, 3, 4] and values == ["a", "b", "c", "a", "b"]
    assert [values[n] for n in numbers] == ["a", "b", "a", "c", "a", "b"]
    listed = table.encoded(orjson.dumps([3, [1, 2]]))
    assert table.encoded(orjson.dumps([3, [1, 2]])) == listed and table.values()[listed] == [3, [1, 2]]
    assert table("") != listed and table.values()[table("")] == ""
    table.close()


def test_value_table_holds_its_values_at_their_size():
    """The look-up once kept orjson's bytes as keys, each in a 4 KB allocation whatever its length: 50,000
    messages held 200 MB, and the 100,000-order run's summed RSS went from 382 to 667 MB."""
    import tracemalloc

    tracemalloc.start()
    try:
        table = ValueTable()
        before = tracemalloc.get_traced_memory()[0]
        for k in range(5_000):
            table(f"Fractionnement possible : {k} commandes de la classe CPV 30213 totalisent {k * 7} € HT")
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held < 3_000_000, held  # about 100 characters a value, kept twice (look-up and spool): ~1.5 MB
    table.close()
