"""The committed sample files are exactly what samples/generate.py produces, and they say what they claim.

Nothing here reads ../shared: the CPV codes are checked against the packaged nomenclature
(procurement/data/cpv.csv) and against the generator's own catalogue.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest

from procurement.fields import FIELDS, match_header

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PACKAGED_CPV = ROOT / "procurement" / "data" / "cpv.csv"


def _load_generator():
    if str(SAMPLES) not in sys.path:
        sys.path.insert(0, str(SAMPLES))
    return importlib.import_module("generate"), importlib.import_module("_catalogue")


gen, catalogue = _load_generator()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    return out, gen.generate(out)


def _cells(path: Path):
    """Every cell's value, type and number format, plus hidden rows and merged ranges."""
    wb = openpyxl.load_workbook(path)  # formulas as written, not cached values
    ws = wb[gen.SHEET]
    cells = [(c.coordinate, c.value, c.data_type, c.number_format)
             for row in ws.iter_rows() for c in row if c.value is not None]
    hidden = sorted(r for r, d in ws.row_dimensions.items() if d.hidden)
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    return cells, hidden, merged, wb.sheetnames


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


# ------------------------------------------------------------------------------------ reproducibility


@pytest.mark.parametrize("name", [gen.CSV_NAME, gen.SUPPLIERS_NAME])
def test_csv_files_are_regenerated_byte_for_byte(regenerated, name):
    out, _ = regenerated
    assert (out / name).read_bytes() == (SAMPLES / name).read_bytes(), f"run python samples/generate.py ({name})"


def test_workbook_cells_are_regenerated_identically(regenerated):
    out, _ = regenerated
    assert _cells(out / gen.XLSX_NAME) == _cells(SAMPLES / gen.XLSX_NAME), "run python samples/generate.py"


def test_two_runs_give_identical_bytes(regenerated, tmp_path):
    out, _ = regenerated
    gen.generate(tmp_path)
    for name in (gen.XLSX_NAME, gen.CSV_NAME, gen.SUPPLIERS_NAME):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_readme_lists_the_generated_rows(regenerated):
    _, result = regenerated
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert gen.readme_tables(result) in readme, "run python samples/generate.py to refresh the README tables"


# ------------------------------------------------------------------------------------ headers and shape


def test_every_header_names_its_field():
    for header, name in gen.XLSX_COLUMNS + gen.CSV_COLUMNS:
        assert match_header(header) == name, header


def test_headers_in_the_files_are_the_declared_ones():
    wb = openpyxl.load_workbook(SAMPLES / gen.XLSX_NAME, read_only=True)
    ws = wb[gen.SHEET]
    rows = list(ws.iter_rows(min_row=1, max_row=gen.HEADER_ROW, values_only=True))
    assert rows[0][0] == "Métropole Aix-Marseille-Provence"
    assert [h for h in rows[gen.HEADER_ROW - 1] if h] == [h for h, _ in gen.XLSX_COLUMNS]
    assert _csv_rows(SAMPLES / gen.CSV_NAME)[0] == [h for h, _ in gen.CSV_COLUMNS]
    assert _csv_rows(SAMPLES / gen.SUPPLIERS_NAME)[0] == list(gen.SUPPLIER_COLUMNS)


def test_workbook_column_order_is_not_the_field_table_order():
    order = [f.name for f in FIELDS]
    used = [name for _, name in gen.XLSX_COLUMNS]
    assert used != sorted(used, key=order.index)


def test_row_counts():
    wb = openpyxl.load_workbook(SAMPLES / gen.XLSX_NAME)
    ws = wb[gen.SHEET]
    data = list(ws.iter_rows(min_row=gen.HEADER_ROW + 1, values_only=True))
    blank = [r for r in data if all(v is None for v in r)]
    assert len(data) == gen.XLSX_ORDERS + 1 and len(blank) == 1
    assert len(_csv_rows(SAMPLES / gen.CSV_NAME)) == gen.CSV_ORDERS + 1
    suppliers = _csv_rows(SAMPLES / gen.SUPPLIERS_NAME)[1:]
    assert 120 <= len(suppliers) <= 200
    assert len({r[1] for r in suppliers}) == len(suppliers)


def test_file_encodings():
    assert (SAMPLES / gen.CSV_NAME).read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (SAMPLES / gen.SUPPLIERS_NAME).read_bytes().startswith(b"\xef\xbb\xbf")


# ------------------------------------------------------------------------------------ content


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_directory_sirets_are_valid_and_unique():
    rows = _csv_rows(SAMPLES / gen.SUPPLIERS_NAME)[1:]
    sirets = [r[0] for r in rows if r[0]]
    assert len(sirets) == len(set(sirets))
    for siret in sirets:
        assert re.fullmatch(r"[0-9]{14}", siret) and _luhn(siret) and _luhn(siret[:9]), siret
    assert all(r[9] != "FR" for r in rows if not r[0])  # only foreign suppliers lack a SIRET


def test_every_supplier_used_is_in_the_directory(regenerated):
    _, result = regenerated
    names = {r[1] for r in _csv_rows(SAMPLES / gen.SUPPLIERS_NAME)[1:]}
    for o in result.xlsx_orders + result.csv_orders:
        if o.supplier:
            assert o.supplier.name in names


def _cpv_cells():
    wb = openpyxl.load_workbook(SAMPLES / gen.XLSX_NAME, read_only=True)
    ws = wb[gen.SHEET]
    col = [name for _, name in gen.XLSX_COLUMNS].index("cpv")
    for row in ws.iter_rows(min_row=gen.HEADER_ROW + 1, values_only=True):
        if row and row[col] is not None:
            yield row[col]
    col = [name for _, name in gen.CSV_COLUMNS].index("cpv")
    for row in _csv_rows(SAMPLES / gen.CSV_NAME)[1:]:
        if len(row) > col and row[col]:
            yield row[col]


