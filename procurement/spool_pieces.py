"""The findings' prepared pieces in the spool, each given once per chunk and then referred to by number.

Why: a worker prepares, for each finding of an order, its JSON (results.json) and its texts (results.xlsx's
rule sheets), and every order's blob carried them whole: 18.5 KB an order, 1.85 GB of spool at 100,000
orders, sent through a pipe, written once and read back by two processes. A verdict met again gives the
same piece (the explanation caches of `write/finding_parts.py` return the same bytes), so within a chunk of
250 orders a piece met again is now its number in the chunk's table: about half of those bytes go (on the
bench's orders, 80 of 380 findings' pieces in 1,000 are new within their chunk, and they are the larger).

The table starts empty at each chunk, so that no state crosses chunks or processes: the first blob of a
chunk says so (`fresh`), and a reader replaying the spool from its start, in order, rebuilds every table
as the writer made it. Every blob of a chunk reaches the spool, in order (`pipeline._absorb`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_UNHASHABLE = object()  # in the key that numbers an unhashable piece: equal to no piece


def refer(items: Iterable[Any], table: dict[Any, int]) -> tuple[Any, ...]:
    """The items with those already in `table` replaced by their number; the others are added to it.
    None (a not-applicable finding's texts) stays None; pieces are bytes or tuples, never ints."""
    out: list[Any] = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        try:
            number = table.get(item)
        except TypeError:  # an unhashable piece: given whole, never referred to, but numbered as `resolve` does
            table[(_UNHASHABLE, len(table))] = len(table)
            out.append(item)
            continue
        if number is None:
            table[item] = len(table)
            out.append(item)
        else:
            out.append(number)
    return tuple(out)


def resolve(items: Iterable[Any], table: list[Any]) -> tuple[Any, ...]:
    """`refer`'s items given back: a number is the table's piece, another item is appended to the table
    (as `refer` numbered it) and given as it is."""
    out: list[Any] = []
    for item in items:
        if type(item) is int:
            out.append(table[item])
        else:
            if item is not None:
                table.append(item)
            out.append(item)
    return tuple(out)
