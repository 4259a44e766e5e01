"""Chunks of raw records packed for a worker: the values travel, the names once per chunk.

Why: pickling a `RawRecord` as objects repeats, for every record, its source model, a `Cell` object per
field and the user's column headers (about 1,100 bytes a record). Measured on 10,000 records of the
100,000-order xlsx bench file: 4.3 s to pickle and 6.5 s to unpickle per 100,000 records that way,
1.0 s and 3.5 s packed (645 bytes a record). Records of one input share their field names, column
headers, original headers and the fields their format cannot carry: a chunk sends each such "shape"
once and each record as a tuple of values. Anything else (a rejection, a record with warnings, an
unexpected source) travels as it is.
"""

from __future__ import annotations

import pickle
from typing import Any

from procurement.model import Source
from procurement.read.base import Cell, RawRecord

_Shape = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...] | None, Any]


def pack(records: list[Any]) -> bytes:
    """The chunk as bytes for `unpack`: each record's values, and the shapes they share."""
    shapes: dict[_Shape, int] = {}
    items: list[Any] = []
    for record in records:
        source = getattr(record, "source", None)
        if type(record) is not RawRecord or record.warnings or type(source) is not Source:
            items.append(record)
            continue
        cells, original = record.cells, record.original
        shape = (tuple(cells), tuple([c.column for c in cells.values()]),
                 None if original is None else tuple(original), record.uncarried)
        index = shapes.get(shape)
        if index is None:
            index = shapes[shape] = len(shapes)
        items.append((index, source.file, source.sheet, source.row, source.path, source.merged_rows,
                      tuple([c.value for c in cells.values()]),
                      None if original is None else tuple(original.values())))
    return pickle.dumps((list(shapes), items), protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> list[Any]:
    """The records `pack` was given, equal to them."""
    shapes, items = pickle.loads(data)
    out: list[Any] = []
    append = out.append
    for item in items:
        if type(item) is not tuple:
            append(item)
            continue
        index, file, sheet, row, path, merged, values, original = item
        names, columns, headers, uncarried = shapes[index]
        source = Source(file=file, sheet=sheet, row=row, path=path, merged_rows=merged)
        append(RawRecord(source, {n: Cell(c, v) for n, c, v in zip(names, columns, values, strict=True)}, [],
                         None if headers is None else dict(zip(headers, original, strict=True)), uncarried))
    return out


def result_of(data: bytes) -> Any:
    """A worker's result as it sent it (`Connection.send`, a pickle): received as bytes first, so that the
    parent hands the worker its next chunk before decoding it."""
    return pickle.loads(data)
