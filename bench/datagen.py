"""Benchmark inputs: 10k / 100k / 1M orders as finance users export them, the same bytes on every run.

The rows come from the order generator of `samples/generate.py` (same supplier pool, buyers, CPV codes,
amounts, procedures, considerations, label variants and deliberately broken rows), drawn in blocks of
`BLOCK` orders, each block from its own seeded generator:

- ids get the block number as a suffix (`BC25-01313-0042`), and references to an accord-cadre of the same
  block follow, so ids stay unique at any size;
- the dates of a block are shifted by a whole number of weeks (block 0 unshifted), so a large file spreads
  over about two years instead of repeating 2025;
- each block carries the broken rows of the sample files (`CSV_BROKEN` / `XLSX_BROKEN`, about 0.1 % and
  0.3 % of the rows): unreadable amounts, impossible dates, short rows, SIRET typos...

CSV: ';' separator, decimal comma, UTF-8 with BOM, CRLF (the columns of `samples/commandes-2025.csv`).
xlsx: the columns of `samples/commandes-2025.xlsx`, title block above the header on row 5, written with
rustpy-xlsxwriter, then the archive's creation date is fixed so that the bytes are stable.
Generation takes about 0.05 s per 1,000 orders; 1M orders about a minute. Files already present are kept.

    python bench/datagen.py --sizes 10k,100k --out bench/.data
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import random
import re
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA_DIR = HERE / ".data"
BLOCK = 5_000
SEED = 7_000_000  # block k draws from random.Random(SEED + k)
FIXED_TIME = "2026-01-15T08:00:00Z"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def _samples_generator():
    """samples/generate.py, imported under its own name (it is a script, not a package module)."""
    name = "samples_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "samples" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


gen = _samples_generator()


def size_label(n: int) -> str:
    for label, value in SIZES.items():
        if value == n:
            return label
    return str(n)


def parse_size(text: str) -> int:
    text = text.strip()
    if text in SIZES:
        return SIZES[text]
    lowered = text.lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if lowered.endswith(suffix):
            return int(float(lowered[:-1]) * factor)
    return int(lowered)


# ------------------------------------------------------------------------------------------ blocks


_POOLS = None


def _pools():
    global _POOLS
    if _POOLS is None:
        _POOLS = gen.build_suppliers(random.Random(gen.SEED))  # the suppliers of the sample files
    return _POOLS


def _blocks(n: int) -> Iterator[tuple[int, random.Random, list]]:
    """(block number, its generator, its orders) until n orders, ids and dates already made block-unique."""
    done, k = 0, 0
    while done < n:
        count = min(BLOCK, n - done)
        rng = random.Random(SEED + k)
        orders = gen.generate_orders(rng, _pools(), count)
        weeks = 0 if k == 0 else (k * 17) % 53 - 26  # -26..+26 weeks, block 0 as generated
        shift = dt.timedelta(weeks=weeks)
        ids = {o.values["id"] for o in orders}
        for o in orders:
            v = o.values
            for name in ("notification_date", "launch_date"):
                if v.get(name):
                    v[name] = v[name] + shift
            v["id"] = f"{v['id']}-{k:04d}"
            if v.get("framework_id") in ids:
                v["framework_id"] = f"{v['framework_id']}-{k:04d}"
        yield k, rng, orders
        done += count
        k += 1


def _broken(orders: list, specs: tuple, start: int) -> list:
    """The sample generator's placement of broken rows, keeping only the cases some row of the block allows."""
    free = [o for o in orders if not o.note and "planned" not in o.hints]
    return gen._place_broken(orders, [s for s in specs if any(s[3](o) for o in free)], start=start)


# ------------------------------------------------------------------------------------------ CSV


def _csv_rows(orders: list, rng: random.Random) -> list[list[str]]:
    """The block's rows as `samples/generate.py` writes its CSV, broken rows included."""
    rows = [gen.render_csv_row(o, rng) for o in orders]
    multiline = next((j for j, o in enumerate(orders) if o.nature == "marche" and j > 20), None)
    if multiline is not None:
        rows[multiline]["object"] += "\nAvenant n° 1 : prolongation de 3 mois"
    truncate: set[int] = set()
    if len(orders) >= 80:
        for j, (_key, _what, _expected, _pred, mutate) in _broken(orders, gen.CSV_BROKEN, 30):
            if mutate == "truncate":
                truncate.add(j)
            else:
                mutate(rows[j], orders[j])
    out = []
    for j, row in enumerate(rows):
        values = [row.get(name, "") for _h, name in gen.CSV_COLUMNS]
        out.append(values[:8] if j in truncate else values)
    return out