def test_every_cpv_code_exists():
    """Each code used is 8 digits (optional check digit, optional label) and is in the nomenclature.

    The only exception is the documented broken cell "voirie"; the number 3221000 (a lost leading zero)
    stands for 03221000.
    """
    packaged = {}
    if PACKAGED_CPV.exists():
        with PACKAGED_CPV.open(encoding="utf-8") as fh:
            packaged = {r["code"]: r["check"] for r in csv.DictReader(fh)}
    seen = set()
    for value in _cpv_cells():
        if value == "voirie":
            continue
        text = str(value).zfill(8) if isinstance(value, int) else str(value)
        m = re.fullmatch(r"([0-9]{8})(?:-([0-9])(?: .+)?)?", text)
        assert m, value
        code, check = m.groups()
        assert code in catalogue.CPV, code
        assert check in (None, catalogue.CPV[code][0]), value
        seen.add(code)
    assert len(seen) > 60
    if packaged:
        for code, (check, _label) in catalogue.CPV.items():
            assert packaged.get(code) == check, code


def test_supplier_locations_are_spread():
    rows = _csv_rows(SAMPLES / gen.SUPPLIERS_NAME)[1:]
    amp = {p[1] for p in catalogue.AMP_PLACES}
    sud = {p[1] for p in catalogue.REGION_SUD_PLACES}
    share = {
        "amp": sum(r[5] in amp for r in rows) / len(rows),
        "sud": sum(r[5] in sud for r in rows) / len(rows),
        "foreign": sum(r[9] != "FR" for r in rows) / len(rows),
    }
    assert 0.35 <= share["amp"] <= 0.55 and 0.12 <= share["sud"] <= 0.3 and 0.02 <= share["foreign"] <= 0.1
    statuses = sum(r[8] != "aucun" for r in rows) / len(rows)
    assert 0.04 <= statuses <= 0.14


def test_decp_extract_keeps_the_envelope_and_the_local_contracts():
    data = json.loads((SAMPLES / "decp-2019-pes-extrait.json").read_text(encoding="utf-8"))
    assert list(data) == ["marches"] and len(data["marches"]) == 60
    local = [m for m in data["marches"] if str(m["lieuExecution"]["code"]).startswith("13")]
    assert len(local) == 9  # all that the source file has
    bretagne = json.loads((SAMPLES / "decp-2024-bretagne.json").read_text(encoding="utf-8"))
    assert len(bretagne["marches"]["marche"]) == 5


def test_no_absolute_path_in_sample_files():
    for path in SAMPLES.iterdir():
        if path.suffix in {".py", ".md"}:
            assert "/work/" not in path.read_text(encoding="utf-8"), path.name


# ------------------------------------------------------------------------------------ documented outcomes


def _outcomes(path: Path) -> dict[int, tuple[str, set[str], object]]:
    """Row -> ("rejected", {code}, None) or ("kept", {warning codes}, order), through the repository's
    readers and validator."""
    read = pytest.importorskip("procurement.read")
    validate = pytest.importorskip("procurement.validate")
    from procurement.model import Rejection

    _info, records = read.read_file(path)
    outcomes = {}
    for record in records:
        result = record if isinstance(record, Rejection) else validate.validate(record)
        if isinstance(result, Rejection):
            outcomes[result.source.row] = ("rejected", {result.code}, None)
        else:
            outcomes[result.source.row] = ("kept", {w.code for w in result.warnings}, result)
    return outcomes


# What a kept broken row must read as.
READ_AS = {
    "cpv_lost_zero": lambda o: o.cpv == "03221000",
    "siret_spaces": lambda o: re.fullmatch(r"[0-9]{14}", o.supplier_siret or ""),
    "formula_amount": lambda o: o.amount is None,
    "amount_as_text": lambda o: o.amount == 12_500.0,
    "script_object": lambda o: o.object.startswith("<script>alert(1)</script> "),
    "formula_injection": lambda o: o.supplier_name == '=HYPERLINK("http://x","clic")',
    "postcode_lost_zero": lambda o: re.fullmatch(r"[1-9][0-9]{3}", o.supplier_postcode or ""),
    "amount_nc": lambda o: o.amount is None,
    "short_row": lambda o: o.amount is not None and o.supplier_name is None and o.supplier_siret is None,
    "siret_13": lambda o: o.supplier_siret is None,
    "date_impossible": lambda o: o.notification_date is None,
}


def _check(broken, outcomes, dataset):
    for b in broken:
        if b.key == "blank_row":
            assert b.row not in outcomes
            continue
        status, codes, order = outcomes[b.row]
        expected = "rejected" if b.expected.startswith("rejetée") else "kept"
        assert status == expected, (dataset, b.row, b.key, status, codes)
        if b.key in READ_AS:
            assert READ_AS[b.key](order), (dataset, b.row, b.key, order)
        named = re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", b.expected)  # codes quoted in the README
        for code in named:
            assert code in codes or code == "blank_rows", (dataset, b.row, b.key, code, codes)
    rejected = {row for row, (status, _, _) in outcomes.items() if status == "rejected"}
    assert rejected == {b.row for b in broken if b.expected.startswith("rejetée")}, dataset


def test_broken_rows_of_the_workbook_end_as_documented(regenerated):
    _, result = regenerated
    _check(result.xlsx_broken, _outcomes(SAMPLES / gen.XLSX_NAME), "xlsx")


def test_broken_rows_of_the_csv_end_as_documented(regenerated):
    _, result = regenerated
    _check(result.csv_broken, _outcomes(SAMPLES / gen.CSV_NAME), "csv")
