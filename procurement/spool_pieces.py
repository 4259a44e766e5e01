"""The findings' prepared pieces in the spool, each given once per chunk and then referred to by number.

Why: a worker prepares, for each finding of an order, its JSON (results.json) and its texts (results.xlsx's
rule sheets), and every order's blob carried them whole: 18.5 KB an order, 1.85 GB of spool at 100,000
orders, sent through a pipe, written once and read back by two processes. A verdict met again gives the
same piece (the explanation caches of `write/finding_parts.py` return the same bytes), so within a chunk of
250 orders a piece met again is now its number in the chunk's table: about half of those bytes go (on the
bench's orders, 80 of 380 findings' pieces in 1,000 are new within their chunk, and they are the larger).
A blob carries the pieces new to the chunk and one number per finding (`prepared`; `read` gives them back).
Equal pieces must be interchangeable: they are bytes, or tuples of texts.

The table starts afresh at each chunk, so that no state crosses chunks or processes: the first blob of a
chunk says so (`fresh`), and a reader replaying the spool from its start, in order, rebuilds every table
as the writer made it. Every blob of a chunk reaches the spool, in order (`pipeline._absorb`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_UNHASHABLE = object()  # in the key that numbers an unhashable piece: equal to no piece


def refer(items: Iterable[Any], table: dict[Any, int]) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    """(the pieces new to the chunk, each item's number in the chunk's table): `table` numbers the pieces
    met so far, from 0 in the order they were met; it starts as `new_table()`, where None is 0."""
    new: list[Any] = []
    numbers: list[int] = []
    for item in items:
        try:
            number = table.get(item)
        except TypeError:  # an unhashable piece: given whole, and numbered, but never referred to again
            number = None
            item_key: Any = (_UNHASHABLE, len(table))
        else:
            item_key = item
        if number is None:
            number = table[item_key] = len(table)
            new.append(item)
        numbers.append(number)
    return tuple(new), tuple(numbers)


def new_table() -> dict[Any, int]:
    """A chunk's table as its first order finds it: None (a not-applicable finding's texts) is 0."""
    return {None: 0}


def prepared(lang: str, items: Iterable[Any], table: dict[Any, int], fresh: bool) -> tuple[Any, ...]:
    """What a blob keeps of an order's prepared pieces in `lang`: `fresh` for the chunk's first order."""
    return lang, refer(items, table), fresh


def read(kept: tuple[Any, ...], table: list[Any]) -> tuple[str, tuple[Any, ...]]:
    """(language, pieces) of what `prepared` kept, the chunk's list of pieces started afresh at its first
    order and extended as `refer` numbered them."""
    lang, referred, fresh = kept
    if fresh:
        table[:] = [None]
    return lang, resolve(referred, table)


def resolve(referred: tuple[tuple[Any, ...], tuple[int, ...]], table: list[Any]) -> tuple[Any, ...]:
    """`refer`'s items given back; `table` is the reader's list of the chunk's pieces, started as [None]
    at the chunk's first order and extended here as `refer` numbered them (no loop in Python: a replay
    resolves the 36 pieces of every order in each writing process)."""
    new, numbers = referred
    table += new
    return tuple(map(table.__getitem__, numbers))
