"""A row written as two `segment`s joined by its number (xlsx_stream.SheetStream.append_segments, used for
the rule sheets) is the row `append` writes for the same values, cut anywhere, first time or kept."""

import pytest
from openpyxl import Workbook
from xlsx_values import TRICKY_ROWS

from procurement.write.xlsx_stream import CellStyles, SheetStream

ROWS = [
    *TRICKY_ROWS,
    [None, None, None],
    [],
    ["CMD-1", "commandes.xlsx", None, 12, "Non conforme", "Le montant dépasse le seuil.", "montant = 40 000", None],
    ["CMD-1", "commandes.xlsx", None, 12, "Conforme", "Rien à signaler.", "montant = 40 000", "date, lieu"],
]


def _stream(width: int) -> SheetStream:
    wb = Workbook(write_only=True)
    return SheetStream(CellStyles(wb.create_sheet("s")), 3, width)


def _text(stream: SheetStream) -> bytes:
    return b"".join(stream.chunks())


@pytest.mark.parametrize("width", [0, 8, 11])
def test_segments_give_the_rows_append_gives(width):
    plain, cut = _stream(width), _stream(width)
    for _ in range(2):  # the second time from the kept bodies
        for row in ROWS:
            plain.append(row)
            for at in range(len(row) + 1):
                if at:
                    plain.append(row)
                cut.append_segments(cut.segment(row[:at]), cut.segment(row[at:], at))
    assert plain.rows == cut.rows == plain.next_row - 3
    assert _text(cut) == _text(plain)


def test_a_cell_is_what_append_writes():
    stream = _stream(1)
    for value in [v for row in ROWS for v in row]:
        body = stream.cell(value)
        single = _stream(1)
        single.append([value])
        assert _text(single) == (b'<row r="3">' + (f'<c r="A3"{body}'.encode() if body else b"") + b"</row>")
