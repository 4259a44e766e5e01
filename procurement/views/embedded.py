"""The batch report's data as several JSON script elements, and its table of repeated values.

Why several elements: a browser reads an element's text as one string, and V8 refuses strings longer
than about 512 million characters. A million orders made one 660 MB element, which Chromium could not
parse ("Unexpected end of JSON input"): the report showed no order at all. The orders now go into
elements of at most `ELEMENT_BYTES` each, which report.js parses one by one.

Why a table: fail messages repeat over a batch (a RISK-02 message names its group, and its hundreds of
orders carry it; "supplier outside the Métropole" takes a few forms). Carried in every row they were two
thirds of the data (42 of 64 MB for the 100,000 bench orders, 39,000 distinct messages); the orders'
objects (5.6 MB, 9,300 distinct) and their lists of missing fields (5.1 MB, 1,300 distinct) were most of
the rest. A row now carries their numbers in one table given once. The table's entries are spooled (on
disk past a size) and the look-up from value to number is bounded: once full it starts afresh, and a
value met again after that gets a second entry, which costs bytes, never a wrong value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from procurement.spool import Spool

# Bytes of one element's JSON at most (a row is never split): far below V8's limit, and small enough
# for the page's parser to hand over as it reads.
ELEMENT_BYTES = 32 * 1024 * 1024
TABLE_LIMIT = 20_000  # values kept in the look-up from value to number (about 200 bytes each)
TABLE_MEMORY = 1024 * 1024  # bytes of the table's entries kept in memory before they go to a temporary file

ORDERS_OPEN = b'<script type="application/json" class="orders">['
TABLE_OPEN = b'<script type="application/json" class="table">['
CLOSE = b"]</script>"


class ValueTable:
    """Values numbered in first-seen order, each kept by its JSON, which waits in a spool. Unlike
    `batch._Index` (buyers, suppliers: each listed once, since the page's filters list them), a value may
    have two numbers: the look-up is bounded."""

    def __init__(self, limit: int | None = None):
        self.limit = TABLE_LIMIT if limit is None else limit
        self._number: dict[str, int] = {}
        # Its own spool spills early: forked writers inherit the parent's pages, so each megabyte kept here
        # counts again in every one of them.
        self.entries = Spool(memory_limit=TABLE_MEMORY)

    def __len__(self) -> int:
        return len(self.entries)

    def __call__(self, value: object) -> int:
        """The number of `value` (a text, or a list of numbers and texts)."""
        return self.encoded(orjson.dumps(value))

    def encoded(self, blob: bytes) -> int:
        """The number of a value given as its JSON, kept by it. The look-up's key is the JSON as text: orjson
        returns its bytes in an allocation of 4 KB whatever their length, and 50,000 of them as keys held
        200 MB (the 100,000-order bench's summed RSS went from 382 to 667 MB)."""
        key = blob.decode("utf-8")
        number = self._number.get(key)
        if number is None:
            if len(self._number) >= self.limit:
                self._number.clear()
            number = self._number[key] = len(self.entries)
            self.entries.append(blob)
        return number

    def values(self) -> list[object]:
        """Every entry (tests, small runs)."""
        return [orjson.loads(e) for e in self.entries]

    def close(self) -> None:
        self.entries.close()


def _safe(data: bytes) -> bytes:
    # '<' is one byte in UTF-8, never part of another character: escaped in the bytes, no '</script>'
    # or '<!--' from a spreadsheet cell can end the element (as `embed_json` does for text).
    return data.replace(b"<", b"\\u003c")


def elements(opening: bytes, items: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """`items` (each one JSON value) as JSON arrays in script elements of at most `limit` bytes (default
    `ELEMENT_BYTES`) before escaping, or one item when an item alone is larger; one empty array when
    there are none, so that a page always has the element its script reads."""
    limit = ELEMENT_BYTES if limit is None else limit
    yield opening
    batch: list[bytes] = []
    size, first = 0, True
    for item in items:
        if size and size + len(item) > limit:
            if batch:
                yield (b"" if first else b",") + _safe(b",".join(batch))
            yield CLOSE + b"\n" + opening
            batch, size, first = [], 0, True
        batch.append(item)
        size += len(item) + 1
        if len(batch) >= 1000:  # written by the thousand, never kept whole
            yield (b"" if first else b",") + _safe(b",".join(batch))
            batch, first = [], False
    if batch:
        yield (b"" if first else b",") + _safe(b",".join(batch))
    yield CLOSE