def write_csv(path: Path, n: int) -> Path:
    """n orders as a French finance CSV export; written to a temporary name, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow([h for h, _ in gen.CSV_COLUMNS])
        for _k, rng, orders in _blocks(n):
            writer.writerows(_csv_rows(orders, rng))
    tmp.replace(path)
    return path


# ------------------------------------------------------------------------------------------ xlsx


def _xlsx_records(orders: list, rng: random.Random) -> Iterator[dict[str, object]]:
    rows = [gen.render_xlsx_row(o, rng) for o in orders]
    if len(orders) >= 80:
        for j, (_key, _what, _expected, _pred, mutate) in _broken(orders, gen.XLSX_BROKEN, 5):
            if mutate is not None:  # the hidden row stays visible: the writer hides no single row
                mutate(rows[j], orders[j])
    headers = [(h, name) for h, name in gen.XLSX_COLUMNS]
    for cells in rows:
        record: dict[str, object] = {}
        for header, name in headers:
            spec = cells.get(name)
            if spec is None:
                record[header] = None
            elif spec.number_format == "0%":  # no per-cell format here: write the percentage itself
                record[header] = round(spec.value * 100, 6)
            else:
                record[header] = spec.value
        yield record


def _stable_core(data: bytes) -> bytes:
    """The archive with docProps/core.xml's creation and modification dates fixed (members keep order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_TIME.encode(), body)
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, body)
    return out.getvalue()


def write_xlsx(path: Path, n: int) -> Path:
    """n orders as the finance workbook (sheet « Commandes 2025 », title block, header on row 5)."""
    from rustpy_xlsxwriter import Format, write_worksheet

    def records() -> Iterator[dict[str, object]]:
        for _k, rng, orders in _blocks(n):
            yield from _xlsx_records(orders, rng)

    headers = [h for h, _ in gen.XLSX_COLUMNS]
    money, day = Format().set_num_format(gen.MONEY_FORMAT), Format().set_num_format(gen.DATE_FORMAT)
    formats = {h: money for h, name in gen.XLSX_COLUMNS if name == "amount"}
    formats.update({h: day for h, name in gen.XLSX_COLUMNS if name.endswith("_date")})
    titles = [(r, 0, r, len(headers) - 1, text) for r, text in enumerate(gen.TITLE_ROWS) if text]
    buffer = io.BytesIO()
    write_worksheet(records(), buffer, sheet_name=gen.SHEET, header_row=gen.HEADER_ROW - 1, merge_ranges=titles,
                    column_formats=formats, datetime_format=gen.DATE_FORMAT, bold_headers=True, autofilter=True,
                    freeze_row=gen.HEADER_ROW, freeze_col=3)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(_stable_core(buffer.getvalue()))
    tmp.replace(path)
    return path


# ------------------------------------------------------------------------------------------ cache


def input_path(data_dir: Path, n: int, fmt: str) -> Path:
    return Path(data_dir) / f"orders-{size_label(n)}.{fmt}"


def ensure_input(data_dir: Path, n: int, fmt: str, *, log=print) -> Path:
    """The cached input file, generated only if missing."""
    path = input_path(data_dir, n, fmt)
    if not path.exists():
        start = time.perf_counter()
        (write_csv if fmt == "csv" else write_xlsx)(path, n)
        if log:
            log(f"generated {path.name} ({n:,} orders, {path.stat().st_size / 1e6:.1f} MB) "
                f"in {time.perf_counter() - start:.1f} s")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated: 10k,100k,1M or any count")
    parser.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both (xlsx never at 1M)")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for n in (parse_size(s) for s in args.sizes.split(",")):
        for fmt in args.formats.split(","):
            if fmt == "xlsx" and n >= 1_000_000:
                continue
            print(ensure_input(args.out, n, fmt, log=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
