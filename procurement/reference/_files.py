"""Read one packaged reference file, on demand.

Why a helper: every table is read the same way (UTF-8 CSV, optional gzip, header checked) and only when
a lookup first needs it, so importing `procurement` stays fast. The header check turns a stale or
hand-edited data file into one clear error instead of wrong answers.
"""

from __future__ import annotations

import csv
import gzip


def data_bytes(name: str) -> bytes:
    """The bytes of `procurement/data/<name>`, wherever the package is installed (zip included)."""
    from importlib.resources import files

    return files("procurement").joinpath("data", name).read_bytes()


def read_rows(name: str, header: tuple[str, ...]) -> list[list[str]]:
    """The data rows of a packaged CSV whose first row must be `header`."""
    data = data_bytes(name)
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    rows = list(csv.reader(data.decode("utf-8").splitlines()))
    if not rows or tuple(rows[0]) != header:
        got = rows[0] if rows else []
        raise RuntimeError(
            f"procurement/data/{name}: expected columns {list(header)}, found {got}; "
            "rebuild it with scripts/build_reference.py"
        )
    return rows[1:]


def to_float(text: str) -> float | None:
    return float(text) if text else None
