"""The cells a workbook's merged ranges cover, counted from the sheets' XML before openpyxl opens it.

Why apart from the reading: openpyxl's full mode makes an object for every cell of every merged range of
every sheet when it opens a workbook, before a row is read; a 5 KB workbook merging E5:Z1048576 took
minutes and gigabytes (tests/test_security_s15.py). A byte search bounds that cost first.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

from procurement.read.xlsx_calamine_scan import CHUNK, XML_NS, column_index

_MERGE = re.compile(rb"<" + XML_NS + rb"mergeCell\b[^>]*?\sref\s*=\s*[\"']"
                    rb"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?[\"']")


def merged_cells(path: Any, limit: int) -> int:
    """The cells the merged ranges of every sheet cover, counted up to `limit` (then returned at once).
    openpyxl's full mode makes an object for each of them when it opens the workbook, every sheet's: a
    5 KB workbook merging E5:Z1048576 took minutes and gigabytes before any row was read."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for item in zf.infolist():
            name = item.filename.lower()
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            carry = b""
            with zf.open(item) as fh:
                while chunk := fh.read(CHUNK):
                    buf = carry + chunk
                    if b"ergeCell" in buf:
                        done = 0  # where the last range counted ends: never carried, lest it count twice
                        for m in _MERGE.finditer(buf):
                            done = m.end()
                            if m[3] is None:
                                continue
                            rows = abs(int(m[4]) - int(m[2])) + 1
                            columns = abs(column_index(m[3]) - column_index(m[1])) + 1
                            total += rows * columns
                            if total > limit:
                                return total
                        cut = max(buf.rfind(b">") + 1, done)  # a chunk may end between a ref and its tag's ">"
                        carry = buf[cut:][-512:]
                    else:
                        carry = buf[-512:]
    return total

