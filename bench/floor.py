"""The floor: the fastest reader and the fastest writer alone on the same data, no validation, no rules.

    python bench/floor.py orders.xlsx --out DIR [--outputs xlsx,csv]

Reads with python-calamine (xlsx: the whole sheet, header = first row filled more than half) or the
stdlib `csv` module (';', UTF-8 with BOM), then writes the rows as read to results.xlsx
(rustpy-xlsxwriter, streamed from a generator) and results.csv (stdlib `csv`), in one pass. A CSV input
is streamed end to end, so memory stays flat. Anything `procurement score` does beyond this is the cost
of its work.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path


def read_rows(path: Path) -> tuple[list[str], Iterator[list]]:
    """(header, data rows) of the first sheet or of the CSV."""
    if path.suffix.lower() == ".xlsx":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        width = max((len(r) for r in rows[:50]), default=0)
        at = next((i for i, r in enumerate(rows[:50]) if sum(c != "" for c in r) * 2 > width), 0)
        return [str(c) for c in rows[at]], iter(rows[at + 1:])

    f = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed when the reader is exhausted

    def stream() -> Iterator[list]:
        with f:
            yield from reader

    reader = csv.reader(f, delimiter=";")
    return next(reader), stream()


def run(path: Path, out: Path, outputs: tuple[str, ...] = ("xlsx", "csv")) -> int:
    header, rows = read_rows(path)
    width = len(header)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(out / "results.csv", "w", encoding="utf-8-sig", newline="") if "csv" in outputs else nullcontext() as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n") if f else None
        if writer:
            writer.writerow(header)

        def records() -> Iterator[dict]:
            nonlocal count
            for row in rows:
                count += 1
                if writer:
                    writer.writerow(row)
                if len(row) < width:
                    row = list(row) + [None] * (width - len(row))  # the xlsx writer places values by position
                yield dict(zip(header, row, strict=False))  # a longer row keeps its header's cells

        if "xlsx" in outputs:
            from rustpy_xlsxwriter import write_worksheet

            write_worksheet(records(), str(out / "results.xlsx"), sheet_name="Résultats")
        else:
            for _ in records():
                pass
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--outputs", default="xlsx,csv", help="comma-separated: xlsx, csv")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    n = run(args.input, args.out, tuple(args.outputs.split(",")))
    print(f"floor: {n:,} rows in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
