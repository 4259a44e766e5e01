"""What the parent process keeps of every order of a streaming run: a few bytes each, in flat arrays.

Why: the duplicate-id warning needs, for a later copy of an id, where its first copy was read, and
RISK-02 names the file and row of every order of a flagged group. Kept as a dict of digests to
"file:row" strings, that cost about 140 bytes an order, 140 MB for a million; here it is 28 bytes
(two digests, row, file number, where the id ends) and the id's own bytes, strings being made only for
the orders a report names (copies of an id, RISK-02's groups). The row and the id's end take 4 bytes
each, 8 only past 2**31 rows or 4 GiB of ids (`_grown`): 8 MB less at a million orders.

Positions are the orders' indexes in the spool (`procurement.spool`), i.e. in input order.
"""

from __future__ import annotations

from array import array
from itertools import islice


def _grown(column: array, value: int, wider: str) -> array:
    """`column` with `value` appended, copied into a column of the `wider` type first if it does not fit."""
    try:
        column.append(value)
    except OverflowError:
        column = array(wider, column)
        column.append(value)
    return column


class Ledger:
    def __init__(self) -> None:
        self.keys = array("Q")  # digest of (buyer, id): ids are unique per buyer only (DECP)
        self.copies = array("Q")  # procurement.order_identity.copy_key, unsigned as `keys` (`add`)
        self.rows = array("i")  # row in its file, -1 when the order has none (then `paths`)
        self.files = array("I")  # index into `names`
        self.names: list[str] = []
        self._name_pos: dict[str, int] = {}
        self.paths: dict[int, str | None] = {}  # position -> JSON path of an order read from JSON
        self.flagged: set[int] = set()  # positions the reader already warned of as a repeated id
        self._ids = bytearray()  # order ids, UTF-8, end to end (`id`)
        self._id_ends = array("I")

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: int, copy: int, order_id: str, file: str, row: int | None, path: str | None,
            flagged: bool) -> int:
        """Record the next order; its position."""
        position = len(self.keys)
        self.keys.append(key)
        self.copies.append(copy & 0xFFFFFFFFFFFFFFFF)  # a hash() is signed
        self._ids += order_id.encode("utf-8", "surrogatepass")
        self._id_ends = _grown(self._id_ends, len(self._ids), "Q")
        file_pos = self._name_pos.get(file)
        if file_pos is None:
            file_pos = self._name_pos[file] = len(self.names)
            self.names.append(file)
        self.files.append(file_pos)
        if row is None or row < 0:
            self.rows.append(-1)
            self.paths[position] = path
        else:
            self.rows = _grown(self.rows, row, "q")
        if flagged:
            self.flagged.add(position)
        return position

    def id(self, position: int) -> str:
        start = self._id_ends[position - 1] if position else 0
        return self._ids[start:self._id_ends[position]].decode("utf-8", "surrogatepass")

    def _row(self, position: int) -> int | None:
        row = self.rows[position]
        return None if row < 0 else row

    def location(self, position: int) -> str:
        """Where the order was read, as the duplicate warnings say it: "file:row", or "file:path" without a row."""
        row = self._row(position)
        return f"{self.names[self.files[position]]}:{row or self.paths.get(position)}"

    def source(self, position: int) -> str:
        """`procurement.portfolio`'s source of the order: "file:row", "file:path", or the file alone."""
        row, file = self._row(position), self.names[self.files[position]]
        where = row if row is not None else self.paths.get(position)
        return f"{file}:{where}" if where is not None else file

    def duplicates(self) -> dict[int, tuple[str, bool]]:
        """Position of each later row of an id -> (where the first row of that id was read, whether the row
        is a copy of an earlier one: same amount and date too, where it names that one). A row its
        reader already warned of (`flagged`) is left out unless it is a copy, which the summary must know.
        Sorting the digests finds the repeated ones without a dict of every order."""
        ordered = sorted(self.keys)
        repeated = {a for a, b in zip(ordered, islice(ordered, 1, None), strict=False) if a == b}
        del ordered
        out: dict[int, tuple[str, bool]] = {}
        if not repeated:
            return out
        first: dict[int, int] = {}
        first_copy: dict[int, int] = {}
        for position, key in enumerate(self.keys):
            if key in repeated:
                head = first.setdefault(key, position)
                original = first_copy.setdefault(self.copies[position], position)
                if head == position:
                    continue
                if original != position:
                    out[position] = (self.location(original), True)
                elif position not in self.flagged:
                    out[position] = (self.location(head), False)
        return out
