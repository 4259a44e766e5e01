"""The rows of results.xlsx's rule sheets on the fast path, whichever process makes them.

Why apart from results_xlsx.py: the rule sheets (about 70 % of the workbook's XML) are independent zip
members, so the process writing the workbook can leave some of them to another one (xlsx_shared.py);
both make a rule sheet's rows the same way, here: the order's source cells (columns A-D) once per
order, then for each rule the cells from E (status, message, evidence, missing fields), kept by value
since they recur from order to order, the two joined by the row's number (`SheetStream.segment`).
"""

from __future__ import annotations

from typing import Any

from procurement.write.xlsx_stream import TEXTS_KEPT, SheetStream


class RuleRows:
    """The streams of the rule sheets made here (None for those made elsewhere) and the rows each can
    still take (Excel's limit; 0 for a sheet made elsewhere, so that `RowBuilder.rows` skips it)."""

    def __init__(self, styles: Any, n_rules: int, limit: int, mine: set[int] | None = None):
        self.streams: list[SheetStream | None] = [
            SheetStream(styles, 3, 8) if mine is None or i in mine else None for i in range(n_rules)]
        self.room = [limit if s is not None else 0 for s in self.streams]
        self._tails: dict[tuple[object, ...], list[str]] = {}  # a row's cells from column E -> their segment

    def add(self, source: list[object], by_rule: list[tuple[int, tuple[object, ...]]]) -> None:
        """One order's rows: `source` its cells A-D, `by_rule` [(rule index, its cells from E)] as
        `RowBuilder.rows` gives them (only for sheets with room)."""
        if not by_rule:
            return
        streams, room, tails = self.streams, self.room, self._tails
        head = streams[by_rule[0][0]].segment(source)  # type: ignore[union-attr] - every rule sheet: columns A-H
        for i, rest in by_rule:
            stream = streams[i]
            tail = tails.get(rest)
            stream.append_segments(head, tail if tail is not None else self._tail(stream, rest))  # type: ignore[union-attr]
            room[i] -= 1

    def _tail(self, stream: Any, rest: tuple[object, ...]) -> list[str]:
        """A rule sheet row's cells from column E, kept while they are texts (a number could equal another
        kind of number as a key: True == 1, -0.0 == 0.0)."""
        tail = stream.segment(rest, 4)
        if all(v is None or type(v) is str for v in rest):
            if len(self._tails) >= TEXTS_KEPT:
                self._tails.clear()
            self._tails[rest] = tail
        return tail

    def close(self) -> None:
        for stream in self.streams:
            if stream is not None:
                stream.close()
