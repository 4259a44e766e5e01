"""Whatever a file holds, a run either refuses it with one clear error or accounts for every row.

Short Hypothesis runs here are part of `make test`; `-m slow` runs the long ones.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.errors import ProcurementError
from procurement.pipeline import run
from procurement.read.base import ReadOptions
from procurement.rulebook import load_default

RULES = load_default()
SHORT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LONG = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADERS = ["Identifiant", "Objet", "Montant HT", "Code CPV", "Date de notification", "SIRET", "Part bio (%)",
           "Considérations sociales", "Nature", "Code postal"]
cell = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.sampled_from(["=1+1", "<script>alert(1)</script>", "1 234,56 €", "31/02/2025", "NC", "\x00", "45233142-3"]),
)


def _score_or_refuse(path: Path, **opts) -> None:
    try:
        result = run([path], RULES, read_options=ReadOptions(**opts))
    except ProcurementError as err:
        message = err.message("fr")
        assert message and "\n" not in message.strip()
        return
    c = result.counts
    assert c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]


@SHORT
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".json", ".xlsx", ".txt"]))
def test_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    _score_or_refuse(path)


@SHORT
@given(text=st.text(max_size=2000))
def test_arbitrary_csv_text_under_a_real_header(tmp_path, text):
    path = tmp_path / "f.csv"
    path.write_bytes((";".join(HEADERS) + "\n" + text).encode("utf-8", "replace"))
    _score_or_refuse(path)


@SHORT
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=len(HEADERS)), max_size=12))
def test_arbitrary_cells_in_a_workbook(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        clean = []
        for v in row:
            if isinstance(v, str):
                v = "".join(ch for ch in v if ch >= " " or ch in "\t\n")  # what openpyxl can store
            if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                v = None  # xlsx cannot hold NaN or infinity
            clean.append(v)
        ws.append(clean)
    path = tmp_path / "f.xlsx"
    wb.save(path)
    _score_or_refuse(path)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
decp_keys = st.sampled_from(["id", "acheteur", "objet", "codeCPV", "montant", "dateNotification", "titulaires",
                             "lieuExecution", "considerationsSociales", "modifications", "nature", "procedure"])


@SHORT
@given(records=st.lists(st.dictionaries(decp_keys, json_values, max_size=8), max_size=6),
       wrapped=st.booleans())
def test_arbitrary_decp_like_json(tmp_path, records, wrapped):
    doc = {"marches": {"marche": records}} if wrapped else {"marches": records}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _score_or_refuse(path)


def test_json_nested_10000_deep(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"marches": ' + "[" * 10_000 + "]" * 10_000 + "}", encoding="utf-8")
    with pytest.raises(ProcurementError):
        run([path], RULES)


def test_csv_with_a_10_mb_cell(tmp_path):
    path = tmp_path / "big-cell.csv"
    path.write_text("Identifiant;Objet;Montant HT\nA1;" + "x" * (10 * 1024 * 1024) + ";12\nA2;ok;3\n",
                    encoding="utf-8")
    with pytest.raises(ProcurementError) as exc:
        run([path], RULES)
    assert "ligne" in exc.value.message("fr")


def test_csv_with_10000_columns_and_mixed_line_endings(tmp_path):
    header = ["Identifiant", "Objet", "Montant HT"] + [f"col{i}" for i in range(10_000)]
    row = ["A1", "x", "12"] + ["v"] * 10_000
    path = tmp_path / "wide.csv"
    path.write_bytes((";".join(header) + "\r\n" + ";".join(row) + "\n" + "A2;y;3\r").encode())
    result = run([path], RULES)
    assert result.counts["orders"] == 2


def test_two_gigabyte_file_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(2 * 1024**3 + 1)  # sparse: no disk used
    with pytest.raises(ProcurementError) as exc:
        run([path], RULES)
    assert "Mo" in exc.value.message("fr")
    os.unlink(path)


@pytest.mark.slow
@LONG
@given(data=st.binary(max_size=20000), suffix=st.sampled_from([".csv", ".json", ".xlsx"]))
def test_arbitrary_bytes_long(tmp_path, data, suffix):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    _score_or_refuse(path)
